package sctp

import (
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// cmdKind names a side effect that a state function asks for. State
// functions never act themselves (paper 5.1); the interpreter in
// sm_sideeffect.go carries the commands out in order.
type cmdKind uint8

const (
	cmdNone cmdKind = iota

	// Association lifecycle.
	cmdNewAssoc       // build a TCB from the verified cookie (ctx.cookie); later commands act on it
	cmdSetState       // state
	cmdDeleteTCB      // remove the association from every table, release its resources
	cmdRestartAssoc   // 5.2.4 A: reset the TCB from the cookie, keep the endpoint
	cmdUpdateFromCook // 5.2.4 B: take the peer's tag and parameters from the cookie
	cmdProcessInitAck // take the peer's tag, TSN, streams and window from the INIT ACK
	cmdSetTieTags     // make the TCB's tie-tags random if still zero (5.2.2)

	// Packets.
	cmdSendInit          // (re)send our INIT
	cmdSendInitAck       // answer ev's INIT with an INIT ACK and a State Cookie
	cmdSendCookieEcho    // (re)send the COOKIE ECHO (with any ERROR the INIT ACK asked for)
	cmdSendCookieAck     //
	cmdSendAbort         // cause, tbit, vtag source
	cmdSendShutdown      //
	cmdSendShutdownAck   //
	cmdSendShutdownComp  // tbit
	cmdSendHeartbeat     //
	cmdSendHeartbeatAck  // echo ev's Heartbeat Info
	cmdSendError         // cause
	cmdSendSack          // now
	cmdSendUnrecognized  // ERROR with Unrecognized Chunk Type for ev's chunk
	cmdSendInitAbortCopy // ABORT with vtag = ev INIT's Initiate Tag, T=0 (8.4 rule 3)

	// Data.
	cmdEatData         // hand ev's DATA chunk to the inqueue
	cmdProcessSack     // hand ev's SACK chunk to the outqueue
	cmdQueueMessage    // put ev.msg on the outqueue
	cmdFlushOutqueue   // send what the windows allow
	cmdRetransmitT3    // 6.3.3: back off, mark everything outstanding for retransmission
	cmdDropSendQueue   //
	cmdProbeZeroWindow // 6.1 A: T3 on a zero window probe: back off, send it again

	// Timers.
	cmdStartTimer   // timer; restarts if running
	cmdStopTimer    // timer
	cmdStartIfIdle  // timer; leaves a running timer alone
	cmdBackoffT1    // count an INIT/COOKIE ECHO retransmission and double the RTO (5.1 C, 6.3.3)
	cmdCountRetrans // count a retransmission of a shutdown chunk against Association.Max.Retrans

	// Reports to the user.
	cmdConnected     // the association is up: wake Connect or queue for Accept
	cmdPeerShutdown  // the peer will send no more data: EOF after the queued data
	cmdReportError   // the association failed with err; wake everyone
	cmdReportAbort   // the peer aborted: record ev's causes
	cmdReportRestart // the peer restarted (5.2.4 A)
	cmdLowerPMTU     // ICMP Packet Too Big (Appendix C)
	cmdDiscardPacket // stop processing the rest of the packet
	cmdCountOOTB     // count an out-of-the-blue packet
	cmdCountCookieRejected
	cmdCountVtagDrop
	cmdProcessHeartbeatAck
	cmdHeartbeatPath     // path: count an unanswered probe, probe again if needed (8.3, 5.4)
	cmdReportRemoteError // the peer's ERROR chunk, for SCTP_REMOTE_ERROR
	cmdEatFwdTSN         // hand ev's FORWARD TSN to the inqueue (RFC 3758 3.6)
)

var cmdNames = [...]string{
	"none", "NewAssoc", "SetState", "DeleteTCB", "RestartAssoc", "UpdateFromCookie",
	"ProcessInitAck", "SetTieTags",
	"SendInit", "SendInitAck", "SendCookieEcho", "SendCookieAck", "SendAbort",
	"SendShutdown", "SendShutdownAck", "SendShutdownComplete", "SendHeartbeat",
	"SendHeartbeatAck", "SendError", "SendSack", "SendUnrecognized", "SendInitAbort",
	"EatData", "ProcessSack", "QueueMessage", "FlushOutqueue", "RetransmitT3",
	"DropSendQueue", "ProbeZeroWindow",
	"StartTimer", "StopTimer", "StartTimerIfIdle", "BackoffT1", "CountRetrans",
	"Connected", "PeerShutdown", "ReportError", "ReportAbort", "ReportRestart",
	"LowerPMTU", "DiscardPacket", "CountOOTB", "CountCookieRejected", "CountVtagDrop",
	"ProcessHeartbeatAck", "HeartbeatPath", "ReportRemoteError", "EatForwardTSN",
}

func (k cmdKind) String() string {
	if int(k) < len(cmdNames) {
		return cmdNames[k]
	}
	return "cmd(?)"
}

// errKind is an error a command reports to the user, kept as a small enum
// so that commands stay allocation-free.
type errKind uint8

const (
	errNone errKind = iota
	errRefused
	errTimeout
	errReset
	errAborted
)

// command is one side effect. The fields used depend on kind.
type command struct {
	kind  cmdKind
	state State
	timer timerID
	cause header.CauseCode
	tbit  bool
	vt    vtagSource
	err   errKind
	path  uint8 // index into the association's paths
	// now asks for immediate action (SACK) or, for ABORT, that the reason
	// be the protocol violation text of a bad chunk length.
	now bool
}

func (c command) String() string {
	s := c.kind.String()
	switch c.kind {
	case cmdSetState:
		s += "(" + c.state.String() + ")"
	case cmdStartTimer, cmdStopTimer, cmdStartIfIdle:
		s += "(" + c.timer.String() + ")"
	case cmdSendAbort, cmdSendError:
		if c.cause != 0 {
			s += "(" + c.cause.String()
			if c.tbit {
				s += ",T"
			}
			s += ")"
		} else if c.tbit {
			s += "(T)"
		}
	case cmdSendShutdownComp:
		if c.tbit {
			s += "(T)"
		}
	case cmdReportError:
		s += "(" + [...]string{"", "refused", "timeout", "reset", "aborted"}[c.err] + ")"
	}
	return s
}

// maxCommands bounds the commands one event can produce.
const maxCommands = 16

// commandList is a fixed-capacity list the caller owns, so that running an
// event allocates nothing.
type commandList struct {
	n    int
	cmds [maxCommands]command
}

func (l *commandList) reset() { l.n = 0 }

func (l *commandList) add(c command) {
	if l.n == maxCommands {
		panic("sctp: state function produced too many commands")
	}
	l.cmds[l.n] = c
	l.n++
}

func (l *commandList) slice() []command { return l.cmds[:l.n] }

// Small constructors keep state functions readable.
func (l *commandList) do(k cmdKind)               { l.add(command{kind: k}) }
func (l *commandList) setState(s State)           { l.add(command{kind: cmdSetState, state: s}) }
func (l *commandList) startTimer(t timerID)       { l.add(command{kind: cmdStartTimer, timer: t}) }
func (l *commandList) startTimerIfIdle(t timerID) { l.add(command{kind: cmdStartIfIdle, timer: t}) }
func (l *commandList) stopTimer(t timerID)        { l.add(command{kind: cmdStopTimer, timer: t}) }
func (l *commandList) abort(cause header.CauseCode, vt vtagSource) {
	l.add(command{kind: cmdSendAbort, cause: cause, vt: vt, tbit: vt == vtReflect || vt == vtOwn})
}
func (l *commandList) sendError(cause header.CauseCode, vt vtagSource) {
	l.add(command{kind: cmdSendError, cause: cause, vt: vt})
}
func (l *commandList) reportError(e errKind) { l.add(command{kind: cmdReportError, err: e}) }

// abortAssoc ends the association: an ABORT with cause (none when 0) and
// tag vt, error e for the user, and the TCB deleted (RFC 9260 9.1). It
// returns the disposition the state function then returns.
func (l *commandList) abortAssoc(cause header.CauseCode, vt vtagSource, e errKind) disposition {
	l.abort(cause, vt)
	l.reportError(e)
	l.do(cmdDeleteTCB)
	return dispDeleted
}

// vtagSource says which Verification Tag an outgoing ABORT, ERROR or
// SHUTDOWN COMPLETE carries (RFC 9260 8.4, 8.5.1).
type vtagSource uint8

const (
	vtPeer       vtagSource = iota // the peer's tag from its INIT or INIT ACK (8.5)
	vtReflect                      // the received packet's tag, T bit set (8.4 rules 5 and 8)
	vtInitTag                      // the received INIT's Initiate Tag, T bit clear (8.4 rule 3)
	vtCookiePeer                   // the peer's tag from the received cookie (5.1.5, 5.2.4 stale)
	vtOwn                          // our own tag, T bit set (5.1 C: bad INIT ACK in COOKIE-WAIT)
)

// disposition tells the packet loop what to do after a chunk.
type disposition uint8

const (
	dispContinue disposition = iota // go on with the next chunk
	dispDiscard                     // drop the rest of the packet
	dispDeleted                     // the association is gone; drop the rest
	dispRefused                     // a primitive not allowed in this state
)

// rfc9260Defaults are RFC 9260 16's recommended values.
var rfc9260Defaults = struct {
	rtoInitial, rtoMin, rtoMax, cookieLife, hbInterval, sackDelay time.Duration
	maxInit, assocMaxRetrans, pathMaxRetrans                      int
}{
	time.Second, time.Second, 60 * time.Second, 60 * time.Second, 30 * time.Second, 200 * time.Millisecond,
	8, 10, 5,
}
