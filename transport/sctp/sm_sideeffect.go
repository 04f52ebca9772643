package sctp

import (
	"encoding/binary"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// execEnv is where the interpreter acts: the association the commands
// target (locked by the caller; nil for a packet that matches none), and
// for the latter the builder of the replies and the demux that received
// the packet.
type execEnv struct {
	a        *association
	pb       *packetBuilder // replies when a is nil
	dmx      *demux
	listener *Endpoint
	newAssoc *association // built by cmdNewAssoc, locked
}

// builder returns where chunks go.
func (x *execEnv) builder() *packetBuilder {
	if x.a != nil {
		return &x.a.pb
	}
	return x.pb
}

// execute is the side-effect interpreter of paper 5.1: it carries out the
// commands of one state function, in order.
func (p *protocol) execute(ctx *smContext, ev *event, cmds *commandList, x *execEnv) {
	for _, c := range cmds.slice() {
		p.exec1(ctx, ev, c, x)
		if c.kind == cmdNewAssoc && x.newAssoc == nil {
			return // no route back to the peer: nothing was built
		}
	}
}

// vtagFor returns the tag an outgoing chunk carries for source vt.
func vtagFor(ctx *smContext, ev *event, a *association, vt vtagSource) uint32 {
	switch vt {
	case vtReflect:
		return ev.pkt.vtag
	case vtInitTag:
		if ctx.init.tag != 0 {
			return ctx.init.tag
		}
		return header.InitChunk(ev.chunk).InitiateTag()
	case vtCookiePeer:
		return ctx.cookie.peerTag
	case vtOwn:
		return a.myVtag
	}
	if a != nil {
		return a.peerVtag
	}
	return ev.pkt.vtag
}

func (p *protocol) exec1(ctx *smContext, ev *event, c command, x *execEnv) {
	a := x.a
	if a != nil && c.kind >= cmdSendInit && c.kind <= cmdSendInitAbortCopy {
		a.pb.to(a.replyPath(ev, c.kind)) // RFC 9260 6.4
	}
	switch c.kind {
	case cmdNewAssoc:
		x.newAssoc = p.assocFromCookie(ctx, ev, x)
		x.a = x.newAssoc
	case cmdSetState:
		a.setState(c.state)
		if c.state == StateEstablished && !a.connected {
			a.connected = true
		}
		// RFC 9260 9.2: the queue may have drained already (a SHUTDOWN's
		// cumulative ack can acknowledge the last data).
		a.checkDrained()
	case cmdDeleteTCB:
		a.deleteTCB()
	case cmdRestartAssoc:
		a.restartFromCookie(&ctx.cookie)
	case cmdUpdateFromCook:
		a.updateFromCookie(&ctx.cookie)
	case cmdProcessInitAck:
		a.processInitAck(&ctx.init, ev.pkt.srcAddr)
	case cmdSetTieTags:
		if a.localTieTag == 0 {
			a.localTieTag = p.randTag()
			a.peerTieTag = p.randTag()
		}

	case cmdSendInit:
		if ctx.stale != 0 {
			// RFC 9260 5.2.6: ask for the staleness plus at most a second.
			a.preserve = ctx.stale/1000 + uint32(min(a.primary.rto, time.Second)/time.Millisecond)
		}
		a.sendInit()
	case cmdSendInitAck:
		p.sendInitAck(ctx, ev, x)
	case cmdSendCookieEcho:
		a.sendCookieEcho()
	case cmdSendCookieAck:
		b := a.pb.reserve(a.peerVtag, header.CookieAckChunkLen, header.ChunkCookieAck)
		header.CookieAckChunk(b).Encode()
	case cmdSendAbort:
		p.sendAbort(ctx, ev, c, x)
	case cmdSendShutdown:
		b := a.pb.reserve(a.peerVtag, header.ShutdownChunkLen, header.ChunkShutdown)
		header.ShutdownChunk(b).Encode(&header.ShutdownFields{CumTSNAck: a.in.cum})
	case cmdSendShutdownAck:
		b := a.pb.reserve(a.peerVtag, header.ShutdownAckChunkLen, header.ChunkShutdownAck)
		header.ShutdownAckChunk(b).Encode()
	case cmdSendShutdownComp:
		pb := x.builder()
		b := pb.alone(vtagFor(ctx, ev, a, c.vt), header.ShutdownCompleteChunkLen, header.ChunkShutdownComplete)
		header.ShutdownCompleteChunk(b).Encode(&header.ShutdownCompleteFields{TBit: c.tbit})
		pb.sealAfter()
	case cmdSendHeartbeat:
		t := a.dataPath()
		if ev.addr.Len() != 0 {
			t = a.pathFor(ev.addr)
		}
		if t != nil {
			a.sendHeartbeat(t)
		}
	case cmdHeartbeatPath:
		if int(c.path) < len(a.paths) {
			a.heartbeatPath(a.paths[c.path])
		}
	case cmdSendHeartbeatAck:
		info := ev.chunk[header.ChunkHeaderLen:]
		n := int(header.Param(info).Length())
		b := a.pb.reserve(a.peerVtag, header.PaddedLen(header.ChunkHeaderLen+n), header.ChunkHeartbeatAck)
		header.Chunk(b).Encode(&header.ChunkFields{Type: header.ChunkHeartbeatAck, Value: info[:n]})
	case cmdSendError:
		p.sendError(ctx, ev, c, x)
	case cmdSendSack:
		a.sendSack()
	case cmdSendUnrecognized:
		n := unrecognizedInfoLen(ev.chunk, a.pb.maxChunk())
		l := unrecognizedLen(ev.chunk, a.pb.maxChunk())
		b := a.pb.reserve(a.peerVtag, l, header.ChunkError)
		cl := header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: header.CauseUnrecognizedChunkType, Info: ev.chunk[:n]})
		header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+cl]})

	case cmdEatData:
		a.eatData(header.DataChunk(ev.chunk), ev.pkt)
	case cmdProcessSack:
		a.processSack(ev.chunk)
	case cmdEatFwdTSN:
		a.eatForwardTSN(header.ForwardTSNChunk(ev.chunk))
	case cmdQueueMessage:
		first := a.out.nextTSN
		a.out.push(ev.msg, a.fragMTU())
		a.prTag(&ev.msg.info, first)
		a.dryNoted = false
		a.touchAutoclose()
	case cmdFlushOutqueue:
		a.flushOutqueue()
	case cmdRetransmitT3:
		// RFC 9260 6.3.3 E1-E3 for the path the timer ran for (that of
		// the earliest outstanding chunk), 8.2 error counting.
		t := a.dataPath()
		if len(a.out.inflight) > 0 && a.out.inflight[0].tp != nil {
			t = a.out.inflight[0].tp
		}
		t.backoff(a.o)
		t.onT3()
		a.out.markAllForRetransmit()
		a.pathError(t, true)
	case cmdProbeZeroWindow:
		// RFC 9260 6.1 A: the first probe goes one RTO after the window
		// closed, the next after backed-off RTOs; cwnd is not touched
		// and SACKs keep the error count down.
		t := a.dataPath()
		if len(a.out.inflight) == 0 {
			a.out.probeDue = true
		} else {
			if a.out.inflight[0].tp != nil {
				t = a.out.inflight[0].tp
			}
			a.errorCount++
			a.out.markAllForRetransmit()
		}
		t.backoff(a.o)
	case cmdDropSendQueue:
		// The ABORT primitive: what was not delivered is handed back
		// (UnsentMessages).
		a.out.drop(true)

	case cmdStartTimer:
		a.startTimer(c.timer)
	case cmdStopTimer:
		a.stopTimer(c.timer)
	case cmdStartIfIdle:
		if !a.timerArmed(c.timer) {
			a.startTimer(c.timer)
		}
	case cmdBackoffT1:
		su := a.su()
		su.initRetries++
		su.t1rto = min(2*su.t1rto, su.maxInitTimeout, a.o.RTOMax)
	case cmdCountRetrans:
		t := a.dataPath()
		t.backoff(a.o)
		a.pathError(t, true)
		p.stats.Retransmissions[timerT2Shutdown].Increment()
		a.stats.Retransmissions[timerT2Shutdown].Increment()

	case cmdConnected:
		a.connected = true
		a.notify |= waiter.WritableEvents
		a.note(&AssocChange{ID: a.id, State: CommUp, OutStreams: a.outStreams, InStreams: a.inStreams})
		a.touchAutoclose()
		if a.hasPeerAdapt {
			a.note(&AdaptationIndication{ID: a.id, Indication: a.peerAdapt})
		}
		if a.passive {
			p.stats.PassiveEstablished.Increment()
		} else {
			p.stats.ActiveEstablished.Increment()
		}
	case cmdPeerShutdown:
		a.peerClosed = true
		a.notify |= waiter.ReadableEvents
		if ev.typ == chunkEvent(header.ChunkShutdown) {
			a.note(&ShutdownEvent{ID: a.id}) // RFC 6458 6.1.5
		}
	case cmdReportError:
		if a.err == nil {
			a.err = errFor(c.err)
		}
		a.notify |= waiter.ReadableEvents | waiter.WritableEvents | waiter.EventErr | waiter.EventHUp
	case cmdReportAbort:
		p.stats.AbortsReceived.Increment()
		a.stats.AbortsReceived.Increment()
		it := header.NewCauseIter(ev.chunk.Value())
		if cs, ok := it.Next(); ok {
			a.abortCause = cs.Code()
			a.x().abortInfo = append([]byte(nil), cs.Info()...)
		}
		a.hasAbort = true
	case cmdReportRestart:
		a.x().restarts++
		p.stats.Restarts.Increment()
		a.note(&AssocChange{ID: a.id, State: Restart, OutStreams: a.outStreams, InStreams: a.inStreams})
	case cmdReportRemoteError:
		if a.events&EventRemoteError != 0 {
			it := header.NewCauseIter(ev.chunk.Value())
			for cs, ok := it.Next(); ok; cs, ok = it.Next() {
				a.note(&RemoteError{ID: a.id, Cause: cs.Code(), Info: append([]byte(nil), cs.Info()...)})
			}
		}
	case cmdLowerPMTU:
		if t := a.pathFor(ev.addr); t != nil {
			a.lowerPMTU(t, int(ev.mtu))
		} else {
			for _, t := range a.paths {
				a.lowerPMTU(t, int(ev.mtu))
			}
		}
	case cmdDiscardPacket:
	case cmdCountOOTB:
		p.stats.OutOfTheBluePackets.Increment()
	case cmdCountCookieRejected:
		p.stats.CookiesRejected.Increment()
		if ctx.stale != 0 {
			p.stats.StaleCookies.Increment()
		}
	case cmdCountVtagDrop:
		p.stats.VerificationTagDrops.Increment()
	case cmdProcessHeartbeatAck:
		a.processHeartbeatAck(ev.chunk)
	}
}

