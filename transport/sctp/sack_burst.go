package sctp

import "time"

// SACKs at the end of a burst (RFC 9260 6.2).
//
// RFC 9260 6.2 asks, as a SHOULD after RFC 5681 4.2, for a SACK at least
// every second packet with DATA. Packets reach us in bursts: a link's
// delivery goroutine hands over everything that arrived since it last ran,
// one packet after another. A SACK per second packet of such a burst tells
// the sender nothing the last one would not, and costs a packet through
// both stacks each time (in a bulk transfer, 40% of the packets). So a SACK
// owed by the packet count is sent when the burst has been processed: timerSack is armed to fire a nanosecond
// later, and the clock runs it after the delivering goroutine yields. This
// is how gVisor's TCP acknowledges (once per batch its processor drains)
// and what GRO does on a NIC; it is also why the sender's Max.Burst
// (transmit) counts what a SACK acknowledged.
//
// What must not wait is still sent at once: the first DATA (5.1), DATA with
// the I bit (the sender is window-limited and waits for this SACK: behind a
// timer, however short, 64-byte messages ran at a fifth of their rate),
// gaps and duplicates (6.7; 7.2.4's miss indications count SACKs), data
// dropped for want of buffer, and every sackBurstMax packets of a burst.

// sackBurstMax is the most packets with DATA one SACK at a burst's end
// covers: a longer burst gets a SACK every sackBurstMax packets.
const sackBurstMax = 64

// sackAtBurstEnd arranges the SACK owed to go out when the packets being
// delivered now have all been processed.
//
// +checklocks:a.mu
func (a *association) sackAtBurstEnd() {
	if a.sackBurst && a.timerArmed(timerSack) {
		return
	}
	a.sackBurst = true
	// The smallest delay, not none: a clock may run a timer due now on
	// another goroutine at once (gVisor's faketime does), while the
	// burst is still being delivered; one due a nanosecond later fires
	// after everything due now (and deterministically under a manual
	// clock), and on the real clock as soon as the deliverer yields.
	a.startTimerIn(timerSack, time.Nanosecond)
}
