package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// transport is one peer transport address (RFC 9260 6.4): its route, path
// MTU, RTO estimator (rto.go), congestion window (congestion.go) and error
// counter. An association has one for now; multihoming adds more.
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

	// Congestion control (RFC 9260 7.2).
	cwnd     int
	ssthresh int
	pba      int // partial_bytes_acked
	// lastSend is when DATA last went out, or the flight last emptied:
	// the start of an idle period (7.2.1).
	lastSend tcpip.MonotonicTime

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
