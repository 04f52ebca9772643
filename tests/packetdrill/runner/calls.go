package runner

import (
	"errors"
	"fmt"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/tests/packetdrill/wire"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// The call side. Each socket call of a script is a handler in the calls
// table; a handler reads its arguments from the AST, calls our endpoint API
// and returns the call's result the way the C call would (a number, or -1
// and an errno name).
//
// Sockets have a style: one-to-one (SOCK_STREAM, RFC 6458 4) on
// sctp.Endpoint, one-to-many (SOCK_SEQPACKET, RFC 6458 3) on
// sctp.ManyEndpoint (calls_many.go). Handlers that differ switch on the
// style; notifications are read by the receive calls (calls_notify.go).

// style is a socket's SCTP API style.
type style int

const (
	styleOneToOne style = iota
	styleOneToMany
)

// socket is one script file descriptor.
type socket struct {
	fd       int
	style    style
	ep       *sctp.Endpoint     // one-to-one; on a one-to-many socket, its defaults (ManyEndpoint.Endpoint)
	many     *sctp.ManyEndpoint // one-to-many
	wq       *waiter.Queue
	v6       bool
	nonblock bool
	// linger is SO_LINGER: close with l_onoff=1, l_linger=0 aborts.
	lingerOn   bool
	lingerSecs int64
	// Settings the endpoint takes but cannot report back.
	nodelay bool
	initmsg *initMsg
	// recvRcvInfo is SCTP_RECVRCVINFO, recvNxtInfo SCTP_RECVNXTINFO and
	// useExtRcvInfo FreeBSD's SCTP_USE_EXT_RCVINFO: which receive infos
	// recvmsg's cmsgs and sctp_recvv return (calls_rcvinfo.go).
	recvRcvInfo, recvNxtInfo, useExtRcvInfo bool
	// dataIO is SCTP_EVENTS' sctp_data_io_event: an SCTP_SNDRCV (or
	// SCTP_EXTRCV) cmsg with each message.
	dataIO bool
	// oldSendFailed: send failures are reported as struct
	// sctp_send_failed (SCTP_SEND_FAILED, SCTP_EVENTS) rather than struct
	// sctp_send_failed_event.
	oldSendFailed bool
	// adaptation is SCTP_ADAPTATION_LAYER set after the association came
	// up, which concerns associations to come only.
	adaptation    uint32
	hasAdaptation bool
	// streams are the stream counts (out, in) of the socket's
	// associations as last seen, for ASSOC_CHANGE notifications.
	streams map[sctp.AssocID][2]uint16
	// v4mapped is SCTP_I_WANT_MAPPED_V4_ADDR as set (nil: the default).
	v4mapped *bool
}

// noteStreams records the stream counts of the socket's associations.
func (s *socket) noteStreams() {
	eps := []*sctp.Endpoint{s.ep}
	if s.many != nil {
		eps = eps[:0]
		for _, id := range s.many.AssocIDs() {
			if ep, e := s.many.Assoc(id); e == nil {
				eps = append(eps, ep)
			}
		}
	}
	for _, ep := range eps {
		if st, e := ep.Status(); e == nil && st.OutStreams != 0 {
			if s.streams == nil {
				s.streams = map[sctp.AssocID][2]uint16{}
			}
			s.streams[st.AssocID] = [2]uint16{st.OutStreams, st.InStreams}
		}
	}
}

// initMsg is SCTP_INITMSG as last set.
type initMsg struct{ out, maxIn, attempts, timeoMs int64 }

// outcome is what a call returned: ret, and errno when ret is -1.
type outcome struct {
	ret   int64
	errno string
}

// errBlocked says a call on a blocking socket cannot complete yet; the
// runner retries it as time passes.
var errBlocked = errors.New("blocked")

// handler runs a call. It returns errBlocked to block, an unsupported or
// failure error to stop the script, or the call's outcome.
type handler func(r *run, c *call) (outcome, error)

// call is one socket call being executed.
type call struct {
	sc   *script.Syscall
	line int
	// retry is set when the call is retried after blocking.
	retry bool
}

func (c *call) arg(i int) script.Value {
	if i < len(c.sc.Args) {
		return c.sc.Args[i]
	}
	return script.Wildcard{}
}

// calls maps call names to handlers. sctp_* calls of the one-to-many style
// and notifications are added here when the stack has them.
var calls map[string]handler

func init() {
	calls = map[string]handler{
		"socket": (*run).sysSocket, "bind": (*run).sysBind, "listen": (*run).sysListen,
		"accept": (*run).sysAccept, "connect": (*run).sysConnect, "close": (*run).sysClose,
		"shutdown": (*run).sysShutdown, "fcntl": (*run).sysFcntl,
		"read": (*run).sysRead, "recv": (*run).sysRead, "recvmsg": (*run).sysRead,
		"sctp_recvmsg": (*run).sysRead, "sctp_recvv": (*run).sysRead,
		"write": (*run).sysWrite, "send": (*run).sysWrite, "sendmsg": (*run).sysWrite,
		"sctp_sendmsg": (*run).sysWrite, "sctp_send": (*run).sysWrite, "sctp_sendx": (*run).sysWrite, "sctp_sendv": (*run).sysWrite,
		"getsockopt": (*run).sysGetsockopt, "setsockopt": (*run).sysSetsockopt,
		"sctp_bindx": (*run).sysBindx, "sctp_connectx": (*run).sysConnectx,
		"sctp_getladdrs": (*run).sysGetaddrs, "sctp_getpaddrs": (*run).sysGetaddrs,
		"sctp_freeladdrs": (*run).sysFree, "sctp_freepaddrs": (*run).sysFree,
		"sctp_peeloff": (*run).sysPeeloff,
	}
}

// missing names calls the stack cannot serve yet, with the feature.
var missing = map[string]string{}

// checkCall is the static check of one call: its name and the socket
// options and message parts it uses.
func (r *run) checkCall(sc *script.Syscall) error {
	if why, ok := missing[sc.Name]; ok {
		return unsupported("%s", why)
	}
	if _, ok := calls[sc.Name]; !ok {
		return unsupported("call %s: not mapped", sc.Name)
	}
	c := &call{sc: sc}
	switch sc.Name {
	case "getsockopt", "setsockopt":
		return r.checkSockopt(c)
	case "sendmsg", "recvmsg", "sctp_sendv", "sctp_recvv", "sctp_sendmsg", "sctp_send", "sctp_sendx", "sctp_recvmsg":
		return r.checkMsgCall(c)
	}
	return nil
}

// call runs a socket call at its time and checks its result, or leaves it
// pending if it blocks.
func (r *run) call(e *script.Event, sc *script.Syscall, start, end time.Duration) error {
	h := calls[sc.Name]
	c := &call{sc: sc, line: e.Pos.Line}
	for _, s := range r.fds {
		s.noteStreams()
	}
	out, err := h(r, c)
	if err == errBlocked {
		r.pending = append(r.pending, &pendingCall{call: c, line: c.line, h: h, start: start, end: end, blocking: e.Time.Span == script.SpanBlocking})
		return nil
	}
	if err != nil {
		return err
	}
	if e.Time.Span == script.SpanBlocking && end > start+r.tol {
		return failf("%s returned at once, expected to block until %s", sc.Name, fmtTime(end))
	}
	return r.checkOutcome(sc, out)
}

// pendingCall is a blocking call waiting to return.
type pendingCall struct {
	call       *call
	line       int
	h          handler
	start, end time.Duration
	blocking   bool
}

// retryPending retries blocked calls; done reports that one returned.
func (r *run) retryPending() (done bool, err error) {
	for i := 0; i < len(r.pending); i++ {
		p := r.pending[i]
		p.call.retry = true
		out, herr := p.h(r, p.call)
		if herr == errBlocked {
			continue
		}
		r.pending = append(r.pending[:i], r.pending[i+1:]...)
		i--
		done = true
		if herr != nil {
			return true, &lineError{p.line, herr}
		}
		if p.blocking {
			if now := r.now(); now < p.end-r.tol || now > p.end+r.tol {
				return true, &lineError{p.line, failf("%s: returned at %s, expected at %s", p.call.sc.Name, fmtTime(now), fmtTime(p.end))}
			}
		}
		if cerr := r.checkOutcome(p.call.sc, out); cerr != nil {
			return true, &lineError{p.line, cerr}
		}
	}
	return done, nil
}

// lineError is an error of an earlier line: a blocking call that returned
// while a later event ran.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// checkOutcome compares a call's result with the script's.
func (r *run) checkOutcome(sc *script.Syscall, out outcome) error {
	got := fmt.Sprint(out.ret)
	if out.errno != "" {
		got += " " + out.errno
	}
	want := script.FormatValue(sc.Ret)
	if sc.Errno != "" {
		want += " " + sc.Errno
	}
	if !script.IsWildcard(sc.Ret) {
		v, ok := r.intOf(sc.Ret)
		if !ok {
			return unsupported("result %s: not a number", script.FormatValue(sc.Ret))
		}
		if v != out.ret {
			return failf("%s: returned %s, expected %s", sc.Name, got, want)
		}
	}
	if out.ret == -1 && sc.Errno != "" && !sameErrno(sc.Errno, out.errno) {
		return failf("%s: returned %s, expected %s", sc.Name, got, want)
	}
	return nil
}

func sameErrno(a, b string) bool {
	norm := func(s string) string {
		if s == "EWOULDBLOCK" {
			return "EAGAIN"
		}
		return s
	}
	return norm(a) == norm(b)
}

// fail returns the outcome of a failed call.
func fail(err tcpip.Error) outcome { return outcome{ret: -1, errno: errnoOf(err)} }

func failErrno(e string) outcome { return outcome{ret: -1, errno: e} }

// sock returns the socket of a descriptor argument.
func (r *run) sock(v script.Value) (*socket, bool) {
	fd, ok := r.intOf(v)
	if !ok {
		return nil, false
	}
	s, ok := r.fds[int(fd)]
	return s, ok
}

func (r *run) newFD(s *socket) int {
	fd := 3
	for r.fds[fd] != nil {
		fd++
	}
	s.fd = fd
	r.fds[fd] = s
	return fd
}

func (r *run) sysSocket(c *call) (outcome, error) {
	v6 := name(c.arg(0)) == "AF_INET6" || r.ipv6Mode && script.IsWildcard(c.arg(0))
	proto := ipv4Proto
	if v6 {
		proto = ipv6Proto
	}
	wq := &waiter.Queue{}
	if name(c.arg(1)) == "SOCK_SEQPACKET" {
		m, err := sctp.NewManyEndpoint(r.dut.Stack(), proto, wq)
		if err != nil {
			return fail(err), nil
		}
		s := &socket{style: styleOneToMany, ep: m.Endpoint(), many: m, wq: wq, v6: v6}
		r.platformBuffer(s.ep)
		r.v6 = v6
		return outcome{ret: int64(r.newFD(s))}, nil
	}
	ep, err := r.dut.Stack().NewEndpoint(sctp.ProtocolNumber, proto, wq)
	if err != nil {
		return fail(err), nil
	}
	s := &socket{style: styleOneToOne, ep: ep.(*sctp.Endpoint), wq: wq, v6: v6}
	r.platformBuffer(s.ep)
	r.v6 = v6
	return outcome{ret: int64(r.newFD(s))}, nil
}

// platformRcvbuf is the receive window a new socket of the platform
// starts with, a setting of the hosts the corpus was written on, not of
// the protocol: FreeBSD's net.inet.sctp.recvspace (1864135 there), and
// half of Linux's default socket buffer (163840), which is what Linux
// advertises. Scripts read it back as SCTP_ASSOCINFO's sasoc_local_rwnd
// and, on FreeBSD, as half of it, the default partial delivery point.
var platformRcvbuf = map[string]int{"FreeBSD": 1864135, "Linux": 81920}

// platformBuffer gives a new socket the platform's receive buffer.
func (r *run) platformBuffer(ep *sctp.Endpoint) {
	if n, ok := platformRcvbuf[r.cfg.Platform]; ok {
		ep.SetReceiveBufferSize(n)
	}
}

func (r *run) sysBind(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	addr, err := r.sockaddr(c.arg(1), true, s.v6)
	if err != nil {
		return outcome{}, err
	}
	if e := s.ep.Bind(addr); e != nil {
		return fail(e), nil
	}
	r.ports.local = addr.Port
	return outcome{}, nil
}

func (r *run) sysListen(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	backlog, _ := r.intOf(c.arg(1))
	var e tcpip.Error
	if s.many != nil {
		e = s.many.Listen()
	} else {
		e = s.ep.Listen(int(backlog))
	}
	if e != nil {
		return fail(e), nil
	}
	if la, e := s.ep.GetLocalAddress(); e == nil {
		r.ports.local = la.Port
	}
	if r.ports.remote == 0 {
		r.ports.remote = peerPassive
	}
	r.newAssociation()
	return outcome{}, nil
}

func (r *run) sysAccept(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	if s.many != nil {
		return failErrno("EOPNOTSUPP"), nil // one-to-many sockets take associations themselves
	}
	ep, wq, e := s.ep.Accept(nil)
	if _, would := e.(*tcpip.ErrWouldBlock); would && !s.nonblock {
		return outcome{}, errBlocked
	}
	if e != nil {
		return fail(e), nil
	}
	n := &socket{ep: ep.(*sctp.Endpoint), wq: wq, v6: s.v6, nodelay: s.nodelay, initmsg: s.initmsg,
		dataIO: s.dataIO, oldSendFailed: s.oldSendFailed, recvRcvInfo: s.recvRcvInfo,
		recvNxtInfo: s.recvNxtInfo, useExtRcvInfo: s.useExtRcvInfo}
	return outcome{ret: int64(r.newFD(n))}, nil
}

func (r *run) sysConnect(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	if c.retry && s.many == nil {
		return r.connectDone(s)
	}
	if c.retry {
		addr, _ := r.sockaddr(c.arg(1), false, s.v6)
		return r.connectMany(c, s, []tcpip.FullAddress{addr})
	}
	addr, err := r.sockaddr(c.arg(1), false, s.v6)
	if err != nil {
		return outcome{}, err
	}
	if s.many != nil {
		return r.connectMany(c, s, []tcpip.FullAddress{addr})
	}
	r.ports.remote = addr.Port
	r.newAssociation()
	e := s.ep.Connect(addr)
	if _, started := e.(*tcpip.ErrConnectStarted); started && !s.nonblock {
		return outcome{}, errBlocked
	}
	if e != nil {
		return fail(e), nil
	}
	return outcome{}, nil
}

// connectDone finishes a blocking connect once the association is up or
// has failed.
func (r *run) connectDone(s *socket) (outcome, error) {
	st := sctp.EndpointState(s.ep.State())
	if st == sctp.EndpointAssoc+sctp.EndpointState(sctp.StateEstablished) {
		return outcome{}, nil
	}
	if s.ep.Readiness(waiter.EventErr|waiter.EventHUp) != 0 {
		if e := s.ep.LastError(); e != nil {
			return fail(e), nil
		}
		return failErrno("ECONNREFUSED"), nil
	}
	return outcome{}, errBlocked
}

func (r *run) sysClose(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	delete(r.fds, s.fd)
	if s.many != nil {
		if s.lingerOn && s.lingerSecs == 0 {
			for _, id := range s.many.AssocIDs() {
				if ep, e := s.many.Assoc(id); e == nil {
					ep.Abort()
				}
			}
		}
		s.many.Close()
		return outcome{}, nil
	}
	if s.lingerOn && s.lingerSecs == 0 {
		s.ep.Abort() // SO_LINGER with a zero timeout: ABORT (RFC 6458 8.1.4)
		return outcome{}, nil
	}
	s.ep.Close()
	return outcome{}, nil
}

func (r *run) sysShutdown(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	how, _ := r.intOf(c.arg(1))
	var f tcpip.ShutdownFlags
	switch how {
	case 0:
		f = tcpip.ShutdownRead
	case 1:
		f = tcpip.ShutdownWrite
	default:
		f = tcpip.ShutdownRead | tcpip.ShutdownWrite
	}
	if e := s.ep.Shutdown(f); e != nil {
		return fail(e), nil
	}
	return outcome{}, nil
}

func (r *run) sysFcntl(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	nb := r.consts.names["O_NONBLOCK"]
	switch name(c.arg(1)) {
	case "F_GETFL":
		fl := r.consts.names["O_RDWR"]
		if s.nonblock {
			fl |= nb
		}
		return outcome{ret: fl}, nil
	case "F_SETFL":
		fl, ok := r.intOf(c.arg(2))
		if !ok {
			return outcome{}, unsupported("fcntl: flags %s", script.FormatValue(c.arg(2)))
		}
		s.nonblock = fl&nb != 0
		return outcome{}, nil
	}
	return outcome{}, unsupported("fcntl: command %s", script.FormatValue(c.arg(1)))
}

func (r *run) sysFree(c *call) (outcome, error) { return outcome{}, nil }

// hasAssoc reports whether the socket's endpoint has an association.
func (s *socket) hasAssoc() bool {
	return sctp.EndpointState(s.ep.State()) >= sctp.EndpointAssoc
}

// newAssociation forgets the numbering of the previous association: the
// next INIT or INIT ACK of the stack's starts a new one, as packetdrill
// starts a new socket under test for each connect and listen.
func (r *run) newAssociation() {
	r.num = wire.Numbering{}
	r.echo = wire.Echo{}
}
