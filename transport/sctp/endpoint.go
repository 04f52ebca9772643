package sctp

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/ports"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"
)

// EndpointState is what Endpoint.State returns.
type EndpointState uint32

// Endpoint states. While an association exists, State reports its RFC
// state as StateAssoc+State.
const (
	EndpointInitial EndpointState = iota
	EndpointBound
	EndpointListen
	EndpointClosed
	EndpointAssoc EndpointState = 16 // + State
)

// Endpoint is a one-to-one (TCP-style, RFC 6458 4) SCTP endpoint. It
// implements tcpip.Endpoint; Stack.NewEndpoint returns *Endpoint.
//
// Locking: mu guards the endpoint's own fields (binding, listening, the
// accept queue). The association has its own lock; lock order is mu
// before the association's mu. Data calls (Read, Write) take only the
// association's lock.
type Endpoint struct {
	tcpip.DefaultSocketOptionsHandler

	p        *protocol
	netProto tcpip.NetworkProtocolNumber
	// SetInitMsg (RFC 6458 8.1.3); attempts and timeout are in ext.
	initOut, initMaxIn uint16
	waiterQueue        *waiter.Queue
	// ops are the socket options, made when first asked for (sockOpts):
	// until then every option has its default, which an endpoint mostly
	// keeps, and an idle one saves their room.
	ops atomic.Pointer[tcpip.SocketOptions]

	mu sync.Mutex
	// +checklocks:mu
	state EndpointState
	// +checklocks:mu
	localPort uint16
	// +checklocks:mu
	dmx *demux // our share of the bound port, nil if not bound
	// +checklocks:mu
	localAddr tcpip.Address
	// bound are the addresses bound explicitly (Bind, BindAddrs: RFC 6458
	// 8.1 sctp_bindx); empty for a wildcard bind, which covers every
	// address of the stack.
	// +checklocks:mu
	bound []tcpip.Address
	// assoc is set once, by Connect or when accepted, under mu.
	assoc *association
	// ext is what few endpoints need (rdExt, wrExt).
	// +checklocks:mu
	ext *endpointExt
	// noDelay is SetNoDelay's setting, for the association to come.
	noDelay atomic.Bool
	// events are the notifications subscribed, for the associations to
	// come (RFC 6458 options, options.go).
	// +checklocks:mu
	events EventMask
	// eo are the options of the associations to come, nil for the
	// protocol's (endpoint_options.go).
	// +checklocks:mu
	eo *Options
	// many is the one-to-many endpoint this one holds the port for, if
	// any; set at creation.
	many *ManyEndpoint

	lastErrMu sync.Mutex
	lastErr   tcpip.Error
}

var _ tcpip.Endpoint = (*Endpoint)(nil)

func newEndpoint(p *protocol, netProto tcpip.NetworkProtocolNumber, wq *waiter.Queue) *Endpoint {
	e := &Endpoint{
		p:           p,
		netProto:    netProto,
		waiterQueue: wq,
		initOut:     p.opts.OutStreams,
		initMaxIn:   p.opts.MaxInStreams,
	}
	return e
}

// sockOpts returns the endpoint's socket options, made with their defaults
// on first need.
func (e *Endpoint) sockOpts() *tcpip.SocketOptions {
	if so := e.ops.Load(); so != nil {
		return so
	}
	so := new(tcpip.SocketOptions)
	so.InitHandler(e, e.p.stack, e.p.sendBufferLimits, e.p.receiveBufferLimits)
	so.SetSendBufferSize(int64(e.p.opts.SendBufferSize), false)
	so.SetReceiveBufferSize(int64(e.p.opts.ReceiveBufferSize), false)
	if e.ops.CompareAndSwap(nil, so) {
		return so
	}
	return e.ops.Load()
}

func (p *protocol) sendBufferLimits(tcpip.StackHandler) tcpip.SendBufferSizeOption {
	return tcpip.SendBufferSizeOption{Min: minBufferSize, Default: p.opts.SendBufferSize, Max: 64 << 20}
}

func (p *protocol) receiveBufferLimits(tcpip.StackHandler) tcpip.ReceiveBufferSizeOption {
	return tcpip.ReceiveBufferSizeOption{Min: minBufferSize, Default: p.opts.ReceiveBufferSize, Max: 64 << 20}
}

