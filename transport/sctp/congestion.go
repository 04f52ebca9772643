package sctp

import "gvisor.dev/gvisor/pkg/tcpip"

// Congestion control of a path (RFC 9260 7.2): slow start, congestion
// avoidance, the reactions to loss, and the decay of an idle window. Bytes
// are counted as user data, as flight size is.

// initialCwnd is RFC 9260 7.2.1's initial window.
func initialCwnd(pmtu int) int { return min(4*pmtu, max(2*pmtu, 4404)) }

// resetCongestion sets cwnd and ssthresh to their initial values
// (RFC 9260 7.2.1: ssthresh arbitrarily high).
func (t *transport) resetCongestion() {
	t.cwnd = initialCwnd(t.pmtu)
	t.ssthresh = 1 << 30
	t.pba = 0
}

// onSackCwnd adjusts cwnd for a SACK (RFC 9260 7.2.1, 7.2.2): acked bytes
// newly acknowledged, flightBefore the flight size before the SACK, inFR
// whether the sender is in Fast Recovery.
func (t *transport) onSackCwnd(acked, flightBefore int, inFR bool) {
	if acked <= 0 {
		return
	}
	if t.cwnd <= t.ssthresh {
		// 7.2.1: slow start, only when the window was fully used
		// (within a packet: a window is filled in chunks) and not in
		// Fast Recovery; by at most min(acked, L*PMTU), L = 1. (RFC 9260
		// dropped RFC 4960's condition that the cum advance.)
		if !inFR && flightBefore+t.pmtu > t.cwnd {
			t.cwnd += min(acked, t.pmtu)
		}
		return
	}
	// 7.2.2: congestion avoidance, one PMTU per cwnd of bytes acked while
	// the window was full.
	if inFR {
		return
	}
	t.pba += acked
	if t.pba >= t.cwnd {
		if flightBefore >= t.cwnd {
			t.pba -= t.cwnd
			t.cwnd += t.pmtu
		} else {
			t.pba = t.cwnd
		}
	}
}

// onAllAcked resets partial_bytes_acked when nothing is outstanding
// (RFC 9260 7.2.2).
func (t *transport) onAllAcked(now tcpip.MonotonicTime) {
	t.pba = 0
	t.lastSend = now
}

// onFastLoss halves cwnd for a loss found by SACKs (RFC 9260 7.2.3, on
// entering Fast Recovery, 7.2.4 step 2).
func (t *transport) onFastLoss() {
	t.ssthresh = max(t.cwnd/2, 4*t.pmtu)
	t.cwnd = t.ssthresh
	t.pba = 0
}

// onT3 collapses cwnd after a retransmission timeout (RFC 9260 7.2.3).
func (t *transport) onT3() {
	t.ssthresh = max(t.cwnd/2, 4*t.pmtu)
	t.cwnd = t.pmtu
	t.pba = 0
}

// decayIdle halves cwnd, down to 4 PMTU, for every RTO the path went
// without sending (RFC 9260 7.2.1 last bullet; ssthresh takes cwnd before
// the first cut). Called before sending after an idle period.
func (t *transport) decayIdle(now tcpip.MonotonicTime) {
	if t.lastSend == (tcpip.MonotonicTime{}) || t.rto <= 0 {
		return
	}
	idle := now.Sub(t.lastSend)
	floor := 4 * t.pmtu
	if idle < t.rto || t.cwnd <= floor {
		return
	}
	t.ssthresh = t.cwnd
	for n := idle / t.rto; n > 0 && t.cwnd > floor; n-- {
		t.cwnd = max(t.cwnd/2, floor)
	}
}