// replyPath is where a control chunk goes (RFC 9260 6.4): a reply to the
// address the chunk it answers came from, the INIT to the next of the
// user's addresses on each retransmission, the rest where data goes.
//
// +checklocks:a.mu
func (a *association) replyPath(ev *event, k cmdKind) *transport {
	switch k {
	case cmdSendHeartbeatAck, cmdSendCookieAck, cmdSendUnrecognized, cmdSendError:
		if ev.pkt != nil {
			if t := a.pathFor(ev.pkt.srcAddr); t != nil && t.route != nil {
				return t
			}
		}
	case cmdSendInit:
		// RFC 9260 5.1: an INIT retransmission may go to another of the
		// addresses the user gave.
		var conf [maxPeerAddrs]*transport
		n := 0
		for _, t := range a.paths {
			if t.confirmed() && t.route != nil {
				conf[n] = t
				n++
			}
		}
		if n > 0 {
			return conf[a.su().initRetries%n]
		}
	case cmdSendCookieEcho:
		return a.primary
	}
	return a.dataPath()
}

// errFor maps a command's error to the tcpip error the user sees.
func errFor(e errKind) tcpip.Error {
	switch e {
	case errRefused:
		return &tcpip.ErrConnectionRefused{}
	case errTimeout:
		return &tcpip.ErrTimeout{}
	case errReset:
		return &tcpip.ErrConnectionReset{}
	case errAborted:
		return &tcpip.ErrConnectionAborted{}
	}
	return nil
}

