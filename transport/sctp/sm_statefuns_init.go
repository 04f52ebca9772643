package sctp

import (
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"slices"
)

// State functions of RFC 9260 section 5: association set-up and the
// handling of duplicate or unexpected set-up chunks.

// family returns the Supported Address Types bit of the packet's family.
func family(pi *packetInfo) uint8 {
	if pi.srcAddr.Len() == 16 {
		return 2
	}
	return 1
}

// vtagOK is the general rule of RFC 9260 8.5: the packet carries our tag.
func vtagOK(ctx *smContext, ev *event) bool { return ev.pkt.vtag == ctx.a.myVtag }

// sfDo5_1BInit answers an INIT that matches no association with an INIT
// ACK carrying a State Cookie, keeping no state (RFC 9260 5.1 B, 5.1.3).
func sfDo5_1BInit(ctx *smContext, ev *event, cmds *commandList) disposition {
	// RFC 9260 6.10, 8.5.1 A: INIT is alone in a packet with tag 0.
	if !ev.pkt.singleton {
		return dispDiscard
	}
	if ev.pkt.vtag != 0 {
		return sfTAbort8_4_8(ctx, ev, cmds)
	}
	if len(ev.chunk) < header.InitChunkHeaderLen {
		return dispDiscard // too short to answer: no Initiate Tag
	}
	v := parseInit(ev.chunk, false, family(ev.pkt), &ctx.init)
	switch {
	case v == initDiscard:
		return dispDiscard // RFC 9260 3.3.2: Initiate Tag 0
	case v != initOK:
		cmds.do(cmdCountOOTB)
		cmds.abort(v.cause(), vtInitTag) // RFC 9260 3.3.2, 5.1.2, 8.4 rule 3
		return dispDiscard
	}
	if !ctx.listening {
		// RFC 9260 8.4 rule 3: no one listens; ABORT with the Initiate
		// Tag and the T bit clear.
		cmds.do(cmdCountOOTB)
		cmds.abort(0, vtInitTag)
		return dispDiscard
	}
	if !ctx.acceptOK {
		cmds.abort(header.CauseOutOfResource, vtInitTag) // RFC 9260 3.3.10.4
		return dispDiscard
	}
	cmds.do(cmdSendInitAck)
	return dispDiscard
}

// sfDo5_1CInitAck takes the peer's INIT ACK in COOKIE-WAIT: it records the
// peer's parameters and echoes the cookie (RFC 9260 5.1 C).
func sfDo5_1CInitAck(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		return dispDiscard // RFC 9260 8.5
	}
	if !ev.pkt.singleton || len(ev.chunk) < header.InitChunkHeaderLen {
		return dispDiscard // RFC 9260 6.10: INIT ACK is bundled with nothing
	}
	v := parseInit(ev.chunk, true, family(ev.pkt), &ctx.init)
	switch v {
	case initOK:
	case initAbortZeroTag:
		// RFC 9260 3.3.3: destroy the TCB, ABORT with the T bit.
		return cmds.abortAssoc(0, vtOwn, errRefused)
	default:
		// RFC 9260 3.3.3, 5.1.2: ABORT with the cause; the set-up fails.
		return cmds.abortAssoc(v.cause(), vtInitTag, errRefused)
	}
	cmds.stopTimer(timerT1Init)
	cmds.do(cmdProcessInitAck)
	cmds.do(cmdSendCookieEcho)
	cmds.startTimer(timerT1Cookie)
	cmds.setState(StateCookieEchoed)
	return dispContinue
}

