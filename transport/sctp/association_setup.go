package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"
)

// The parts of the TCB that set-up fills in: from the INIT ACK (active
// open), from a State Cookie (passive open, collisions, restart).

// processInitAck takes the peer's parameters from its INIT ACK
// (RFC 9260 5.1 C).
//
// +checklocks:a.mu
func (a *association) processInitAck(ii *initInfo, src tcpip.Address) {
	a.peerVtag = ii.tag
	a.addPeerAddrs(ii.addrs[:ii.naddrs], src)
	a.peerAdapt, a.hasPeerAdapt = ii.adapt, ii.hasAdapt
	a.prsctp = ii.fwdTSN && !a.o.DisablePRSCTP // RFC 3758 3.3.2
	a.peerInitTSN = ii.tsn
	a.outStreams = min(a.wantOut, ii.mis)
	a.inStreams = min(a.maxIn, ii.os)
	a.in.init(ii.tsn)
	a.ulp.init(a.inStreams, a.rcvbuf)
	a.out.arwnd = ii.arwnd
	su := a.su()
	su.cookie = append(su.cookie[:0], ii.cookie...)
	su.unrecParams = su.unrecParams[:0]
	for i := 0; i < ii.nunrec; i++ {
		p := ii.unrec[i]
		su.unrecParams = append(su.unrecParams, p...)
		for len(su.unrecParams)%4 != 0 {
			su.unrecParams = append(su.unrecParams, 0)
		}
	}
	// The COOKIE ECHO gets its own Max.Init.Retransmits budget.
	su.initRetries = 0
	su.t1rto = a.o.RTOInitial
}

// assocSetup is what an active open needs until ESTABLISHED (RFC 9260
// 5.1): the INIT and COOKIE ECHO retransmission count, budget and timeout,
// the State Cookie echoed and the INIT ACK's parameters to report
// (3.2.1). A passive open never needs it; an active one lets it go once
// established (setupDone).
type assocSetup struct {
	initRetries    int
	maxInitRetries int
	maxInitTimeout time.Duration
	t1rto          time.Duration
	cookie         []byte // the peer's State Cookie, echoed
	unrecParams    []byte // parameters of the INIT ACK to report (3.2.1)
}

// su returns the set-up state, made with the protocol's defaults on first
// use.
//
// +checklocks:a.mu
func (a *association) su() *assocSetup {
	if a.setup == nil {
		o := &a.p.opts
		a.setup = &assocSetup{maxInitRetries: o.MaxInitRetransmits, maxInitTimeout: o.RTOMax, t1rto: o.RTOInitial}
	}
	return a.setup
}

// setupDone lets go of what only set-up needed, once the association is
// ESTABLISHED (RFC 9260 5.1 E): the T1 timers, which the state functions
// have stopped, and the State Cookie and unrecognized parameters the
// COOKIE ECHO carried. An idle association keeps none of it.
//
// +checklocks:a.mu
func (a *association) setupDone() {
	a.dropTimer(timerT1Init)
	a.dropTimer(timerT1Cookie)
	a.setup = nil
}

// fromCookie sets the TCB's tags, TSNs, streams and windows from a cookie.
//
// +checklocks:a.mu
func (a *association) fromCookie(c *cookieData) {
	a.myVtag, a.peerVtag = c.localTag, c.peerTag
	a.addPeerAddrs(c.peerAddrs[:c.npeerAddrs], tcpip.Address{})
	a.peerAdapt, a.hasPeerAdapt = c.peerAdapt, c.hasAdapt
	a.prsctp = c.prsctp
	a.myInitTSN, a.peerInitTSN = c.localTSN, c.peerTSN
	a.outStreams, a.inStreams = c.outStreams, c.inStreams
	a.in.init(c.peerTSN)
	a.ulp.init(c.inStreams, a.rcvbuf)
	a.out.init(c.localTSN, c.outStreams, c.peerRwnd)
}

