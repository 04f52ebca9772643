package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
)

// Multihoming on the endpoint (RFC 6458 8.1 sctp_bindx, 9.9 sctp_connectx,
// 8.2 socket options): several local addresses, the peer's paths, the
// primary path and path events.

// protoOf is the network protocol of an address.
func protoOf(a tcpip.Address) tcpip.NetworkProtocolNumber {
	if a.Len() == 16 {
		return gheader.IPv6ProtocolNumber
	}
	return gheader.IPv4ProtocolNumber
}

// families returns the address families the endpoint may use: those of its
// bound addresses, or for a wildcard bind its own family and, for an IPv6
// endpoint that is not V6ONLY, IPv4 too (as a dual-stack socket).
//
// +checklocks:e.mu
func (e *Endpoint) families() addrFamilies {
	if len(e.bound) > 0 {
		var f addrFamilies
		for _, l := range e.bound {
			f |= familyOf(l)
		}
		return f
	}
	if e.netProto == gheader.IPv4ProtocolNumber {
		return familyV4
	}
	if e.v6Only() {
		return familyV6
	}
	return familyV4 | familyV6
}

// familyOK reports whether the endpoint may talk to address a.
//
// +checklocks:e.mu
func (e *Endpoint) familyOK(a tcpip.Address) bool { return e.families()&familyOf(a) != 0 }

// bindProtos returns the network protocols a bind to addr registers:
// both for a wildcard bind of a dual-stack IPv6 endpoint.
//
// +checklocks:e.mu
func (e *Endpoint) bindProtos(addr tcpip.Address) []tcpip.NetworkProtocolNumber {
	if addr.Len() != 0 {
		return []tcpip.NetworkProtocolNumber{protoOf(addr)}
	}
	if e.netProto == gheader.IPv6ProtocolNumber && !e.v6Only() && e.p.stack.CheckNetworkProtocol(gheader.IPv4ProtocolNumber) {
		return []tcpip.NetworkProtocolNumber{gheader.IPv6ProtocolNumber, gheader.IPv4ProtocolNumber}
	}
	return []tcpip.NetworkProtocolNumber{e.netProto}
}

// setLocalAddrs fixes the addresses the association uses and announces.
//
// +checklocks:a.mu
func (a *association) setLocalAddrs(bound []tcpip.Address, fam addrFamilies, peer tcpip.Address) {
	a.wildcard = len(bound) == 0
	a.families = fam
	a.localAddrs = a.p.localAddrsFor(bound, fam, peer)
}

// BindAddrs binds the endpoint to several local addresses (RFC 6458 8.1
// sctp_bindx with SCTP_BINDX_ADD_ADDR): before the first bind it is Bind
// to the first and adds the rest; on a bound endpoint it adds them, on the
// bound port. Addresses may be IPv4 and, on an IPv6 endpoint, IPv6. Only
// before Connect or Listen.
func (e *Endpoint) BindAddrs(addrs []tcpip.FullAddress) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(addrs) == 0 {
		return &tcpip.ErrBadAddress{}
	}
	if e.state == EndpointInitial {
		if err := e.checkBindAddr(addrs[0]); err != nil {
			return err
		}
		if err := e.bindLocked(addrs[0]); err != nil {
			return err
		}
		addrs = addrs[1:]
	}
	if e.state != EndpointBound {
		return &tcpip.ErrInvalidEndpointState{}
	}
	if len(e.bound) == 0 && len(addrs) > 0 {
		return &tcpip.ErrInvalidEndpointState{} // a wildcard bind has them all
	}
	for _, ad := range addrs {
		if err := e.checkBindAddr(ad); err != nil {
			return err
		}
		if ad.Port != 0 && ad.Port != e.localPort {
			return &tcpip.ErrBadLocalAddress{}
		}
		if len(e.bound) >= maxPeerAddrs {
			return &tcpip.ErrNoBufferSpace{}
		}
		dup := false
		for _, l := range e.bound {
			dup = dup || l == ad.Addr
		}
		if dup {
			continue
		}
		if err := e.dmx.addAddr(protoOf(ad.Addr), ad.Addr, e.portFlags()); err != nil {
			return err
		}
		e.bound = append(e.bound, ad.Addr)
	}
	return nil
}