// cookieFromEcho verifies the cookie of a COOKIE ECHO and unpacks it into
// ctx.cookie (RFC 9260 5.1.5 steps 1-2). It also checks that the cookie
// was issued for this packet's addresses, ports and tag.
func cookieFromEcho(ctx *smContext, ev *event) bool {
	b := header.CookieEchoChunk(ev.chunk).Cookie()
	if !ctx.p.keys.verify(b, &ctx.cookie) {
		return false
	}
	c := &ctx.cookie
	pi := ev.pkt
	// RFC 9260 8.5.1 D: the COOKIE ECHO carries the tag of our INIT ACK.
	return pi.vtag == c.localTag && pi.dstPort == c.localPort && pi.srcPort == c.peerPort &&
		pi.dstAddr == c.localAddr && pi.srcAddr == c.peerAddr && pi.netProto == c.netProto
}

// sfDo5_1DCookieEcho builds the association from a valid State Cookie and
// answers with COOKIE ACK (RFC 9260 5.1 D, 5.1.5). Forged, stale and
// replayed cookies build nothing.
func sfDo5_1DCookieEcho(ctx *smContext, ev *event, cmds *commandList) disposition {
	// RFC 9260 8.4 rule 4: only as the first chunk of the packet.
	if !ev.pkt.firstChunk {
		return sfTAbort8_4_8(ctx, ev, cmds)
	}
	if !cookieFromEcho(ctx, ev) {
		cmds.do(cmdCountCookieRejected)
		return dispDiscard // RFC 9260 5.1.5 step 2: silently discard
	}
	if exp, us := ctx.cookie.expired(ev.now); exp {
		// RFC 9260 5.1.5 step 3: Stale Cookie error, discard.
		ctx.stale = us
		cmds.do(cmdCountCookieRejected)
		cmds.sendError(header.CauseStaleCookie, vtCookiePeer)
		return dispDiscard
	}
	if ctx.p.replay.used(ctx.cookie.localTag, ctx.cookie.peerTag) {
		cmds.do(cmdCountCookieRejected)
		return dispDiscard // an accepted cookie builds one association only
	}
	if !ctx.listening {
		cmds.abort(0, vtCookiePeer)
		return dispDiscard
	}
	if !ctx.acceptOK {
		cmds.abort(header.CauseOutOfResource, vtCookiePeer)
		return dispDiscard
	}
	cmds.do(cmdNewAssoc)
	cmds.setState(StateEstablished)
	cmds.do(cmdSendCookieAck)
	cmds.do(cmdConnected)
	cmds.startTimer(timerHeartbeat)
	return dispContinue
}

// sfDo5_1ECookieAck completes an active open (RFC 9260 5.1 E).
func sfDo5_1ECookieAck(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		return dispDiscard
	}
	cmds.stopTimer(timerT1Cookie)
	cmds.setState(StateEstablished)
	cmds.do(cmdConnected)
	cmds.do(cmdFlushOutqueue)
	cmds.startTimer(timerHeartbeat)
	return dispContinue
}

// sfDo5_1T1InitExpire retransmits the INIT with exponential back-off, or
// gives up after Max.Init.Retransmits (RFC 9260 5.1 C, 6.3.3).
func sfDo5_1T1InitExpire(ctx *smContext, ev *event, cmds *commandList) disposition {
	return t1Expire(ctx, cmds, cmdSendInit, timerT1Init)
}

// sfDo5_1T1CookieExpire retransmits the COOKIE ECHO, or gives up after
// Max.Init.Retransmits (RFC 9260 5.1 E).
func sfDo5_1T1CookieExpire(ctx *smContext, ev *event, cmds *commandList) disposition {
	return t1Expire(ctx, cmds, cmdSendCookieEcho, timerT1Cookie)
}

// t1Expire is the common rule of both T1 timers: back off and resend, or
// report the failure to the user and delete the TCB once
// Max.Init.Retransmits is reached (RFC 9260 5.1 C and E).
func t1Expire(ctx *smContext, cmds *commandList, resend cmdKind, t timerID) disposition {
	if su := ctx.a.su(); su.initRetries >= su.maxInitRetries {
		cmds.reportError(errTimeout)
		cmds.do(cmdDeleteTCB)
		return dispDeleted
	}
	cmds.do(cmdBackoffT1)
	cmds.do(resend)
	cmds.startTimer(t)
	return dispContinue
}