// randTag returns a random non-zero tag (RFC 9260 5.3.1).
func (p *protocol) randTag() uint32 {
	rng := p.stack.SecureRNG()
	for {
		if t := rng.Uint32(); t != 0 {
			return t
		}
	}
}

// addrTypeParam is the Supported Address Types parameter of our INIT
// (RFC 9260 3.3.2.1): the families we can use.
func addrTypeParam(b []byte, fam addrFamilies) int {
	var v [4]byte
	n := 0
	if fam&familyV4 != 0 {
		binary.BigEndian.PutUint16(v[n:], uint16(header.ParamIPv4Address))
		n += 2
	}
	if fam&familyV6 != 0 {
		binary.BigEndian.PutUint16(v[n:], uint16(header.ParamIPv6Address))
		n += 2
	}
	return header.Param(b).Encode(&header.ParamFields{Type: header.ParamSupportedAddressTypes, Value: v[:n]})
}

// adaptParam encodes our Adaptation Layer Indication (RFC 5061 4.2.6).
func adaptParam(b []byte, v uint32) int {
	header.AdaptationLayerIndicationParam(b).Encode(&header.AdaptationLayerIndicationFields{AdaptationCodePoint: v})
	return header.AdaptationLayerIndicationParamLen
}

// extensionsParam appends the Supported Extensions parameter, if we
// announce any extension (RFC 5061 4.2.7), and returns its length.
func (p *protocol) extensionsParam(b []byte) int {
	if len(p.extensions) == 0 {
		return 0
	}
	v := make([]byte, len(p.extensions))
	for i, t := range p.extensions {
		v[i] = byte(t)
	}
	return header.Param(b).Encode(&header.ParamFields{Type: header.ParamSupportedExtensions, Value: v})
}

