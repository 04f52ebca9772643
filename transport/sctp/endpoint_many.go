package sctp

import (
	"io"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"
)

// ManyEndpoint is a one-to-many (UDP-style, SOCK_SEQPACKET) endpoint
// (RFC 6458 3): one port, many associations. Listen makes it accept
// associations by itself; a send to a peer without an association sets
// one up with the InitMsg parameters. Every message read says which
// association it came from; notifications come in order with the data.
// Peeloff branches an association off into its own one-to-one Endpoint.
//
// Inside, each association lives in a one-to-one Endpoint of its own on
// the shared port (the same kind Accept returns), which the ManyEndpoint
// watches; that is what makes Peeloff lose nothing.
//
// Locking: mu guards the association table and the ready list; it is
// taken before any association's endpoint or association lock.
type ManyEndpoint struct {
	p  *protocol
	l  *Endpoint // the bound endpoint: port, addresses, listener, defaults
	wq *waiter.Queue

	// setupMu serializes the look-up and implicit set-up of sends
	// addressed to a peer (target), so that concurrent first sends to a
	// new peer share one association instead of the second failing with
	// ErrPortInUse. Taken before mu.
	setupMu sync.Mutex

	mu sync.Mutex
	// +checklocks:mu
	assocs map[AssocID]*manyAssoc
	// +checklocks:mu
	byPeer map[tcpip.FullAddress]AssocID // the addresses each was set up with
	// ready lists associations that may have something to read, oldest
	// first; an id may appear once (inReady).
	// +checklocks:mu
	ready []AssocID
	// +checklocks:mu
	inReady map[AssocID]bool
	// pd is the association whose message is partly read, which level 0
	// of SCTP_FRAGMENT_INTERLEAVE reads to its end first.
	// +checklocks:mu
	pd AssocID
	// +checklocks:mu
	autoclose time.Duration
	// +checklocks:mu
	maxAssocs int
	// +checklocks:mu
	closed bool
}

// manyAssoc is one association of a ManyEndpoint.
type manyAssoc struct {
	id    AssocID
	ep    *Endpoint
	wq    waiter.Queue
	entry waiter.Entry
	peers []tcpip.FullAddress
}

// DefaultMaxAssociations bounds the associations of a ManyEndpoint unless
// SetMaxAssociations says otherwise.
const DefaultMaxAssociations = 65536

// NewManyEndpoint creates a one-to-many endpoint on s for network protocol
// netProto (an IPv6 endpoint is dual-stack); wq gets its events.
func NewManyEndpoint(s *stack.Stack, netProto tcpip.NetworkProtocolNumber, wq *waiter.Queue) (*ManyEndpoint, tcpip.Error) {
	p, ok := s.TransportProtocolInstance(ProtocolNumber).(*protocol)
	if !ok {
		return nil, &tcpip.ErrUnknownProtocol{}
	}
	if !s.CheckNetworkProtocol(netProto) {
		return nil, &tcpip.ErrUnknownProtocol{}
	}
	m := &ManyEndpoint{
		p: p, wq: wq,
		assocs:    make(map[AssocID]*manyAssoc),
		byPeer:    make(map[tcpip.FullAddress]AssocID),
		inReady:   make(map[AssocID]bool),
		maxAssocs: DefaultMaxAssociations,
	}
	m.l = newEndpoint(p, netProto, &waiter.Queue{})
	m.l.many = m
	return m, nil
}

// Endpoint returns the endpoint that holds the port, the listener and the
// defaults of associations to come: its option setters (SetInitMsg,
// SetEvents, SetRTOInfo, SetNoDelay...) apply to future associations
// (SCTP_FUTURE_ASSOC). Use Assoc for one association's.
func (m *ManyEndpoint) Endpoint() *Endpoint { return m.l }

// Bind binds the port and address (RFC 6458 3.1.2).
func (m *ManyEndpoint) Bind(addr tcpip.FullAddress) tcpip.Error { return m.l.Bind(addr) }

// BindAddrs is sctp_bindx with SCTP_BINDX_ADD_ADDR (RFC 6458 9.1).
func (m *ManyEndpoint) BindAddrs(addrs []tcpip.FullAddress) tcpip.Error {
	return m.l.BindAddrs(addrs)
}