// initCollisionCommon checks an INIT that meets an existing TCB, as 5.1 B
// does for a new one. It returns false when the INIT was answered or
// dropped already.
func initCollisionCommon(ctx *smContext, ev *event, cmds *commandList) (disposition, bool) {
	if !ev.pkt.singleton || ev.pkt.vtag != 0 || len(ev.chunk) < header.InitChunkHeaderLen {
		return dispDiscard, false // RFC 9260 6.10, 8.5.1 A
	}
	v := parseInit(ev.chunk, false, family(ev.pkt), &ctx.init)
	switch {
	case v == initDiscard:
		return dispDiscard, false
	case v != initOK:
		// RFC 9260 3.3.2: ABORT with the INIT's tag; the existing
		// association is not changed.
		cmds.abort(v.cause(), vtInitTag)
		return dispDiscard, false
	}
	// RFC 9260 5.2.1 (COOKIE-ECHOED), 5.2.2: an INIT that adds addresses
	// to the association is discarded and answered with an ABORT, Restart
	// of an Association with New Addresses, carrying the INIT's tag.
	if a := ctx.a; a.state != StateCookieWait {
		for i, ad := range ctx.init.addrs[:ctx.init.naddrs] {
			if a.pathFor(ad) == nil && !slices.Contains(a.r().peerAddrs, ad) {
				ctx.newAddrs[ctx.nnew] = uint8(i)
				ctx.nnew++
			}
		}
		if ctx.nnew > 0 {
			cmds.abort(header.CauseRestartWithNewAddresses, vtInitTag)
			return dispDiscard, false
		}
	}
	return dispContinue, true
}

// sfDo5_2_1SimInit answers an INIT met in COOKIE-WAIT or COOKIE-ECHOED (an
// initialization collision) with an INIT ACK built from our original INIT's
// parameters; state and timers stay (RFC 9260 5.2.1).
func sfDo5_2_1SimInit(ctx *smContext, ev *event, cmds *commandList) disposition {
	d, ok := initCollisionCommon(ctx, ev, cmds)
	if !ok {
		return d
	}
	if ctx.a.state == StateCookieEchoed {
		cmds.do(cmdSetTieTags) // RFC 9260 5.2.1: populate the Tie-Tags
	}
	cmds.do(cmdSendInitAck)
	return dispDiscard
}

// sfDo5_2_2DupInit answers an unexpected INIT in an established or
// shutting-down association with an INIT ACK with a new tag and the
// Tie-Tags, leaving the association alone (RFC 9260 5.2.2).
func sfDo5_2_2DupInit(ctx *smContext, ev *event, cmds *commandList) disposition {
	d, ok := initCollisionCommon(ctx, ev, cmds)
	if !ok {
		return d
	}
	cmds.do(cmdSetTieTags)
	cmds.do(cmdSendInitAck)
	return dispDiscard
}

