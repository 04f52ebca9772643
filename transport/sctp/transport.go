package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// transport is one peer transport address (RFC 9260 6.4): its route, path
// MTU, RTO estimator, congestion window and error counter. An association
// has one for now; multihoming adds more.
//
// Guarded by the association's mu.
type transport struct {
	addr  tcpip.Address
	port  uint16
	route *stack.Route

	pmtu int // path MTU for SCTP packets (route MTU, lowered by ICMP)

	// RTO estimator (RFC 9260 6.3.1).
	rto      time.Duration
	srtt     time.Duration
	rttvar   time.Duration
	measured bool

	// Congestion control (RFC 9260 7.2), kept simple in this issue.
	cwnd     int
	ssthresh int
	pba      int // partial_bytes_acked

	errorCount int // RFC 9260 8.2
}

// init sets the path up for route r and the protocol's options.
func (t *transport) init(r *stack.Route, o *Options) {
	t.route = r
	t.addr = r.RemoteAddress()
	t.pmtu = int(r.MTU())
	t.rto = o.RTOInitial
	t.resetCongestion()
}

// resetCongestion sets cwnd and ssthresh to their initial values
// (RFC 9260 7.2.1).
func (t *transport) resetCongestion() {
	t.cwnd = min(4*t.pmtu, max(2*t.pmtu, 4404))
	t.ssthresh = 1 << 30
	t.pba = 0
}

// measure folds an RTT sample into SRTT, RTTVAR and RTO (RFC 9260 6.3.1
// C2-C3), clamped to [RTO.Min, RTO.Max] (C6-C7).
func (t *transport) measure(r time.Duration, o *Options) {
	if r < 0 {
		r = 0
	}
	if !t.measured {
		t.srtt = r
		t.rttvar = r / 2
		t.measured = true
	} else {
		d := t.srtt - r
		if d < 0 {
			d = -d
		}
		t.rttvar = t.rttvar - t.rttvar/4 + d/4 // beta = 1/4
		t.srtt = t.srtt - t.srtt/8 + r/8       // alpha = 1/8
	}
	g := time.Millisecond // clock granularity G
	t.rto = t.srtt + max(g, 4*t.rttvar)
	t.clampRTO(o)
}

// backoff doubles the RTO after a timeout (RFC 9260 6.3.3 E2).
func (t *transport) backoff(o *Options) {
	t.rto *= 2
	t.clampRTO(o)
}

func (t *transport) clampRTO(o *Options) {
	if t.rto < o.RTOMin {
		t.rto = o.RTOMin
	}
	if t.rto > o.RTOMax {
		t.rto = o.RTOMax
	}
}

// onAck grows cwnd for bytes newly acknowledged (RFC 9260 7.2.1, 7.2.2).
func (t *transport) onAck(acked int, fullWindow bool) {
	if acked <= 0 {
		return
	}
	if t.cwnd <= t.ssthresh {
		if fullWindow {
			t.cwnd += min(acked, t.pmtu)
		}
		return
	}
	t.pba += acked
	if t.pba >= t.cwnd && fullWindow {
		t.pba -= t.cwnd
		t.cwnd += t.pmtu
	}
}

// onT3 collapses cwnd after a retransmission timeout (RFC 9260 7.2.3).
func (t *transport) onT3() {
	t.ssthresh = max(t.cwnd/2, 4*t.pmtu)
	t.cwnd = t.pmtu
	t.pba = 0
}