func (e *Endpoint) sndbufSize() int {
	if so := e.ops.Load(); so != nil {
		return int(so.GetSendBufferSize())
	}
	return e.p.opts.SendBufferSize
}

func (e *Endpoint) rcvbufSize() int {
	if so := e.ops.Load(); so != nil {
		return int(so.GetReceiveBufferSize())
	}
	return e.p.opts.ReceiveBufferSize
}

// inheritFrom copies a listener's settings into an accepted endpoint.
func (e *Endpoint) inheritFrom(l *Endpoint) {
	if l == nil {
		return
	}
	if lo := l.ops.Load(); lo != nil {
		so := e.sockOpts()
		so.SetSendBufferSize(lo.GetSendBufferSize(), false)
		so.SetReceiveBufferSize(lo.GetReceiveBufferSize(), false)
	}
	e.initOut, e.initMaxIn = l.initOut, l.initMaxIn
	e.noDelay.Store(l.noDelay.Load())
	l.mu.Lock()
	eo, events := l.eo, l.events
	// SCTP_INITMSG's attempts and timeout too: a one-to-many endpoint's
	// implicit set-up (ManyEndpoint.connect) sends the INIT from the
	// child, which must honour sinit_max_attempts and
	// sinit_max_init_timeo (RFC 6458 8.1.3).
	lx := l.rdExt()
	x := endpointExt{
		initAttempts: lx.initAttempts, initTimeout: lx.initTimeout, defSend: lx.defSend,
		interleave: lx.interleave, adapt: lx.adapt, hasAdapt: lx.hasAdapt,
	}
	l.mu.Unlock()
	e.mu.Lock()
	e.eo, e.events = eo, events
	if x.initAttempts != 0 || x.initTimeout != 0 || x.defSend != (SendInfo{}) || x.interleave != 0 || x.hasAdapt {
		e.ext = &x
	}
	e.mu.Unlock()
}

// endpointExt is the part of an endpoint few need, made on first need: a
// listener's backlog and queue, SCTP_INITMSG's attempts and timeout (RFC
// 6458 8.1.3), SCTP_DEFAULT_SNDINFO (8.1.31), SCTP_FRAGMENT_INTERLEAVE
// (8.1.20), our Adaptation Layer Indication (SCTP_ADAPTATION_LAYER, RFC
// 5061 4.2.6), the directions shut down. An endpoint accepted from a
// listener with the defaults has none.
type endpointExt struct {
	backlog      int
	acceptQ      []*Endpoint
	initAttempts int
	initTimeout  time.Duration
	defSend      SendInfo
	interleave   int
	adapt        uint32
	hasAdapt     bool
	shutFlags    tcpip.ShutdownFlags
}

// noExt is what rdExt returns for an endpoint without its ext.
var noExt endpointExt

// rdExt returns the endpoint's ext for reading: never to be written
// through.
//
// +checklocks:e.mu
func (e *Endpoint) rdExt() *endpointExt {
	if e.ext == nil {
		return &noExt
	}
	return e.ext
}

// wrExt returns the endpoint's ext for writing, made on first need.
//
// +checklocks:e.mu
func (e *Endpoint) wrExt() *endpointExt {
	if e.ext == nil {
		e.ext = new(endpointExt)
	}
	return e.ext
}

// setupAssoc gives a new association the endpoint's settings.
//
// +checklocks:e.mu
// +checklocks:a.mu
func (e *Endpoint) setupAssoc(a *association) {
	a.initOpts(e.opts())
	a.events = e.events
	a.adapt, a.hasAdapt = e.rdExt().adapt, e.rdExt().hasAdapt
}

// attach makes a an accepted endpoint's association.
func (e *Endpoint) attach(a *association, d *demux, addr tcpip.Address, port uint16) {
	e.mu.Lock()
	e.assoc = a
	e.dmx = d
	e.localAddr, e.localPort = addr, port
	e.state = EndpointAssoc
	e.mu.Unlock()
}

// getAssoc returns the endpoint's association, if any.
func (e *Endpoint) getAssoc() *association {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.assoc
}

