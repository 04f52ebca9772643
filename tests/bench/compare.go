package bench

import (
	"fmt"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"
)

// Contender is one of the stacks a benchmark compares.
type Contender struct {
	// Name prefixes the contender's metrics ("SCTP", "TCP", "UDP").
	Name string
	// Run does n units of work and returns when they have been delivered.
	Run func(n int)
}

// Result is what one contender did over a whole Compare.
type Result struct {
	Units  int
	Wall   time.Duration
	CPU    time.Duration // user+system of the process while it ran
	Allocs uint64        // heap objects allocated while it ran
}

// Rate is units per second of wall time.
func (r Result) Rate() float64 { return float64(r.Units) / max(r.Wall.Seconds(), 1e-9) }

// Compare runs every contender b.N units in alternating rounds (A B, B A,
// A B, ...) so that both see the same machine load, and reports each
// contender's rate, CPU seconds and allocations per unit, and the ratio
// of the first contender's rate to each other's. A unit of unitBytes > 0
// bytes reports MB/s and CPU-s/GB; otherwise the rate is in unit/s. The
// returned results are in the contenders' order.
//
// Only the rounds are timed; set-up belongs before the call. The
// framework's own ns/op covers all contenders together and means little.
func Compare(b *testing.B, unit string, unitBytes int, cs ...Contender) []Result {
	b.Helper()
	res := make([]Result, len(cs))
	rounds := min(b.N, 8)
	b.ResetTimer()
	for r := range rounds {
		n := b.N/rounds + boolInt(r < b.N%rounds)
		for i := range cs {
			k := i
			if r%2 == 1 {
				k = len(cs) - 1 - i
			}
			res[k].add(measure(func() { cs[k].Run(n) }), n)
		}
	}
	b.StopTimer()
	for i, c := range cs {
		r := res[i]
		if unitBytes > 0 {
			b.ReportMetric(r.Rate()*float64(unitBytes)/1e6, c.Name+"-MB/s")
			b.ReportMetric(r.CPU.Seconds()/(float64(r.Units)*float64(unitBytes)/1e9), c.Name+"-cpu-s/GB")
		} else {
			b.ReportMetric(r.Rate(), c.Name+"-"+unit+"/s")
			b.ReportMetric(float64(r.CPU.Nanoseconds())/float64(r.Units), c.Name+"-cpu-ns/"+unit)
		}
		b.ReportMetric(float64(r.Allocs)/float64(r.Units), c.Name+"-allocs/"+unit)
		if i > 0 {
			b.ReportMetric(res[0].Rate()/r.Rate(), fmt.Sprintf("%s/%s", cs[0].Name, c.Name))
		}
	}
	return res
}

func (r *Result) add(m Result, n int) {
	r.Units += n
	r.Wall += m.Wall
	r.CPU += m.CPU
	r.Allocs += m.Allocs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// measure runs f and returns its wall time, process CPU time and heap
// allocations (runtime/metrics: no stop-the-world, unlike ReadMemStats).
func measure(f func()) Result {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	a0 := s[0].Value.Uint64()
	c0 := CPUTime()
	t0 := time.Now()
	f()
	wall := time.Since(t0)
	c1 := CPUTime()
	metrics.Read(s)
	return Result{Wall: wall, CPU: c1 - c0, Allocs: s[0].Value.Uint64() - a0}
}

// CPUTime is the process's user plus system CPU time so far. Unlike wall
// time it does not count the other processes sharing the machine.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
