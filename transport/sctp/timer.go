package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// timerID names one of an association's timers.
type timerID uint8

const (
	timerT1Init timerID = iota
	timerT1Cookie
	timerT2Shutdown
	timerT3Rtx
	timerT5ShutdownGuard
	timerHeartbeat
	timerSack
	timerAutoclose
	numTimers
)

var timerNames = [numTimers]string{"T1-init", "T1-cookie", "T2-shutdown", "T3-rtx", "T5-shutdown-guard", "heartbeat", "delayed-SACK", "autoclose"}

func (t timerID) String() string {
	if t < numTimers {
		return timerNames[t]
	}
	return "timer(?)"
}

// event returns the timeout event of the timer.
func (t timerID) event() eventType { return evTimeoutT1Init + eventType(t) }

// assocTimer is one timer of an association on the stack's clock. The
// tcpip.Timer is made once and Reset afterwards, so arming allocates
// nothing. A callback that lost the race with Stop or Reset finds the timer
// disarmed or its deadline in the future and does nothing.
//
// An association makes each of its timers the first time it starts it: an
// idle one has only its heartbeat timer. All fields are guarded by the
// association's mu; whether the timer is armed is a bit of the
// association's timersArmed.
type assocTimer struct {
	t        tcpip.Timer
	deadline tcpip.MonotonicTime
}

// timerArmed reports whether timer id is armed.
//
// +checklocks:a.mu
func (a *association) timerArmed(id timerID) bool { return a.timersArmed&(1<<id) != 0 }

// startTimer arms timer id to fire after the association's duration for it.
//
// +checklocks:a.mu
func (a *association) startTimer(id timerID) {
	a.startTimerIn(id, a.timerDuration(id))
}

// startTimerIn arms timer id to fire after d.
//
// +checklocks:a.mu
func (a *association) startTimerIn(id timerID, d time.Duration) {
	tm := a.timers[id]
	if tm == nil {
		tm = new(assocTimer)
		a.timers[id] = tm
	}
	clock := a.p.stack.Clock()
	deadline := clock.NowMonotonic().Add(d)
	if a.timerArmed(id) && tm.t != nil && !deadline.Before(tm.deadline) {
		// Pushed later (T3 restarts on every SACK): the running timer
		// fires first and re-arms itself for the rest (onTimer), which
		// is cheaper than resetting it each time.
		tm.deadline = deadline
		return
	}
	tm.deadline = deadline
	if !a.timerArmed(id) {
		a.p.stats.TimersActive.Increment()
	}
	a.timersArmed |= 1 << id
	if tm.t == nil {
		tm.t = clock.AfterFunc(d, func() { a.onTimer(id) })
		return
	}
	tm.t.Reset(d)
}

// stopTimer disarms timer id.
//
// +checklocks:a.mu
func (a *association) stopTimer(id timerID) {
	if !a.timerArmed(id) {
		return
	}
	a.timersArmed &^= 1 << id
	a.p.stats.TimersActive.Decrement()
	if tm := a.timers[id]; tm != nil && tm.t != nil {
		tm.t.Stop()
	}
}

// dropTimer disarms timer id and lets its clock timer go: for a timer
// the association will not need again, whose clock timer would otherwise
// be a good part of an idle association's memory. A later startTimer
// makes a new one.
//
// +checklocks:a.mu
func (a *association) dropTimer(id timerID) {
	a.stopTimer(id)
	a.timers[id] = nil
}

// stopAllTimers disarms every timer, for the end of the association.
//
// +checklocks:a.mu
func (a *association) stopAllTimers() {
	for id := timerID(0); id < numTimers; id++ {
		a.stopTimer(id)
	}
}

// onTimer runs on the clock's goroutine when timer id fires.
func (a *association) onTimer(id timerID) {
	a.mu.Lock()
	tm := a.timers[id]
	if !a.timerArmed(id) || tm == nil {
		a.mu.Unlock()
		return
	}
	if now := a.p.stack.Clock().NowMonotonic(); now.Before(tm.deadline) {
		tm.t.Reset(tm.deadline.Sub(now)) // the deadline moved on
		a.mu.Unlock()
		return
	}
	a.timersArmed &^= 1 << id
	a.p.stats.TimersActive.Decrement()
	if id == timerSack && a.sackBurst {
		// Not SACK.Delay running out: the SACK owed at a burst's end.
		a.p.stats.BurstSacks.Increment()
	} else {
		a.p.stats.Timeouts[id].Increment()
		a.stats.Timeouts[id].Increment()
	}
	ev := event{typ: id.event()}
	a.runLocked(&ev)
	a.unlockAndFlush()
}
