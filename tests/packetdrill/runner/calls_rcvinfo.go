package runner

import (
	"fmt"
	"strings"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Receive information (RFC 6458 5.3): what a receive call tells about the
// message it read and the one after it. The socket flags SCTP_RECVRCVINFO,
// SCTP_RECVNXTINFO, SCTP_EVENTS' sctp_data_io_event and FreeBSD's
// SCTP_USE_EXT_RCVINFO choose the ancillary data recvmsg returns, in the
// kernels' order: SCTP_RCVINFO, SCTP_NXTINFO (only when something waits),
// then SCTP_SNDRCV or SCTP_EXTRCV. sctp_recvv picks its info from the same
// flags, as the libraries do. The message read is Endpoint.RecvMsg's
// RecvInfo; the next one is Endpoint.NextInfo, asked right after the read.

// cmsgHdrLen is the cmsghdr that cmsg_len and msg_controllen count in the
// corpus, on both platforms: 12 bytes, 4-byte aligned, as in the ILP32
// ABIs (40 = 12 + sizeof(struct sctp_rcvinfo) in bsd/ and linux/, 44 = 12 +
// Linux's 32-byte struct sctp_sndrcvinfo in linux/). On LP64 systems the
// header is 16 bytes; that is the C ABI's, not SCTP's. The data sizes are
// the platform's structs.
const cmsgHdrLen = 12

// Sizes of the receive structs: the same on both platforms but for struct
// sctp_sndrcvinfo (FreeBSD pads it to 128 bytes, as its sctp_extrcvinfo).
const (
	rcvinfoSize = 28
	nxtinfoSize = 16
	recvvRNSize = rcvinfoSize + nxtinfoSize
	extrcvSize  = 128
)

func cmsgSpace(size int64) int64 { return cmsgHdrLen + (size+3)&^3 }

// cmsgOut is one control message a receive returns.
type cmsgOut struct {
	typ  string
	size int64 // of the data
	data outStruct
}

// recvView is what the kernel tells about a read: the message, and (when
// asked, nextDone) what the next read returns.
type recvView struct {
	s        *socket
	info     sctp.RecvInfo
	nextDone bool
	next     sctp.NextInfo
	hasNext  bool
}

// nextInfo asks the endpoint what the next read returns. The kernels tell
// the message queued after the one read, even when that one was read in
// part; the endpoint API tells what the next read returns, which after a
// partial read is the rest of the same message, and on a one-to-many
// socket it knows one association's queue, not which association the
// socket reads next. Those cases are unsupported rather than guessed.
func (v *recvView) nextInfo() (sctp.NextInfo, bool, error) {
	if v.nextDone {
		return v.next, v.hasNext, nil
	}
	if v.s.many != nil {
		return sctp.NextInfo{}, false, unsupported("SCTP_NXTINFO on a one-to-many socket: the endpoint API tells one association's next message, not the socket's")
	}
	if !v.info.Complete {
		return sctp.NextInfo{}, false, unsupported("SCTP_NXTINFO after a partial read: the endpoint API tells the rest of the message, the kernels the message after it")
	}
	v.next, v.hasNext = v.s.ep.NextInfo()
	v.nextDone = true
	return v.next, v.hasNext, nil
}

func (r *run) linux() bool { return r.cfg.Platform != "FreeBSD" }

// cumTSN is sinfo_cumtsn / rcv_cumtsn (RFC 6458 5.3.2, 5.3.5: the current
// cumulative TSN). FreeBSD fills it for every message when it is read.
// Linux fills it only for unordered messages, when the message arrives
// (its reading of the API drafts: the field is "only valid ... when
// sinfo_flags are set to SCTP_UNORDERED"), and leaves 0 otherwise; the
// endpoint gives the value at the read, which is the same unless more data
// came in between.
func (r *run) cumTSN(info sctp.RecvInfo) int64 {
	if r.linux() && !info.Unordered {
		return 0
	}
	return int64(info.CumTSN)
}

func (r *run) rcvFlags(info sctp.RecvInfo) int64 {
	if info.Unordered {
		return r.consts.names["SCTP_UNORDERED"]
	}
	return 0
}

// rcvinfoOut is struct sctp_rcvinfo (RFC 6458 5.3.5). The context is 0:
// the runner's sockets never set a receive context.
func (r *run) rcvinfoOut(info sctp.RecvInfo) outStruct {
	return outStruct{
		"rcv_sid": int64(info.Stream), "rcv_ssn": int64(info.SSN), "rcv_flags": r.rcvFlags(info),
		"rcv_ppid": int64(info.PPID), "rcv_tsn": int64(info.TSN), "rcv_cumtsn": r.cumTSN(info),
		"rcv_context": int64(0), "rcv_assoc_id": int64(info.AssocID),
	}
}

// sndrcvOut is struct sctp_sndrcvinfo as a receive fills it (RFC 6458
// 5.3.2): no lifetime on receive.
func (r *run) sndrcvOut(info sctp.RecvInfo) outStruct {
	return outStruct{
		"sinfo_stream": int64(info.Stream), "sinfo_ssn": int64(info.SSN), "sinfo_flags": r.rcvFlags(info),
		"sinfo_ppid": int64(info.PPID), "sinfo_tsn": int64(info.TSN), "sinfo_cumtsn": r.cumTSN(info),
		"sinfo_assoc_id": int64(info.AssocID), "sinfo_context": int64(0), "sinfo_timetolive": int64(0),
	}
}

// nxtinfoOut is struct sctp_nxtinfo (RFC 6458 5.3.6). A notification's
// length is its struct's on the platform. Linux has no SCTP_COMPLETE: its
// receive queue holds whole messages only, and nxt_flags carries
// SCTP_UNORDERED and SCTP_NOTIFICATION alone.
func (r *run) nxtinfoOut(s *socket, n sctp.NextInfo) outStruct {
	c := r.consts.names
	out := outStruct{"nxt_sid": int64(n.Stream), "nxt_ppid": int64(n.PPID), "nxt_length": int64(n.Length), "nxt_assoc_id": int64(n.AssocID)}
	var fl int64
	if n.Notification != nil {
		fl = c["SCTP_NOTIFICATION"]
		_, l := r.notification(s, n.Notification)
		out["nxt_sid"], out["nxt_ppid"], out["nxt_length"] = int64(0), int64(0), l
	} else {
		if n.Unordered {
			fl |= c["SCTP_UNORDERED"]
		}
		if n.Complete && !r.linux() {
			fl |= c["SCTP_COMPLETE"]
		}
	}
	out["nxt_flags"] = fl
	return out
}

// extrcvOut is FreeBSD's struct sctp_extrcvinfo: sctp_sndrcvinfo and the
// next message (what SCTP_NXTINFO tells since RFC 6458), all zero when
// none waits. serinfo_next_aid is an association identifier, the
// implementation's choice like every *_assoc_id (RFC 6458 7.1.1).
func (r *run) extrcvOut(v *recvView) (outStruct, error) {
	out := r.sndrcvOut(v.info)
	delete(out, "sinfo_timetolive")
	out["sinfo_pr_value"] = int64(0)
	n, ok, err := v.nextInfo()
	if err != nil {
		return nil, err
	}
	var fl, sid, aid, length, ppid any = int64(0), int64(0), int64(0), int64(0), int64(0)
	if ok {
		c := r.consts.names
		f := c["SCTP_NEXT_MSG_AVAIL"]
		switch {
		case n.Notification != nil:
			f |= c["SCTP_NEXT_MSG_IS_NOTIFICATION"]
			_, l := r.notification(v.s, n.Notification)
			length = l
		default:
			if n.Unordered {
				f |= c["SCTP_NEXT_MSG_IS_UNORDERED"]
			}
			if n.Complete {
				f |= c["SCTP_NEXT_MSG_ISCOMPLETE"]
			}
			sid, ppid, length = int64(n.Stream), int64(n.PPID), int64(n.Length)
		}
		fl, aid = f, anyValue{}
	}
	out["serinfo_next_flags"], out["serinfo_next_stream"], out["serinfo_next_aid"] = fl, sid, aid
	out["serinfo_next_length"], out["serinfo_next_ppid"] = length, ppid
	return out, nil
}

// recvCmsgs is the ancillary data recvmsg returns with a message, in the
// order both kernels put it.
func (r *run) recvCmsgs(v *recvView) ([]cmsgOut, error) {
	s := v.s
	var out []cmsgOut
	if s.recvRcvInfo {
		out = append(out, cmsgOut{"SCTP_RCVINFO", rcvinfoSize, r.rcvinfoOut(v.info)})
	}
	if s.recvNxtInfo {
		n, ok, err := v.nextInfo()
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, cmsgOut{"SCTP_NXTINFO", nxtinfoSize, r.nxtinfoOut(s, n)})
		}
	}
	if s.dataIO {
		if s.useExtRcvInfo {
			d, err := r.extrcvOut(v)
			if err != nil {
				return nil, err
			}
			out = append(out, cmsgOut{"SCTP_EXTRCV", extrcvSize, d})
		} else {
			size := int64(128)
			if r.linux() {
				size = 32
			}
			out = append(out, cmsgOut{"SCTP_SNDRCV", size, r.sndrcvOut(v.info)})
		}
	}
	return out, nil
}