// extensionsLen is the space extensionsParam needs.
func (p *protocol) extensionsLen() int {
	if len(p.extensions) == 0 {
		return 0
	}
	return header.PaddedLen(header.ParamHeaderLen + len(p.extensions))
}

// sendInit builds our INIT (RFC 9260 5.1 A, 3.3.2).
//
// +checklocks:a.mu
func (a *association) sendInit() {
	maxLen := header.InitChunkHeaderLen + addrParamsLen(a.localAddrs) + 8 + 8 + 8 + a.p.extensionsLen() + header.ForwardTSNSupportedParamLen
	b := a.pb.alone(0, maxLen, header.ChunkInit)
	params := b[header.InitChunkHeaderLen:]
	// RFC 9260 5.1.2: our addresses when we have several, and the
	// address families we take.
	n := putAddrParams(params, a.localAddrs)
	fam := a.families
	if fam == 0 {
		fam = familyOf(a.primary.addr)
	}
	n += addrTypeParam(params[n:], fam)
	if a.hasAdapt {
		n += adaptParam(params[n:], a.adapt)
	}
	n += a.p.extensionsParam(params[n:])
	n += prParam(params[n:], !a.o.DisablePRSCTP)
	if a.preserve != 0 {
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], a.preserve)
		n += header.Param(params[n:]).Encode(&header.ParamFields{Type: header.ParamCookiePreservative, Value: v[:]})
	}
	l := header.InitChunk(b).Encode(&header.InitFields{
		InitiateTag: a.myVtag, ARwnd: uint32(a.rcvbuf), OutboundStreams: a.wantOut,
		InboundStreams: a.maxIn, InitialTSN: a.myInitTSN, Params: params[:n],
	})
	a.pb.unreserve(maxLen - l) // what the optional parameters did not use
	a.pb.sealAfter()
	if a.su().initRetries > 0 {
		a.p.stats.Retransmissions[timerT1Init].Increment()
		a.stats.Retransmissions[timerT1Init].Increment()
	}
}

// sendCookieEcho echoes the peer's cookie, with an ERROR reporting the
// INIT ACK's unrecognized parameters after it (RFC 9260 5.1 C, 3.2.1).
//
// +checklocks:a.mu
func (a *association) sendCookieEcho() {
	su := a.su()
	l := header.PaddedLen(header.CookieEchoChunkLen(len(su.cookie)))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkCookieEcho)
	header.CookieEchoChunk(b).Encode(&header.CookieEchoFields{Cookie: su.cookie})
	if len(su.unrecParams) > 0 && su.initRetries == 0 {
		cl := header.PaddedLen(header.CauseHeaderLen + len(su.unrecParams))
		b := a.pb.reserve(a.peerVtag, header.ChunkHeaderLen+cl, header.ChunkError)
		n := header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: header.CauseUnrecognizedParameters, Info: su.unrecParams})
		header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+n]})
	}
	if su.initRetries > 0 {
		a.p.stats.Retransmissions[timerT1Cookie].Increment()
		a.stats.Retransmissions[timerT1Cookie].Increment()
		return
	}
	a.bundleWithCookie()
}

