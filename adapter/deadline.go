package adapter

import (
	"sync"
	"time"
)

// deadline is one direction's deadline (read or write) in the shape of
// gonet's deadlineTimer: a channel that is closed when the deadline passes.
// Blocked calls select on it next to their waiter channel, so moving the
// deadline into the past wakes them, and extending it keeps them blocked
// (net.Conn requires both of pending calls).
//
// The channel is replaced only when it is already closed (or its timer
// already fired), so a call that fetched it earlier still observes a later
// expiry: Stop on a pending timer keeps the channel, and the next timer
// closes that same channel.
type deadline struct {
	mu sync.Mutex
	// +checklocks:mu
	timer *time.Timer
	// +checklocks:mu
	ch chan struct{}
}

func newDeadline() *deadline { return &deadline{ch: make(chan struct{})} }

// done returns the channel closed when the current deadline passes; for a
// nil deadline (none applies) a nil channel, which never fires.
func (d *deadline) done() <-chan struct{} {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ch
}

// set implements the SetXxxDeadline methods; the zero time clears the
// deadline. Deadlines are wall-clock times, as for the net package.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		// The timer fired (or is firing): its callback closes the old
		// channel, so future calls need a fresh one.
		d.ch = make(chan struct{})
	}
	d.timer = nil
	select {
	case <-d.ch:
		// Closed by an earlier past deadline.
		d.ch = make(chan struct{})
	default:
	}
	if t.IsZero() {
		return
	}
	timeout := time.Until(t)
	if timeout <= 0 {
		close(d.ch)
		return
	}
	// Capture the channel: the callback may run after a later set
	// replaced d.ch, and must close the channel of its own deadline.
	ch := d.ch
	d.timer = time.AfterFunc(timeout, func() { close(ch) })
}

// stop releases the timer when the owner is closed.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}