// matchCmsgs compares recvmsg's msg_control with the ancillary data
// returned, in count, order and member by member. msg_control(N) is the
// buffer: what does not fit whole is left out and MSG_CTRUNC set (both
// kernels truncate; Linux also keeps a cut-off header, not modelled).
// Without a buffer (no msg_control, or msg_control(0), a NULL pointer in
// packetdrill) Linux still sets MSG_CTRUNC; FreeBSD builds no control
// data at all.
func (r *run) matchCmsgs(m *script.Struct, got []cmsgOut) (ctrunc bool, err error) {
	room := int64(-1) // no limit
	exp, given := field(m, "msg_control")
	if !given || name(exp) == "NULL" {
		room = 0
	} else if sz, ok := fieldSize(m, "msg_control"); ok && !script.IsWildcard(sz) {
		room, _ = r.intOf(sz)
	}
	if room == 0 && !r.linux() {
		got = nil
	}
	fit := got[:0:0]
	for _, g := range got {
		if room >= 0 && cmsgHdrLen+g.size > room {
			ctrunc = true
			break
		}
		fit = append(fit, g)
		if room >= 0 {
			room = max(room-cmsgSpace(g.size), 0)
		}
	}
	if !given || script.IsWildcard(exp) || name(exp) == "NULL" {
		return ctrunc, nil
	}
	l, _ := exp.(*script.List)
	if l == nil {
		return ctrunc, unsupported("msg_control %s: not a list", script.FormatValue(exp))
	}
	if len(l.Elems) != len(fit) {
		return ctrunc, failf("msg_control: expected %d cmsgs, have %d (%s)", len(l.Elems), len(fit), cmsgTypes(fit))
	}
	for i, e := range l.Elems {
		if script.IsWildcard(e) {
			continue
		}
		st, _ := e.(*script.Struct)
		what := fmt.Sprintf("msg_control[%d]", i)
		if t, ok := field(st, "cmsg_type"); ok {
			if err := r.matchOut(what+".cmsg_type", t, fit[i].typ); err != nil {
				return ctrunc, err
			}
		}
		act := outStruct{
			"cmsg_len": cmsgHdrLen + fit[i].size, "cmsg_level": "IPPROTO_SCTP",
			"cmsg_type": fit[i].typ, "cmsg_data": fit[i].data,
		}
		if err := r.matchOut(what, st, act); err != nil {
			return ctrunc, err
		}
	}
	return ctrunc, nil
}