// sendInitAck answers an INIT with an INIT ACK and a signed State Cookie
// (RFC 9260 5.1 B, 5.1.3; 5.2.1 and 5.2.2 for an existing TCB).
func (p *protocol) sendInitAck(ctx *smContext, ev *event, x *execEnv) {
	a := x.a
	ii := &ctx.init
	var cd cookieData
	ourOS, ourMIS, rwnd := ctx.lOut, ctx.lMaxIn, ctx.lRcvbuf
	switch {
	case a == nil: // RFC 9260 5.1 B: fresh tags, no Tie-Tags
		cd.localTag = p.randTag()
		cd.localTSN = p.randTag()
	case a.state == StateCookieWait || a.state == StateCookieEchoed:
		// RFC 9260 5.2.1: our INIT's parameters, tag unchanged.
		cd.localTag, cd.localTSN = a.myVtag, a.myInitTSN
		if a.state == StateCookieEchoed {
			cd.localTieTag, cd.peerTieTag = a.localTieTag, a.peerTieTag
		}
	default:
		// RFC 9260 5.2.2: a new tag, the Tie-Tags in the cookie.
		cd.localTag = p.randTag()
		cd.localTSN = p.randTag()
		cd.localTieTag, cd.peerTieTag = a.localTieTag, a.peerTieTag
	}
	var addrs []tcpip.Address
	adapt, hasAdapt := ctx.lAdapt, ctx.lHasAdapt
	if a != nil {
		ourOS, ourMIS, rwnd = a.wantOut, a.maxIn, a.rcvbuf
		addrs = a.localAddrs
		adapt, hasAdapt = a.adapt, a.hasAdapt
	} else {
		// RFC 9260 5.1.2: in the families the peer takes.
		fam := ctx.lFam
		if ii.hasAddrTypes {
			fam &= addrFamilies(ii.addrTypes)
		}
		addrs = p.localAddrsFor(ctx.lBound, fam, ev.pkt.srcAddr)
	}
	cd.created = ev.now
	life := p.opts.ValidCookieLife
	if a != nil {
		life = a.o.ValidCookieLife
	} else if ctx.lLife > 0 {
		life = ctx.lLife // SCTP_ASSOCINFO of the listener
	}
	if ii.preserve != 0 {
		// RFC 9260 5.2.6: honour a Cookie Preservative, within reason.
		life += min(time.Duration(ii.preserve)*time.Millisecond, life)
	}
	cd.lifeMS = uint32(life / time.Millisecond)
	cd.peerTag = ii.tag
	cd.peerTSN = ii.tsn
	cd.peerRwnd = ii.arwnd
	cd.outStreams = min(ourOS, ii.mis)
	cd.inStreams = min(ourMIS, ii.os)
	cd.localPort, cd.peerPort = ev.pkt.dstPort, ev.pkt.srcPort
	cd.localAddr, cd.peerAddr = ev.pkt.dstAddr, ev.pkt.srcAddr
	cd.netProto = ev.pkt.netProto
	cd.npeerAddrs = copy(cd.peerAddrs[:], ii.addrs[:ii.naddrs])
	cd.peerAdapt, cd.hasAdapt = ii.adapt, ii.hasAdapt
	// RFC 3758 3.3.2: offered back only to a peer that offered it, as
	// Linux does; PR-SCTP is then in use.
	offerPR := !ctx.lNoPR && ii.fwdTSN
	if a != nil {
		offerPR = !a.o.DisablePRSCTP && ii.fwdTSN
	}
	cd.prsctp = offerPR

	// Parameters: the State Cookie, then Unrecognized Parameters.
	clen := cd.size()
	plen := header.PaddedLen(header.ParamHeaderLen+clen) + p.extensionsLen() + addrParamsLen(addrs)
	if hasAdapt {
		plen += header.AdaptationLayerIndicationParamLen
	}
	if offerPR {
		plen += header.ForwardTSNSupportedParamLen
	}
	for i := 0; i < ii.nunrec; i++ {
		plen += header.PaddedLen(header.ParamHeaderLen + len(ii.unrec[i]))
	}
	pb := x.builder()
	total := header.InitChunkHeaderLen + plen
	b := pb.alone(ii.tag, total, header.ChunkInitAck)
	params := b[header.InitChunkHeaderLen:]
	cp := params[header.ParamHeaderLen : header.ParamHeaderLen+clen]
	p.keys.sign(cp, &cd)
	n := header.Param(params).Encode(&header.ParamFields{Type: header.ParamStateCookie, Value: cp})
	n += putAddrParams(params[n:], addrs)
	if hasAdapt {
		n += adaptParam(params[n:], adapt)
	}
	n += p.extensionsParam(params[n:])
	n += prParam(params[n:], offerPR)
	for i := 0; i < ii.nunrec; i++ {
		n += header.Param(params[n:]).Encode(&header.ParamFields{Type: header.ParamUnrecognizedParameter, Value: ii.unrec[i]})
	}
	header.InitChunk(b).Encode(&header.InitFields{
		Ack: true, InitiateTag: cd.localTag, ARwnd: uint32(rwnd), OutboundStreams: ourOS,
		InboundStreams: ourMIS, InitialTSN: cd.localTSN, Params: params[:n],
	})
	pb.sealAfter()
}

