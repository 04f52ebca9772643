package sctp

import (
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/ports"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// peerKey names an association within a port: the peer's address and port.
// With multihoming, every peer address of an association gets a key.
type peerKey struct {
	addr tcpip.Address
	port uint16
}

// demux is what SCTP registers with the stack for one bound local port
// (and address): the stack hands it every packet and ICMP error for the
// port, and it finds the association in its own table by peer address and
// port, or runs the packet through the CLOSED state (listener or out of the
// blue). Registering ports rather than 4-tuples leaves room for
// multihoming and address changes.
//
// The listener and every association on the port hold a reference; the
// port is unregistered and released when the last one goes, so accepted
// associations outlive their listener.
type demux struct {
	p *protocol
	// res is the port's reservation: its network protocols, address,
	// port, flags and NIC (its registration with the stack, epID).
	res ports.Reservation
	// more are the registrations of the further addresses of a bindx
	// (RFC 6458 8.1), on the same port. Changed only before the port is
	// used, under the owning endpoint's mu.
	more []demuxReg

	mu sync.RWMutex
	// +checklocks:mu
	listener *Endpoint
	// +checklocks:mu
	assocs assocTable
	// +checklocks:mu
	refs int
	// +checklocks:mu
	aborting bool
}

var _ stack.TransportEndpoint = (*demux)(nil)

// demuxReg is one registration of a demux with the stack.
type demuxReg struct {
	netProtos []tcpip.NetworkProtocolNumber
	id        stack.TransportEndpointID
	res       ports.Reservation
}

// bindPort reserves the port and registers a demux for it, holding one
// reference for the caller.
func (p *protocol) bindPort(netProtos []tcpip.NetworkProtocolNumber, addr tcpip.Address, port uint16, nic tcpip.NICID, flags ports.Flags) (*demux, tcpip.Error) {
	res := ports.Reservation{
		Networks:     netProtos,
		Transport:    ProtocolNumber,
		Addr:         addr,
		Port:         port,
		Flags:        flags,
		BindToDevice: nic,
	}
	d := &demux{p: p, refs: 1}
	got, err := p.stack.ReservePort(p.stack.SecureRNG(), res, func(port uint16) (bool, tcpip.Error) {
		id := stack.TransportEndpointID{LocalPort: port, LocalAddress: addr}
		if err := p.stack.CheckRegisterTransportEndpoint(netProtos, ProtocolNumber, id, flags, nic); err != nil {
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	res.Port = got
	d.res = res
	if err := p.stack.RegisterTransportEndpoint(netProtos, ProtocolNumber, d.epID(), d, flags, nic); err != nil {
		p.stack.ReleasePort(res)
		return nil, err
	}
	return d, nil
}

// epID is the demux's registration with the stack: its port and address.
func (d *demux) epID() stack.TransportEndpointID {
	return stack.TransportEndpointID{LocalPort: d.res.Port, LocalAddress: d.res.Addr}
}

// incRef adds a holder of the port.
func (d *demux) incRef() {
	d.mu.Lock()
	d.refs++
	d.mu.Unlock()
}

// decRef drops a holder; the last one gives the port back.
func (d *demux) decRef() {
	d.mu.Lock()
	d.refs--
	last := d.refs == 0
	d.mu.Unlock()
	if last {
		d.p.stack.UnregisterTransportEndpoint(d.res.Networks, ProtocolNumber, d.epID(), d, d.res.Flags, d.res.BindToDevice)
		d.p.stack.ReleasePort(d.res)
		for _, r := range d.more {
			d.p.stack.UnregisterTransportEndpoint(r.netProtos, ProtocolNumber, r.id, d, r.res.Flags, d.res.BindToDevice)
			d.p.stack.ReleasePort(r.res)
		}
	}
}

// addAddr registers the demux for one more local address on its port
// (bindx add, RFC 6458 8.1).
func (d *demux) addAddr(netProto tcpip.NetworkProtocolNumber, addr tcpip.Address, flags ports.Flags) tcpip.Error {
	netProtos := []tcpip.NetworkProtocolNumber{netProto}
	res := d.res
	res.Networks = netProtos
	res.Addr = addr
	res.Flags = flags
	id := stack.TransportEndpointID{LocalPort: d.res.Port, LocalAddress: addr}
	if _, err := d.p.stack.ReservePort(d.p.stack.SecureRNG(), res, nil); err != nil {
		return err
	}
	if err := d.p.stack.RegisterTransportEndpoint(netProtos, ProtocolNumber, id, d, flags, d.res.BindToDevice); err != nil {
		d.p.stack.ReleasePort(res)
		return err
	}
	d.more = append(d.more, demuxReg{netProtos: netProtos, id: id, res: res})
	return nil
}

// removeAddr undoes addAddr for addr (bindx remove); false if addr was
// not added that way.
func (d *demux) removeAddr(addr tcpip.Address) bool {
	for i, r := range d.more {
		if r.id.LocalAddress == addr {
			d.p.stack.UnregisterTransportEndpoint(r.netProtos, ProtocolNumber, r.id, d, r.res.Flags, d.res.BindToDevice)
			d.p.stack.ReleasePort(r.res)
			d.more = append(d.more[:i], d.more[i+1:]...)
			return true
		}
	}
	return false
}

// getListener returns the port's listener, if any.
func (d *demux) getListener() *Endpoint {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.listener
}

// setListener makes l (or nobody) the port's listener.
func (d *demux) setListener(l *Endpoint) {
	d.mu.Lock()
	d.listener = l
	d.mu.Unlock()
}

// addAssoc enters an association under every peer address it has; false
// if the peer has one already on its first address.
//
// +checklocks:a.mu
func (d *demux) addAssoc(a *association) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.assocs.get(peerKey{a.primary.addr, a.peerPort}) != nil {
		return false
	}
	for _, t := range a.paths {
		d.addKeyLocked(a, t.addr)
	}
	return true
}

// addKey enters one more peer address of a: packets from any listed peer
// address belong to the association (RFC 9260 6.4). An address another
// association holds stays with it.
func (d *demux) addKey(a *association, addr tcpip.Address) {
	d.mu.Lock()
	d.addKeyLocked(a, addr)
	d.mu.Unlock()
}

// +checklocks:d.mu
func (d *demux) addKeyLocked(a *association, addr tcpip.Address) {
	k := peerKey{addr, a.peerPort}
	if d.assocs.get(k) != nil {
		return
	}
	d.assocs.put(k, a)
}

// removeAssoc takes a out of the table: the keys of its paths that are
// its (an address another association held stays with it).
//
// +checklocks:a.mu
func (d *demux) removeAssoc(a *association) {
	d.mu.Lock()
	for _, t := range a.paths {
		d.assocs.del(peerKey{t.addr, a.peerPort}, a)
	}
	d.mu.Unlock()
}

// lookup finds the association of a peer.
func (d *demux) lookup(addr tcpip.Address, port uint16) *association {
	d.mu.RLock()
	a := d.assocs.get(peerKey{addr, port})
	d.mu.RUnlock()
	return a
}

// lookupInitAck finds the association an INIT ACK from an address we did
// not send the INIT to answers: a multihomed peer may answer from any of
// its addresses (RFC 9260 5.1.2, 6.4), so the association is looked up by
// the addresses the INIT ACK lists, and must be the one whose tag the
// packet carries.
func (d *demux) lookupInitAck(pi *packetInfo, chunks []byte) *association {
	ic := header.InitChunk(header.Chunk(chunks))
	if len(ic) < header.InitChunkHeaderLen {
		return nil
	}
	// The chunk is not validated yet: its declared length must cover the
	// fixed fields and stay within the packet (found by FuzzAssoc: a
	// 17-byte INIT ACK).
	if l := int(header.Chunk(ic).Length()); l < header.InitChunkHeaderLen || l > len(ic) {
		return nil
	}
	it := header.NewParamIter(ic.Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if t, l := p.Type(), len(p.Value()); !(t == header.ParamIPv4Address && l == 4) && !(t == header.ParamIPv6Address && l == 16) {
			continue
		}
		a := d.lookup(tcpip.AddrFromSlice(p.Value()), pi.srcPort)
		if a == nil {
			continue
		}
		a.mu.Lock()
		ok := a.myVtag == pi.vtag && a.state == StateCookieWait
		a.mu.Unlock()
		if ok {
			return a
		}
	}
	return nil
}

// HandlePacket implements stack.TransportEndpoint. It runs on the link's
// dispatch goroutine: the packet is processed inline under the
// association's lock, never blocking, and nothing of it is kept (DATA is
// copied out).
func (d *demux) HandlePacket(id stack.TransportEndpointID, pkt *stack.PacketBuffer) {
	pi := packetInfoPool.Get().(*packetInfo)
	defer func() {
		pi.release()
		packetInfoPool.Put(pi)
	}()
	chunks, ok := d.p.parsePacket(id, pkt, pi)
	if !ok {
		return
	}
	now := d.p.stack.Clock().Now().UnixNano()
	a := d.lookup(pi.srcAddr, pi.srcPort)
	if a == nil && pi.singleton && header.Chunk(chunks).Type() == header.ChunkInitAck {
		a = d.lookupInitAck(pi, chunks)
	}
	if a != nil {
		a.mu.Lock()
		if !a.dead {
			a.handleChunks(pi, chunks, now)
			a.unlockAndFlush()
			return
		}
		a.mu.Unlock()
	}
	d.p.handleClosed(d, pi, chunks, now)
}

// HandleError implements stack.TransportEndpoint: ICMP errors about
// packets we sent (RFC 9260 10).
func (d *demux) HandleError(transErr stack.TransportError, pkt *stack.PacketBuffer) {
	d.p.handleICMP(d, transErr, pkt)
}

// Abort implements stack.TransportEndpoint: the stack is closing. Every
// association on the port is aborted and the listener closed. It may be
// called more than once.
func (d *demux) Abort() {
	d.mu.Lock()
	l := d.listener
	as := make([]*association, 0, d.assocs.len())
	for _, a := range d.assocs.all() {
		as = append(as, a)
	}
	d.mu.Unlock()
	for _, a := range as {
		a.ep.Abort()
	}
	if l != nil {
		l.Abort()
	}
}

// Wait implements stack.TransportEndpoint: SCTP runs no goroutines.
func (*demux) Wait() {}

// packetInfoPool recycles the packetInfo of HandlePacket, which the state
// functions see through a pointer and so would escape.
var packetInfoPool = sync.Pool{New: func() any { return new(packetInfo) }}