// checkBindAddr checks one address of a bindx.
//
// +checklocks:e.mu
func (e *Endpoint) checkBindAddr(ad tcpip.FullAddress) tcpip.Error {
	if ad.Addr.Len() == 0 {
		return nil
	}
	if ad.Addr.Len() == 4 && e.netProto == gheader.IPv6ProtocolNumber && e.v6Only() {
		return &tcpip.ErrBadLocalAddress{}
	}
	if ad.Addr.Len() == 16 && e.netProto == gheader.IPv4ProtocolNumber {
		return &tcpip.ErrBadLocalAddress{}
	}
	if e.p.stack.CheckLocalAddress(ad.NIC, protoOf(ad.Addr), ad.Addr) == 0 {
		return &tcpip.ErrBadLocalAddress{}
	}
	return nil
}

// UnbindAddrs removes addresses a BindAddrs added (RFC 6458 8.1
// SCTP_BINDX_REM_ADDR), before Connect or Listen. The first bound address
// stays: an endpoint keeps at least one.
func (e *Endpoint) UnbindAddrs(addrs []tcpip.FullAddress) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state != EndpointBound {
		return &tcpip.ErrInvalidEndpointState{}
	}
	for _, ad := range addrs {
		if !e.dmx.removeAddr(ad.Addr) {
			return &tcpip.ErrBadLocalAddress{}
		}
		for i, l := range e.bound {
			if l == ad.Addr {
				e.bound = append(e.bound[:i], e.bound[i+1:]...)
				break
			}
		}
	}
	return nil
}

// LocalAddrs returns the endpoint's local addresses (RFC 6458 9.5
// sctp_getladdrs): the association's, or the bound ones.
func (e *Endpoint) LocalAddrs() []tcpip.FullAddress {
	e.mu.Lock()
	port := e.localPort
	bound := append([]tcpip.Address(nil), e.bound...)
	fam := e.families()
	a := e.assoc
	e.mu.Unlock()
	if a != nil {
		a.mu.Lock()
		bound = append(bound[:0], a.localAddrs...)
		if len(bound) == 0 && a.primary.route != nil {
			bound = append(bound, a.primary.route.LocalAddress())
		}
		a.mu.Unlock()
	} else if len(bound) == 0 {
		bound = e.p.localAddrsFor(nil, fam, tcpip.Address{})
	}
	out := make([]tcpip.FullAddress, len(bound))
	for i, l := range bound {
		out[i] = tcpip.FullAddress{Addr: l, Port: port}
	}
	return out
}

// Paths returns every peer address of the association with its state
// (RFC 6458 8.2.2 SCTP_GET_PEER_ADDR_INFO, 9.6 sctp_getpaddrs), the
// primary first.
func (e *Endpoint) Paths() ([]PathInfo, tcpip.Error) {
	a := e.getAssoc()
	if a == nil {
		return nil, &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]PathInfo, 0, len(a.paths))
	out = append(out, a.primary.info(true))
	for _, t := range a.paths {
		if t != a.primary {
			out = append(out, t.info(false))
		}
	}
	return out, nil
}

