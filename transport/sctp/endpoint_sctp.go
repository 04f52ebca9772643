package sctp

import (
	"io"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// SendInfo says where a message goes and how (RFC 6458 5.3.4
// sctp_sndinfo, 5.3.2 sctp_sndrcvinfo).
type SendInfo struct {
	Stream    uint16
	PPID      uint32
	Unordered bool // SCTP_UNORDERED
	// Context is handed back with the message if it cannot be sent
	// (SEND_FAILED_EVENT, UnsentMessages).
	Context uint32
	// Addr, if set, is the peer address to send the message to instead
	// of the primary path (SCTP_ADDR_OVER).
	Addr tcpip.Address
	// EOF starts a graceful shutdown of the association after the
	// message, if any (SCTP_EOF); Abort aborts it, the message being the
	// Upper Layer Abort Reason (SCTP_ABORT).
	EOF, Abort bool
	// TTL is the message's lifetime (SCTP_PR_SCTP_TTL, RFC 3758 4.1
	// timed reliability): once it expires the message is abandoned,
	// sent or not, if PR-SCTP is in use on the association. Zero is
	// reliable. A TTL with PRPolicy PRNone means PRTTL.
	TTL time.Duration
	// PRPolicy and PRValue are the message's partial reliability policy
	// (RFC 6458 5.3.7 sctp_prinfo, RFC 7496): PRTTL with a lifetime of
	// PRValue ms (if TTL is zero), PRRtx with at most PRValue
	// retransmissions. PRNone with a zero TTL takes the endpoint's
	// default (SetDefaultPRInfo).
	PRPolicy PRPolicy
	PRValue  uint32
	// AssocID is the association on a one-to-many endpoint (ignored on a
	// one-to-one endpoint).
	AssocID AssocID
	// SendAll sends the message on every association of a one-to-many
	// endpoint (SCTP_SENDALL).
	SendAll bool
}

// RecvInfo describes a message read (RFC 6458 5.3.5).
type RecvInfo struct {
	Stream, SSN uint16
	PPID, TSN   uint32
	AssocID     AssocID
	Unordered   bool
	// Complete is set when the read reached the end of the message.
	Complete bool
	// CumTSN is the association's cumulative TSN ack point when the
	// message was read (RFC 6458 5.3.2 sinfo_cumtsn, 5.3.5 rcv_cumtsn).
	CumTSN uint32
}

// NextInfo describes what the next read returns (RFC 6458 5.3.6
// SCTP_NXTINFO): a message, or a notification.
type NextInfo struct {
	Stream  uint16
	PPID    uint32
	AssocID AssocID
	// Length is the bytes of the message received and not yet read.
	Length int
	// Unordered and Complete (the whole message is in) are the
	// message's SCTP_UNORDERED and SCTP_COMPLETE flags.
	Unordered, Complete bool
	// Notification, if set, is what the next read returns instead of
	// data (SCTP_NOTIFICATION).
	Notification Notification
}

// PathStatus describes one peer address (RFC 6458 8.2.2).
type PathStatus struct {
	Addr tcpip.FullAddress
	Cwnd int
	SRTT time.Duration
	RTO  time.Duration
	MTU  int
}

// AssocStatus is the STATUS primitive's answer (RFC 9260 11.1 M, RFC 6458
// 8.2.1).
type AssocStatus struct {
	State      State
	AssocID    AssocID
	OutStreams uint16
	InStreams  uint16
	LocalAddr  tcpip.FullAddress
	PeerAddr   tcpip.FullAddress
	PeerRwnd   uint32 // the peer's receive window as we see it
	Rwnd       uint32 // our receive window
	Unacked    int    // bytes sent, not yet acknowledged
	Pending    int    // bytes queued, not yet sent
	Primary    PathStatus
	Restarts   int
}

// WriteMsg sends p as one message with info's stream, PPID, ordering,
// path and flags (RFC 6458 5.3.4). The payload is copied once; the whole
// message is queued or nothing is. With info.EOF the association shuts
// down gracefully after it; with info.Abort it is aborted, p being the
// reason.
func (e *Endpoint) WriteMsg(p tcpip.Payloader, info SendInfo) (int64, tcpip.Error) {
	e.mu.Lock()
	a := e.assoc
	shut := e.rdExt().shutFlags&tcpip.ShutdownWrite != 0
	e.mu.Unlock()
	if a == nil {
		return 0, &tcpip.ErrNotConnected{}
	}
	if shut && !info.Abort {
		return 0, &tcpip.ErrClosedForSend{}
	}
	n, err := a.sendMsg(p, info)
	if err == nil && info.EOF {
		e.mu.Lock()
		e.wrExt().shutFlags |= tcpip.ShutdownWrite
		e.mu.Unlock()
	}
	return n, err
}

// sendMsg is the SEND primitive (RFC 9260 11.1 E) with RFC 6458's flags,
// on a one-to-one or one-to-many endpoint.
func (a *association) sendMsg(p tcpip.Payloader, info SendInfo) (int64, tcpip.Error) {
	n := p.Len()
	if info.Abort {
		// RFC 6458 5.3.4 SCTP_ABORT: the data is the abort reason.
		reason := make([]byte, min(n, 64))
		if _, err := io.ReadFull(p, reason); err != nil && n > 0 {
			return 0, &tcpip.ErrBadBuffer{}
		}
		a.mu.Lock()
		ev := event{typ: evPrmAbort, abortReason: reason}
		a.runLocked(&ev)
		a.unlockAndFlush()
		return int64(n), nil
	}
	a.mu.Lock()
	switch {
	case a.err != nil:
		err := a.err
		a.mu.Unlock()
		if _, ok := err.(*tcpip.ErrConnectionAborted); ok {
			return 0, &tcpip.ErrClosedForSend{}
		}
		return 0, err
	case a.dead || a.state.shuttingDown():
		a.mu.Unlock()
		return 0, &tcpip.ErrClosedForSend{}
	case info.EOF && !a.connected:
		// SCTP_EOF before the association is up: the SHUTDOWN primitive
		// in COOKIE-WAIT or COOKIE-ECHOED ends the association at once
		// (sfCookieWaitPrmShutdown9_2), which would silently drop the
		// message queued with it, while RFC 6458 5.3.4 promises that
		// queued data is delivered first. Refuse it, as Linux refuses
		// SCTP_EOF on a send that sets an association up.
		a.mu.Unlock()
		return 0, &tcpip.ErrInvalidEndpointState{}
	case n == 0:
		if info.EOF {
			ev := event{typ: evPrmShutdown}
			a.runLocked(&ev)
		}
		a.unlockAndFlush()
		return 0, nil // RFC 9260 6.2: no empty DATA chunks
	case n > a.sndbuf:
		a.mu.Unlock()
		return 0, &tcpip.ErrMessageTooLong{}
	case a.o.DisableFragments && n > a.maxChunkPayload():
		a.mu.Unlock()
		return 0, &tcpip.ErrMessageTooLong{} // SCTP_DISABLE_FRAGMENTS
	case a.out.buffered+n > a.sndbuf:
		a.mu.Unlock()
		a.p.stats.SendBufferFull.Increment()
		return 0, &tcpip.ErrWouldBlock{}
	}
	streams := a.outStreams
	if !a.connected {
		streams = a.wantOut
	}
	if info.Stream >= streams {
		a.mu.Unlock()
		return 0, &tcpip.ErrInvalidOptionValue{}
	}
	var pin *transport
	if info.Addr.Len() != 0 {
		if pin = a.pathFor(info.Addr); pin == nil {
			a.mu.Unlock()
			return 0, &tcpip.ErrBadAddress{}
		}
	}
	if !info.Unordered && a.out.streamFull(info.Stream) {
		// RFC 9260 6.1: no more ordered messages in flight on this
		// stream until some are acknowledged.
		a.mu.Unlock()
		return 0, &tcpip.ErrWouldBlock{}
	}
	sc := sendScratchPool.Get().(*sendScratch)
	sc.msg = outMessage{info: info, pin: pin}
	// The one copy of the payload on the way out (a small message's
	// into the scratch, then the chunk: outqueue_inline.go).
	if n <= outInlineMax {
		sc.msg.small = sc.small[:n]
		if _, err := io.ReadFull(p, sc.msg.small); err != nil {
			sc.msg = outMessage{}
			sendScratchPool.Put(sc)
			a.mu.Unlock()
			return 0, &tcpip.ErrBadBuffer{}
		}
	} else {
		v := buffer.NewViewSize(n)
		if _, err := io.ReadFull(p, v.AsSlice()); err != nil {
			v.Release()
			sc.msg = outMessage{}
			sendScratchPool.Put(sc)
			a.mu.Unlock()
			return 0, &tcpip.ErrBadBuffer{}
		}
		sc.msg.v = v
	}
	sc.ev = event{typ: evPrmSend, msg: &sc.msg}
	d := a.runLocked(&sc.ev)
	sc.ev, sc.msg = event{}, outMessage{}
	sendScratchPool.Put(sc)
	if d != dispRefused && info.EOF {
		a.runPlain(evPrmShutdown) // RFC 6458 5.3.4 SCTP_EOF
	}
	a.unlockAndFlush()
	if d == dispRefused {
		return 0, &tcpip.ErrClosedForSend{}
	}
	return int64(n), nil
}

// maxChunkPayload is the most user data one DATA chunk carries: what the
// path MTU allows, or SCTP_MAXSEG if smaller. SCTP_DISABLE_FRAGMENTS
// refuses messages above it (RFC 6458 8.1.9 with 8.1.16: MAXSEG is the
// fragmentation point, as cmdQueueMessage fragments at it).
//
// +checklocks:a.mu
func (a *association) maxChunkPayload() int {
	return maxPayload(a.fragMTU())
}

// fragMTU is the packet size messages are fragmented for: the smallest
// path MTU, or less when SCTP_MAXSEG caps the user data per chunk (RFC
// 6458 8.1.16). Chunks carry multiples of 4 bytes of a fragmented
// message, so a cap below 4 fragments at 4.
//
// +checklocks:a.mu
func (a *association) fragMTU() int {
	mtu := a.minPMTU()
	if ms := a.o.MaxSeg; ms > 0 {
		mtu = min(mtu, max(ms, 4)+header.SCTPCommonHeaderLen+header.DataChunkHeaderLen)
	}
	return mtu
}

// ReadMsg reads one message, or the part of it that fits in count bytes
// (Complete is then false and the rest comes with the next reads). It
// does not block: ErrWouldBlock when nothing is ready.
func (e *Endpoint) ReadMsg(dst io.Writer, count int) (RecvInfo, int, tcpip.Error) {
	ri, n, err := e.readMsg(dst, count, false)
	return ri.RecvInfo, n, err
}

// Status returns the association's status (RFC 9260 11.1 M).
func (e *Endpoint) Status() (AssocStatus, tcpip.Error) {
	a := e.getAssoc()
	if a == nil {
		return AssocStatus{}, &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	pending := 0
	for _, c := range a.out.queue[a.out.qhead:] {
		pending += c.size
	}
	return AssocStatus{
		State:      a.state,
		AssocID:    a.id,
		OutStreams: a.outStreams,
		InStreams:  a.inStreams,
		LocalAddr:  tcpip.FullAddress{Addr: a.localAddr, Port: a.localPort},
		PeerAddr:   tcpip.FullAddress{Addr: a.primary.addr, Port: a.peerPort},
		PeerRwnd:   a.out.rwnd(),
		Rwnd:       a.ulp.rwnd(),
		Unacked:    a.out.buffered - pending,
		Pending:    pending,
		Primary: PathStatus{
			Addr: tcpip.FullAddress{Addr: a.primary.addr, Port: a.peerPort},
			Cwnd: a.primary.cwnd, SRTT: a.primary.srtt, RTO: a.primary.rto, MTU: a.primary.pmtu,
		},
		Restarts: a.r().restarts,
	}, nil
}

// AbortCause returns the first error cause of the peer's ABORT, if the
// peer aborted the association (RFC 9260 9.1: the Upper Layer Abort
// Reason is made available to the upper layer).
func (e *Endpoint) AbortCause() (header.CauseCode, []byte, bool) {
	a := e.getAssoc()
	if a == nil {
		return 0, nil, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.abortCause, a.r().abortInfo, a.hasAbort
}

// SetInitMsg sets the INIT parameters (RFC 6458 8.1.3): outbound streams
// asked for, most inbound streams allowed, INIT attempts and the largest
// T1 timeout. Zero leaves a value alone. Call it before Connect or Listen.
func (e *Endpoint) SetInitMsg(out, maxIn uint16, maxAttempts int, maxInitTimeout time.Duration) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.assoc != nil || e.state == EndpointClosed {
		return &tcpip.ErrInvalidEndpointState{}
	}
	if out != 0 {
		e.initOut = out
	}
	if maxIn != 0 {
		e.initMaxIn = maxIn
	}
	if maxAttempts > 0 {
		e.wrExt().initAttempts = maxAttempts
	}
	if maxInitTimeout > 0 {
		e.wrExt().initTimeout = maxInitTimeout
	}
	return nil
}

// RequestHeartbeat sends a HEARTBEAT to the peer now (RFC 9260 11.1 L,
// REQUESTHEARTBEAT).
func (e *Endpoint) RequestHeartbeat() tcpip.Error {
	a := e.getAssoc()
	if a == nil {
		return &tcpip.ErrNotConnected{}
	}
	a.mu.Lock()
	ev := event{typ: evPrmRequestHeartbeat}
	d := a.runLocked(&ev)
	a.unlockAndFlush()
	if d == dispRefused || d == dispDeleted {
		return &tcpip.ErrNotConnected{}
	}
	return nil
}