// updateFromCookie is RFC 9260 5.2.4 B (and D from COOKIE-WAIT): the peer's
// tag and parameters come from the cookie; our side, with any data we
// queued, stays.
//
// +checklocks:a.mu
func (a *association) updateFromCookie(c *cookieData) {
	a.peerVtag = c.peerTag
	if a.state >= StateEstablished {
		// Data already flows: only the tag changes (5.2.4 B).
		return
	}
	a.peerInitTSN = c.peerTSN
	a.prsctp = c.prsctp
	a.outStreams, a.inStreams = c.outStreams, c.inStreams
	a.in.init(c.peerTSN)
	a.ulp.init(c.inStreams, a.rcvbuf)
	a.out.arwnd = c.peerRwnd
}

// restartFromCookie is RFC 9260 5.2.4 A: the peer restarted. The TCB is
// reset as if an ABORT and a new COOKIE ECHO had come; data already
// delivered to the reader stays readable, the rest is dropped, and the
// congestion state starts afresh.
//
// +checklocks:a.mu
func (a *association) restartFromCookie(c *cookieData) {
	a.out.drop(false)
	a.ulp.keepReadyOnly()
	a.myVtag, a.peerVtag = c.localTag, c.peerTag
	a.setPeerAddrs(c.peerAddrs[:c.npeerAddrs])
	a.myInitTSN, a.peerInitTSN = c.localTSN, c.peerTSN
	a.prsctp = c.prsctp
	a.outStreams, a.inStreams = c.outStreams, c.inStreams
	a.in.init(c.peerTSN)
	a.ulp.nstreams = int32(c.inStreams)
	a.out.init(c.localTSN, c.outStreams, c.peerRwnd)
	for _, t := range a.paths {
		t.resetCongestion()
		t.errorCount, t.flight = 0, 0
		t.rto = a.o.RTOInitial
		t.measured = false
		t.hbOutstanding = false
	}
	a.errorCount = 0
	a.localTieTag, a.peerTieTag = 0, 0
	a.peerClosed = false
	a.pktsUnacked, a.sackDue, a.sackNow, a.dataSeen = 0, false, false, false
	a.notify |= waiter.WritableEvents
}

// assocFromCookie builds the TCB of a passive open from a verified cookie
// (RFC 9260 5.1 D), with an endpoint for Accept. It returns it locked; the
// caller inserts it into the demux and queues it on the listener.
func (p *protocol) assocFromCookie(ctx *smContext, ev *event, x *execEnv) *association {
	c := &ctx.cookie
	r, err := p.stack.FindRoute(0, c.localAddr, c.peerAddr, c.netProto, false)
	if err != nil {
		return nil
	}
	l := x.listener
	ep := newEndpoint(p, c.netProto, &waiter.Queue{})
	ep.inheritFrom(l)
	x.dmx.incRef() // the endpoint's share of the port
	x.dmx.incRef() // the association's
	a := p.newAssociation(x.dmx, ep, r, c.localPort, c.peerPort)
	a.passive = true
	ep.attach(a, x.dmx, c.localAddr, c.localPort) // before a.mu: lock order
	ep.mu.Lock()                                  // lock order: the endpoint's mu before the association's
	a.mu.Lock()
	ep.setupAssoc(a)
	ep.mu.Unlock()
	a.setLocalAddrs(ctx.lBound, ctx.lFam, c.peerAddr)
	a.rcvbuf, a.sndbuf = ep.rcvbufSize(), ep.sndbufSize()
	a.wantOut, a.maxIn = l.initOut, l.initMaxIn
	a.nodelay = ep.noDelay.Load()
	a.fromCookie(c)
	// RFC 9260 5.1 D: the cookie is used; it builds nothing again.
	expiry := c.created + int64(c.lifeMS)*1e6
	p.replay.add(c.localTag, c.peerTag, expiry, ev.now)
	return a
}