// portFlags are the reservation flags of the socket options.
func (e *Endpoint) portFlags() ports.Flags {
	so := e.ops.Load()
	if so == nil {
		return ports.Flags{}
	}
	return ports.Flags{TupleOnly: so.GetReuseAddress(), LoadBalanced: so.GetReusePort()}
}

// Bind implements tcpip.Endpoint: the port comes from the stack's port
// manager; a taken address:port fails with ErrPortInUse as TCP's does.
func (e *Endpoint) Bind(addr tcpip.FullAddress) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bindLocked(addr)
}

// +checklocks:e.mu
func (e *Endpoint) bindLocked(addr tcpip.FullAddress) tcpip.Error {
	if e.state != EndpointInitial {
		return &tcpip.ErrAlreadyBound{}
	}
	if err := e.checkBindAddr(addr); err != nil {
		return err
	}
	d, err := e.p.bindPort(e.bindProtos(addr.Addr), addr.Addr, addr.Port, addr.NIC, e.portFlags())
	if err != nil {
		return err
	}
	e.dmx = d
	e.localAddr = addr.Addr
	e.bound = nil
	if addr.Addr.Len() != 0 {
		e.bound = append(e.bound, addr.Addr)
	}
	e.localPort = d.res.Port
	e.state = EndpointBound
	return nil
}

// Connect implements tcpip.Endpoint: it starts the four-way handshake and
// returns ErrConnectStarted; the endpoint turns writable when the
// association is up, and LastError then tells success from failure.
func (e *Endpoint) Connect(addr tcpip.FullAddress) tcpip.Error {
	return e.ConnectAddrs([]tcpip.FullAddress{addr})
}

// ConnectAddrs is Connect to a multihomed peer (RFC 6458 9.9
// sctp_connectx): the INIT goes to the first address (and to the others
// on retransmissions), and every address given is a confirmed path from
// the start (RFC 9260 5.4 rule 1). All must share one port.
func (e *Endpoint) ConnectAddrs(addrs []tcpip.FullAddress) tcpip.Error {
	e.mu.Lock()
	if a := e.assoc; a != nil {
		e.mu.Unlock()
		a.mu.Lock()
		defer a.mu.Unlock()
		switch {
		case a.err != nil:
			return a.err
		case a.connected:
			return &tcpip.ErrAlreadyConnected{}
		}
		return &tcpip.ErrAlreadyConnecting{}
	}
	defer e.mu.Unlock()
	switch e.state {
	case EndpointListen:
		return &tcpip.ErrInvalidEndpointState{}
	case EndpointClosed:
		return &tcpip.ErrClosedForSend{}
	}
	if len(addrs) == 0 || len(addrs) > maxPeerAddrs {
		return &tcpip.ErrBadAddress{}
	}
	addr := addrs[0]
	for _, ad := range addrs {
		if ad.Port == 0 || ad.Addr.Len() == 0 || ad.Port != addr.Port || !e.familyOK(ad.Addr) {
			return &tcpip.ErrBadAddress{}
		}
	}
	var local tcpip.Address
	if len(e.bound) > 0 {
		local = e.bound[0]
		for _, l := range e.bound {
			if l.Len() == addr.Addr.Len() {
				local = l
				break
			}
		}
	}
	if local.Len() != addr.Addr.Len() {
		local = tcpip.Address{}
	}
	r, err := e.p.stack.FindRoute(addr.NIC, local, addr.Addr, protoOf(addr.Addr), false)
	if err != nil {
		return err
	}
	if e.state == EndpointInitial {
		// An unbound endpoint binds to the wildcard address, so that the
		// association may use every address of the stack (RFC 6458 3.1.3
		// autobind, as Linux does).
		if err := e.bindLocked(tcpip.FullAddress{NIC: addr.NIC}); err != nil {
			r.Release()
			return err
		}
	}
	d := e.dmx
	d.incRef()
	a := e.p.newAssociation(d, e, r, e.localPort, addr.Port)
	a.mu.Lock()
	e.setupAssoc(a)
	a.setLocalAddrs(e.bound, e.families(), addr.Addr)
	for _, ad := range addrs[1:] {
		a.addPath(ad.Addr, PathActive) // RFC 9260 5.4 rule 1
	}
	a.myVtag = e.p.randTag()
	a.myInitTSN = e.p.randTag()
	a.rcvbuf, a.sndbuf = e.rcvbufSize(), e.sndbufSize()
	a.wantOut, a.maxIn = e.initOut, e.initMaxIn
	a.nodelay = e.noDelay.Load()
	if x := e.rdExt(); x.initAttempts > 0 {
		a.su().maxInitRetries = x.initAttempts - 1
	}
	if x := e.rdExt(); x.initTimeout > 0 {
		a.su().maxInitTimeout = x.initTimeout
	}
	a.out.init(a.myInitTSN, a.wantOut, 0)
	if !d.addAssoc(a) {
		a.deleteTCB()
		e.mu.Unlock()
		a.unlockAndFlush()
		e.mu.Lock()
		return &tcpip.ErrPortInUse{}
	}
	e.assoc = a
	e.state = EndpointAssoc
	// Packets are written without e.mu held: a synchronous link may loop
	// them back into this endpoint.
	e.mu.Unlock()
	ev := event{typ: evPrmAssociate}
	a.runLocked(&ev)
	a.unlockAndFlush()
	e.mu.Lock() // for the deferred Unlock
	return &tcpip.ErrConnectStarted{}
}