// sfDiscard5_2_3 drops an unexpected INIT ACK (RFC 9260 5.2.3).
func sfDiscard5_2_3(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// dupCookieCase is the action of RFC 9260 5.2.4's table.
type dupCookieCase uint8

const (
	dupCookieDiscard dupCookieCase = iota
	dupCookieA                     // peer restart
	dupCookieB                     // collision: take the peer's new tag
	dupCookieC                     // late cookie: discard
	dupCookieD                     // both tags match
)

// classifyDupCookie applies the table of RFC 9260 5.2.4.
func classifyDupCookie(a *association, c *cookieData) dupCookieCase {
	localM := c.localTag == a.myVtag
	peerM := c.peerTag == a.peerVtag
	tieM := c.localTieTag != 0 && c.localTieTag == a.localTieTag && c.peerTieTag == a.peerTieTag
	switch {
	case !localM && !peerM && tieM:
		return dupCookieA
	case localM && (!peerM || a.peerVtag == 0):
		return dupCookieB
	case !localM && peerM && c.localTieTag == 0 && c.peerTieTag == 0:
		return dupCookieC
	case localM && peerM:
		return dupCookieD
	}
	return dupCookieDiscard
}

// sfDo5_2_4DupCookie handles a COOKIE ECHO for an existing association:
// restart (A), collision (B), late cookie (C) or duplicate (D)
// (RFC 9260 5.2.4).
func sfDo5_2_4DupCookie(ctx *smContext, ev *event, cmds *commandList) disposition {
	b := header.CookieEchoChunk(ev.chunk).Cookie()
	if !ctx.p.keys.verify(b, &ctx.cookie) {
		cmds.do(cmdCountCookieRejected)
		return dispDiscard // RFC 9260 5.2.4 step 2
	}
	a := ctx.a
	c := &ctx.cookie
	if ev.pkt.vtag != c.localTag || c.peerPort != a.peerPort || c.localPort != a.localPort {
		return dispDiscard
	}
	// RFC 9260 5.2.4 step 3: stale unless both tags match (case E).
	if exp, us := c.expired(ev.now); exp && !(c.localTag == a.myVtag && c.peerTag == a.peerVtag) {
		ctx.stale = us
		cmds.do(cmdCountCookieRejected)
		cmds.sendError(header.CauseStaleCookie, vtCookiePeer)
		return dispDiscard
	}
	switch classifyDupCookie(a, c) {
	case dupCookieA:
		if a.state == StateShutdownAckSent {
			// RFC 9260 5.2.4 A: no restart while shutting down.
			cmds.do(cmdSendShutdownAck)
			cmds.sendError(header.CauseCookieWhileShuttingDown, vtCookiePeer)
			return dispDiscard
		}
		for t := timerID(0); t < numTimers; t++ {
			cmds.stopTimer(t)
		}
		cmds.do(cmdRestartAssoc)
		cmds.do(cmdReportRestart)
		cmds.setState(StateEstablished)
		cmds.do(cmdSendCookieAck)
		cmds.startTimer(timerHeartbeat)
		return dispContinue
	case dupCookieB:
		cmds.stopTimer(timerT1Init)
		cmds.stopTimer(timerT1Cookie)
		cmds.do(cmdUpdateFromCook)
		if a.state < StateEstablished {
			cmds.setState(StateEstablished)
			cmds.do(cmdConnected)
			cmds.startTimer(timerHeartbeat)
		}
		cmds.do(cmdSendCookieAck)
		cmds.do(cmdFlushOutqueue)
		return dispContinue
	case dupCookieD:
		if a.state < StateEstablished {
			cmds.stopTimer(timerT1Init)
			cmds.stopTimer(timerT1Cookie)
			cmds.do(cmdUpdateFromCook)
			cmds.setState(StateEstablished)
			cmds.do(cmdConnected)
			cmds.startTimer(timerHeartbeat)
		}
		cmds.do(cmdSendCookieAck)
		cmds.do(cmdFlushOutqueue)
		return dispContinue
	}
	return dispDiscard // case C and the rest: silently discard
}

// sfDiscard5_2_5 drops a duplicate COOKIE ACK (RFC 9260 5.2.5).
func sfDiscard5_2_5(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// sfDiscard5_2_6 drops an ERROR in COOKIE-WAIT: only COOKIE-ECHOED acts on
// a Stale Cookie error (RFC 9260 5.2.6).
func sfDiscard5_2_6(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// hasCause reports whether an ERROR or ABORT chunk carries the cause.
func hasCause(c header.Chunk, code header.CauseCode) (header.Cause, bool) {
	it := header.NewCauseIter(c.Value())
	for cs, ok := it.Next(); ok; cs, ok = it.Next() {
		if cs.Code() == code {
			return cs, true
		}
	}
	return nil, false
}

// sfDo5_2_6StaleCookie handles an ERROR in COOKIE-ECHOED: with a Stale
// Cookie cause it restarts the set-up with a Cookie Preservative
// (RFC 9260 5.2.6 alternative 3); other causes are reported (3.3.10).
func sfDo5_2_6StaleCookie(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		return dispDiscard
	}
	cs, ok := hasCause(ev.chunk, header.CauseStaleCookie)
	if !ok || len(cs) < header.CauseHeaderLen+4 {
		return sfOperr3_3_10(ctx, ev, cmds)
	}
	if su := ctx.a.su(); su.initRetries >= su.maxInitRetries {
		cmds.reportError(errTimeout)
		cmds.do(cmdDeleteTCB)
		return dispDeleted
	}
	ctx.stale = uint32(cs[4])<<24 | uint32(cs[5])<<16 | uint32(cs[6])<<8 | uint32(cs[7])
	cmds.stopTimer(timerT1Cookie)
	cmds.do(cmdBackoffT1)
	cmds.setState(StateCookieWait)
	cmds.do(cmdSendInit) // with a Cookie Preservative of ctx.stale
	cmds.startTimer(timerT1Init)
	return dispDiscard
}

// sfCookieWaitAbort5_1 takes an ABORT in COOKIE-WAIT: the peer refused
// (RFC 9260 5.1, 8.5.1 B; the peer's tag is not known yet, so the ABORT
// carries ours with T clear).
func sfCookieWaitAbort5_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !abortVtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	cmds.do(cmdReportAbort)
	cmds.reportError(errRefused)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfCookieEchoedAbort5_1 takes an ABORT in COOKIE-ECHOED (RFC 9260 5.1,
// 8.5.1 B).
func sfCookieEchoedAbort5_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	return sfCookieWaitAbort5_1(ctx, ev, cmds)
}

// abortVtagOK is RFC 9260 8.5.1 B (also C for SHUTDOWN COMPLETE): our tag
// with T clear, or the peer's tag with T set.
func abortVtagOK(ctx *smContext, ev *event) bool {
	t := ev.chunk.Flags()&header.ChunkFlagT != 0
	if !t {
		return ev.pkt.vtag == ctx.a.myVtag
	}
	return ctx.a.peerVtag != 0 && ev.pkt.vtag == ctx.a.peerVtag
}

// sfDoPrmAssociate starts an active open: INIT, T1-init, COOKIE-WAIT
// (RFC 9260 5.1 A).
func sfDoPrmAssociate11_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	if ctx.a == nil {
		return dispRefused
	}
	cmds.do(cmdSendInit)
	cmds.startTimer(timerT1Init)
	cmds.setState(StateCookieWait)
	return dispContinue
}

// sfCookieWaitPrmShutdown9_2 closes an association that is not set up
// yet: the peer keeps no state in COOKIE-WAIT, so the TCB just goes.
func sfCookieWaitPrmShutdown9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.reportError(errAborted)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfCookieEchoedPrmShutdown9_2 closes an association whose COOKIE ECHO may
// have built a TCB at the peer: an ABORT tells it (RFC 9260 9.1).
func sfCookieEchoedPrmShutdown9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	return cmds.abortAssoc(header.CauseUserInitiatedAbort, vtPeer, errAborted)
}

// sfCookieWaitPrmAbort9_1 aborts in COOKIE-WAIT. The peer keeps no state
// yet and its tag is unknown, so no ABORT is sent (RFC 9260 9.1).
func sfCookieWaitPrmAbort9_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.reportError(errAborted)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfICMPSetupRefused10 fails a set-up on ICMP protocol or port unreachable
// (RFC 9260 10 item 8; port unreachable too, so that Connect to a host
// without SCTP fails promptly as in Linux).
func sfICMPSetupRefused10(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.reportError(errRefused)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}
