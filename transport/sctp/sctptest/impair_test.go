package sctptest

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binomialOK reports whether k successes out of n trials is within z
// standard deviations of the expectation n*p.
func binomialOK(k, n uint64, p, z float64) bool {
	mean := float64(n) * p
	sd := math.Sqrt(float64(n) * p * (1 - p))
	return math.Abs(float64(k)-mean) <= z*sd
}

// blast injects count raw packets of size bytes from A, one every gap of
// network time, then lets everything arrive.
func blast(n *Network, l *Link, count, size int, gap time.Duration) {
	for i := range count {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), size, uint32(i)))
		if gap > 0 {
			n.Advance(gap)
		}
	}
	n.Advance(time.Second)
}

func TestLossRate(t *testing.T) {
	const count = 20000
	var tl traceLog
	n, l := pair(t, Options{Seed: 1, Trace: tl.record}, LinkConfig{ImpairAtoB: &Impairments{Loss: 0.1}})
	blast(n, l, count, 100, 0)
	st := l.Stats(AtoB)
	assert.Equal(t, uint64(count), st.Sent)
	assert.Equal(t, st.Sent, st.Delivered+st.DroppedLoss)
	assert.True(t, binomialOK(st.DroppedLoss, count, 0.1, 4.5), "lost %d of %d", st.DroppedLoss, count)
	assert.Len(t, tl.filter(EventDeliver, AtoB), int(st.Delivered))
	assert.Zero(t, l.Stats(BtoA).DroppedLoss, "the other direction is unimpaired")
}

// lossRuns returns the lengths of the runs of consecutive losses.
func lossRuns(sends []Event) []int {
	var runs []int
	cur := 0
	for _, e := range sends {
		if e.Verdict&DropLoss != 0 {
			cur++
			continue
		}
		if cur > 0 {
			runs = append(runs, cur)
		}
		cur = 0
	}
	return runs
}

func meanInt(xs []int) float64 {
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

func TestBurstLossClusters(t *testing.T) {
	const count = 20000
	ge := &GilbertElliott{P: 0.01, R: 0.25, LossBad: 1}
	var tl traceLog
	n, l := pair(t, Options{Seed: 2, Trace: tl.record}, LinkConfig{ImpairAtoB: &Impairments{Burst: ge}})
	blast(n, l, count, 100, 0)
	st := l.Stats(AtoB)
	rate := float64(st.DroppedLoss) / count
	// Losses are correlated, so allow a wide band around 1/26.
	assert.InDelta(t, ge.LossRate(), rate, 0.015, "loss rate")
	runs := lossRuns(tl.filter(EventSend, AtoB))
	// Mean burst length is 1/R = 4; independent loss at this rate would
	// give about 1.04.
	assert.InDelta(t, 4, meanInt(runs), 1, "mean burst length")

	// Same rate without bursts: runs are short.
	var tl2 traceLog
	n2, l2 := pair(t, Options{Seed: 2, Trace: tl2.record}, LinkConfig{ImpairAtoB: &Impairments{Loss: ge.LossRate()}})
	blast(n2, l2, count/2, 100, 0)
	assert.Less(t, meanInt(lossRuns(tl2.filter(EventSend, AtoB))), 1.2)
}

func TestReorder(t *testing.T) {
	const count = 2000
	var tl traceLog
	im := Impairments{Delay: 2 * time.Millisecond, Reorder: 0.1, ReorderDelay: 5 * time.Millisecond}
	n, l := pair(t, Options{Seed: 3, Trace: tl.record}, LinkConfig{ImpairAtoB: &im})
	blast(n, l, count, 200, time.Millisecond)
	st := l.Stats(AtoB)
	assert.Equal(t, uint64(count), st.Delivered)
	assert.True(t, binomialOK(st.Reordered, count, 0.1, 4.5), "reordered %d", st.Reordered)

	sends := tl.filter(EventSend, AtoB)
	delivers := tl.filter(EventDeliver, AtoB)
	require.Len(t, delivers, count)
	inversions := 0
	for i := 1; i < len(delivers); i++ {
		if delivers[i].Index < delivers[i-1].Index {
			inversions++
		}
	}
	assert.Greater(t, inversions, int(st.Reordered)/2, "arrival order must differ from send order")
	for _, d := range delivers {
		s := sends[d.Index]
		want := 2 * time.Millisecond
		if s.Verdict&Reordered != 0 {
			want += 5 * time.Millisecond
		}
		assert.Equal(t, want, d.At-s.At, "packet %d", d.Index)
	}
}

func TestDuplicate(t *testing.T) {
	const count = 5000
	var tl traceLog
	n, l := pair(t, Options{Seed: 4, Trace: tl.record}, LinkConfig{ImpairAtoB: &Impairments{Duplicate: 0.2}})
	blast(n, l, count, 100, 0)
	st := l.Stats(AtoB)
	assert.True(t, binomialOK(st.Duplicated, count, 0.2, 4.5), "duplicated %d", st.Duplicated)
	assert.Equal(t, count+st.Duplicated, st.Delivered)
	copies := map[uint64]int{}
	dupMarks := 0
	for _, e := range tl.filter(EventDeliver, AtoB) {
		copies[e.Index]++
		if e.Verdict&Duplicated != 0 {
			dupMarks++
		}
	}
	assert.Equal(t, int(st.Duplicated), dupMarks)
	for _, e := range tl.filter(EventSend, AtoB) {
		want := 1
		if e.Verdict&Duplicated != 0 {
			want = 2
		}
		assert.Equal(t, want, copies[e.Index], "packet %d", e.Index)
	}
}

func TestDelayAndJitterShapeArrivals(t *testing.T) {
	const count = 2000
	var tl traceLog
	im := Impairments{Delay: 20 * time.Millisecond, Jitter: 10 * time.Millisecond}
	n, l := pair(t, Options{Seed: 5, Trace: tl.record}, LinkConfig{ImpairAtoB: &im})
	blast(n, l, count, 100, time.Millisecond)
	sends := tl.filter(EventSend, AtoB)
	var sum time.Duration
	lo, hi := time.Hour, time.Duration(0)
	for _, d := range tl.filter(EventDeliver, AtoB) {
		lat := d.At - sends[d.Index].At
		assert.Equal(t, sends[d.Index].Due, d.At, "delivered exactly when due")
		sum += lat
		lo, hi = min(lo, lat), max(hi, lat)
	}
	assert.GreaterOrEqual(t, lo, 20*time.Millisecond)
	assert.Less(t, hi, 30*time.Millisecond)
	assert.Greater(t, hi-lo, 9*time.Millisecond, "jitter spreads arrivals")
	mean := sum / count
	assert.InDelta(t, float64(25*time.Millisecond), float64(mean), float64(500*time.Microsecond))
}

func TestBandwidthSerializesAndQueues(t *testing.T) {
	var tl traceLog
	// 1 Mbit/s: a 1000-byte packet occupies the wire for 8 ms.
	im := Impairments{Delay: 5 * time.Millisecond, Bandwidth: 1_000_000, QueueLimit: 4000}
	n, l := pair(t, Options{Trace: tl.record}, LinkConfig{ImpairAtoB: &im})
	for i := range 10 {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 1000, uint32(i)))
	}
	n.Advance(time.Second)
	st := l.Stats(AtoB)
	// 4000 bytes hold the packet on the wire and 3 queued ones.
	assert.Equal(t, uint64(4), st.Delivered)
	assert.Equal(t, uint64(6), st.DroppedQueue)
	var got []time.Duration
	for _, d := range tl.filter(EventDeliver, AtoB) {
		got = append(got, d.At)
	}
	want := []time.Duration{13, 21, 29, 37}
	for i := range want {
		want[i] *= time.Millisecond
	}
	assert.Equal(t, want, got)

	// Once the queue has drained, a new packet goes straight out.
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 1000, 99))
	start := n.Elapsed()
	n.Advance(time.Second)
	last := tl.filter(EventDeliver, AtoB)
	assert.Equal(t, start+13*time.Millisecond, last[len(last)-1].At)
}

