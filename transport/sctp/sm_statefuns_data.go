package sctp

import (
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// State functions of RFC 9260 sections 6 and 8: data, acknowledgement,
// heartbeats, errors and the catch-alls.

// violationChunkLen aborts on a chunk whose length is not valid for its
// type: Protocol Violation (RFC 9260 3.3.10.13).
func violationChunkLen(ctx *smContext, ev *event, cmds *commandList) disposition {
	ctx.badLen = true
	return cmds.abortAssoc(header.CauseProtocolViolation, vtPeer, errReset)
}

// sfEatData6_2 takes a DATA chunk: TSN bookkeeping, reassembly, SACK
// (RFC 9260 6.2).
func sfEatData6_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	if len(ev.chunk) < header.DataChunkHeaderLen {
		return violationChunkLen(ctx, ev, cmds)
	}
	if _, split := ev.pkt.splitUserData(ev.chunk); len(ev.chunk) == header.DataChunkHeaderLen && !split {
		// RFC 9260 6.2: DATA without user data: ABORT, No User Data.
		return cmds.abortAssoc(header.CauseNoUserData, vtPeer, errReset)
	}
	cmds.do(cmdEatData)
	return dispContinue
}

// sfEatDataFast9_2 takes DATA in SHUTDOWN-SENT: the peer may still send
// what it had queued; acknowledge at once and repeat the SHUTDOWN
// (RFC 9260 9.2).
func sfEatDataFast9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	d := sfEatData6_2(ctx, ev, cmds)
	if d != dispContinue {
		return d
	}
	sackAndRepeatShutdown(cmds)
	return dispContinue
}

// sackAndRepeatShutdown acknowledges at once and repeats the SHUTDOWN,
// for data (or a FORWARD TSN) that arrives in SHUTDOWN-SENT (RFC 9260
// 9.2).
func sackAndRepeatShutdown(cmds *commandList) {
	cmds.add(command{kind: cmdSendSack, now: true})
	cmds.do(cmdSendShutdown)
	cmds.startTimer(timerT2Shutdown)
}

// sfDiscard6_0 drops DATA or SACK before the association is established
// (RFC 9260 6).
func sfDiscard6_0(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// sfEatSack6_2_1 takes a SACK (RFC 9260 6.2.1).
func sfEatSack6_2_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	s := header.SackChunk(ev.chunk)
	if len(ev.chunk) < header.SackChunkHeaderLen ||
		header.SackChunkLen(int(s.NumberOfGapAckBlocks()), int(s.NumberOfDuplicateTSNs())) > len(ev.chunk) {
		return violationChunkLen(ctx, ev, cmds)
	}
	// RFC 9260 6.2.1: a SACK acknowledging a TSN not yet sent is a
	// protocol violation.
	if !tsnLT(s.CumulativeTSNAck(), ctx.a.out.unsentTSN()) || gapAcksUnsent(s, ctx.a.out.unsentTSN()) {
		return cmds.abortAssoc(header.CauseProtocolViolation, vtPeer, errReset)
	}
	cmds.do(cmdProcessSack)
	cmds.do(cmdFlushOutqueue)
	return dispContinue
}

// gapAcksUnsent reports whether a Gap Ack Block of s acknowledges a TSN at
// or above unsent, the first TSN not yet sent. RFC 9260 12.2: "An SCTP
// implementation MUST abort the association if it receives a SACK chunk
// acknowledging a TSN that has not been sent" (a block's TSNs are
// acknowledged as surely as the cumulative ack's). Blocks that cover no TSN
// (start 0, start after end, 3.3.4) acknowledge nothing and are left to the
// outqueue, which skips them.
func gapAcksUnsent(s header.SackChunk, unsent uint32) bool {
	cum := s.CumulativeTSNAck()
	for g := 0; g < int(s.NumberOfGapAckBlocks()); g++ {
		b := s.GapAckBlock(g)
		if b.Start != 0 && b.Start <= b.End && !tsnLT(cum+uint32(b.End), unsent) {
			return true
		}
	}
	return false
}