func cmsgTypes(c []cmsgOut) string {
	if len(c) == 0 {
		return "none"
	}
	t := make([]string, len(c))
	for i, x := range c {
		t[i] = x.typ
	}
	return strings.Join(t, ", ")
}

// checkRecvv checks sctp_recvv's info, infolen and infotype (RFC 6458
// 9.13), chosen as FreeBSD's libc and lksctp do from the socket's flags
// and the room the caller gives (infolen in): both infos when both are on
// and a next message waits, else the rcvinfo, else the nxtinfo, else none.
func (r *run) checkRecvv(c *call, v *recvView) error {
	s := v.s
	room := int64(recvvRNSize)
	if x, ok := r.intOf(c.arg(6)); ok && !script.IsWildcard(c.arg(6)) {
		room = x
	}
	var n sctp.NextInfo
	var hasNext bool
	if s.recvNxtInfo {
		var err error
		if n, hasNext, err = v.nextInfo(); err != nil {
			return err
		}
	}
	infotype, infolen := "SCTP_RECVV_NOINFO", int64(0)
	var info any
	switch {
	case s.recvRcvInfo && hasNext && room >= recvvRNSize:
		infotype, infolen = "SCTP_RECVV_RN", recvvRNSize
		info = outStruct{"recvv_rcvinfo": r.rcvinfoOut(v.info), "recvv_nxtinfo": r.nxtinfoOut(s, n)}
	case s.recvRcvInfo && room >= rcvinfoSize:
		infotype, infolen, info = "SCTP_RECVV_RCVINFO", rcvinfoSize, r.rcvinfoOut(v.info)
	case hasNext && room >= nxtinfoSize:
		infotype, infolen, info = "SCTP_RECVV_NXTINFO", nxtinfoSize, r.nxtinfoOut(s, n)
	}
	if info != nil {
		if err := r.matchOut("info", c.arg(5), info); err != nil {
			return err
		}
	}
	if err := r.matchOut("infolen", c.arg(6), infolen); err != nil {
		return err
	}
	return r.matchOut("infotype", c.arg(7), infotype)
}

// rcvCmsgTypes are the cmsgs a receive can return.
var rcvCmsgTypes = map[string]bool{"SCTP_RCVINFO": true, "SCTP_NXTINFO": true, "SCTP_SNDRCV": true, "SCTP_EXTRCV": true}

// checkRecvCmsgs is the static check of recvmsg's expected cmsgs.
func checkRecvCmsgs(ctl script.Value) error {
	return eachCmsgType(ctl, func(s *script.Struct, t script.Value) error {
		if s != nil && !rcvCmsgTypes[name(t)] && !script.IsWildcard(t) {
			return unsupported("ancillary data on receive: %s", script.FormatValue(t))
		}
		return nil
	})
}
