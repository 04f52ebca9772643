package sctptest

import (
	"fmt"
	"runtime"
	"time"
)

// Advance moves network time forward by d, firing the stacks' timers and
// delivering packets in time order. With Options.RealClock it just sleeps.
//
// Advance alternates between moving the ManualClock to the next event (the
// earliest of: a packet arrival, a timer known to simClock, now+d) and
// delivering every packet due at that instant, ordered by due time and
// then by send order. Everything happens on the calling goroutine. At one
// instant, timers fire before packets are delivered; packets sent with
// zero delay while delivering are delivered in the same call, looping until
// the instant is quiet (see Options.MaxDeliveriesPerInstant).
//
// Determinism: stacks that process packets synchronously (IPv4/IPv6, UDP,
// ICMP) behave identically on every run with the same seed and traffic.
// Two ManualClock properties can still reorder work at one instant: timers
// due at the same instant fire in Go map order, and timers armed with a
// zero or negative delay run on new goroutines (Advance waits for them).
// Packet decisions use per-direction random streams consumed in a fixed
// pattern per packet, so the sequence of decisions on each direction never
// changes; only which of two simultaneous packets gets which decision can.
// Stacks that process packets on their own goroutines (gVisor TCP) add
// real-time nondeterminism; RunUntil yields to them between steps.
func (n *Network) Advance(d time.Duration) {
	if n.sim == nil {
		time.Sleep(d)
		return
	}
	n.advance(d, nil)
}

// advance is Advance in manual mode. If stop is not nil it is called after
// each instant has been drained, and advance returns true as soon as stop
// does, leaving the clock at that instant.
func (n *Network) advance(d time.Duration, stop func() bool) bool {
	n.advMu.Lock()
	defer n.advMu.Unlock()
	until := n.sim.elapsed() + d
	for {
		n.drainInstant()
		if stop != nil && stop() {
			return true
		}
		now := n.sim.elapsed()
		if now >= until {
			return false
		}
		next := until
		if t, ok := n.nextDue(); ok && t < next {
			next = t
		}
		if t, ok := n.sim.nextTimer(now); ok && t < next {
			next = t
		}
		if next > now {
			n.sim.mc.Advance(next - now)
		}
	}
}

// drainInstant runs zero-delay timers and delivers every packet due at or
// before the current instant, until nothing more happens at this instant.
func (n *Network) drainInstant() {
	delivered := 0
	for {
		// Advance(0) waits for zero-delay timer goroutines and fires
		// timers due now.
		n.sim.mc.Advance(0)
		now := n.sim.elapsed()
		k := 0
		for {
			p, ok := n.popDue(now)
			if !ok {
				break
			}
			p.dir.deliver(&p)
			k++
			if delivered+k > n.opts.MaxDeliveriesPerInstant {
				panic(fmt.Sprintf("sctptest: more than %d packets delivered at network time %v without time moving: a zero-delay packet loop? (Options.MaxDeliveriesPerInstant)", n.opts.MaxDeliveriesPerInstant, now))
			}
		}
		if k == 0 {
			return
		}
		delivered += k
	}
}

// popDue removes the first packet due at or before now.
func (n *Network) popDue(now time.Duration) (packet, bool) {
	n.qmu.Lock()
	defer n.qmu.Unlock()
	if n.queue.len() == 0 || n.queue.peek().due > now {
		return packet{}, false
	}
	return n.queue.pop(), true
}

// nextDue returns the arrival time of the next packet in flight.
func (n *Network) nextDue() (time.Duration, bool) {
	n.qmu.Lock()
	defer n.qmu.Unlock()
	if n.queue.len() == 0 {
		return 0, false
	}
	return n.queue.peek().due, true
}

// InFlight returns the number of packet copies queued for delivery in
// manual-clock mode.
func (n *Network) InFlight() int {
	n.qmu.Lock()
	defer n.qmu.Unlock()
	return n.queue.len()
}