// Disconnect implements tcpip.Endpoint.
func (*Endpoint) Disconnect() tcpip.Error { return &tcpip.ErrNotSupported{} }

// Read implements tcpip.Endpoint: at most one message (or what fits of
// it), from any stream.
func (e *Endpoint) Read(dst io.Writer, opts tcpip.ReadOptions) (tcpip.ReadResult, tcpip.Error) {
	info, n, err := e.readMsg(dst, -1, opts.Peek)
	if err != nil {
		return tcpip.ReadResult{}, err
	}
	res := tcpip.ReadResult{Count: n, Total: n}
	if opts.NeedRemoteAddr {
		res.RemoteAddr = tcpip.FullAddress{Addr: info.peerAddr, Port: info.peerPort}
	}
	return res, nil
}

// readInfo is what readMsg learns of the message it read.
type readInfo struct {
	RecvInfo
	peerAddr tcpip.Address
	peerPort uint16
}

func (e *Endpoint) readMsg(dst io.Writer, count int, peek bool) (readInfo, int, tcpip.Error) {
	var ri readInfo
	e.mu.Lock()
	a := e.assoc
	shutRead := e.rdExt().shutFlags&tcpip.ShutdownRead != 0
	e.mu.Unlock()
	if a == nil {
		return ri, 0, &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	if !a.ulp.readable() {
		var err tcpip.Error
		switch {
		case a.err != nil:
			err = a.err
			if _, ok := err.(*tcpip.ErrConnectionAborted); ok {
				err = &tcpip.ErrClosedForReceive{}
			}
		case shutRead || a.peerClosed || a.dead:
			err = &tcpip.ErrClosedForReceive{}
		default:
			err = &tcpip.ErrWouldBlock{}
		}
		a.mu.Unlock()
		return ri, 0, err
	}
	m, n, done, werr := a.ulp.read(dst, count, peek)
	ri.RecvInfo = RecvInfo{Stream: m.sid, SSN: m.ssn, PPID: m.ppid, TSN: m.tsn, AssocID: a.id, Unordered: m.unordered, Complete: done && !m.aborted, CumTSN: a.in.cum}
	ri.peerAddr, ri.peerPort = a.primary.addr, a.peerPort
	a.runPlain(evPrmReceive)
	a.unlockAndFlush()
	if werr != nil && n == 0 {
		return ri, 0, &tcpip.ErrBadBuffer{}
	}
	return ri, n, nil
}

// Write implements tcpip.Endpoint: the payload is one message on stream 0.
func (e *Endpoint) Write(p tcpip.Payloader, opts tcpip.WriteOptions) (int64, tcpip.Error) {
	e.mu.Lock()
	si := e.rdExt().defSend // SCTP_DEFAULT_SNDINFO
	e.mu.Unlock()
	return e.WriteMsg(p, si)
}

// Shutdown implements tcpip.Endpoint. Shutting down writes starts the
// graceful shutdown of RFC 9260 9.2; SCTP has no half-closed state, so the
// peer's data still arrives until the peer's SHUTDOWN ACK.
func (e *Endpoint) Shutdown(flags tcpip.ShutdownFlags) tcpip.Error {
	e.mu.Lock()
	a := e.assoc
	if a == nil {
		if e.state == EndpointListen {
			e.mu.Unlock()
			e.closeListener()
			return nil
		}
		e.mu.Unlock()
		return &tcpip.ErrNotConnected{}
	}
	e.wrExt().shutFlags |= flags
	e.mu.Unlock()
	a.mu.Lock()
	if flags&tcpip.ShutdownWrite != 0 {
		ev := event{typ: evPrmShutdown}
		a.runLocked(&ev)
	}
	a.notify |= waiter.ReadableEvents | waiter.WritableEvents
	a.unlockAndFlush()
	return nil
}

// Close implements tcpip.Endpoint: a listener stops listening; an
// association shuts down gracefully (or aborts with SO_LINGER 0) and
// finishes on its own; the port is released when nothing uses it.
func (e *Endpoint) Close() {
	e.mu.Lock()
	if e.state == EndpointClosed {
		e.mu.Unlock()
		return
	}
	st := e.state
	a := e.assoc
	e.mu.Unlock()
	switch {
	case st == EndpointListen:
		e.closeListener()
	case a != nil:
		var lo tcpip.LingerOption
		if so := e.ops.Load(); so != nil {
			lo = so.GetLinger()
		}
		a.mu.Lock()
		typ := evPrmShutdown
		// SO_LINGER with a zero timeout aborts; so does closing with data
		// unread, as in Linux (the peer must not think it was delivered).
		if (lo.Enabled && lo.Timeout == 0) || a.ulp.readable() {
			typ = evPrmAbort
		}
		ev := event{typ: typ}
		a.runLocked(&ev)
		a.unlockAndFlush()
	}
	e.mu.Lock()
	d := e.dmx
	e.dmx = nil
	e.state = EndpointClosed
	e.mu.Unlock()
	if d != nil {
		d.decRef()
	}
	e.waiterQueue.Notify(waiter.EventHUp | waiter.ReadableEvents | waiter.WritableEvents)
}

// Abort implements tcpip.Endpoint: an ABORT with a User-Initiated Abort
// cause, then Close. It may be called more than once.
func (e *Endpoint) Abort() {
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		ev := event{typ: evPrmAbort}
		a.runLocked(&ev)
		a.unlockAndFlush()
	}
	e.Close()
}