// sfPrmQueue6_1 queues a message before the association is up; it goes
// out after the COOKIE ACK (RFC 9260 6.1).
func sfPrmQueue6_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdQueueMessage)
	return dispContinue
}

// sfDoPrmSend6_1 queues a message and sends what the windows allow
// (RFC 9260 6.1).
func sfDoPrmSend6_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdQueueMessage)
	cmds.do(cmdFlushOutqueue)
	return dispContinue
}

// sfPrmReceive6_2 runs after the reader took data: if the window opened
// enough, tell the peer with a SACK (window update, RFC 9260 6.2).
func sfPrmReceive6_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	a := ctx.a
	// The update is worth a packet when the window grew by a quarter of
	// the buffer (6.2: no bursts of updates), or reopened from below a
	// full chunk (the peer may be probing a closed window).
	rwnd, last := a.ulp.rwnd(), a.lastRwnd
	if rwnd >= last+uint32(a.ulp.rcvbuf/4) || (last < uint32(maxPayload(a.primary.pmtu)) && rwnd >= last+uint32(maxPayload(a.primary.pmtu))) {
		cmds.add(command{kind: cmdSendSack, now: true})
	}
	return dispContinue
}

// sfDo6_3_3Rtx handles T3-rtx expiry: back off, count the error, mark all
// outstanding data for retransmission and send what fits (RFC 9260 6.3.3).
// Into a closed window the timer paces zero window probes instead, which
// are not congestion (6.1 A): cwnd stays.
func sfDo6_3_3Rtx(ctx *smContext, ev *event, cmds *commandList) disposition {
	a := ctx.a
	if len(a.out.inflight) == 0 {
		// Nothing outstanding: the timer ran for the window, closed for
		// an RTO; the first zero window probe is due (RFC 9260 6.1 A).
		if a.out.pending() {
			cmds.do(cmdProbeZeroWindow)
			cmds.do(cmdFlushOutqueue)
		}
		return dispContinue
	}
	if int(a.errorCount) >= ctx.a.o.AssociationMaxRetrans {
		// RFC 9260 8.1: the peer is unreachable.
		return cmds.abortAssoc(0, vtPeer, errTimeout)
	}
	if a.out.arwnd == 0 && len(a.out.inflight) == 1 {
		// RFC 9260 6.1 A: a zero window probe went unanswered; it is
		// not congestion.
		cmds.do(cmdProbeZeroWindow)
	} else {
		cmds.do(cmdRetransmitT3)
	}
	cmds.do(cmdFlushOutqueue)
	return dispContinue
}

// sfDo6_2DelayedSack sends the SACK the delayed-ack timer held back
// (RFC 9260 6.2).
func sfDo6_2DelayedSack(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.add(command{kind: cmdSendSack, now: true})
	return dispContinue
}

