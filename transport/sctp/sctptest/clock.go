package sctptest

import (
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/faketime"
)

// simClock is the tcpip.Clock given to every stack in manual-time mode. It
// delegates everything to one faketime.ManualClock but also remembers when
// each armed timer is due.
//
// Why: ManualClock.Advance(d) fires every timer up to now+d in one call and
// offers no way to stop at the first one. If Network.Advance jumped straight
// to the next packet arrival, a packet sent by a timer that fired on the way
// would be queued "in the past" and delivered late. Knowing the next timer
// lets Network.Advance step the ManualClock exactly from event to event.
//
// The record is exact for timers armed by the goroutine that advances the
// clock (timer callbacks, packet processing during delivery) and while the
// clock is idle. A timer armed by another goroutine while ManualClock.Advance
// is moving time may be recorded slightly early; the only effect is that
// packets it sends may be delivered a little late. Such goroutines (for
// example gVisor TCP's segment processors) are not deterministic anyway.
type simClock struct {
	mc *faketime.ManualClock
	// fired counts timer callbacks run, for Network.Settle.
	fired atomic.Uint64

	mu sync.Mutex
	// timers holds one entry per Reset of a timer; entries that are stale
	// (generation changed, or already in the past) are discarded lazily.
	//
	// +checklocks:mu
	timers minHeap[timerEntry]
	// compactAt is the heap size at which stale entries are purged eagerly,
	// so timers that are re-armed constantly (retransmission timers) cannot
	// grow the heap without bound.
	//
	// +checklocks:mu
	compactAt int
}

var _ tcpip.Clock = (*simClock)(nil)

// epoch is the ManualClock's initial time (see faketime.NewManualClock).
var epoch = time.Unix(0, 0)

func newSimClock() *simClock {
	return &simClock{mc: faketime.NewManualClock(), compactAt: 1024}
}

// Now implements tcpip.Clock.Now.
func (c *simClock) Now() time.Time { return c.mc.Now() }

// NowMonotonic implements tcpip.Clock.NowMonotonic.
func (c *simClock) NowMonotonic() tcpip.MonotonicTime { return c.mc.NowMonotonic() }

// elapsed returns the simulated time since the clock was created.
func (c *simClock) elapsed() time.Duration { return c.mc.Now().Sub(epoch) }

// AfterFunc implements tcpip.Clock.AfterFunc.
func (c *simClock) AfterFunc(d time.Duration, f func()) tcpip.Timer {
	t := &simTimer{clock: c}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := c.elapsed()
	t.inner = c.mc.AfterFunc(d, func() {
		c.fired.Add(1)
		f()
	})
	if d > 0 {
		c.track(now+d, t, t.gen.Load())
	}
	return t
}

// track records that t (at generation gen) fires at when.
func (c *simClock) track(when time.Duration, t *simTimer, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers.push(timerEntry{when: when, t: t, gen: gen})
	if c.timers.len() >= c.compactAt {
		now := c.elapsed()
		c.timers.filter(func(e *timerEntry) bool { return e.live(now) })
		c.compactAt = max(1024, 2*c.timers.len())
	}
}

// nextTimer returns when the earliest armed timer fires, if it is after now.
func (c *simClock) nextTimer(now time.Duration) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.timers.len() > 0 {
		if e := c.timers.peek(); e.live(now) {
			return e.when, true
		}
		c.timers.pop()
	}
	return 0, false
}

// timerEntry is one recorded arming of a timer.
type timerEntry struct {
	when time.Duration
	t    *simTimer
	gen  uint64
}

func (e timerEntry) less(o timerEntry) bool { return e.when < o.when }

// live reports whether the entry still describes a pending firing. Entries at
// or before now have fired: the ManualClock has been advanced to now.
func (e *timerEntry) live(now time.Duration) bool {
	return e.when > now && e.gen == e.t.gen.Load()
}

// simTimer wraps a ManualClock timer and keeps simClock's record in step.
type simTimer struct {
	clock *simClock
	// gen is bumped on every Reset and Stop, invalidating older records.
	gen atomic.Uint64

	// mu serializes Reset and Stop so the recorded due time matches the
	// one the ManualClock computed.
	mu sync.Mutex
	// +checklocks:mu
	inner tcpip.Timer
}

// Stop implements tcpip.Timer.Stop.
func (t *simTimer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen.Add(1)
	return t.inner.Stop()
}

// Reset implements tcpip.Timer.Reset.
func (t *simTimer) Reset(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	gen := t.gen.Add(1)
	now := t.clock.elapsed()
	t.inner.Reset(d)
	if d > 0 {
		t.clock.track(now+d, t, gen)
	}
}