// Readiness implements tcpip.Endpoint.
func (e *Endpoint) Readiness(mask waiter.EventMask) waiter.EventMask {
	e.mu.Lock()
	st := e.state
	a := e.assoc
	shut := e.rdExt().shutFlags
	ready := len(e.rdExt().acceptQ) > 0
	e.mu.Unlock()
	var r waiter.EventMask
	switch {
	case a != nil:
		a.mu.Lock()
		if a.ulp.readable() || a.noteDue() || a.peerClosed || a.dead || a.err != nil || shut&tcpip.ShutdownRead != 0 {
			r |= waiter.ReadableEvents
		}
		if (a.connected && !a.state.shuttingDown() && a.out.buffered < a.sndbuf) || a.dead || a.err != nil || shut&tcpip.ShutdownWrite != 0 {
			r |= waiter.WritableEvents
		}
		if a.dead || shut == tcpip.ShutdownRead|tcpip.ShutdownWrite {
			r |= waiter.EventHUp
		}
		if a.err != nil {
			r |= waiter.EventErr
		}
		a.mu.Unlock()
	case st == EndpointListen:
		if ready {
			r |= waiter.ReadableEvents
		}
	case st == EndpointClosed:
		r |= waiter.ReadableEvents | waiter.WritableEvents | waiter.EventHUp
	default:
		r |= waiter.WritableEvents | waiter.EventHUp
	}
	return r & mask
}

// GetLocalAddress implements tcpip.Endpoint.
func (e *Endpoint) GetLocalAddress() (tcpip.FullAddress, tcpip.Error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	addr := e.localAddr
	if a := e.assoc; a != nil {
		addr = a.localAddr
	}
	return tcpip.FullAddress{Addr: addr, Port: e.localPort}, nil
}