// Settle lets goroutines other than the caller (gVisor TCP processors,
// application goroutines) run until the network has been quiet for a few
// scheduler rounds and a few microseconds, without moving time: packets
// they send are stamped with the current instant. It is a heuristic,
// bounded in real time, and cheap when nothing happened since the last
// call (no packet sent or delivered, no timer fired).
func (n *Network) Settle() {
	const (
		quietRounds = 8
		quietTime   = 20 * time.Microsecond
		maxTime     = 5 * time.Millisecond
	)
	if n.activity() == n.settled.Load() {
		for range quietRounds {
			runtime.Gosched()
		}
		if n.activity() == n.settled.Load() {
			return
		}
	}
	start := time.Now()
	quietSince := start
	last := n.activity()
	for quiet := 0; ; {
		runtime.Gosched()
		now := time.Now()
		if cur := n.activity(); cur != last {
			last, quiet, quietSince = cur, 0, now
		} else if quiet++; quiet >= quietRounds && now.Sub(quietSince) >= quietTime {
			break
		}
		if now.Sub(start) >= maxTime {
			break
		}
	}
	n.settled.Store(last)
}

// activity counts events that may wake other goroutines.
func (n *Network) activity() uint64 {
	a := n.sends.Load() + n.deliveries.Load()
	if n.sim != nil {
		a += n.sim.fired.Load()
	}
	return a
}

// RunUntil advances time in steps of Options.Step until cond returns true or
// maxTime of network time has passed, and reports whether cond became true.
// cond is checked before the first step and after each one; between steps
// other goroutines get to run (Settle). With Options.RealClock it polls
// cond every step of real time.
func (n *Network) RunUntil(cond func() bool, maxTime time.Duration) bool {
	return n.RunUntilStep(cond, maxTime, n.opts.Step)
}

// RunUntilStep is RunUntil with an explicit step.
func (n *Network) RunUntilStep(cond func() bool, maxTime, step time.Duration) bool {
	if step <= 0 {
		step = n.opts.Step
	}
	deadline := n.Elapsed() + maxTime
	for {
		if n.sim != nil {
			n.Settle()
		}
		if cond() {
			return true
		}
		left := deadline - n.Elapsed()
		if left <= 0 {
			return false
		}
		n.Advance(min(step, left))
	}
}

// AdvanceUntil advances time event by event until cond returns true or
// maxTime of network time has passed, and reports whether cond became true.
// cond is checked before moving and after every instant at which a timer
// fired or a packet was delivered, so time stops at exactly the instant
// cond became true; RunUntil, by contrast, stops at step boundaries. Idle
// stretches cost nothing: time jumps to the next timer or arrival. Before
// each move other goroutines get to run (Settle), as with RunUntil.
// Scripted peers use it to answer a packet at its arrival time
// (Capture.Next is built on it). cond runs on the calling goroutine, never
// concurrently with deliveries. With Options.RealClock it is RunUntil.
func (n *Network) AdvanceUntil(cond func() bool, maxTime time.Duration) bool {
	if n.sim == nil {
		return n.RunUntil(cond, maxTime)
	}
	deadline := n.Elapsed() + maxTime
	for {
		n.Settle()
		if cond() {
			return true
		}
		now := n.Elapsed()
		if now >= deadline {
			return false
		}
		next := deadline
		if t, ok := n.nextDue(); ok && t < next {
			next = max(t, now)
		}
		if t, ok := n.sim.nextTimer(now); ok && t < next {
			next = t
		}
		if n.advance(next-now, cond) {
			return true
		}
	}
}

// StartAutoAdvance starts a goroutine that advances the network by step
// (Options.Step if zero) every interval of real time, for tests whose
// application code blocks in other goroutines. After each step it calls
// Settle. With interval zero it only yields between steps: network time then
// runs as fast as the machine allows (a 60-second timeout passes in a
// blink) and the goroutine keeps a CPU busy. It is a no-op with
// Options.RealClock or if already running. Stop it with StopAutoAdvance
// (Close also stops it).
func (n *Network) StartAutoAdvance(step, interval time.Duration) {
	if n.sim == nil {
		return
	}
	if step <= 0 {
		step = n.opts.Step
	}
	n.autoMu.Lock()
	defer n.autoMu.Unlock()
	if n.autoStop != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	n.autoStop, n.autoDone = stop, done
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			n.Advance(step)
			n.Settle()
			if interval > 0 {
				time.Sleep(interval)
			}
		}
	}()
}

// StopAutoAdvance stops the auto-advance goroutine and waits for it to
// finish its current step.
func (n *Network) StopAutoAdvance() {
	n.autoMu.Lock()
	stop, done := n.autoStop, n.autoDone
	n.autoStop, n.autoDone = nil, nil
	n.autoMu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}