// SetPrimary makes peer address addr the primary path (RFC 9260 11.1 N
// SETPRIMARY, RFC 6458 8.1.8 SCTP_PRIMARY_ADDR): new data goes there
// whenever it is active, and returns there when it recovers.
func (e *Endpoint) SetPrimary(addr tcpip.Address) tcpip.Error {
	a := e.getAssoc()
	if a == nil {
		return &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	t := a.pathFor(addr)
	if t == nil || a.dead {
		a.mu.Unlock()
		return &tcpip.ErrBadAddress{}
	}
	a.setPrimary(t)
	a.transmit()
	a.unlockAndFlush()
	return nil
}

// PathEvents returns the path events since the last call, oldest first
// (RFC 6458 6.1.2 SCTP_PEER_ADDR_CHANGE); at most the last 64 are kept.
func (e *Endpoint) PathEvents() []PathEvent {
	a := e.getAssoc()
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []PathEvent
	for i := range a.pathEvents {
		out = append(out, a.pathEventOf(&a.pathEvents[i]))
	}
	a.pathEvents = nil
	return out
}

// PathParams are the per-path parameters of RFC 6458 8.1.12
// (SCTP_PEER_ADDR_PARAMS). Zero fields are left as they are.
type PathParams struct {
	// HBInterval is the path's HB.interval (RFC 9260 8.3).
	HBInterval time.Duration
	// PathMaxRetrans is the path's Path.Max.Retrans (RFC 9260 8.2).
	PathMaxRetrans int
	// HBDisable turns heartbeats on idle confirmed paths off,
	// HBEnable on again. Unconfirmed and failing paths are probed
	// regardless (RFC 9260 5.4).
	HBDisable, HBEnable bool
}

// SetPathParams sets the parameters of the path to addr, or of every path
// when addr is unspecified. Before the association exists they are the
// defaults its paths start with, whatever addr (SCTP_FUTURE_ASSOC, RFC
// 6458 8.1.12).
func (e *Endpoint) SetPathParams(addr tcpip.Address, pp PathParams) tcpip.Error {
	a := e.getAssoc()
	if a == nil {
		return e.setPathDefaults(pp)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	found := false
	for _, t := range a.paths {
		if addr.Len() != 0 && t.addr != addr {
			continue
		}
		found = true
		if pp.HBInterval > 0 {
			t.hbInterval = pp.HBInterval
			t.hbNext = tcpip.MonotonicTime{}
		}
		if pp.PathMaxRetrans > 0 {
			t.pathMaxRetrans = retransLimit(pp.PathMaxRetrans)
		}
		if pp.HBDisable {
			t.hbDisabled = true
		}
		if pp.HBEnable {
			t.hbDisabled = false
		}
	}
	if !found {
		return &tcpip.ErrBadAddress{}
	}
	if a.timerArmed(timerHeartbeat) {
		a.startTimer(timerHeartbeat)
	}
	return nil
}

// setPathDefaults sets the endpoint's path parameters for associations
// to come.
func (e *Endpoint) setPathDefaults(pp PathParams) tcpip.Error {
	if pp.HBInterval < 0 || pp.PathMaxRetrans < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		if pp.HBInterval > 0 {
			o.HeartbeatInterval = pp.HBInterval
		}
		if pp.PathMaxRetrans > 0 {
			o.PathMaxRetrans = pp.PathMaxRetrans
		}
		if pp.HBDisable {
			o.NoHeartbeats = true
		}
		if pp.HBEnable {
			o.NoHeartbeats = false
		}
		return nil
	})
}

// RequestHeartbeatTo sends a HEARTBEAT to peer address addr now (RFC 9260
// 11.1 L REQUESTHEARTBEAT).
func (e *Endpoint) RequestHeartbeatTo(addr tcpip.Address) tcpip.Error {
	a := e.getAssoc()
	if a == nil {
		return &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	if a.pathFor(addr) == nil {
		a.mu.Unlock()
		return &tcpip.ErrBadAddress{}
	}
	ev := event{typ: evPrmRequestHeartbeat, addr: addr}
	d := a.runLocked(&ev)
	a.unlockAndFlush()
	if d == dispRefused || d == dispDeleted {
		return &tcpip.ErrNotConnected{}
	}
	return nil
}

// v6Only reports IPV6_V6ONLY (off unless set).
func (e *Endpoint) v6Only() bool {
	so := e.ops.Load()
	return so != nil && so.GetV6Only()
}