// GetRemoteAddress implements tcpip.Endpoint.
func (e *Endpoint) GetRemoteAddress() (tcpip.FullAddress, tcpip.Error) {
	a := e.getAssoc()
	if a == nil {
		return tcpip.FullAddress{}, &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.connected {
		return tcpip.FullAddress{}, &tcpip.ErrNotConnected{}
	}
	return tcpip.FullAddress{Addr: a.primary.addr, Port: a.peerPort}, nil
}

// SetSockOpt implements tcpip.Endpoint.
func (*Endpoint) SetSockOpt(tcpip.SettableSocketOption) tcpip.Error {
	return &tcpip.ErrUnknownProtocolOption{}
}

// SetSockOptInt implements tcpip.Endpoint.
func (*Endpoint) SetSockOptInt(tcpip.SockOptInt, int) tcpip.Error {
	return &tcpip.ErrUnknownProtocolOption{}
}

// GetSockOpt implements tcpip.Endpoint.
func (*Endpoint) GetSockOpt(tcpip.GettableSocketOption) tcpip.Error {
	return &tcpip.ErrUnknownProtocolOption{}
}

// GetSockOptInt implements tcpip.Endpoint: queue sizes.
func (e *Endpoint) GetSockOptInt(opt tcpip.SockOptInt) (int, tcpip.Error) {
	a := e.getAssoc()
	switch opt {
	case tcpip.ReceiveQueueSizeOption:
		if a == nil {
			return 0, nil
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if m := a.ulp.peek(); m != nil {
			return m.size - m.read, nil
		}
		return 0, nil
	case tcpip.SendQueueSizeOption:
		if a == nil {
			return 0, nil
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.out.buffered, nil
	}
	return -1, &tcpip.ErrUnknownProtocolOption{}
}

// State implements tcpip.Endpoint: an EndpointState.
func (e *Endpoint) State() uint32 {
	e.mu.Lock()
	st, a := e.state, e.assoc
	e.mu.Unlock()
	if a != nil && st == EndpointAssoc {
		a.mu.Lock()
		defer a.mu.Unlock()
		return uint32(EndpointAssoc) + uint32(a.state)
	}
	return uint32(st)
}

// ModerateRecvBuf implements tcpip.Endpoint.
func (*Endpoint) ModerateRecvBuf(int) {}

// Info implements tcpip.Endpoint.
func (e *Endpoint) Info() tcpip.EndpointInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	info := &stack.TransportEndpointInfo{NetProto: e.netProto, TransProto: ProtocolNumber}
	info.ID.LocalAddress, info.ID.LocalPort = e.localAddr, e.localPort
	if a := e.assoc; a != nil {
		info.ID.RemoteAddress, info.ID.RemotePort = a.primary.addr, a.peerPort
	}
	return info
}

// Stats implements tcpip.Endpoint: the association's counters.
func (e *Endpoint) Stats() tcpip.EndpointStats {
	if a := e.getAssoc(); a != nil {
		return &a.stats
	}
	return &AssocStats{}
}

// SetOwner implements tcpip.Endpoint.
func (*Endpoint) SetOwner(tcpip.PacketOwner) {}

// LastError implements tcpip.Endpoint: the pending error, once; for an
// association, its failure (refused, timed out, reset) is reported once.
func (e *Endpoint) LastError() tcpip.Error {
	e.lastErrMu.Lock()
	err := e.lastErr
	e.lastErr = nil
	e.lastErrMu.Unlock()
	if err != nil {
		return err
	}
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.err != nil && !a.errTaken {
			a.errTaken = true
			return a.err
		}
	}
	return nil
}

// UpdateLastError implements tcpip.SocketOptionsHandler.
func (e *Endpoint) UpdateLastError(err tcpip.Error) {
	e.lastErrMu.Lock()
	e.lastErr = err
	e.lastErrMu.Unlock()
}

// SocketOptions implements tcpip.Endpoint.
func (e *Endpoint) SocketOptions() *tcpip.SocketOptions { return e.sockOpts() }