// UnbindAddrs is sctp_bindx with SCTP_BINDX_REM_ADDR.
func (m *ManyEndpoint) UnbindAddrs(addrs []tcpip.FullAddress) tcpip.Error {
	return m.l.UnbindAddrs(addrs)
}

// Listen makes the endpoint accept associations by itself (RFC 6458
// 3.1.3); backlog is ignored: SetMaxAssociations bounds them.
func (m *ManyEndpoint) Listen() tcpip.Error { return m.l.Listen(1) }

// LocalAddrs returns the bound addresses (sctp_getladdrs).
func (m *ManyEndpoint) LocalAddrs() []tcpip.FullAddress { return m.l.LocalAddrs() }

// SetMaxAssociations bounds the associations of the endpoint; INITs beyond
// it are answered with an ABORT (Out of Resource) and sends to new peers
// fail with ErrNoBufferSpace.
func (m *ManyEndpoint) SetMaxAssociations(n int) tcpip.Error {
	if n < 1 {
		return errBadOption
	}
	m.mu.Lock()
	m.maxAssocs = n
	m.mu.Unlock()
	return nil
}

// SetAutoclose shuts associations down gracefully after d without
// sending or receiving user data (SCTP_AUTOCLOSE, RFC 6458 8.1.8); 0
// turns it off. It applies to existing associations too.
func (m *ManyEndpoint) SetAutoclose(d time.Duration) tcpip.Error {
	if d < 0 {
		return errBadOption
	}
	m.mu.Lock()
	m.autoclose = d
	eps := m.endpointsLocked()
	m.mu.Unlock()
	for _, ep := range eps {
		if a := ep.getAssoc(); a != nil {
			a.mu.Lock()
			a.setAutoclose(d)
			a.unlockAndFlush()
		}
	}
	return nil
}

// Autoclose returns SCTP_AUTOCLOSE.
func (m *ManyEndpoint) Autoclose() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.autoclose
}

// +checklocks:m.mu
func (m *ManyEndpoint) endpointsLocked() []*Endpoint {
	eps := make([]*Endpoint, 0, len(m.assocs))
	for _, ma := range m.assocs {
		eps = append(eps, ma.ep)
	}
	return eps
}

// room reports whether another association fits (the listener asks).
func (m *ManyEndpoint) room() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return !m.closed && len(m.assocs) < m.maxAssocs
}

// adopt takes an association the listener accepted; false if the
// endpoint is closed or full.
func (m *ManyEndpoint) adopt(ep *Endpoint) bool {
	a := ep.getAssoc()
	if a == nil {
		return false
	}
	var peers []tcpip.FullAddress
	a.mu.Lock()
	for _, t := range a.paths {
		peers = append(peers, tcpip.FullAddress{Addr: t.addr, Port: a.peerPort})
	}
	a.mu.Unlock()
	m.mu.Lock()
	if m.closed || len(m.assocs) >= m.maxAssocs {
		m.mu.Unlock()
		return false
	}
	ma := m.addLocked(a.id, ep, peers)
	ac := m.autoclose
	m.mu.Unlock()
	m.watch(ma, ac)
	return true
}

// addLocked enters an association into the tables.
//
// +checklocks:m.mu
func (m *ManyEndpoint) addLocked(id AssocID, ep *Endpoint, peers []tcpip.FullAddress) *manyAssoc {
	ma := &manyAssoc{id: id, ep: ep, peers: peers}
	m.assocs[id] = ma
	for _, pa := range peers {
		m.byPeer[pa] = id
	}
	return ma
}

// watch forwards the association's events to the endpoint's queue and
// notes it ready when it may be read.
func (m *ManyEndpoint) watch(ma *manyAssoc, autoclose time.Duration) {
	ma.entry = waiter.NewFunctionEntry(waiter.ReadableEvents|waiter.WritableEvents|waiter.EventHUp|waiter.EventErr, func(ev waiter.EventMask) {
		if ev&(waiter.ReadableEvents|waiter.EventHUp|waiter.EventErr) != 0 {
			m.markReady(ma.id)
		}
		m.wq.Notify(ev & (waiter.ReadableEvents | waiter.WritableEvents))
	})
	ma.ep.waiterQueue.EventRegister(&ma.entry)
	if a := ma.ep.getAssoc(); a != nil && autoclose > 0 {
		a.mu.Lock()
		a.setAutoclose(autoclose)
		a.unlockAndFlush()
	}
	// What happened before the watch (COMM_UP, data bundled with the
	// COOKIE ECHO) is read like the rest.
	m.markReady(ma.id)
	m.wq.Notify(waiter.ReadableEvents | waiter.WritableEvents)
}

