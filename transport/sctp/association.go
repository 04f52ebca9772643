package sctp

import (
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// AssocID names an association within the protocol.
type AssocID uint32

// association is the TCB (RFC 9260 14.1): state, tags, TSNs, streams, its
// path and its four pipes. One mutex guards it; packets, timers and user
// calls each hold it briefly, run the state machine, and write the packets
// it produced after letting go.
type association struct {
	p   *protocol
	dmx *demux
	ep  *Endpoint // the user's endpoint; never nil

	mu sync.Mutex

	// o are the association's parameters: the protocol's options, or a
	// copy the user changed for this association (options.go). Never
	// changed in place: a setter installs a new copy.
	o *Options

	// +checklocks:mu
	state State
	// dead is set when the TCB is deleted; released once its resources
	// are given back.
	dead     bool
	released bool
	passive  bool

	netProto  tcpip.NetworkProtocolNumber
	localAddr tcpip.Address
	localPort uint16
	peerPort  uint16
	id        AssocID

	// paths holds one transport per peer address (RFC 9260 6.4); primary
	// is the one the user (or set-up) chose, where data goes while it is
	// active. The first path is the one set-up ran on.
	paths   []*transport
	primary *transport
	// localAddrs are our addresses the association may use and announces
	// in its INIT or INIT ACK; empty means any of the stack's.
	localAddrs []tcpip.Address
	wildcard   bool         // the endpoint has a wildcard bind
	families   addrFamilies // the address families the endpoint may use
	// timersArmed has a bit per armed timer (timerArmed).
	timersArmed uint8
	// errorCount is the association's overall error counter (RFC 9260 8.1).
	errorCount int32
	// sackPath is where the last DATA came from: SACKs go back there
	// (RFC 9260 6.4).
	sackPath   *transport
	pathEvents []pathNote

	// peerAdapt is the peer's Adaptation Layer Indication, if
	// hasPeerAdapt; adapt ours, sent if hasAdapt (RFC 5061 4.2.6).
	peerAdapt, adapt       uint32
	hasPeerAdapt, hasAdapt bool
	// prsctp is set when both sides announced Forward-TSN-Supported:
	// PR-SCTP is in use (RFC 3758 3.3).
	prsctp bool
	// dryNoted is set once SENDER_DRY was reported for the current dry
	// spell.
	dryNoted bool
	// events are the notification types subscribed (notify.go).
	events EventMask
	// rare is what few associations need, made on first need (x).
	rare *assocRare

	myVtag, peerVtag        uint32
	localTieTag, peerTieTag uint32 // RFC 9260 5.2.2
	myInitTSN, peerInitTSN  uint32

	wantOut, maxIn        uint16 // what our INIT asks for (OS, MIS)
	outStreams, inStreams uint16 // negotiated
	rcvbuf, sndbuf        int

	// Set-up: what an active open needs until ESTABLISHED (su).
	setup *assocSetup

	timers [numTimers]*assocTimer

	out outqueue
	in  tsnMap
	ulp ulpqueue

	// SACK policy (RFC 9260 6.2): a SACK for every second packet with
	// DATA, sent when the burst that brought it is processed
	// (sack_burst.go), at once on gaps and duplicates, else after
	// SACK.Delay.
	pktsUnacked uint16 // at most max(SackFrequency, sackBurstMax)
	sackNow     bool
	sackBurst   bool // timerSack is armed for the end of the burst
	sackDue     bool
	dataSeen    bool // a DATA chunk has arrived (the first is SACKed at once)
	lastRwnd    uint32
	preserve    uint32 // Cookie Preservative for the next INIT, ms

	// inPacket is set while the chunks of a received packet run;
	// flushWanted asks for transmit at its end (after the SACK).
	inPacket    bool
	flushWanted bool
	// nodelay turns off the Nagle-like coalescing of small messages.
	nodelay  bool
	flushing bool // unlockAndFlush is writing packets
	// depth is the nesting of runLocked.
	depth int32

	pb     packetBuilder
	notify waiter.EventMask

	// What the user sees.
	err        tcpip.Error // terminal error, if the association failed
	errTaken   bool        // LastError reported err
	connected  bool        // reached ESTABLISHED
	peerClosed bool        // the peer shut down: EOF after queued data
	closedOK   bool        // shut down gracefully
	abortCause header.CauseCode
	hasAbort   bool

	stats AssocStats
}

// assocRare is the part of the TCB few associations need: an idle
// association has none.
type assocRare struct {
	// notes are the notifications waiting for the reader (notify.go).
	notes []pendingNote
	// peerAddrs are the addresses the peer announced in its INIT or INIT
	// ACK, besides the first path's, that are not paths (RFC 9260 5.2.1,
	// 5.2.2: a restart may not add any).
	peerAddrs []tcpip.Address
	// abortInfo is the information of the first cause of the peer's
	// ABORT (RFC 9260 9.1).
	abortInfo []byte
	// autoclose shuts the association down after that long without user
	// data (SCTP_AUTOCLOSE, one-to-many); 0 never.
	autoclose time.Duration
	restarts  int // peer restarts (RFC 9260 5.2.4 A)
}

// noRare is what r returns for an association without its rare part.
var noRare assocRare

// r returns the association's rare part for reading: never to be written
// through.
//
// +checklocks:a.mu
func (a *association) r() *assocRare {
	if a.rare == nil {
		return &noRare
	}
	return a.rare
}

// x returns the association's rare part for writing, made on first need.
//
// +checklocks:a.mu
func (a *association) x() *assocRare {
	if a.rare == nil {
		a.rare = new(assocRare)
	}
	return a.rare
}

// smFrame is the scratch one level of runLocked uses.
type smFrame struct {
	ctx  smContext
	cmds commandList
	x    execEnv
}

// newAssociation makes a TCB in CLOSED on route r. The caller owns r.
func (p *protocol) newAssociation(dmx *demux, ep *Endpoint, r *stack.Route, localPort, peerPort uint16) *association {
	a := &association{
		p:         p,
		dmx:       dmx,
		ep:        ep,
		id:        p.newAssocID(),
		netProto:  r.NetProto(),
		localAddr: r.LocalAddress(),
		localPort: localPort,
		peerPort:  peerPort,
		rcvbuf:    p.opts.ReceiveBufferSize,
		sndbuf:    p.opts.SendBufferSize,
	}
	t := &transport{port: peerPort}
	a.o = &p.opts
	t.init(r.RemoteAddress(), r, a.o)
	if isV6(t.addr) {
		p.watchICMPv6()
	}
	t.state = PathActive // RFC 9260 5.4 rules 1 and 2
	a.paths = append(a.paths, t)
	a.primary = t
	a.sackPath = t
	a.wantOut = p.opts.OutStreams
	a.maxIn = p.opts.MaxInStreams
	a.pb.init(t.pmtu, localPort, peerPort)
	a.pb.to(t)
	a.pb.pstats, a.pb.astats = &p.stats, &a.stats
	p.assocCount.Add(1)
	return a
}

// setState changes state and keeps the per-state gauges.
//
// +checklocks:a.mu
func (a *association) setState(s State) {
	if a.state == s {
		return
	}
	if a.state != StateClosed {
		a.p.stats.AssociationsByState[a.state].Decrement()
	}
	if s != StateClosed {
		a.p.stats.AssociationsByState[s].Increment()
	}
	a.state = s
	if s == StateEstablished {
		a.setupDone()
	}
}

// timerDuration is how long timer id runs from now.
//
// +checklocks:a.mu
func (a *association) timerDuration(id timerID) time.Duration {
	o := a.o
	switch id {
	case timerT1Init, timerT1Cookie:
		return a.su().t1rto
	case timerT5ShutdownGuard:
		return 5 * o.RTOMax // RFC 9260 9.2: suggested 5 x RTO.Max
	case timerHeartbeat:
		return a.heartbeatDue()
	case timerSack:
		return o.DelayedAckTime
	case timerT3Rtx:
		// RFC 9260 6.3.2: the RTO of the path the earliest outstanding
		// chunk went to.
		if len(a.out.inflight) > 0 && a.out.inflight[0].tp != nil {
			return a.out.inflight[0].tp.rto
		}
		return a.dataPath().rto
	case timerT2Shutdown:
		return a.dataPath().rto
	case timerAutoclose:
		return a.r().autoclose
	}
	return a.primary.rto
}

// runLocked runs one event through the state table and carries out its
// commands.
//
// +checklocks:a.mu
func (a *association) runLocked(ev *event) disposition {
	if a.dead {
		return dispDeleted
	}
	if ev.now == 0 && (ev.typ == evInit || ev.typ == evCookieEcho) {
		// The wall clock is for State Cookies (their creation and
		// staleness, RFC 9260 5.1.3); packets bring it from the demux.
		// Reading it for every send and read cost 5% of a small
		// message's CPU.
		ev.now = a.p.stack.Clock().Now().UnixNano()
	}
	// The context and command list live in pooled frames (a state
	// function's commands may run another event: one frame per depth),
	// so that running an event allocates nothing.
	f := getFrame()
	a.depth++
	defer func() { a.depth--; putFrame(f) }()
	f.ctx = smContext{a: a, p: a.p}
	f.cmds.reset()
	f.x = execEnv{a: a}
	d := lookup(ev.typ, a.state)(&f.ctx, ev, &f.cmds)
	a.p.execute(&f.ctx, ev, &f.cmds, &f.x)
	if a.dead && d == dispContinue {
		d = dispDeleted
	}
	return d
}

// handleChunks runs the chunks of one packet through the state machine,
// then applies the SACK policy (RFC 9260 6.2).
//
// +checklocks:a.mu
func (a *association) handleChunks(pi *packetInfo, chunks []byte, now int64) {
	// RFC 9260 8.5.1 A: a packet with tag 0 holds a lone INIT.
	if pi.vtag == 0 && !(pi.singleton && header.Chunk(chunks).Type() == header.ChunkInit) {
		a.p.stats.VerificationTagDrops.Increment()
		return
	}
	a.handleChunksFrom(pi, chunks, now, true)
}

// handleChunksFrom is handleChunks from a chunk that may not be the
// packet's first.
//
// +checklocks:a.mu
func (a *association) handleChunksFrom(pi *packetInfo, chunks []byte, now int64, first bool) {
	a.stats.PacketsReceived.Increment()
	a.inPacket = true
	// The chunks' event escapes through the state table: pooled, not
	// allocated per chunk nor kept in every TCB.
	ev := eventPool.Get().(*event)
	it := header.NewChunkIter(chunks)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		a.stats.ChunksReceived.Of(c.Type()).Increment()
		a.p.stats.ChunksReceived[c.Type()].Increment()
		pi.firstChunk = first
		first = false
		*ev = event{typ: chunkEvent(c.Type()), chunk: c, pkt: pi, now: now}
		if d := a.runLocked(ev); d != dispContinue {
			break
		}
	}
	*ev = event{}
	eventPool.Put(ev)
	a.inPacket = false
	if !a.dead {
		a.afterPacket()
	}
	if a.flushWanted {
		a.flushWanted = false
		if !a.dead {
			a.transmit()
		}
	}
}

