package sctp

import (
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// State functions of RFC 9260 section 9: abort and graceful shutdown.

// sfDo9_1Abort takes the peer's ABORT: the association ends and the user
// sees a reset with the peer's cause (RFC 9260 9.1, 8.5.1 B).
func sfDo9_1Abort(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !abortVtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	cmds.do(cmdReportAbort)
	cmds.reportError(errReset)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfDoPrmAbort9_1 aborts on the user's request: ABORT with a User-Initiated
// Abort cause, then the TCB goes (RFC 9260 9.1).
func sfDoPrmAbort9_1(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.abort(header.CauseUserInitiatedAbort, vtPeer)
	cmds.do(cmdDropSendQueue)
	cmds.reportError(errAborted)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// startShutdown sends SHUTDOWN with T2-shutdown and the T5 guard and enters
// SHUTDOWN-SENT (RFC 9260 9.2).
func startShutdown(cmds *commandList) {
	cmds.do(cmdSendShutdown)
	cmds.startTimer(timerT2Shutdown)
	cmds.startTimer(timerT5ShutdownGuard)
	cmds.stopTimer(timerSack) // the SHUTDOWN carries the cumulative ack
	cmds.setState(StateShutdownSent)
}

// sfDoPrmShutdown9_2 begins a graceful shutdown: at once when nothing is
// outstanding, else after the send queue drains (RFC 9260 9.2).
func sfDoPrmShutdown9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	if ctx.a.out.empty() {
		startShutdown(cmds)
		return dispContinue
	}
	cmds.setState(StateShutdownPending)
	return dispContinue
}

// sfDo9_2StartShutdown sends the SHUTDOWN once SHUTDOWN-PENDING has no
// outstanding data (RFC 9260 9.2).
func sfDo9_2StartShutdown(ctx *smContext, ev *event, cmds *commandList) disposition {
	startShutdown(cmds)
	return dispContinue
}

// sendShutdownAck answers a SHUTDOWN (RFC 9260 9.2).
func sendShutdownAck(cmds *commandList) {
	cmds.do(cmdSendShutdownAck)
	cmds.startTimer(timerT2Shutdown)
	cmds.stopTimer(timerSack)
	cmds.setState(StateShutdownAckSent)
}

// takeShutdown checks a SHUTDOWN's tag and length and counts its
// Cumulative TSN Ack as a SACK's (RFC 9260 9.2); false with the
// disposition when the chunk goes no further.
func takeShutdown(ctx *smContext, ev *event, cmds *commandList) (disposition, bool) {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard, false
	}
	if len(ev.chunk) != header.ShutdownChunkLen {
		return violationChunkLen(ctx, ev, cmds), false
	}
	cmds.do(cmdProcessSack)
	return dispContinue, true
}

// sfDo9_2Shutdown takes the peer's SHUTDOWN: its cumulative ack counts as a
// SACK, the reader gets EOF after the data, and SHUTDOWN ACK follows once
// our data is acknowledged (RFC 9260 9.2).
func sfDo9_2Shutdown(ctx *smContext, ev *event, cmds *commandList) disposition {
	if d, ok := takeShutdown(ctx, ev, cmds); !ok {
		return d
	}
	cmds.do(cmdPeerShutdown)
	if ctx.a.out.empty() {
		sendShutdownAck(cmds)
		return dispContinue
	}
	cmds.setState(StateShutdownReceived)
	return dispContinue
}

// sfDo9_2ShutdownCtsn takes a further SHUTDOWN in SHUTDOWN-RECEIVED: the
// peer, in SHUTDOWN-SENT, acknowledges our DATA with SHUTDOWN chunks
// rather than SACKs (RFC 9260 9.2), so their Cumulative TSN Ack counts as
// a SACK's; once all is acknowledged the SHUTDOWN ACK follows (the
// drained event).
func sfDo9_2ShutdownCtsn(ctx *smContext, ev *event, cmds *commandList) disposition {
	if d, ok := takeShutdown(ctx, ev, cmds); !ok {
		return d
	}
	cmds.do(cmdFlushOutqueue)
	return dispContinue
}

// sfDo9_2ShutdownAckDrained sends SHUTDOWN ACK once SHUTDOWN-RECEIVED has
// no outstanding data (RFC 9260 9.2).
func sfDo9_2ShutdownAckDrained(ctx *smContext, ev *event, cmds *commandList) disposition {
	sendShutdownAck(cmds)
	return dispContinue
}

// sfDo9_2ShutdownAck takes a SHUTDOWN in SHUTDOWN-SENT (both ends shut
// down at once): SHUTDOWN ACK at once, T2 restarted (RFC 9260 9.2).
func sfDo9_2ShutdownAck(ctx *smContext, ev *event, cmds *commandList) disposition {
	if d, ok := takeShutdown(ctx, ev, cmds); !ok {
		return d
	}
	cmds.do(cmdPeerShutdown)
	sendShutdownAck(cmds)
	return dispContinue
}

// sfDo9_2FinalShutdownAck takes the SHUTDOWN ACK: SHUTDOWN COMPLETE and the
// association is gone (RFC 9260 9.2).
func sfDo9_2FinalShutdownAck(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	cmds.stopTimer(timerT2Shutdown)
	cmds.stopTimer(timerT5ShutdownGuard)
	cmds.add(command{kind: cmdSendShutdownComp, vt: vtPeer})
	cmds.do(cmdPeerShutdown)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfDo9_2ShutdownComplete ends the association on SHUTDOWN COMPLETE in
// SHUTDOWN-ACK-SENT (RFC 9260 9.2, 8.5.1 C).
func sfDo9_2ShutdownComplete(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !ev.pkt.singleton {
		return dispDiscard // RFC 9260 6.10: SHUTDOWN COMPLETE is not bundled
	}
	if !abortVtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	cmds.stopTimer(timerT2Shutdown)
	cmds.stopTimer(timerT5ShutdownGuard)
	cmds.do(cmdDeleteTCB)
	return dispDeleted
}

// sfDiscard8_5_1C ignores SHUTDOWN COMPLETE outside SHUTDOWN-ACK-SENT
// (RFC 9260 8.5.1 C).
func sfDiscard8_5_1C(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// sfDiscard9_2 drops a chunk the shutdown procedure does not expect here,
// such as new DATA after the peer's SHUTDOWN (RFC 9260 9.2).
func sfDiscard9_2(ctx *smContext, ev *event, cmds *commandList) disposition { return dispDiscard }

// sfDo9_2Reshutack answers an INIT in SHUTDOWN-ACK-SENT by retransmitting
// the SHUTDOWN ACK: our SHUTDOWN COMPLETE was probably lost (RFC 9260 9.2).
func sfDo9_2Reshutack(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdSendShutdownAck)
	cmds.startTimer(timerT2Shutdown)
	return dispDiscard
}

// shutdownRetransmit counts a T2 retransmission and gives up after
// Association.Max.Retrans (RFC 9260 9.2, 8.1).
func shutdownRetransmit(ctx *smContext, cmds *commandList, send cmdKind) disposition {
	if int(ctx.a.errorCount) >= ctx.a.o.AssociationMaxRetrans {
		return cmds.abortAssoc(0, vtPeer, errTimeout)
	}
	cmds.do(cmdCountRetrans)
	cmds.do(send)
	cmds.startTimer(timerT2Shutdown)
	return dispContinue
}

// sfDo9_2T2ShutdownExpire retransmits the SHUTDOWN (RFC 9260 9.2).
func sfDo9_2T2ShutdownExpire(ctx *smContext, ev *event, cmds *commandList) disposition {
	return shutdownRetransmit(ctx, cmds, cmdSendShutdown)
}

// sfDo9_2T2ShutdownAckExpire retransmits the SHUTDOWN ACK (RFC 9260 9.2).
func sfDo9_2T2ShutdownAckExpire(ctx *smContext, ev *event, cmds *commandList) disposition {
	return shutdownRetransmit(ctx, cmds, cmdSendShutdownAck)
}

// sfDo9_2T5GuardExpire aborts a shutdown that takes too long
// (RFC 9260 9.2, T5-shutdown-guard).
func sfDo9_2T5GuardExpire(ctx *smContext, ev *event, cmds *commandList) disposition {
	return cmds.abortAssoc(0, vtPeer, errTimeout)
}

// sfPrmShuttingDown9_2 refuses new data once shutdown began (RFC 9260 9.2).
func sfPrmShuttingDown9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	return dispRefused
}