// sfDiscard8_3 drops heartbeats before the peer's tag is known.
func sfDiscard8_3(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// heartbeatInfoOK checks that a HEARTBEAT (ACK) holds one Heartbeat Info
// parameter within its length (RFC 9260 3.3.5), so that its view is safe.
func heartbeatInfoOK(c header.Chunk) bool {
	if len(c) < header.HeartbeatChunkMinLen {
		return false
	}
	l := int(header.Param(c[header.ChunkHeaderLen:]).Length())
	return l >= header.ParamHeaderLen && l <= len(c)-header.ChunkHeaderLen
}

// sfBeat8_3 answers a HEARTBEAT with a HEARTBEAT ACK echoing its info
// (RFC 9260 8.3).
func sfBeat8_3(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	if !heartbeatInfoOK(ev.chunk) {
		return violationChunkLen(ctx, ev, cmds)
	}
	// RFC 9260 12.2: within the packet's reply budget, else unanswered.
	if ev.pkt.mayReply(header.PaddedLen(header.ChunkHeaderLen+int(header.Param(ev.chunk[header.ChunkHeaderLen:]).Length())), ctx.a.pb.maxChunk()) {
		cmds.do(cmdSendHeartbeatAck)
	}
	return dispContinue
}

// sfBackbeat8_3 takes a HEARTBEAT ACK: the path is alive, and its RTT is a
// sample (RFC 9260 8.3).
func sfBackbeat8_3(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	if !heartbeatInfoOK(ev.chunk) {
		return violationChunkLen(ctx, ev, cmds)
	}
	cmds.do(cmdProcessHeartbeatAck)
	return dispContinue
}

// sfSendHeartbeat8_3 runs the heartbeat schedule of every path whose probe
// is due: idle paths, unconfirmed ones (5.4) and Potentially Failed ones
// (RFC 7829) are probed, and a probe unanswered for an RTO is an error
// (RFC 9260 8.3); one more error than Association.Max.Retrans on a
// confirmed path ends the association (8.1).
func sfSendHeartbeat8_3(ctx *smContext, ev *event, cmds *commandList) disposition {
	a := ctx.a
	now := ctx.p.stack.Clock().NowMonotonic()
	for i, t := range a.paths {
		if !a.hbDue(t, now) {
			continue
		}
		if t.hbOutstanding && t.confirmed() && now.Sub(t.hbSentAt) >= t.rto && int(a.errorCount) >= ctx.a.o.AssociationMaxRetrans {
			return cmds.abortAssoc(0, vtPeer, errTimeout)
		}
		cmds.add(command{kind: cmdHeartbeatPath, path: uint8(i)})
	}
	cmds.startTimer(timerHeartbeat)
	return dispContinue
}

// sfDoPrmRequestHeartbeat8_3 sends a HEARTBEAT on the user's request
// (RFC 9260 11.1 REQUESTHEARTBEAT).
func sfDoPrmRequestHeartbeat8_3(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdSendHeartbeat)
	return dispContinue
}

// sfUnknownChunk3_2 applies the action bits of an unknown chunk type
// (RFC 9260 3.2).
func sfUnknownChunk3_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	a := ev.chunk.Type().UnrecognizedAction()
	if a.Report() && ctx.a.peerVtag != 0 && ev.pkt.mayReply(unrecognizedLen(ev.chunk, ctx.a.pb.maxChunk()), ctx.a.pb.maxChunk()) {
		cmds.do(cmdSendUnrecognized) // RFC 9260 12.2: within the reply budget
	}
	if a.Skip() {
		return dispContinue
	}
	return dispDiscard
}

// sfOperr3_3_10 takes an ERROR chunk: nothing to do but note it, as the
// association goes on (RFC 9260 3.3.10).
func sfOperr3_3_10(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	cmds.do(cmdReportRemoteError)
	return dispContinue
}

// sfPrmRefused11_1 refuses a primitive that makes no sense in the state
// (RFC 9260 11.1).
func sfPrmRefused11_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispRefused
}

// sfPrmNoop11_1 accepts a primitive that has nothing to do in the state
// (STATUS is answered by the endpoint from the TCB, RFC 9260 11.1 M).
func sfPrmNoop11_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispContinue
}

// sfTimerIgnore ignores a timeout that does not apply to the state: the
// timer lost a race with a state change.
func sfTimerIgnore(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispContinue
}

// sfOtherIgnore ignores an event that does not apply to the state.
func sfOtherIgnore(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispContinue
}

// sfICMPProtoUnreachable10 treats ICMP protocol unreachable as an ABORT
// with the T bit (RFC 9260 10 item 8).
func sfICMPProtoUnreachable10(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.reportError(errReset)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfICMPIgnore10 ignores port unreachable on an established association
// (RFC 9260 10 item 3).
func sfICMPIgnore10(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispContinue
}

// sfLowerPMTU10 takes Packet Too Big / Fragmentation Needed into the path
// MTU (RFC 9260 10 item 7).
func sfLowerPMTU10(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdLowerPMTU)
	return dispContinue
}
