package sctptest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimeMovesOnlyWhenAdvanced(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 60 * time.Second}})
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, 1))
	time.Sleep(20 * time.Millisecond) // Real time does not matter.
	assert.Zero(t, n.Elapsed())
	n.Advance(60*time.Second - time.Nanosecond)
	assert.Zero(t, l.Stats(AtoB).Delivered)
	assert.Equal(t, 1, n.InFlight())
	n.Advance(time.Nanosecond)
	assert.Equal(t, uint64(1), l.Stats(AtoB).Delivered)
	assert.Equal(t, 60*time.Second, n.Elapsed())
}

func TestTimersAndPacketsInterleaveExactly(t *testing.T) {
	var tl traceLog
	n, l := pair(t, Options{Trace: tl.record}, LinkConfig{Impairments: Impairments{Delay: time.Millisecond}})
	a := l.A()
	// A timer at 3 ms sends a packet; a timer at 4.5 ms sends another.
	n.Clock().AfterFunc(3*time.Millisecond, func() {
		a.WriteRaw(rawUDP4(a.IPv4(), a.Peer().IPv4(), 100, 1))
	})
	tm := n.Clock().AfterFunc(time.Hour, func() {
		a.WriteRaw(rawUDP4(a.IPv4(), a.Peer().IPv4(), 100, 2))
	})
	tm.Reset(4500 * time.Microsecond)
	stopped := n.Clock().AfterFunc(2*time.Millisecond, func() { t.Error("stopped timer fired") })
	stopped.Stop()
	n.Advance(10 * time.Millisecond)
	var at []time.Duration
	for _, e := range tl.filter(EventDeliver, AtoB) {
		at = append(at, e.At)
	}
	assert.Equal(t, []time.Duration{4 * time.Millisecond, 5500 * time.Microsecond}, at)
}

func TestZeroDelayRepliesInSameAdvance(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{})
	// A datagram to a closed port draws an ICMP error from B at once.
	b := rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, 1)
	b[23] = 10 // Destination port 10: nobody listens.
	l.A().WriteRaw(b)
	n.Advance(0)
	assert.Equal(t, uint64(1), l.Stats(AtoB).Delivered)
	assert.Equal(t, uint64(1), l.Stats(BtoA).Delivered, "the reply is delivered in the same Advance")
	assert.Zero(t, n.Elapsed())
}

func TestZeroDelayLoopGuard(t *testing.T) {
	n, l := pair(t, Options{MaxDeliveriesPerInstant: 3}, LinkConfig{})
	for i := range 5 {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, uint32(i)))
	}
	assert.Panics(t, func() { n.Advance(time.Millisecond) })
}

func TestRunUntil(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 50 * time.Millisecond}})
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, 1))
	ok := n.RunUntil(func() bool { return l.Stats(AtoB).Delivered == 1 }, time.Second)
	assert.True(t, ok)
	assert.Equal(t, 50*time.Millisecond, n.Elapsed(), "stops at the first step where cond holds")

	start := n.Elapsed()
	assert.False(t, n.RunUntilStep(func() bool { return false }, 95*time.Millisecond, 10*time.Millisecond))
	assert.Equal(t, start+95*time.Millisecond, n.Elapsed(), "never overshoots maxTime")
}

func TestAutoAdvance(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 30 * time.Millisecond}})
	rx := newUDPSocket(t, l.B().Host(), l.B().IPv4(), 7000)
	tx := newUDPSocket(t, l.A().Host(), l.A().IPv4(), 0)
	tx.sendTo(t, l.B().IPv4(), 7000, []byte("x"))
	n.StartAutoAdvance(time.Millisecond, 0)
	n.StartAutoAdvance(time.Millisecond, 0) // Idempotent.
	deadline := time.Now().Add(10 * time.Second)
	for len(rx.recv()) == 0 {
		require.True(t, time.Now().Before(deadline), "auto-advance did not deliver")
		time.Sleep(time.Millisecond)
	}
	n.StopAutoAdvance()
	at := n.Elapsed()
	assert.GreaterOrEqual(t, at, 30*time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	assert.Equal(t, at, n.Elapsed(), "stopped")
}

func TestTimerRecordsStayBounded(t *testing.T) {
	n := New(Options{})
	defer n.Close()
	fired := 0
	tm := n.Clock().AfterFunc(time.Second, func() { fired++ })
	// A retransmission-style timer re-armed over and over.
	for i := range 20_000 {
		tm.Reset(time.Second + time.Duration(i)*time.Microsecond)
	}
	n.sim.mu.Lock()
	size := n.sim.timers.len()
	n.sim.mu.Unlock()
	assert.Less(t, size, 4096, "stale records are purged")
	next, ok := n.sim.nextTimer(0)
	require.True(t, ok)
	assert.Equal(t, time.Second+19_999*time.Microsecond, next)
	n.Advance(2 * time.Second)
	assert.Equal(t, 1, fired)
	_, ok = n.sim.nextTimer(n.Elapsed())
	assert.False(t, ok)
}