// markReady puts association id on the ready list.
func (m *ManyEndpoint) markReady(id AssocID) {
	m.mu.Lock()
	if _, ok := m.assocs[id]; ok && !m.inReady[id] {
		m.inReady[id] = true
		m.ready = append(m.ready, id)
	}
	m.mu.Unlock()
}

// Readiness returns the events the endpoint has now: readable when an
// association has a message, a notification or an end to report.
func (m *ManyEndpoint) Readiness(mask waiter.EventMask) waiter.EventMask {
	r := waiter.WritableEvents
	m.mu.Lock()
	ids := append([]AssocID(nil), m.ready...)
	eps := make([]*Endpoint, 0, len(ids))
	for _, id := range ids {
		if ma := m.assocs[id]; ma != nil {
			eps = append(eps, ma.ep)
		}
	}
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return (waiter.ReadableEvents | waiter.WritableEvents | waiter.EventHUp) & mask
	}
	for _, ep := range eps {
		if ep.Readiness(waiter.ReadableEvents)&waiter.ReadableEvents != 0 {
			r |= waiter.ReadableEvents
			break
		}
	}
	return r & mask
}

// EventRegister and EventUnregister are the endpoint's wait queue.
func (m *ManyEndpoint) EventRegister(e *waiter.Entry)   { m.wq.EventRegister(e) }
func (m *ManyEndpoint) EventUnregister(e *waiter.Entry) { m.wq.EventUnregister(e) }

// RecvMsg reads the next message or notification of any association
// (RFC 6458 3.1.4 recvmsg): a notification alone (n 0), or a message (or
// the part that fits count bytes, RecvInfo.Complete false) with its
// association, stream, SSN, PPID and TSN. With SCTP_FRAGMENT_INTERLEAVE
// level 0 a partly read message is read to its end before anything else.
// ErrWouldBlock when nothing is ready.
func (m *ManyEndpoint) RecvMsg(dst io.Writer, count int) (RecvInfo, Notification, int, tcpip.Error) {
	for {
		ma, ok := m.nextReady()
		if !ok {
			return RecvInfo{}, nil, 0, &tcpip.ErrWouldBlock{}
		}
		ri, nt, n, err := ma.ep.RecvMsg(dst, count)
		switch {
		case nt != nil:
			m.requeue(ma, true)
			return ri, nt, 0, nil
		case err == nil:
			ri.AssocID = ma.id
			m.mu.Lock()
			if !ri.Complete && m.l.FragmentInterleave() == 0 {
				m.pd = ma.id
			} else if m.pd == ma.id {
				m.pd = 0
			}
			m.mu.Unlock()
			m.requeue(ma, true)
			return ri, nil, n, nil
		}
		if _, wb := err.(*tcpip.ErrWouldBlock); wb {
			m.mu.Lock()
			pd := m.pd == ma.id
			m.mu.Unlock()
			if pd {
				// Level 0: the rest of the message comes first.
				return RecvInfo{}, nil, 0, err
			}
			continue
		}
		if ma.alive() {
			// The peer's SHUTDOWN ended its data (ErrClosedForReceive)
			// but the association is still shutting down: it stays
			// until it ends, so that its SHUTDOWN_COMP (RFC 6458 6.1.1)
			// is read too; the end makes it ready again (deleteTCB).
			continue
		}
		// The association ended and everything it had was read: it
		// leaves the endpoint.
		m.remove(ma)
	}
}

// nextReady takes the association to read from: the one under partial
// delivery at level 0, else the oldest ready one.
func (m *ManyEndpoint) nextReady() (*manyAssoc, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pd != 0 {
		if ma := m.assocs[m.pd]; ma != nil {
			return ma, true
		}
		m.pd = 0
	}
	for len(m.ready) > 0 {
		id := m.ready[0]
		m.ready = m.ready[1:]
		delete(m.inReady, id)
		if ma := m.assocs[id]; ma != nil {
			return ma, true
		}
	}
	return nil, false
}

