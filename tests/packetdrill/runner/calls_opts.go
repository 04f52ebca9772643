package runner

import (
	"strings"
	"time"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Socket options. Those the endpoint API can serve are mapped; the rest
// make a script unsupported, named in the reason so that the summary shows
// which options are most wanted.

// optionFeature says why an option we do not serve is missing.
var optionFeature = map[string]string{
	"SCTP_AUTH_CHUNK":             "AUTH (RFC 4895)",
	"SCTP_AUTH_KEY":               "AUTH (RFC 4895)",
	"SCTP_AUTH_ACTIVE_KEY":        "AUTH (RFC 4895)",
	"SCTP_AUTH_DELETE_KEY":        "AUTH (RFC 4895)",
	"SCTP_AUTH_DEACTIVATE_KEY":    "AUTH (RFC 4895)",
	"SCTP_HMAC_IDENT":             "AUTH (RFC 4895)",
	"SCTP_PEER_AUTH_CHUNKS":       "AUTH (RFC 4895)",
	"SCTP_LOCAL_AUTH_CHUNKS":      "AUTH (RFC 4895)",
	"SCTP_ENABLE_STREAM_RESET":    "RECONFIG (RFC 6525)",
	"SCTP_RESET_STREAMS":          "RECONFIG (RFC 6525)",
	"SCTP_RESET_ASSOC":            "RECONFIG (RFC 6525)",
	"SCTP_ADD_STREAMS":            "RECONFIG (RFC 6525)",
	"SCTP_AUTO_ASCONF":            "ASCONF (RFC 5061)",
	"SCTP_SET_PEER_PRIMARY_ADDR":  "ASCONF (RFC 5061)",
	"SCTP_INTERLEAVING_SUPPORTED": "I-DATA (RFC 8260)",
}

// served are the options mapped onto the endpoint API (or, for
// SCTP_RECVRCVINFO, SCTP_RECVNXTINFO and SCTP_USE_EXT_RCVINFO, onto the
// runner's socket layer).
var served = map[string]bool{
	"SO_ERROR": true, "SO_LINGER": true, "SO_RCVBUF": true, "SO_SNDBUF": true,
	"SCTP_NODELAY": true, "SCTP_INITMSG": true, "SCTP_STATUS": true, "SCTP_RECVRCVINFO": true,
	"SCTP_EVENT": true, "SCTP_EVENTS": true,
	"SCTP_RTOINFO": true, "SCTP_ASSOCINFO": true, "SCTP_DELAYED_SACK": true, "SCTP_MAXSEG": true,
	"SCTP_MAX_BURST": true, "SCTP_DISABLE_FRAGMENTS": true, "SCTP_PARTIAL_DELIVERY_POINT": true,
	"SCTP_DEFAULT_SNDINFO": true, "SCTP_DEFAULT_SEND_PARAM": true, "SCTP_ADAPTATION_LAYER": true,
	"SCTP_FRAGMENT_INTERLEAVE": true, "SCTP_AUTOCLOSE": true, "SCTP_CONTEXT": true,
	"SCTP_GET_ASSOC_NUMBER": true, "SCTP_GET_ASSOC_ID_LIST": true, "SCTP_I_WANT_MAPPED_V4_ADDR": true,
	"SCTP_RECVNXTINFO": true, "SCTP_USE_EXT_RCVINFO": true, "SCTP_DEFAULT_PRINFO": true,
}

// checkSockopt is the static check of getsockopt and setsockopt: the option
// must be served, or be one that turns off what we do not do anyway.
func (r *run) checkSockopt(c *call) error {
	opt := name(c.arg(2))
	if name(c.arg(1)) == "SOL_SOCKET" && strings.HasPrefix(opt, "SCTP_") {
		return unsupported("script quirk: SCTP option %s at level SOL_SOCKET", opt)
	}
	if opt == "SCTP_EVENT" || opt == "SCTP_EVENTS" {
		return r.checkEvents(opt, c.arg(3))
	}
	if opt == "SCTP_FRAGMENT_INTERLEAVE" && c.sc.Name == "setsockopt" {
		if v, ok := r.intOf(c.arg(3)); ok && v == 2 {
			return unsupported("socket option SCTP_FRAGMENT_INTERLEAVE: level 2 (interleaving the streams of one association) not in the endpoint API")
		}
	}
	if served[opt] {
		return nil
	}
	if f, ok := optionFeature[opt]; ok {
		return unsupported("%s: socket option %s", f, opt)
	}
	return unsupported("socket option %s: not in the endpoint API", opt)
}

func (r *run) sysSetsockopt(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	v := c.arg(3)
	st, _ := v.(*script.Struct)
	intVal := func() int64 { x, _ := r.intOf(v); return x }
	s, ok = r.forAssoc(s, name(c.arg(2)), v)
	if !ok {
		return failErrno("EINVAL"), nil
	}
	if bad, ok := r.optLenBad(c); ok && bad {
		return failErrno("EINVAL"), nil
	}
	switch name(c.arg(2)) {
	case "SCTP_NODELAY":
		s.nodelay = intVal() != 0
		s.ep.SetNoDelay(s.nodelay)
	case "SCTP_RECVRCVINFO":
		s.recvRcvInfo = intVal() != 0
	case "SCTP_RECVNXTINFO":
		s.recvNxtInfo = intVal() != 0
	case "SCTP_USE_EXT_RCVINFO":
		// FreeBSD's (SCTP_EXTRCV instead of SCTP_SNDRCV); Linux has no
		// such option.
		if r.linux() {
			return failErrno("ENOPROTOOPT"), nil
		}
		s.useExtRcvInfo = intVal() != 0
	case "SCTP_I_WANT_MAPPED_V4_ADDR":
		// Socket layer: how IPv4 peers of an IPv6 socket are presented;
		// the runner's IPv6 sockets have IPv6 peers.
		s.v4mapped = boolPtr(intVal() != 0)
	case "SCTP_EVENT", "SCTP_EVENTS":
		ep, ok := r.assocEP(s, assocIDField(v))
		if !ok {
			return failErrno("EINVAL"), nil
		}
		if e := r.setEvents(s, ep, name(c.arg(2)), st); e != nil {
			return fail(e), nil
		}
	case "SCTP_PEER_ADDR_PARAMS":
		return r.setPeerAddrParams(s, st)
	case "SCTP_PRIMARY_ADDR":
		return r.setPrimary(s, st)
	case "SCTP_GET_PEER_ADDR_INFO":
		return failErrno("EINVAL"), nil // read-only
	case "SO_LINGER":
		on, _ := field(st, "l_onoff")
		if on == nil {
			on, _ = field(st, "onoff")
		}
		secs, _ := field(st, "l_linger")
		if secs == nil {
			secs, _ = field(st, "linger")
		}
		o, _ := r.intOf(on)
		l, _ := r.intOf(secs)
		s.lingerOn, s.lingerSecs = o != 0, l
	case "SO_RCVBUF":
		s.ep.SetReceiveBufferSize(int(intVal()))
	case "SO_SNDBUF":
		s.ep.SetSendBufferSize(int(intVal()))
	case "SCTP_INITMSG":
		m := r.initmsgOf(s)
		get := func(n string, dst *int64) {
			if x, ok := field(st, n); ok {
				if y, ok := r.intOf(x); ok {
					*dst = y
				}
			}
		}
		get("sinit_num_ostreams", &m.out)
		get("sinit_max_instreams", &m.maxIn)
		get("sinit_max_attempts", &m.attempts)
		get("sinit_max_init_timeo", &m.timeoMs)
		// On a one-to-one socket with its association up the values can
		// only concern associations to come, of which there are none: the
		// socket keeps them, as Linux and FreeBSD do (RFC 6458 8.1.3).
		if !s.hasAssoc() {
			if e := s.ep.SetInitMsg(uint16(m.out), uint16(m.maxIn), int(m.attempts), time.Duration(m.timeoMs)*time.Millisecond); e != nil {
				return fail(e), nil
			}
		}
		s.initmsg = &m
	case "SCTP_STATUS", "SO_ERROR", "SCTP_GET_ASSOC_NUMBER", "SCTP_GET_ASSOC_ID_LIST":
		return failErrno("EINVAL"), nil // read-only
	default:
		return r.setAssocOption(s, name(c.arg(2)), v)
	}
	return outcome{}, nil
}

// initmsgOf is SCTP_INITMSG as the socket has it: as set, or the defaults.
func (r *run) initmsgOf(s *socket) initMsg {
	if s.initmsg != nil {
		return *s.initmsg
	}
	o := r.opts
	o = filled(o)
	return initMsg{out: int64(o.OutStreams), maxIn: int64(o.MaxInStreams), attempts: int64(o.MaxInitRetransmits), timeoMs: o.RTOMax.Milliseconds()}
}

func (r *run) sysGetsockopt(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	opt := name(c.arg(2))
	s, ok = r.forAssoc(s, opt, c.arg(3))
	if !ok {
		return failErrno("EINVAL"), nil
	}
	var val any
	switch opt {
	case "SO_ERROR":
		var e int64
		if err := s.ep.LastError(); err != nil {
			e = r.consts.errno[errnoOf(err)]
		}
		val = e
	case "SCTP_NODELAY":
		val = boolInt(s.nodelay)
	case "SCTP_RECVRCVINFO":
		val = boolInt(s.recvRcvInfo)
	case "SCTP_RECVNXTINFO":
		val = boolInt(s.recvNxtInfo)
	case "SCTP_USE_EXT_RCVINFO":
		if r.linux() {
			return failErrno("ENOPROTOOPT"), nil
		}
		val = boolInt(s.useExtRcvInfo)
	case "SCTP_I_WANT_MAPPED_V4_ADDR":
		// Linux defaults to mapped addresses, FreeBSD not.
		on := r.cfg.Platform != "FreeBSD"
		if s.v4mapped != nil {
			on = *s.v4mapped
		}
		val = boolInt(on)
	case "SCTP_PEER_ADDR_PARAMS", "SCTP_GET_PEER_ADDR_INFO", "SCTP_PRIMARY_ADDR":
		v, out, err := r.pathOption(s, opt, c.arg(3))
		if err != nil || out.ret != 0 {
			return out, err
		}
		val = v
	case "SO_LINGER":
		on := boolInt(s.lingerOn)
		if on != 0 && r.cfg.Platform == "FreeBSD" {
			on = 0x80 // FreeBSD reports the SO_LINGER flag bit as l_onoff
		}
		val = outStruct{"l_onoff": on, "onoff": on, "l_linger": s.lingerSecs, "linger": s.lingerSecs}
	case "SO_RCVBUF":
		val = s.ep.SocketOptions().GetReceiveBufferSize()
	case "SO_SNDBUF":
		val = s.ep.SocketOptions().GetSendBufferSize()
	case "SCTP_EVENT", "SCTP_EVENTS":
		ep, ok := r.assocEP(s, assocIDField(c.arg(3)))
		if !ok {
			return failErrno("EINVAL"), nil
		}
		val = r.getEvents(s, ep, opt, c.arg(3))
	case "SCTP_GET_ASSOC_NUMBER", "SCTP_GET_ASSOC_ID_LIST":
		v, ok := r.assocIDs(s, opt)
		if !ok {
			return failErrno("EINVAL"), nil
		}
		val = v
	case "SCTP_RTOINFO", "SCTP_ASSOCINFO", "SCTP_DELAYED_SACK", "SCTP_MAXSEG", "SCTP_MAX_BURST",
		"SCTP_DISABLE_FRAGMENTS", "SCTP_PARTIAL_DELIVERY_POINT", "SCTP_DEFAULT_SNDINFO", "SCTP_DEFAULT_SEND_PARAM",
		"SCTP_ADAPTATION_LAYER", "SCTP_FRAGMENT_INTERLEAVE", "SCTP_AUTOCLOSE", "SCTP_CONTEXT", "SCTP_DEFAULT_PRINFO":
		v, out, err := r.getAssocOption(s, opt, c.arg(3))
		if err != nil || out.ret != 0 {
			return out, err
		}
		val = v
	case "SCTP_INITMSG":
		m := r.initmsgOf(s)
		val = outStruct{"sinit_num_ostreams": m.out, "sinit_max_instreams": m.maxIn, "sinit_max_attempts": m.attempts, "sinit_max_init_timeo": m.timeoMs}
	case "SCTP_STATUS":
		st, e := s.ep.Status()
		if e != nil {
			return fail(e), nil
		}
		addr := outStruct{"sin_port": int64(st.Primary.Addr.Port), "sin6_port": int64(st.Primary.Addr.Port), "sin_addr": sctptest.ToNetip(st.Primary.Addr.Addr), "sin6_addr": sctptest.ToNetip(st.Primary.Addr.Addr)}
		if s.v6 {
			addr["sa_family"] = "AF_INET6"
		} else {
			addr["sa_family"] = "AF_INET"
		}
		// The API counts bytes where sstat_unackdata and sstat_penddata
		// count chunks: none is none; other counts cannot be told.
		var unack, pend any = int64(0), int64(0)
		if st.Unacked != 0 {
			unack = nil
		}
		if st.Pending != 0 {
			pend = nil
		}
		val = outStruct{
			"sstat_unackdata": unack, "sstat_penddata": pend, "sstat_fragmentation_point": int64(s.ep.MaxSeg()),
			"sstat_assoc_id": int64(st.AssocID), "sstat_state": stateName(st.State), "sstat_rwnd": int64(st.PeerRwnd),
			"sstat_instrms": int64(st.InStreams), "sstat_outstrms": int64(st.OutStreams),
			"sstat_primary": outStruct{
				"spinfo_assoc_id": int64(st.AssocID), "spinfo_address": addr, "spinfo_state": "SCTP_ACTIVE",
				"spinfo_cwnd": int64(st.Primary.Cwnd), "spinfo_srtt": st.Primary.SRTT.Milliseconds(),
				"spinfo_rto": st.Primary.RTO.Milliseconds(), "spinfo_mtu": r.apiMTU(st.Primary.MTU, s.v6),
			},
		}
	}
	if err := r.matchOut(opt, c.arg(3), val); err != nil {
		return outcome{}, err
	}
	return outcome{}, nil
}

func boolPtr(b bool) *bool { return &b }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func fieldOr(v script.Value, n string) script.Value {
	s, _ := v.(*script.Struct)
	x, _ := field(s, n)
	return x
}