func TestMTUBlackHole(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{ImpairAtoB: &Impairments{MTU: 1000}})
	for _, size := range []int{999, 1000, 1001, 1500} {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), size, 0))
	}
	n.Advance(time.Millisecond)
	st := l.Stats(AtoB)
	assert.Equal(t, uint64(2), st.Delivered)
	assert.Equal(t, uint64(2), st.DroppedMTU)
}

func TestCutAndHeal(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 10 * time.Millisecond}})
	a, b := l.A(), l.B()
	send := func(from *Iface) {
		from.WriteRaw(rawUDP4(from.IPv4(), from.Peer().IPv4(), 100, 0))
	}
	// In flight when cut: dropped on arrival.
	send(a)
	n.Advance(5 * time.Millisecond)
	l.Cut()
	send(a)
	send(b)
	n.Advance(time.Second)
	assert.Equal(t, uint64(2), l.Stats(AtoB).DroppedCut)
	assert.Equal(t, uint64(1), l.Stats(BtoA).DroppedCut)
	assert.Zero(t, l.Stats(Both).Delivered)

	l.Heal()
	send(a)
	send(b)
	n.Advance(time.Second)
	assert.Equal(t, uint64(2), l.Stats(Both).Delivered)

	// One direction only.
	l.CutDir(BtoA)
	assert.True(t, l.Impairments(BtoA).Down)
	assert.False(t, l.Impairments(AtoB).Down)
	send(a)
	send(b)
	n.Advance(time.Second)
	assert.Equal(t, uint64(2), l.Stats(AtoB).Delivered)
	assert.Equal(t, uint64(1), l.Stats(BtoA).Delivered)
	assert.Equal(t, uint64(2), l.Stats(BtoA).DroppedCut)
	l.HealDir(BtoA)
	send(b)
	n.Advance(time.Second)
	assert.Equal(t, uint64(2), l.Stats(BtoA).Delivered)
	assert.Zero(t, l.Stats(Both).InFlight())
}

func TestImpairmentsChangeAtRunTime(t *testing.T) {
	n, l := pair(t, Options{Seed: 6}, LinkConfig{})
	blast(n, l, 1000, 100, 0)
	assert.Zero(t, l.Stats(AtoB).DroppedLoss)
	l.UpdateImpairments(AtoB, func(im *Impairments) { im.Loss = 1 })
	blast(n, l, 1000, 100, 0)
	assert.Equal(t, uint64(1000), l.Stats(AtoB).DroppedLoss)
	l.SetImpairments(Both, Impairments{})
	blast(n, l, 1000, 100, 0)
	assert.Equal(t, uint64(2000), l.Stats(AtoB).Delivered)
}