// afterPacket sends or schedules the SACK the packet's DATA calls for.
//
// +checklocks:a.mu
func (a *association) afterPacket() {
	if !a.sackDue {
		return
	}
	a.pktsUnacked++
	n := int(a.pktsUnacked)
	owed := n >= a.o.SackFrequency
	if a.sackNow || a.in.hasGaps() || owed && n >= sackBurstMax {
		a.sendSack()
		return
	}
	if owed {
		a.sackAtBurstEnd()
		return
	}
	if !a.timerArmed(timerSack) {
		a.startTimer(timerSack)
	}
}

// unlockAndFlush writes the packets produced while a.mu was held, without
// holding it, then wakes the user. Only one goroutine writes at a time,
// so packets leave in the order they were built; others just queue theirs
// (a write may loop back into this association synchronously).
//
// +checklocks:a.mu
func (a *association) unlockAndFlush() {
	a.pb.seal()
	if !a.flushing {
		a.flushing = true
		for len(a.pb.out) > 0 {
			// What is sealed while a.mu is let go goes to new storage.
			pkts, box := a.pb.detach()
			for i := range pkts {
				t := pkts[i].dst
				if t == nil || t.route == nil {
					t = a.dataPath()
				}
				// DF on what fits the path MTU (PMTU discovery, RFC 9260
				// 7.3); a larger packet (an INIT ACK with a big cookie)
				// may be fragmented.
				pkts[i].df = int64(t.pmtu)
				pkts[i].r = t.route
				// One reference per run of packets on the same route,
				// not one per packet.
				if r := pkts[i].r; r != nil && (i == 0 || pkts[i-1].r != r) {
					r.Acquire()
					pkts[i].ref = true
				}
			}
			a.mu.Unlock()
			for i := range pkts {
				pk := &pkts[i]
				if pk.r == nil {
					pk.b.Release() // no route to the peer: the packet is lost
					continue
				}
				a.p.writePacket(pk.r, pk.b, pk.b.Size() <= pk.df)
			}
			for i := range pkts {
				if pkts[i].ref {
					pkts[i].r.Release()
				}
			}
			a.mu.Lock()
			a.stats.PacketsSent.IncrementBy(uint64(len(pkts)))
			putSealed(pkts, box)
		}
		a.flushing = false
	}
	release := a.dead && !a.released && !a.flushing
	if release {
		a.released = true
	}
	notify := a.notify
	a.notify = 0
	ep := a.ep
	a.mu.Unlock()
	if release {
		a.release()
	}
	if notify != 0 && ep != nil {
		ep.waiterQueue.Notify(notify)
	}
}

// release gives back what a deleted association holds: its route, its
// share of the port, its place in the protocol's count.
func (a *association) release() {
	a.mu.Lock()
	for _, t := range a.paths {
		t.releaseRoute()
	}
	a.dmx.removeAssoc(a) // lock order: a.mu before the demux's
	a.mu.Unlock()
	a.p.assocCount.Add(-1)
	a.dmx.decRef()
}

// deleteTCB ends the association (cmdDeleteTCB): timers stop, queues
// drop, and it leaves CLOSED. Its resources go after the last flush.
//
// +checklocks:a.mu
func (a *association) deleteTCB() {
	if a.dead {
		return
	}
	if !a.connected && a.err != nil {
		a.p.stats.FailedSetups.Increment()
	}
	a.stopAllTimers()
	a.setState(StateClosed)
	a.dead = true
	// What the reader was handed stays readable; the rest of the
	// receive side goes with the TCB.
	a.out.drop(a.err != nil)
	if a.err != nil {
		a.noteFailure()
	} else if a.connected {
		a.note(&AssocChange{ID: a.id, State: ShutdownComp})
	}
	a.notify |= waiter.ReadableEvents | waiter.WritableEvents | waiter.EventHUp
}