// sendAbort builds an ABORT with the command's cause (RFC 9260 3.3.7, 9.1).
// It goes in a packet of its own: never bundled with DATA.
func (p *protocol) sendAbort(ctx *smContext, ev *event, c command, x *execEnv) {
	a := x.a
	pb := x.builder()
	var info [64]byte
	infoB := p.causeInfo(ctx, ev, c.cause, a, info[:0])
	cl := 0
	if c.cause != 0 {
		cl = header.PaddedLen(header.CauseHeaderLen + len(infoB))
	}
	pb.seal()
	b := pb.reserve(vtagFor(ctx, ev, a, c.vt), header.ChunkHeaderLen+cl, header.ChunkAbort)
	n := 0
	if c.cause != 0 {
		n = header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: c.cause, Info: infoB})
	}
	header.AbortChunk(b).Encode(&header.AbortFields{TBit: c.tbit, Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+n]})
	pb.sealAfter()
	p.stats.AbortsSent.Increment()
	if a != nil {
		a.stats.AbortsSent.Increment()
	}
}

// sendError builds an ERROR chunk with one cause (RFC 9260 3.3.10).
func (p *protocol) sendError(ctx *smContext, ev *event, c command, x *execEnv) {
	a := x.a
	pb := x.builder()
	var info [64]byte
	infoB := p.causeInfo(ctx, ev, c.cause, a, info[:0])
	cl := header.PaddedLen(header.CauseHeaderLen + len(infoB))
	b := pb.reserve(vtagFor(ctx, ev, a, c.vt), header.ChunkHeaderLen+cl, header.ChunkError)
	n := header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: c.cause, Info: infoB})
	header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+n]})
}

var (
	violationChunkLenText = []byte("The following chunk had invalid length")
	violationText         = []byte("Protocol violation")
	userAbortDefault      = []byte(nil)
)

// causeInfo returns the Cause-Specific Information for cause
// (RFC 9260 3.3.10.x), appended to dst.
func (p *protocol) causeInfo(ctx *smContext, ev *event, cause header.CauseCode, a *association, dst []byte) []byte {
	switch cause {
	case header.CauseMissingMandatoryParameter: // 3.3.10.2: one missing: State Cookie
		dst = binary.BigEndian.AppendUint32(dst, 1)
		dst = binary.BigEndian.AppendUint16(dst, uint16(header.ParamStateCookie))
	case header.CauseStaleCookie: // 3.3.10.3
		dst = binary.BigEndian.AppendUint32(dst, ctx.stale)
	case header.CauseRestartWithNewAddresses: // 3.3.10.11: the new addresses
		for _, i := range ctx.newAddrs[:ctx.nnew] {
			if ap := ctx.init.addrParams[i]; len(dst)+header.PaddedLen(len(ap)) <= cap(dst) {
				dst = append(dst, ap...)
				for len(dst)%4 != 0 {
					dst = append(dst, 0)
				}
			}
		}
	case header.CauseUnresolvableAddress: // 3.3.10.5: the address parameter
		if h := ctx.init.hostName; h != nil && len(dst)+len(h) <= cap(dst) {
			dst = append(dst, h...)
		}
	case header.CauseNoUserData: // 3.3.10.9: the TSN
		dst = binary.BigEndian.AppendUint32(dst, header.DataChunk(ev.chunk).TSN())
	case header.CauseUserInitiatedAbort: // 3.3.10.12: the user's reason
		if len(ev.abortReason) <= cap(dst) {
			dst = append(dst, ev.abortReason...)
		}
	case header.CauseProtocolViolation: // 3.3.10.13
		if ctx.badLen {
			dst = append(dst, violationChunkLenText...)
		} else {
			dst = append(dst, violationText...)
		}
	}
	return dst
}
