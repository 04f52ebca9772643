package sctp

import (
	"slices"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Path management of a multihomed association (RFC 9260 5.4, 6.4, 8.2;
// RFC 7829): one transport per peer address, the choice of path for data
// and control chunks, error counting and the path events the user sees.

// maxPathEvents bounds the path events waiting for the user; older ones
// are dropped first.
const maxPathEvents = 64

// PathEventType is what happened to a peer address (RFC 6458 6.1.2
// SCTP_PEER_ADDR_CHANGE).
type PathEventType uint8

// Path events.
const (
	// PathAddrAvailable: the address is reachable again.
	PathAddrAvailable PathEventType = iota + 1
	// PathAddrUnreachable: more than Path.Max.Retrans errors (RFC 9260 8.2).
	PathAddrUnreachable
	// PathAddrPotentiallyFailed: a timeout went unanswered (RFC 7829).
	PathAddrPotentiallyFailed
	// PathAddrConfirmed: a HEARTBEAT ACK confirmed it (RFC 9260 5.4).
	PathAddrConfirmed
	// PathAddrMadePrimary: it became the primary path.
	PathAddrMadePrimary
	// PathAddrAdded: the address joined the association.
	PathAddrAdded
)

var pathEventNames = [...]string{"", "ADDR_AVAILABLE", "ADDR_UNREACHABLE", "ADDR_POTENTIALLY_FAILED", "ADDR_CONFIRMED", "ADDR_MADE_PRIM", "ADDR_ADDED"}

func (t PathEventType) String() string {
	if int(t) < len(pathEventNames) && t != 0 {
		return pathEventNames[t]
	}
	return "PathEventType(?)"
}

// PathEvent is a change of a peer address (RFC 6458 6.1.2).
type PathEvent struct {
	Type  PathEventType
	Addr  tcpip.FullAddress
	State PathState // the path's state after the event
	Error int       // the path's error counter
	// At is when it happened, on the stack's monotonic clock.
	At tcpip.MonotonicTime
}

// pathNote is a PathEvent as the association keeps it until PathEvents
// takes it, in a fifth of a PathEvent's room: the address is its path's
// (paths are never removed), the port the association's.
type pathNote struct {
	at    tcpip.MonotonicTime
	err   int32
	typ   PathEventType
	state PathState
	path  uint8 // index into paths
}

// pathEventOf returns the PathEvent of n.
//
// +checklocks:a.mu
func (a *association) pathEventOf(n *pathNote) PathEvent {
	t := a.paths[n.path]
	return PathEvent{
		Type: n.typ, Addr: tcpip.FullAddress{Addr: t.addr, Port: t.port}, State: n.state,
		Error: int(n.err), At: n.at,
	}
}

// PathInfo describes one peer address (RFC 6458 8.2.2
// SCTP_GET_PEER_ADDR_INFO).
type PathInfo struct {
	Addr      tcpip.FullAddress
	LocalAddr tcpip.Address // the source address packets to it carry
	NIC       tcpip.NICID
	State     PathState
	Primary   bool
	Cwnd      int
	Ssthresh  int
	Flight    int
	SRTT      time.Duration
	RTO       time.Duration
	MTU       int
	Errors    int
	// HBInterval is the path's HB.interval; HBDisabled whether the user
	// turned its heartbeats off.
	HBInterval     time.Duration
	HBDisabled     bool
	PathMaxRetrans int
}

// info returns the path's PathInfo.
func (t *transport) info(primary bool) PathInfo {
	pi := PathInfo{
		Addr: tcpip.FullAddress{Addr: t.addr, Port: t.port}, State: t.state, Primary: primary,
		Cwnd: t.cwnd, Ssthresh: t.ssthresh, Flight: t.flight, SRTT: t.srtt, RTO: t.rto,
		MTU: t.pmtu, Errors: int(t.errorCount), HBInterval: t.hbInterval, HBDisabled: t.hbDisabled,
		PathMaxRetrans: int(t.pathMaxRetrans),
	}
	if t.route != nil {
		pi.LocalAddr, pi.NIC = t.route.LocalAddress(), t.route.NICID()
	}
	return pi
}

// pathFor returns the transport of peer address addr, or nil.
//
// +checklocks:a.mu
func (a *association) pathFor(addr tcpip.Address) *transport {
	for _, t := range a.paths {
		if t.addr == addr {
			return t
		}
	}
	return nil
}

// addPath adds peer address addr as a path in state s, with a route from
// our addresses; it returns the path, existing or new, or nil when the
// association has as many paths as it may.
//
// +checklocks:a.mu
func (a *association) addPath(addr tcpip.Address, s PathState) *transport {
	if t := a.pathFor(addr); t != nil {
		if s == PathActive && t.state == PathUnconfirmed {
			a.setPathState(t, PathActive, PathAddrConfirmed)
		}
		return t
	}
	if len(a.paths) >= a.o.MaxPeerAddresses {
		return nil
	}
	t := &transport{port: a.peerPort}
	t.init(addr, a.findRoute(addr, tcpip.Address{}), a.o)
	if isV6(addr) {
		a.p.watchICMPv6()
	}
	t.state = s
	a.paths = append(a.paths, t)
	a.pathEvent(t, PathAddrAdded)
	if a.dmx != nil {
		a.dmx.addKey(a, addr)
	}
	return t
}

// findRoute finds a route to peer address addr from one of the
// association's local addresses, preferring local (RFC 9260 6.4: each path
// sends from the right source over the right NIC).
//
// +checklocks:a.mu
func (a *association) findRoute(addr, local tcpip.Address) *stack.Route {
	proto := header.IPv4ProtocolNumber
	if addr.Len() == 16 {
		proto = header.IPv6ProtocolNumber
	}
	s := a.p.stack
	if local.Len() == addr.Len() {
		if r, err := s.FindRoute(0, local, addr, proto, false); err == nil {
			return r
		}
	}
	// The stack's own choice first: its route table knows which NIC
	// reaches addr (a default route would otherwise match whichever
	// local address is tried first).
	if r, err := s.FindRoute(0, tcpip.Address{}, addr, proto, false); err == nil {
		if a.wildcard || len(a.localAddrs) == 0 || slices.Contains(a.localAddrs, r.LocalAddress()) {
			return r
		}
		r.Release()
	}
	for _, l := range a.localAddrs {
		if l.Len() != addr.Len() {
			continue
		}
		if r, err := s.FindRoute(0, l, addr, proto, false); err == nil {
			return r
		}
	}
	return nil
}

// refreshRoute looks the path's route up again (a failing path may have a
// better one now, or its NIC may be gone).
//
// +checklocks:a.mu
func (a *association) refreshRoute(t *transport) {
	var local tcpip.Address
	if t.route != nil {
		local = t.route.LocalAddress()
	}
	r := a.findRoute(t.addr, local)
	if r == nil {
		return
	}
	if t.route != nil && t.route.LocalAddress() == r.LocalAddress() && t.route.NICID() == r.NICID() && t.route.NextHop() == r.NextHop() {
		r.Release()
		return
	}
	t.releaseRoute()
	t.route = r
	if mtu := int(r.MTU()); mtu > 0 && mtu < t.pmtu {
		t.pmtu = mtu
	}
}

// dataPath returns where new data goes (RFC 9260 6.4): the primary while
// it is active, else another active path, else the Potentially Failed one
// with the fewest errors (RFC 7829 5.1), else the primary.
//
// +checklocks:a.mu
func (a *association) dataPath() *transport {
	if a.primary.usable() {
		return a.primary
	}
	var pf *transport
	for _, t := range a.paths {
		if t.usable() {
			return t
		}
		if t.state == PathPotentiallyFailed && t.route != nil && (pf == nil || t.errorCount < pf.errorCount) {
			pf = t
		}
	}
	if pf != nil {
		return pf
	}
	if a.primary.route == nil {
		for _, t := range a.paths {
			if t.route != nil && t.confirmed() {
				return t
			}
		}
	}
	return a.primary
}

// altPath returns an active path other than from for a retransmission
// (RFC 9260 6.4.1), or dataPath when there is none.
//
// +checklocks:a.mu
func (a *association) altPath(from *transport) *transport {
	if from != a.primary && a.primary.usable() {
		return a.primary
	}
	for _, t := range a.paths {
		if t != from && t.usable() {
			return t
		}
	}
	return a.dataPath()
}

// pathError counts an error on t: a T3-rtx expiry or an unanswered
// HEARTBEAT (RFC 9260 8.2), and on the association when assoc is set
// (8.1; probing an unconfirmed address does not count, 5.4).
//
// +checklocks:a.mu
func (a *association) pathError(t *transport, assoc bool) {
	t.errorCount++
	if assoc {
		a.errorCount++
	}
	switch t.state {
	case PathActive:
		if t.errorCount > t.pathMaxRetrans {
			a.setPathState(t, PathInactive, PathAddrUnreachable)
		} else if !a.o.DisablePotentiallyFailed && int(t.errorCount) > a.o.PotentiallyFailedMaxRetrans && len(a.paths) > 1 {
			// RFC 7829 5.1: leave the path after its first timeouts.
			a.setPathState(t, PathPotentiallyFailed, PathAddrPotentiallyFailed)
		}
	case PathPotentiallyFailed:
		if t.errorCount > t.pathMaxRetrans {
			a.setPathState(t, PathInactive, PathAddrUnreachable)
		}
	}
	if t.state != PathActive {
		a.refreshRoute(t)
	}
}

// pathHeard takes an acknowledgement of something sent to t: a HEARTBEAT
// ACK or a SACK of its DATA clears the error counts (RFC 9260 8.1, 8.2)
// and brings the path (back) to ACTIVE.
//
// +checklocks:a.mu
func (a *association) pathHeard(t *transport) {
	t.errorCount = 0
	a.errorCount = 0
	switch t.state {
	case PathUnconfirmed:
		a.setPathState(t, PathActive, PathAddrConfirmed)
	case PathPotentiallyFailed, PathInactive:
		a.setPathState(t, PathActive, PathAddrAvailable)
	}
}

// setPathState moves t to state s and reports ev.
//
// +checklocks:a.mu
func (a *association) setPathState(t *transport, s PathState, ev PathEventType) {
	if t.state == s {
		return
	}
	was := a.dataPath()
	t.state = s
	if s == PathActive {
		t.hbNext = tcpip.MonotonicTime{} // the heartbeat schedule starts again
	}
	a.pathEvent(t, ev)
	if now := a.dataPath(); now != was {
		a.stats.PathSwitches.Increment()
		a.p.stats.PathSwitches.Increment()
		if now.flight == 0 {
			now.lastSend = a.p.stack.Clock().NowMonotonic()
		}
	}
}

// setPrimary makes t the primary path (RFC 9260 11.1 N SETPRIMARY).
//
// +checklocks:a.mu
func (a *association) setPrimary(t *transport) {
	if a.primary == t {
		return
	}
	a.primary = t
	a.pathEvent(t, PathAddrMadePrimary)
}

// pathEvent queues a path event for the user.
//
// +checklocks:a.mu
func (a *association) pathEvent(t *transport, typ PathEventType) {
	if len(a.pathEvents) >= maxPathEvents {
		copy(a.pathEvents, a.pathEvents[1:])
		a.pathEvents = a.pathEvents[:len(a.pathEvents)-1]
	}
	n := pathNote{at: a.p.stack.Clock().NowMonotonic(), err: t.errorCount, typ: typ, state: t.state, path: uint8(slices.Index(a.paths, t))}
	a.pathEvents = append(a.pathEvents, n)
	a.note(&PeerAddrChange{ID: a.id, PathEvent: a.pathEventOf(&n)})
}

// minPMTU is the smallest path MTU of the paths that may carry data: DATA
// is cut to fit it, so that a retransmission fits any path (RFC 9260 6.9).
//
// +checklocks:a.mu
func (a *association) minPMTU() int {
	m := a.primary.pmtu
	for _, t := range a.paths {
		if t.confirmed() && t.route != nil {
			m = min(m, t.pmtu)
		}
	}
	return m
}
