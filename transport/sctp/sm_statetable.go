package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

import (
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// stateFn is a state function: it reads the association (through ctx) and
// the event, appends the side effects it wants to cmds and says what the
// packet loop does next. It never sends, sleeps or locks (paper 5.1).
type stateFn func(ctx *smContext, ev *event, cmds *commandList) disposition

// smContext is what a state function may read: the association (nil for a
// packet that matches none), the protocol's options and keys, and scratch
// space where it leaves what it parsed for the interpreter (the unpacked
// cookie, the parsed INIT), so that nothing is parsed twice or allocated.
type smContext struct {
	a         *association
	p         *protocol
	listening bool // CLOSED: a listener takes new associations on this port
	acceptOK  bool // CLOSED: the listener's backlog and the protocol have room
	// CLOSED: the listener's INIT parameters (RFC 9260 5.1 B).
	lOut, lMaxIn uint16
	lRcvbuf      int
	// CLOSED: the listener's bound addresses (none: wildcard) and
	// families, for the addresses of the INIT ACK and the new TCB.
	lBound []tcpip.Address
	lFam   addrFamilies
	// CLOSED: the listener's Adaptation Layer Indication.
	lAdapt    uint32
	lHasAdapt bool
	lLife     time.Duration // the listener's Valid.Cookie.Life
	lNoPR     bool          // the listener does not offer PR-SCTP (RFC 3758 3.3)

	// Scratch filled by state functions, read by the interpreter.
	cookie cookieData
	init   initInfo
	stale  uint32 // Stale Cookie measure, µs
	// newAddrs indexes the INIT's addresses the TCB does not know.
	newAddrs [maxPeerAddrs]uint8
	nnew     int
	badLen   bool // ABORT reason: a chunk had an invalid length
}

// state returns the association's state, CLOSED when there is none.
func (c *smContext) state() State {
	if c.a == nil {
		return StateClosed
	}
	return c.a.state
}

// stateTable is the explicit table of paper 5.1: one state function for
// every (event, state) cell. It is filled by init below, row by row, so
// that it reads like the RFC.
var stateTable [numEventTypes][numStates]stateFn

// row sets one event's row: the functions for the eight states in order.
func row(ev eventType, fns ...stateFn) {
	if len(fns) != int(numStates) {
		panic("sctp: state table row " + ev.String() + " has the wrong width")
	}
	copy(stateTable[ev][:], fns)
}

func init() {
	//   CLOSED, COOKIE-WAIT, COOKIE-ECHOED, ESTABLISHED,
	//   SHUTDOWN-PENDING, SHUTDOWN-SENT, SHUTDOWN-RECEIVED, SHUTDOWN-ACK-SENT

	// Chunks.
	row(evData, sfTAbort8_4_8, sfDiscard6_0, sfDiscard6_0, sfEatData6_2,
		sfEatData6_2, sfEatDataFast9_2, sfDiscard9_2, sfDiscard9_2)
	row(evInit, sfDo5_1BInit, sfDo5_2_1SimInit, sfDo5_2_1SimInit, sfDo5_2_2DupInit,
		sfDo5_2_2DupInit, sfDo5_2_2DupInit, sfDo5_2_2DupInit, sfDo9_2Reshutack)
	row(evInitAck, sfTAbort8_4_8, sfDo5_1CInitAck, sfDiscard5_2_3, sfDiscard5_2_3,
		sfDiscard5_2_3, sfDiscard5_2_3, sfDiscard5_2_3, sfDiscard5_2_3)
	row(evSack, sfTAbort8_4_8, sfDiscard6_0, sfEatSack6_2_1, sfEatSack6_2_1,
		sfEatSack6_2_1, sfEatSack6_2_1, sfEatSack6_2_1, sfDiscard9_2)
	row(evHeartbeat, sfTAbort8_4_8, sfDiscard8_3, sfBeat8_3, sfBeat8_3,
		sfBeat8_3, sfBeat8_3, sfBeat8_3, sfBeat8_3)
	row(evHeartbeatAck, sfTAbort8_4_8, sfDiscard8_3, sfBackbeat8_3, sfBackbeat8_3,
		sfBackbeat8_3, sfBackbeat8_3, sfBackbeat8_3, sfBackbeat8_3)
	row(evAbort, sfDiscard8_4_2, sfCookieWaitAbort5_1, sfCookieEchoedAbort5_1, sfDo9_1Abort,
		sfDo9_1Abort, sfDo9_1Abort, sfDo9_1Abort, sfDo9_1Abort)
	row(evShutdown, sfTAbort8_4_8, sfDiscard9_2, sfDiscard9_2, sfDo9_2Shutdown,
		sfDo9_2Shutdown, sfDo9_2ShutdownAck, sfDo9_2ShutdownCtsn, sfDiscard9_2)
	row(evShutdownAck, sfTShutdownComplete8_4_5, sfShutdownAckOOTB8_5_1E, sfShutdownAckOOTB8_5_1E, sfDiscard9_2,
		sfDiscard9_2, sfDo9_2FinalShutdownAck, sfDiscard9_2, sfDo9_2FinalShutdownAck)
	row(evError, sfOOTBError8_4_7, sfDiscard5_2_6, sfDo5_2_6StaleCookie, sfOperr3_3_10,
		sfOperr3_3_10, sfOperr3_3_10, sfOperr3_3_10, sfOperr3_3_10)
	row(evCookieEcho, sfDo5_1DCookieEcho, sfDo5_2_4DupCookie, sfDo5_2_4DupCookie, sfDo5_2_4DupCookie,
		sfDo5_2_4DupCookie, sfDo5_2_4DupCookie, sfDo5_2_4DupCookie, sfDo5_2_4DupCookie)
	row(evCookieAck, sfDiscard8_4_7, sfDiscard5_2_5, sfDo5_1ECookieAck, sfDiscard5_2_5,
		sfDiscard5_2_5, sfDiscard5_2_5, sfDiscard5_2_5, sfDiscard5_2_5)
	row(evShutdownComplete, sfDiscard8_4_6, sfDiscard8_5_1C, sfDiscard8_5_1C, sfDiscard8_5_1C,
		sfDiscard8_5_1C, sfDiscard8_5_1C, sfDiscard8_5_1C, sfDo9_2ShutdownComplete)
	row(evForwardTSN, sfTAbort8_4_8, sfDiscardFwdTSN3_6, sfDiscardFwdTSN3_6, sfEatFwdTSN3_6,
		sfEatFwdTSN3_6, sfEatFwdTSNFast9_2, sfDiscardFwdTSN3_6, sfDiscardFwdTSN3_6)
	row(evUnknownChunk, sfTAbort8_4_8, sfUnknownChunk3_2, sfUnknownChunk3_2, sfUnknownChunk3_2,
		sfUnknownChunk3_2, sfUnknownChunk3_2, sfUnknownChunk3_2, sfUnknownChunk3_2)

	// Primitives (RFC 9260 11.1).
	row(evPrmAssociate, sfDoPrmAssociate11_1, sfPrmRefused11_1, sfPrmRefused11_1, sfPrmRefused11_1,
		sfPrmRefused11_1, sfPrmRefused11_1, sfPrmRefused11_1, sfPrmRefused11_1)
	row(evPrmSend, sfPrmRefused11_1, sfPrmQueue6_1, sfPrmQueue6_1, sfDoPrmSend6_1,
		sfPrmShuttingDown9_2, sfPrmShuttingDown9_2, sfPrmShuttingDown9_2, sfPrmShuttingDown9_2)
	row(evPrmReceive, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmReceive6_2,
		sfPrmReceive6_2, sfPrmReceive6_2, sfPrmNoop11_1, sfPrmNoop11_1)
	row(evPrmShutdown, sfPrmRefused11_1, sfCookieWaitPrmShutdown9_2, sfCookieEchoedPrmShutdown9_2, sfDoPrmShutdown9_2,
		sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1)
	row(evPrmAbort, sfPrmNoop11_1, sfCookieWaitPrmAbort9_1, sfDoPrmAbort9_1, sfDoPrmAbort9_1,
		sfDoPrmAbort9_1, sfDoPrmAbort9_1, sfDoPrmAbort9_1, sfDoPrmAbort9_1)
	row(evPrmRequestHeartbeat, sfPrmRefused11_1, sfPrmRefused11_1, sfPrmRefused11_1, sfDoPrmRequestHeartbeat8_3,
		sfDoPrmRequestHeartbeat8_3, sfDoPrmRequestHeartbeat8_3, sfDoPrmRequestHeartbeat8_3, sfDoPrmRequestHeartbeat8_3)
	row(evPrmStatus, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1,
		sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1, sfPrmNoop11_1)

	// Timeouts.
	row(evTimeoutT1Init, sfTimerIgnore, sfDo5_1T1InitExpire, sfTimerIgnore, sfTimerIgnore,
		sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore)
	row(evTimeoutT1Cookie, sfTimerIgnore, sfTimerIgnore, sfDo5_1T1CookieExpire, sfTimerIgnore,
		sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore)
	row(evTimeoutT2Shutdown, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore,
		sfTimerIgnore, sfDo9_2T2ShutdownExpire, sfTimerIgnore, sfDo9_2T2ShutdownAckExpire)
	row(evTimeoutT3Rtx, sfTimerIgnore, sfTimerIgnore, sfDo6_3_3Rtx, sfDo6_3_3Rtx,
		sfDo6_3_3Rtx, sfDo6_3_3Rtx, sfDo6_3_3Rtx, sfTimerIgnore)
	row(evTimeoutT5ShutdownGuard, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore,
		sfTimerIgnore, sfDo9_2T5GuardExpire, sfTimerIgnore, sfDo9_2T5GuardExpire)
	row(evTimeoutHeartbeat, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfSendHeartbeat8_3,
		sfSendHeartbeat8_3, sfSendHeartbeat8_3, sfSendHeartbeat8_3, sfTimerIgnore)
	row(evTimeoutSack, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfDo6_2DelayedSack,
		sfDo6_2DelayedSack, sfDo6_2DelayedSack, sfDo6_2DelayedSack, sfTimerIgnore)
	row(evTimeoutAutoclose, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfDoPrmShutdown9_2,
		sfTimerIgnore, sfTimerIgnore, sfTimerIgnore, sfTimerIgnore)

	// Other events.
	row(evOtherSendQueueDrained, sfOtherIgnore, sfOtherIgnore, sfOtherIgnore, sfOtherIgnore,
		sfDo9_2StartShutdown, sfOtherIgnore, sfDo9_2ShutdownAckDrained, sfOtherIgnore)
	row(evOtherICMPProtoUnreachable, sfOtherIgnore, sfICMPSetupRefused10, sfICMPSetupRefused10, sfICMPProtoUnreachable10,
		sfICMPProtoUnreachable10, sfICMPProtoUnreachable10, sfICMPProtoUnreachable10, sfICMPProtoUnreachable10)
	row(evOtherICMPPortUnreachable, sfOtherIgnore, sfICMPSetupRefused10, sfICMPSetupRefused10, sfICMPIgnore10,
		sfICMPIgnore10, sfICMPIgnore10, sfICMPIgnore10, sfICMPIgnore10)
	row(evOtherICMPPacketTooBig, sfOtherIgnore, sfLowerPMTU10, sfLowerPMTU10, sfLowerPMTU10,
		sfLowerPMTU10, sfLowerPMTU10, sfLowerPMTU10, sfLowerPMTU10)
}

// lookup returns the state function of a cell.
func lookup(ev eventType, s State) stateFn { return stateTable[ev][s] }

// chunkMinLen is the smallest valid length of each chunk type, for the
// length checks of the state functions (RFC 9260 3.3).
func chunkMinLen(t header.ChunkType) int {
	switch t {
	case header.ChunkData:
		return header.DataChunkHeaderLen
	case header.ChunkInit, header.ChunkInitAck:
		return header.InitChunkHeaderLen
	case header.ChunkSack:
		return header.SackChunkHeaderLen
	case header.ChunkHeartbeat, header.ChunkHeartbeatAck:
		return header.HeartbeatChunkMinLen
	case header.ChunkShutdown:
		return header.ShutdownChunkLen
	}
	return header.ChunkHeaderLen
}
