package sctp

import (
	"bytes"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"
)

// SendMsg sends p as one message (RFC 6458 3.1.4 sendmsg): to association
// info.AssocID, or to the association with peer to, which a send to a new
// peer sets up first with the endpoint's InitMsg parameters (implicit
// set-up; the message goes once the association is up). info.SendAll
// sends it on every association; info.EOF shuts the association down
// after it and info.Abort aborts it, closing that association only.
func (m *ManyEndpoint) SendMsg(p tcpip.Payloader, to []tcpip.FullAddress, info SendInfo) (int64, tcpip.Error) {
	if info.SendAll {
		return m.sendAll(p, info)
	}
	ma, err := m.target(to, info.AssocID, info.EOF)
	if err != nil {
		return 0, err
	}
	a := ma.ep.getAssoc()
	if a == nil {
		return 0, &tcpip.ErrNotConnected{}
	}
	return a.sendMsg(p, info)
}

// sendAll is SCTP_SENDALL: the message to every association.
func (m *ManyEndpoint) sendAll(p tcpip.Payloader, info SendInfo) (int64, tcpip.Error) {
	info.SendAll = false
	buf := make([]byte, p.Len())
	if _, err := p.Read(buf); err != nil && len(buf) > 0 {
		return 0, &tcpip.ErrBadBuffer{}
	}
	m.mu.Lock()
	eps := m.endpointsLocked()
	m.mu.Unlock()
	for _, ep := range eps {
		if a := ep.getAssoc(); a != nil {
			var r bytes.Reader
			r.Reset(buf)
			a.sendMsg(&r, info) // an association that cannot take it is skipped
		}
	}
	return int64(len(buf)), nil
}

// target finds the association a send goes to, setting one up for a new
// peer unless eof: SCTP_EOF cannot go with an implicit set-up (see
// association.sendMsg), so that no association is set up for a send that
// is refused.
func (m *ManyEndpoint) target(to []tcpip.FullAddress, id AssocID, eof bool) (*manyAssoc, tcpip.Error) {
	if id == 0 {
		m.setupMu.Lock()
		defer m.setupMu.Unlock()
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, &tcpip.ErrClosedForSend{}
	}
	if id != 0 {
		ma := m.assocs[id]
		m.mu.Unlock()
		if ma == nil {
			return nil, &tcpip.ErrBadAddress{}
		}
		return ma, nil
	}
	if len(to) == 0 {
		m.mu.Unlock()
		return nil, &tcpip.ErrDestinationRequired{}
	}
	for _, pa := range to {
		if id, ok := m.byPeer[tcpip.FullAddress{Addr: pa.Addr, Port: pa.Port}]; ok {
			ma := m.assocs[id]
			m.mu.Unlock()
			return ma, nil
		}
	}
	if eof {
		m.mu.Unlock()
		return nil, &tcpip.ErrInvalidEndpointState{}
	}
	if len(m.assocs) >= m.maxAssocs {
		m.mu.Unlock()
		return nil, &tcpip.ErrNoBufferSpace{}
	}
	m.mu.Unlock()
	return m.connect(to)
}

// connect sets an association up to to from the endpoint's port, in an
// endpoint of its own that shares the port (RFC 6458 3.1.4: implicit
// association set-up).
func (m *ManyEndpoint) connect(to []tcpip.FullAddress) (*manyAssoc, tcpip.Error) {
	l := m.l
	l.mu.Lock()
	if l.state == EndpointInitial {
		if err := l.bindLocked(tcpip.FullAddress{}); err != nil {
			l.mu.Unlock()
			return nil, err
		}
	}
	if l.state != EndpointBound && l.state != EndpointListen {
		l.mu.Unlock()
		return nil, &tcpip.ErrInvalidEndpointState{}
	}
	d := l.dmx
	d.incRef() // the child endpoint's share of the port
	port, bound, laddr := l.localPort, append([]tcpip.Address(nil), l.bound...), l.localAddr
	l.mu.Unlock()

	child := newEndpoint(m.p, l.netProto, &waiter.Queue{})
	child.inheritFrom(l)
	child.mu.Lock()
	child.dmx, child.localPort, child.bound, child.localAddr = d, port, bound, laddr
	child.state = EndpointBound
	child.mu.Unlock()
	if err := child.ConnectAddrs(to); err != nil {
		if _, started := err.(*tcpip.ErrConnectStarted); !started {
			child.Close()
			return nil, err
		}
	}
	a := child.getAssoc()
	peers := make([]tcpip.FullAddress, len(to))
	for i, pa := range to {
		peers[i] = tcpip.FullAddress{Addr: pa.Addr, Port: pa.Port}
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		child.Abort()
		return nil, &tcpip.ErrClosedForSend{}
	}
	ma := m.addLocked(a.id, child, peers)
	ac := m.autoclose
	m.mu.Unlock()
	m.watch(ma, ac)
	return ma, nil
}
