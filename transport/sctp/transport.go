package sctp

import (
	"math"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// PathState is the reachability of a peer transport address (RFC 9260
// 5.4, 8.2; RFC 7829 for Potentially Failed).
type PathState uint8

// Path states.
const (
	// PathUnconfirmed: listed by the peer, not yet confirmed by a
	// HEARTBEAT ACK (RFC 9260 5.4); carries no data.
	PathUnconfirmed PathState = iota
	// PathActive: confirmed and reachable.
	PathActive
	// PathPotentiallyFailed: a timeout went unanswered (RFC 7829 5.1);
	// data moves to another path while heartbeats probe this one.
	PathPotentiallyFailed
	// PathInactive: more than Path.Max.Retrans errors (RFC 9260 8.2).
	PathInactive
)

var pathStateNames = [...]string{"UNCONFIRMED", "ACTIVE", "POTENTIALLY-FAILED", "INACTIVE"}

func (s PathState) String() string {
	if int(s) < len(pathStateNames) {
		return pathStateNames[s]
	}
	return "PathState(?)"
}

// transport is one peer transport address (RFC 9260 6.4): its route and
// source address, path MTU, RTO estimator (rto.go), congestion window
// (congestion.go), error counter and reachability, and its heartbeats.
//
// Guarded by the association's mu.
type transport struct {
	addr  tcpip.Address
	port  uint16
	state PathState
	// measured: the RTO estimator has had a sample (rto.go).
	measured bool
	// hbOutstanding: a HEARTBEAT awaits its ACK; hbDisabled: the user
	// turned heartbeats off (heartbeat.go).
	hbOutstanding, hbDisabled bool

	route *stack.Route // nil while no route reaches addr

	pmtu int // path MTU for SCTP packets (route MTU, lowered by ICMP)

	// RTO estimator (RFC 9260 6.3.1).
	rto    time.Duration
	srtt   time.Duration
	rttvar time.Duration

	// Congestion control (RFC 9260 7.2).
	cwnd         int
	ssthresh     int
	pba          int   // partial_bytes_acked
	flight       int   // bytes outstanding on this path (RFC 9260 6.1)
	acked        int32 // bytes this path's chunks got acknowledged by the SACK being processed (cwnd; then the next round's Max.Burst allowance, transmit)
	flightBefore int32 // flight when that SACK arrived
	// lastSend is when DATA last went out, or the flight last emptied:
	// the start of an idle period (7.2.1).
	lastSend tcpip.MonotonicTime

	// Heartbeats (RFC 9260 8.3, 5.4).
	hbNonce        uint64
	hbSentAt       tcpip.MonotonicTime
	hbNext         tcpip.MonotonicTime // when the next one is due
	hbInterval     time.Duration       // HB.interval of this path
	errorCount     int32               // RFC 9260 8.2
	pathMaxRetrans int32
}

// init sets the path up for route r (nil if none yet) and the options.
func (t *transport) init(addr tcpip.Address, r *stack.Route, o *Options) {
	t.addr = addr
	t.route = r
	t.pmtu = defaultPathMTU
	if r != nil {
		t.pmtu = int(r.MTU())
	}
	t.rto = o.RTOInitial
	t.hbInterval = o.HeartbeatInterval
	t.pathMaxRetrans = retransLimit(o.PathMaxRetrans)
	t.hbDisabled = o.NoHeartbeats
	t.resetCongestion()
}

// retransLimit is a Path.Max.Retrans for a path's error counter (int32,
// as small counters keep a path small).
func retransLimit(n int) int32 { return int32(min(n, math.MaxInt32)) }

// defaultPathMTU is the MTU assumed for a path without a route.
const defaultPathMTU = 1280

// usable reports whether new data may go to the path: confirmed and not
// inactive (RFC 9260 5.4, 6.4; RFC 7829 keeps data off PF paths while
// another is active).
func (t *transport) usable() bool { return t.state == PathActive && t.route != nil }

// confirmed reports whether the address is confirmed (RFC 9260 5.4).
func (t *transport) confirmed() bool { return t.state != PathUnconfirmed }

// releaseRoute gives back the path's route.
func (t *transport) releaseRoute() {
	if t.route != nil {
		t.route.Release()
		t.route = nil
	}
}
