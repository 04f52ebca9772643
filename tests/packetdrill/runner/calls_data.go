package runner

import (
	"bytes"
	"io"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// The data calls. All sends become Endpoint.WriteMsg with the stream, PPID
// and ordering the call carries; all receives Endpoint.ReadMsg, whose
// RecvInfo fills the receive structures. Payload bytes are zeros, as the
// corpus never checks them.

// sendParams is what a send call asks for.
type sendParams struct {
	n    int64
	info sctp.SendInfo
	// to are the destination addresses the call names (msg_name, to,
	// addrs); nil if none.
	to []tcpip.FullAddress
	// addrOver is SCTP_ADDR_OVER: send to to[0] rather than the primary.
	addrOver bool
	// initmsg is an SCTP_INIT cmsg: the INIT parameters of an implicit
	// set-up.
	initmsg *initMsg
}

// checkMsgCall finds message features we cannot map, before the run.
func (r *run) checkMsgCall(c *call) error {
	switch c.sc.Name {
	case "sendmsg", "recvmsg":
		m, _ := c.arg(1).(*script.Struct)
		if ctl, ok := field(m, "msg_control"); ok && !script.IsWildcard(ctl) && name(ctl) != "NULL" {
			if l, ok := ctl.(*script.List); !ok || len(l.Elems) > 0 {
				if c.sc.Name == "recvmsg" {
					return checkRecvCmsgs(ctl)
				}
				return r.checkCmsgs(ctl)
			}
		}
	case "sctp_sendv":
		if t := name(c.arg(7)); t == "SCTP_SENDV_AUTHINFO" {
			return unsupported("AUTH (RFC 4895): SCTP_SENDV_AUTHINFO")
		}
		if n, ok := r.intOf(c.arg(4)); ok && n > 1 {
			return unsupported("multihoming: sctp_sendv with several addresses")
		}
	}
	return nil
}

// eachCmsgType calls f with the cmsg_type of each cmsg in ctl, until f
// returns an error.
func eachCmsgType(ctl script.Value, f func(s *script.Struct, t script.Value) error) error {
	l, _ := ctl.(*script.List)
	if l == nil {
		return nil
	}
	for _, e := range l.Elems {
		s, _ := e.(*script.Struct)
		t, _ := field(s, "cmsg_type")
		if err := f(s, t); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) checkCmsgs(ctl script.Value) error {
	return eachCmsgType(ctl, func(_ *script.Struct, t script.Value) error {
		switch name(t) {
		case "SCTP_SNDINFO", "SCTP_SNDRCV":
		case "SCTP_PRINFO":
		case "SCTP_AUTHINFO":
			return unsupported("AUTH (RFC 4895): SCTP_AUTHINFO")
		case "SCTP_DSTADDRV4", "SCTP_DSTADDRV6", "SCTP_INIT":
			// Read at the call (checkDest, initmsgFrom).
		default:
			return unsupported("ancillary data: %s", script.FormatValue(t))
		}
		return nil
	})
}

// iovLen is the total iov_len of an iovec list.
func (r *run) iovLen(v script.Value) int64 {
	var n int64
	if l, ok := v.(*script.List); ok {
		for _, e := range l.Elems {
			s, _ := e.(*script.Struct)
			if x, ok := field(s, "iov_len"); ok {
				k, _ := r.intOf(x)
				n += k
			} else if s != nil && len(s.Fields) == 2 && s.Fields[1].Name == "" {
				k, _ := r.intOf(s.Fields[1].Value) // {base, len}
				n += k
			}
		}
	}
	return n
}

// applyFlags maps SCTP send flags onto SendInfo (RFC 6458 5.3.4).
func (r *run) applyFlags(p *sendParams, v script.Value) error {
	fl, ok := r.intOf(v)
	if !ok || fl == 0 {
		return nil
	}
	c := r.consts.names
	for _, f := range []struct {
		name string
		set  *bool
	}{
		{"SCTP_UNORDERED", &p.info.Unordered}, {"SCTP_EOF", &p.info.EOF}, {"SCTP_ABORT", &p.info.Abort},
		{"SCTP_SENDALL", &p.info.SendAll}, {"SCTP_ADDR_OVER", &p.addrOver},
	} {
		if fl&c[f.name] != 0 {
			*f.set = true
			fl &^= c[f.name]
		}
	}
	if fl != 0 {
		return unsupported("send flags: %s", script.FormatValue(v))
	}
	return nil
}

// sndinfo reads an sctp_sndinfo or sctp_sndrcvinfo struct.
func (r *run) sndinfo(p *sendParams, v script.Value) error {
	s, ok := v.(*script.Struct)
	if !ok {
		return nil
	}
	// The struct says it all: the defaults no longer apply.
	p.info.Stream, p.info.PPID, p.info.Context, p.info.Unordered, p.info.AssocID = 0, 0, 0, false, 0
	for _, f := range s.Fields {
		if script.IsWildcard(f.Value) {
			continue
		}
		x, _ := r.intOf(f.Value)
		switch strings.TrimPrefix(strings.TrimPrefix(f.Name, "snd_"), "sinfo_") {
		case "sid", "stream":
			p.info.Stream = uint16(x)
		case "ppid":
			p.info.PPID = uint32(x)
		case "flags":
			if err := r.applyFlags(p, f.Value); err != nil {
				return err
			}
		case "context":
			p.info.Context = uint32(x)
		case "assoc_id":
			p.info.AssocID = sctp.AssocID(x)
		case "timetolive":
			p.info.TTL = msDur(x) // RFC 3758 4.1 timed reliability
		}
	}
	return nil
}

// sendArgs decodes the arguments of every send call.
func (r *run) sendArgs(c *call) (sendParams, error) {
	var p sendParams
	var err error
	if s, ok := r.sock(c.arg(0)); ok {
		// What the call does not say comes from SCTP_DEFAULT_SNDINFO
		// (RFC 6458 SCTP_DEFAULT_SNDINFO).
		p.info = s.ep.DefaultSendInfo()
	}
	switch c.sc.Name {
	case "write":
		p.n, _ = r.intOf(c.arg(2))
	case "send":
		p.n, _ = r.intOf(c.arg(2))
	case "sendmsg":
		m, _ := c.arg(1).(*script.Struct)
		iov, _ := field(m, "msg_iov")
		p.n = r.iovLen(iov)
		if to, ok := field(m, "msg_name"); ok && name(to) != "NULL" {
			if err := r.destination(c, &p, to); err != nil {
				return p, err
			}
		}
		if ctl, ok := field(m, "msg_control"); ok {
			if l, ok := ctl.(*script.List); ok {
				for _, e := range l.Elems {
					s, _ := e.(*script.Struct)
					d, _ := field(s, "cmsg_data")
					t, _ := field(s, "cmsg_type")
					if name(t) == "SCTP_PRINFO" {
						ds, _ := d.(*script.Struct)
						if err := r.prInfo(&p, ds); err != nil {
							return p, err
						}
						continue
					}
					if name(t) == "SCTP_INIT" {
						p.initmsg = r.initmsgFrom(d)
						continue
					}
					if name(t) == "SCTP_DSTADDRV4" || name(t) == "SCTP_DSTADDRV6" {
						if err := r.checkDest(c, &p, d); err != nil {
							return p, err
						}
						continue
					}
					if err = r.sndinfo(&p, d); err != nil {
						return p, err
					}
				}
			}
		}
	case "sctp_sendmsg":
		// (sd, msg, len, to, tolen, ppid, flags, stream, timetolive, context)
		p.n, _ = r.intOf(c.arg(2))
		ppid, _ := r.intOf(c.arg(5))
		stream, _ := r.intOf(c.arg(7))
		ttl, _ := r.intOf(c.arg(8))
		ctx, _ := r.intOf(c.arg(9))
		p.info = sctp.SendInfo{PPID: uint32(ppid), Stream: uint16(stream), Context: uint32(ctx)}
		if to := c.arg(3); name(to) != "NULL" {
			if err := r.destination(c, &p, to); err != nil {
				return p, err
			}
		}
		p.info.TTL = msDur(ttl) // RFC 3758 4.1 timed reliability
		err = r.applyFlags(&p, c.arg(6))
	case "sctp_send":
		// (sd, msg, len, sinfo, flags)
		p.n, _ = r.intOf(c.arg(2))
		err = r.sndinfo(&p, c.arg(3))
	case "sctp_sendx":
		// (sd, msg, len, addrs, addrcnt, sinfo, flags): sctp_send with the
		// peer's addresses for an implicit set-up, which a connected
		// one-to-one socket does not need.
		if n, _ := r.intOf(c.arg(4)); n > 1 {
			return p, unsupported("multihoming: sctp_sendx with several addresses")
		}
		p.n, _ = r.intOf(c.arg(2))
		if err := r.destination(c, &p, c.arg(3)); err != nil {
			return p, err
		}
		err = r.sndinfo(&p, c.arg(5))
	case "sctp_sendv":
		// (sd, iov, iovcnt, addrs, addrcnt, info, infolen, infotype, flags)
		p.n = r.iovLen(c.arg(1))
		if to := c.arg(3); name(to) != "NULL" {
			if err := r.destination(c, &p, to); err != nil {
				return p, err
			}
		}
		info := c.arg(5)
		switch name(c.arg(7)) {
		case "SCTP_SENDV_SNDINFO":
			err = r.sndinfo(&p, info)
		case "SCTP_SENDV_PRINFO":
			s, _ := info.(*script.Struct)
			if err := r.prInfo(&p, s); err != nil {
				return p, err
			}
		case "SCTP_SENDV_SPA":
			s, _ := info.(*script.Struct)
			if fl, ok := field(s, "sendv_flags"); ok {
				if x, _ := r.intOf(fl); x&^1 != 0 {
					return p, unsupported("sctp_sendv: SCTP_SEND_PRINFO_VALID/AUTHINFO in sendv_spa")
				}
			}
			if si, ok := field(s, "sendv_sndinfo"); ok {
				err = r.sndinfo(&p, si)
			}
		}
	}
	return p, err
}

// payload is n zero bytes.
type payload struct{ r *bytes.Reader }

func newPayload(n int64) payload             { return payload{bytes.NewReader(make([]byte, n))} }
func (p payload) Read(b []byte) (int, error) { return p.r.Read(b) }
func (p payload) Len() int                   { return p.r.Len() }

var _ tcpip.Payloader = payload{}

func (r *run) sysWrite(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	p, err := r.sendArgs(c)
	if err != nil {
		return outcome{}, err
	}
	if s.many != nil {
		return r.sendMany(s, p)
	}
	// SCTP_SENDALL "has no effect" on a one-to-one socket (RFC 6458
	// 5.3.2).
	p.info.SendAll = false
	if st := sctp.EndpointState(s.ep.State()); (st == sctp.EndpointInitial || st == sctp.EndpointBound) && len(p.to) > 0 && !c.retry {
		// Implicit set-up on a one-to-one socket (RFC 6458 4.1 allows
		// sendmsg with a destination, Linux and FreeBSD do it): the INIT
		// goes out with the message queued behind it.
		if p.initmsg != nil {
			if e := s.ep.SetInitMsg(uint16(p.initmsg.out), uint16(p.initmsg.maxIn), int(p.initmsg.attempts), msDur(p.initmsg.timeoMs)); e != nil {
				return fail(e), nil
			}
		}
		r.ports.remote = p.to[0].Port
		r.newAssociation()
		if e := s.ep.ConnectAddrs(p.to); e != nil {
			if _, started := e.(*tcpip.ErrConnectStarted); !started {
				return fail(e), nil
			}
		}
	}
	if p.addrOver && len(p.to) > 0 {
		p.info.Addr = p.to[0].Addr
	}
	n, e := s.ep.WriteMsg(newPayload(p.n), p.info)
	if _, would := e.(*tcpip.ErrWouldBlock); would && !s.nonblock {
		return outcome{}, errBlocked
	}
	if e != nil {
		return fail(e), nil
	}
	return outcome{ret: n}, nil
}

// destination reads the address a send names; "..." is the peer.
func (r *run) destination(c *call, p *sendParams, v script.Value) error {
	s, _ := r.sock(c.arg(0))
	v6 := s != nil && s.v6
	if l, ok := v.(*script.List); ok && len(l.Elems) > 0 {
		to, err := r.addrList(l, false, v6)
		p.to = to
		return err
	}
	a, err := r.sockaddr(v, false, v6)
	if err != nil {
		return err
	}
	p.to = []tcpip.FullAddress{a}
	return nil
}

// initmsgFrom reads an sctp_initmsg struct.
func (r *run) initmsgFrom(v script.Value) *initMsg {
	st, _ := v.(*script.Struct)
	m := &initMsg{}
	for n, dst := range map[string]*int64{
		"sinit_num_ostreams": &m.out, "sinit_max_instreams": &m.maxIn,
		"sinit_max_attempts": &m.attempts, "sinit_max_init_timeo": &m.timeoMs,
	} {
		if x, ok := field(st, n); ok {
			*dst, _ = r.intOf(x)
		}
	}
	return m
}

// recvCount returns the byte count a receive call asks for.
func (r *run) recvCount(c *call) int64 {
	switch c.sc.Name {
	case "read", "recv", "sctp_recvmsg":
		n, _ := r.intOf(c.arg(2))
		return n
	case "recvmsg":
		m, _ := c.arg(1).(*script.Struct)
		iov, _ := field(m, "msg_iov")
		return r.iovLen(iov)
	case "sctp_recvv":
		return r.iovLen(c.arg(1))
	}
	return 0
}

func (r *run) sysRead(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	count := r.recvCount(c)
	var (
		info sctp.RecvInfo
		nt   sctp.Notification
		n    int
		e    tcpip.Error
	)
	if s.many != nil {
		info, nt, n, e = s.many.RecvMsg(io.Discard, int(count))
	} else {
		info, nt, n, e = s.ep.RecvMsg(io.Discard, int(count))
	}
	switch e.(type) {
	case nil:
	case *tcpip.ErrWouldBlock:
		if !s.nonblock {
			return outcome{}, errBlocked
		}
		return fail(e), nil
	case *tcpip.ErrClosedForReceive:
		return outcome{ret: 0}, nil // end of file
	default:
		return fail(e), nil
	}
	if nt != nil {
		return r.readNotification(c, s, nt, count)
	}
	if exp, ok := r.expectedNote(c); ok {
		return outcome{}, failf("%s: read a message of %d bytes, expected a notification %s", c.sc.Name, n, script.FormatValue(exp))
	}
	if err := r.checkRecvInfo(c, s, info); err != nil {
		return outcome{}, err
	}
	return outcome{ret: int64(n)}, nil
}

// expectedNote returns the notification struct a receive call's buffer
// holds, if the script expects one.
func (r *run) expectedNote(c *call) (script.Value, bool) {
	var iov script.Value
	switch c.sc.Name {
	case "recvmsg":
		m, _ := c.arg(1).(*script.Struct)
		iov, _ = field(m, "msg_iov")
	case "sctp_recvv":
		iov = c.arg(1)
	default:
		b := c.arg(1)
		_, ok := b.(*script.Struct)
		return b, ok
	}
	if l, ok := iov.(*script.List); ok {
		for _, e := range l.Elems {
			if st, ok := e.(*script.Struct); ok {
				if b, ok := field(st, "iov_base"); ok {
					if _, isStruct := b.(*script.Struct); isStruct {
						return b, true
					}
				}
			}
		}
	}
	return nil, false
}

// readNotification checks a notification a receive call returned: its
// struct, MSG_NOTIFICATION (with MSG_EOR if it fitted) and the length.
func (r *run) readNotification(c *call, s *socket, nt sctp.Notification, count int64) (outcome, error) {
	out, l := r.notification(s, nt)
	addHeader(out)
	n := min(l, count)
	flags := r.consts.names["MSG_NOTIFICATION"]
	if l <= count {
		flags |= r.consts.names["MSG_EOR"]
	}
	if exp, ok := r.expectedNote(c); ok {
		if err := r.matchOut("notification", exp, out); err != nil {
			return outcome{}, err
		}
	}
	var fl script.Value = script.Wildcard{}
	switch c.sc.Name {
	case "recvmsg":
		m, _ := c.arg(1).(*script.Struct)
		if f, ok := field(m, "msg_flags"); ok {
			fl = f
		}
		if ctl, ok := field(m, "msg_control"); ok {
			if l, ok := ctl.(*script.List); ok && len(l.Elems) > 0 {
				// What the kernels add to a notification (Linux an
				// SCTP_NXTINFO, FreeBSD its own choice) is not modelled.
				return outcome{}, unsupported("ancillary data with a notification")
			}
		}
	case "sctp_recvmsg":
		fl = c.arg(6)
	case "sctp_recvv":
		fl = c.arg(8)
		if err := r.matchOut("infotype", c.arg(7), "SCTP_RECVV_NOINFO"); err != nil {
			return outcome{}, err
		}
	case "read", "recv":
		return outcome{}, failf("%s: read a notification %s, which only recvmsg-style calls can tell", c.sc.Name, typeName(out))
	}
	if err := r.matchOut("msg_flags", fl, flags); err != nil {
		return outcome{}, failf("%s (a notification %s)", err, typeName(out))
	}
	return outcome{ret: n}, nil
}

func typeName(o outStruct) string {
	if t, ok := o["sn_type"].(string); ok {
		return t
	}
	return "?"
}

// checkRecvInfo compares the receive structures a call fills with the
// message read.
func (r *run) checkRecvInfo(c *call, s *socket, info sctp.RecvInfo) error {
	flags := int64(0)
	if info.Complete {
		flags = r.consts.names["MSG_EOR"]
	}
	view := &recvView{s: s, info: info}
	var from outStruct
	ep := s.ep
	if s.many != nil {
		ep, _ = s.many.Assoc(info.AssocID)
	}
	if ep != nil {
		if ra, e := ep.GetRemoteAddress(); e == nil {
			from = r.sockaddrOut(ra, s.v6)
		}
	}
	switch c.sc.Name {
	case "recvmsg":
		m, _ := c.arg(1).(*script.Struct)
		if f, ok := field(m, "msg_name"); ok && name(f) != "NULL" {
			if err := r.matchOut("msg_name", f, from); err != nil {
				return err
			}
		}
		got, err := r.recvCmsgs(view)
		if err != nil {
			return err
		}
		ctrunc, err := r.matchCmsgs(m, got)
		if err != nil {
			return err
		}
		if ctrunc {
			flags |= r.consts.names["MSG_CTRUNC"]
		}
		if f, ok := field(m, "msg_flags"); ok {
			return r.matchOut("msg_flags", f, flags)
		}
	case "sctp_recvmsg":
		// (sd, msg, len, from, fromlen, sinfo, msg_flags)
		if name(c.arg(3)) != "NULL" {
			if err := r.matchOut("from", c.arg(3), from); err != nil {
				return err
			}
		}
		if err := r.matchOut("sinfo", c.arg(5), r.sndrcvOut(info)); err != nil {
			return err
		}
		return r.matchOut("msg_flags", c.arg(6), flags)
	case "sctp_recvv":
		// (sd, iov, iovlen, from, fromlen, info, infolen, infotype, flags)
		if name(c.arg(3)) != "NULL" {
			if err := r.matchOut("from", c.arg(3), from); err != nil {
				return err
			}
		}
		if err := r.matchOut("flags", c.arg(8), flags); err != nil {
			return err
		}
		return r.checkRecvv(c, view)
	}
	return nil
}

// prInfo takes an sctp_prinfo (RFC 6458 5.3.7, RFC 7496 4): the policy
// and its value into the message's SendInfo.
func (r *run) prInfo(p *sendParams, s *script.Struct) error {
	pol, ok := field(s, "pr_policy")
	if !ok || script.IsWildcard(pol) {
		return nil
	}
	v, _ := r.intOf(pol)
	c := r.consts.names
	switch v {
	case 0:
		p.info.PRPolicy = sctp.PRNone
	case c["SCTP_PR_SCTP_TTL"]:
		p.info.PRPolicy = sctp.PRTTL
	case c["SCTP_PR_SCTP_RTX"]:
		p.info.PRPolicy = sctp.PRRtx
	default:
		return unsupported("PR-SCTP (RFC 3758): SCTP_PRINFO policy %s", script.FormatValue(pol))
	}
	p.info.PRValue = uint32(r.member(s, "pr_value"))
	return nil
}

// prPolicyValue is the platform's number for a policy.
func (r *run) prPolicyValue(pol sctp.PRPolicy) int64 {
	switch pol {
	case sctp.PRTTL:
		return r.consts.names["SCTP_PR_SCTP_TTL"]
	case sctp.PRRtx:
		return r.consts.names["SCTP_PR_SCTP_RTX"]
	}
	return 0
}

// checkDest takes an SCTP_DSTADDRV4/V6 cmsg (RFC 6458 5.3.9): the
// destination of an implicit set-up, or the peer address to send this
// message to (as SCTP_ADDR_OVER does).
func (r *run) checkDest(c *call, p *sendParams, d script.Value) error {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return nil
	}
	want, err := r.sockaddr(d, false, s.v6)
	if err != nil {
		return err
	}
	if st := sctp.EndpointState(s.ep.State()); s.many == nil && (st == sctp.EndpointInitial || st == sctp.EndpointBound) || s.many != nil && p.info.AssocID == 0 {
		p.to = []tcpip.FullAddress{want}
		return nil
	}
	p.info.Addr = want.Addr
	return nil
}
