package runner

import (
	"time"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Per-association socket options of RFC 6458 8.1 on the endpoint's option
// API (endpoint_options.go): SCTP_RTOINFO, SCTP_ASSOCINFO,
// SCTP_DELAYED_SACK, SCTP_MAXSEG, SCTP_MAX_BURST, SCTP_DISABLE_FRAGMENTS,
// SCTP_PARTIAL_DELIVERY_POINT, SCTP_DEFAULT_SNDINFO,
// SCTP_DEFAULT_SEND_PARAM, SCTP_CONTEXT, SCTP_ADAPTATION_LAYER,
// SCTP_FRAGMENT_INTERLEAVE and SCTP_AUTOCLOSE. Times are milliseconds
// (SCTP_AUTOCLOSE: seconds).

// optSize is the size of an option's value: the C struct, and whether
// Linux wants exactly that (it also takes its older, shorter form, alt:
// a plain int or a struct sctp_assoc_value). FreeBSD takes anything at
// least as long as the struct, and no older form.
type optSize struct {
	size       int64
	linuxExact bool
	alt        int64
}

var optSizes = map[string]optSize{
	"SCTP_RTOINFO": {16, true, 0}, "SCTP_ASSOCINFO": {20, true, 0}, "SCTP_DELAYED_SACK": {12, true, 8},
	"SCTP_MAXSEG": {8, true, 4}, "SCTP_MAX_BURST": {8, true, 4}, "SCTP_CONTEXT": {8, true, 0},
	"SCTP_DEFAULT_SNDINFO": {16, false, 0}, "SCTP_DEFAULT_SEND_PARAM": {32, false, 0},
	"SCTP_ADAPTATION_LAYER": {4, false, 0}, "SCTP_FRAGMENT_INTERLEAVE": {4, false, 0},
	"SCTP_AUTOCLOSE": {4, false, 0}, "SCTP_DISABLE_FRAGMENTS": {4, false, 0},
	"SCTP_PARTIAL_DELIVERY_POINT": {4, false, 0}, "SCTP_INITMSG": {8, true, 0}, "SCTP_NODELAY": {4, false, 0},
	"SCTP_DEFAULT_PRINFO": {12, true, 0},
}

// optLenBad reports whether setsockopt's optlen is one the platform
// rejects with EINVAL (ok false: no length to judge).
func (r *run) optLenBad(c *call) (bad, ok bool) {
	sz, known := optSizes[name(c.arg(2))]
	n, isInt := r.intOf(c.arg(4))
	if !known || !isInt || script.IsWildcard(c.arg(4)) {
		return false, false
	}
	if r.cfg.Platform != "FreeBSD" && sz.linuxExact {
		return n != sz.size && (sz.alt == 0 || n != sz.alt), true
	}
	return n < sz.size, true
}

// optInt is an option's integer: [v], v, or the struct's assoc_value.
func (r *run) optInt(v script.Value) (int64, bool) {
	if st, ok := v.(*script.Struct); ok {
		x, ok := field(st, "assoc_value")
		if !ok || script.IsWildcard(x) {
			return 0, false
		}
		return r.intOf(x)
	}
	return r.intOf(v)
}

// member reads a struct member as an integer; absent and "..." are 0.
func (r *run) member(st *script.Struct, n string) int64 {
	x, ok := field(st, n)
	if !ok || script.IsWildcard(x) {
		return 0
	}
	v, _ := r.intOf(x)
	return v
}

func (r *run) setAssocOption(s *socket, opt string, v script.Value) (outcome, error) {
	st, _ := v.(*script.Struct)
	ep, ok := r.assocEP(s, assocIDField(v))
	if !ok {
		return failErrno("EINVAL"), nil
	}
	ms := func(n string) time.Duration { return msDur(r.member(st, n)) }
	x, _ := r.optInt(v)
	var err error
	switch opt {
	case "SCTP_RTOINFO":
		if te := ep.SetRTOInfo(sctp.RTOInfo{Initial: ms("srto_initial"), Min: ms("srto_min"), Max: ms("srto_max")}); te != nil {
			return fail(te), nil
		}
	case "SCTP_ASSOCINFO":
		if te := ep.SetAssocInfo(sctp.AssocParams{AssocMaxRetrans: int(r.member(st, "sasoc_asocmaxrxt")), CookieLife: ms("sasoc_cookie_life")}); te != nil {
			return fail(te), nil
		}
	case "SCTP_DELAYED_SACK":
		ds := sctp.DelayedSack{Delay: ms("sack_delay"), Freq: int(r.member(st, "sack_freq"))}
		if _, isStruct := field(st, "sack_delay"); !isStruct && st != nil {
			ds = sctp.DelayedSack{Delay: msDur(x)} // struct sctp_assoc_value: the delay
		}
		if te := ep.SetDelayedSack(ds); te != nil {
			return fail(te), nil
		}
	case "SCTP_MAXSEG":
		if te := ep.SetMaxSeg(int(x)); te != nil {
			return fail(te), nil
		}
	case "SCTP_MAX_BURST":
		if te := ep.SetMaxBurst(int(x)); te != nil {
			return fail(te), nil
		}
	case "SCTP_DISABLE_FRAGMENTS":
		if te := ep.SetDisableFragments(x != 0); te != nil {
			return fail(te), nil
		}
	case "SCTP_PARTIAL_DELIVERY_POINT":
		if te := ep.SetPartialDeliveryPoint(int(x)); te != nil {
			return fail(te), nil
		}
	case "SCTP_FRAGMENT_INTERLEAVE":
		if te := ep.SetFragmentInterleave(int(x)); te != nil {
			return fail(te), nil
		}
	case "SCTP_DEFAULT_SNDINFO", "SCTP_DEFAULT_SEND_PARAM":
		var p sendParams
		p.info = ep.DefaultSendInfo()
		p.info.Stream, p.info.PPID, p.info.Context, p.info.Unordered = 0, 0, 0, false
		if err = r.sndinfo(&p, v); err != nil {
			return outcome{}, err
		}
		p.info.AssocID = 0
		if te := ep.SetDefaultSendInfo(p.info); te != nil {
			return fail(te), nil
		}
	case "SCTP_DEFAULT_PRINFO":
		var p sendParams
		if err := r.prInfo(&p, st); err != nil {
			return outcome{}, err
		}
		if te := ep.SetDefaultPRInfo(sctp.PRInfo{Policy: p.info.PRPolicy, Value: p.info.PRValue}); te != nil {
			return fail(te), nil
		}
	case "SCTP_CONTEXT":
		si := ep.DefaultSendInfo()
		si.Context = uint32(x)
		if te := ep.SetDefaultSendInfo(si); te != nil {
			return fail(te), nil
		}
	case "SCTP_ADAPTATION_LAYER":
		ind := uint32(r.member(st, "ssb_adaptation_ind"))
		if s.hasAssoc() {
			// RFC 6458 SCTP_ADAPTATION_LAYER: for INITs and INIT ACKs to come, of which
			// a one-to-one socket with its association up has none: the
			// socket keeps the value, as Linux and FreeBSD do.
			s.adaptation, s.hasAdaptation = ind, true
			return outcome{}, nil
		}
		if te := ep.SetAdaptationLayer(ind); te != nil {
			return fail(te), nil
		}
	case "SCTP_AUTOCLOSE":
		if s.many == nil {
			return failErrno("EOPNOTSUPP"), nil // one-to-many only (RFC 6458 SCTP_AUTOCLOSE)
		}
		if te := s.many.SetAutoclose(time.Duration(x) * time.Second); te != nil {
			return fail(te), nil
		}
	}
	return outcome{}, err
}

// jiffy rounds a time Linux keeps per association in jiffies (HZ=250 on
// the kernels the corpus was written on) the way it reads back: up to
// the next 4 ms. Times of the socket (no association yet) stay as set.
func (r *run) jiffy(s *socket, d time.Duration) int64 {
	ms := d.Milliseconds()
	if r.cfg.Platform == "FreeBSD" || !s.hasAssoc() {
		return ms
	}
	return (ms + 3) / 4 * 4
}

// assocValue is an integer option's value as the script reads it: a
// struct sctp_assoc_value or a plain int.
func assocValue(v script.Value, x int64) any {
	if _, ok := v.(*script.Struct); ok {
		return outStruct{"assoc_id": int64(0), "assoc_value": x}
	}
	return x
}

func (r *run) getAssocOption(s *socket, opt string, v script.Value) (any, outcome, error) {
	ep, ok := r.assocEP(s, assocIDField(v))
	if !ok {
		return nil, failErrno("EINVAL"), nil
	}
	switch opt {
	case "SCTP_RTOINFO":
		ri := ep.RTOInfo()
		return outStruct{
			"srto_assoc_id": int64(0), "srto_initial": r.jiffy(s, ri.Initial),
			"srto_max": r.jiffy(s, ri.Max), "srto_min": r.jiffy(s, ri.Min),
		}, outcome{}, nil
	case "SCTP_ASSOCINFO":
		ap := ep.AssocInfo()
		return outStruct{
			"sasoc_assoc_id": int64(0), "sasoc_asocmaxrxt": int64(ap.AssocMaxRetrans),
			"sasoc_number_peer_destinations": int64(ap.NumPeerDests), "sasoc_peer_rwnd": int64(ap.PeerRwnd),
			"sasoc_local_rwnd": int64(ap.LocalRwnd), "sasoc_cookie_life": ap.CookieLife.Milliseconds(),
		}, outcome{}, nil
	case "SCTP_DELAYED_SACK":
		ds := ep.DelayedSack()
		if st, ok := v.(*script.Struct); ok {
			if _, isSack := field(st, "assoc_value"); isSack {
				return assocValue(v, r.jiffy(s, ds.Delay)), outcome{}, nil
			}
		}
		return outStruct{"sack_assoc_id": int64(0), "sack_delay": r.jiffy(s, ds.Delay), "sack_freq": int64(ds.Freq)}, outcome{}, nil
	case "SCTP_MAXSEG":
		return assocValue(v, int64(ep.MaxSeg())), outcome{}, nil
	case "SCTP_MAX_BURST":
		return assocValue(v, int64(ep.MaxBurst())), outcome{}, nil
	case "SCTP_DISABLE_FRAGMENTS":
		return boolInt(ep.DisableFragments()), outcome{}, nil
	case "SCTP_PARTIAL_DELIVERY_POINT":
		pdp := ep.PartialDeliveryPoint()
		if pdp == 0 && r.cfg.Platform == "FreeBSD" {
			// Our default point is half the receive buffer, as
			// FreeBSD's; FreeBSD reports it as such, Linux as 0.
			pdp = int(ep.SocketOptions().GetReceiveBufferSize() / 2)
		}
		return int64(pdp), outcome{}, nil
	case "SCTP_FRAGMENT_INTERLEAVE":
		return int64(ep.FragmentInterleave()), outcome{}, nil
	case "SCTP_CONTEXT":
		return assocValue(v, int64(ep.DefaultSendInfo().Context)), outcome{}, nil
	case "SCTP_DEFAULT_PRINFO":
		pi := ep.DefaultPRInfo()
		return outStruct{
			"pr_policy": r.prPolicyValue(pi.Policy), "pr_value": int64(pi.Value), "pr_assoc_id": anyValue{},
		}, outcome{}, nil
	case "SCTP_DEFAULT_SNDINFO", "SCTP_DEFAULT_SEND_PARAM":
		si := ep.DefaultSendInfo()
		fl := int64(0)
		if si.Unordered {
			fl |= r.consts.names["SCTP_UNORDERED"]
		}
		if opt == "SCTP_DEFAULT_SNDINFO" {
			return outStruct{
				"snd_sid": int64(si.Stream), "snd_flags": fl, "snd_ppid": int64(si.PPID),
				"snd_context": int64(si.Context), "snd_assoc_id": int64(0),
			}, outcome{}, nil
		}
		return outStruct{
			// RFC 6458 SCTP_DEFAULT_SEND_PARAM: the default send parameters are the
			// stream, PPID, flags, context and lifetime; SSN, TSN and
			// cumulative TSN mean nothing here (kernels leave garbage).
			"sinfo_stream": int64(si.Stream), "sinfo_ssn": anyValue{}, "sinfo_flags": fl, "sinfo_ppid": int64(si.PPID),
			"sinfo_context": int64(si.Context), "sinfo_timetolive": si.TTL.Milliseconds(), "sinfo_tsn": anyValue{},
			"sinfo_cumtsn": anyValue{}, "sinfo_assoc_id": int64(0),
		}, outcome{}, nil
	case "SCTP_ADAPTATION_LAYER":
		ind, _ := ep.AdaptationLayer()
		if s.hasAdaptation {
			ind = s.adaptation
		}
		return outStruct{"ssb_adaptation_ind": int64(ind)}, outcome{}, nil
	case "SCTP_AUTOCLOSE":
		if s.many == nil {
			return int64(0), outcome{}, nil
		}
		return int64(s.many.Autoclose() / time.Second), outcome{}, nil
	}
	return nil, outcome{}, unsupported("socket option %s", opt)
}