// requeue puts ma back at the end of the ready list if it may have more
// to read (more is true after a read).
func (m *ManyEndpoint) requeue(ma *manyAssoc, more bool) {
	if more {
		m.markReady(ma.id)
	}
}

// alive reports whether the association has not ended yet.
func (ma *manyAssoc) alive() bool {
	a := ma.ep.getAssoc()
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.dead
}

// remove drops an ended association and closes its endpoint.
func (m *ManyEndpoint) remove(ma *manyAssoc) {
	m.mu.Lock()
	if m.assocs[ma.id] != ma {
		m.mu.Unlock()
		return
	}
	delete(m.assocs, ma.id)
	for _, pa := range ma.peers {
		if m.byPeer[pa] == ma.id {
			delete(m.byPeer, pa)
		}
	}
	if m.pd == ma.id {
		m.pd = 0
	}
	m.mu.Unlock()
	ma.ep.waiterQueue.EventUnregister(&ma.entry)
	ma.ep.Close()
}

// AssocIDs lists the associations (SCTP_GET_ASSOC_ID_LIST, RFC 6458 8.2.3).
func (m *ManyEndpoint) AssocIDs() []AssocID {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]AssocID, 0, len(m.assocs))
	for id, ma := range m.assocs {
		if ma.alive() { // an ended one stays only for its last notifications
			ids = append(ids, id)
		}
	}
	return ids
}

// Assoc returns the endpoint of association id, for its options and
// status (Status, Paths, SetPrimary, SetPathParams, SetRTOInfo...). It
// stays owned by the ManyEndpoint: do not Close it; use Peeloff to take
// it.
func (m *ManyEndpoint) Assoc(id AssocID) (*Endpoint, tcpip.Error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ma := m.assocs[id]
	if ma == nil {
		return nil, &tcpip.ErrBadAddress{}
	}
	return ma.ep, nil
}

// Peeloff branches association id off into a one-to-one endpoint of its
// own (RFC 6458 9.2 sctp_peeloff), with everything unread still in it;
// wq gets its events from now on.
func (m *ManyEndpoint) Peeloff(id AssocID) (*Endpoint, *waiter.Queue, tcpip.Error) {
	m.mu.Lock()
	ma := m.assocs[id]
	if ma == nil {
		m.mu.Unlock()
		return nil, nil, &tcpip.ErrBadAddress{}
	}
	delete(m.assocs, id)
	for _, pa := range ma.peers {
		if m.byPeer[pa] == id {
			delete(m.byPeer, pa)
		}
	}
	if m.pd == id {
		m.pd = 0
	}
	m.mu.Unlock()
	ma.ep.waiterQueue.EventUnregister(&ma.entry)
	if a := ma.ep.getAssoc(); a != nil {
		a.mu.Lock()
		a.setAutoclose(0) // SCTP_AUTOCLOSE is for one-to-many endpoints
		a.unlockAndFlush()
	}
	return ma.ep, ma.ep.waiterQueue, nil
}

// Close aborts nothing: it shuts every association down gracefully and
// releases the port once they are gone (RFC 6458 3.1.6).
func (m *ManyEndpoint) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	mas := make([]*manyAssoc, 0, len(m.assocs))
	for _, ma := range m.assocs {
		mas = append(mas, ma)
	}
	clear(m.assocs)
	clear(m.byPeer)
	m.ready = nil
	m.mu.Unlock()
	for _, ma := range mas {
		ma.ep.waiterQueue.EventUnregister(&ma.entry)
		ma.ep.Close()
	}
	m.l.Close()
	m.wq.Notify(waiter.EventHUp | waiter.ReadableEvents | waiter.WritableEvents)
}

// setAutoclose sets the idle time after which the association shuts down
// (RFC 6458 8.1.8), and arms or stops its timer.
//
// +checklocks:a.mu
func (a *association) setAutoclose(d time.Duration) {
	if d != 0 || a.rare != nil {
		a.x().autoclose = d
	}
	a.touchAutoclose()
	if d == 0 {
		a.stopTimer(timerAutoclose)
	}
}

// touchAutoclose restarts the idle period: user data went or came.
//
// +checklocks:a.mu
func (a *association) touchAutoclose() {
	if a.r().autoclose > 0 && a.connected && !a.dead {
		a.startTimer(timerAutoclose)
	}
}
