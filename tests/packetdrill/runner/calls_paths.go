package runner

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Multihoming calls and per-path options, on the endpoint's multihoming API
// (BindAddrs, ConnectAddrs, LocalAddrs, Paths, SetPrimary, SetPathParams).
// The runner's link gives the stack one address per family, so the corpus
// uses them with one address each.

// SPP flags of SCTP_PEER_ADDR_PARAMS (RFC 6458 8.1.12; same values on Linux
// and FreeBSD).
const (
	sppHBEnable     = 0x1
	sppHBDisable    = 0x2
	sppHBDemand     = 0x4
	sppPMTUDEnable  = 0x8
	sppPMTUDDisable = 0x10
	sppSackDelayOn  = 0x20 // Linux only
	sppHBTimeIsZero = 0x80
	sppFlowLabel    = 0x100
	sppDSCP         = 0x200
)

func init() {
	for k, v := range map[string]int64{
		"SPP_HB_ENABLE": sppHBEnable, "SPP_HB_DISABLE": sppHBDisable, "SPP_HB_DEMAND": sppHBDemand,
		"SPP_PMTUD_ENABLE": sppPMTUDEnable, "SPP_PMTUD_DISABLE": sppPMTUDDisable,
		"SPP_HB_TIME_IS_ZERO": sppHBTimeIsZero, "SPP_SACKDELAY_ENABLE": sppSackDelayOn, "SPP_IPV6_FLOWLABEL": sppFlowLabel, "SPP_DSCP": sppDSCP,
		"SCTP_BINDX_ADD_ADDR": 1, "SCTP_BINDX_REM_ADDR": 2,
	} {
		extraNames[k] = v
	}
	for _, o := range []string{"SCTP_PEER_ADDR_PARAMS", "SCTP_GET_PEER_ADDR_INFO", "SCTP_PRIMARY_ADDR"} {
		served[o] = true
	}
}

// extraNames are constants that do not differ between platforms.
var extraNames = map[string]int64{}

// addrList evaluates a list of socket addresses ("[...]" is the default).
func (r *run) addrList(v script.Value, local, v6 bool) ([]tcpip.FullAddress, error) {
	l, ok := v.(*script.List)
	if !ok || len(l.Elems) == 0 {
		a, err := r.sockaddr(script.Wildcard{}, local, v6)
		return []tcpip.FullAddress{a}, err
	}
	out := make([]tcpip.FullAddress, 0, len(l.Elems))
	for _, e := range l.Elems {
		a, err := r.sockaddr(e, local, v6)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (r *run) sysBindx(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	addrs, err := r.addrList(c.arg(1), true, s.v6)
	if err != nil {
		return outcome{}, err
	}
	var e tcpip.Error
	if f, _ := r.intOf(c.arg(3)); f == 2 {
		e = s.ep.UnbindAddrs(addrs)
	} else {
		e = s.ep.BindAddrs(addrs)
	}
	if e != nil {
		return fail(e), nil
	}
	r.ports.local = addrs[0].Port
	return outcome{}, nil
}

// sysConnectx is sctp_connectx: a connect to several peer addresses. On a
// non-blocking socket FreeBSD returns 0 once the INIT is on its way, Linux
// -1 EINPROGRESS as for connect (its __sctp_connect waits with a zero
// timeout); the runner follows the platform's socket layer.
func (r *run) sysConnectx(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	addrs, err := r.addrList(c.arg(1), false, s.v6)
	if err != nil {
		return outcome{}, err
	}
	if s.many != nil {
		return r.connectMany(c, s, addrs)
	}
	if c.retry {
		return r.connectDone(s)
	}
	r.ports.remote = addrs[0].Port
	r.newAssociation()
	e := s.ep.ConnectAddrs(addrs)
	if _, started := e.(*tcpip.ErrConnectStarted); started {
		if !s.nonblock {
			return outcome{}, errBlocked
		}
		if r.cfg.Platform == "FreeBSD" {
			return outcome{}, nil
		}
	}
	if e != nil {
		return fail(e), nil
	}
	return outcome{}, nil
}

// sysGetaddrs is sctp_getladdrs and sctp_getpaddrs: (sd, assoc_id, addrs).
func (r *run) sysGetaddrs(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	if s.many != nil && c.sc.Name == "sctp_getpaddrs" {
		ep, ok := r.assocEP(s, c.arg(1))
		if !ok {
			return failErrno("EINVAL"), nil
		}
		s = &socket{ep: ep, v6: s.v6}
	}
	var addrs []tcpip.FullAddress
	if c.sc.Name == "sctp_getladdrs" {
		addrs = s.ep.LocalAddrs()
	} else {
		paths, e := s.ep.Paths()
		if e != nil {
			return fail(e), nil
		}
		for _, p := range paths {
			addrs = append(addrs, p.Addr)
		}
	}
	list := make([]any, len(addrs))
	for i, a := range addrs {
		list[i] = r.sockaddrOut(a, s.v6)
	}
	if err := r.matchOut(c.sc.Name, c.arg(2), list); err != nil {
		return outcome{}, err
	}
	return outcome{ret: int64(len(addrs))}, nil
}

func (r *run) sockaddrOut(a tcpip.FullAddress, v6 bool) outStruct {
	fam := "AF_INET"
	if v6 || a.Addr.Len() == 16 {
		fam = "AF_INET6"
	}
	ip := sctptest.ToNetip(a.Addr)
	return outStruct{"sa_family": fam, "sin_port": int64(a.Port), "sin6_port": int64(a.Port), "sin_addr": ip, "sin6_addr": ip}
}

// pathAddr returns the peer address an spp_address/spinfo_address names;
// the unspecified address (every path) for "...".
func (r *run) pathAddr(s *socket, v script.Value) (tcpip.Address, error) {
	if script.IsWildcard(v) {
		return tcpip.Address{}, nil
	}
	a, err := r.sockaddr(v, false, s.v6)
	return a.Addr, err
}

func pathStateName(st sctp.PathState) string {
	switch st {
	case sctp.PathActive:
		return "SCTP_ACTIVE"
	case sctp.PathUnconfirmed:
		return "SCTP_UNCONFIRMED"
	}
	return "SCTP_INACTIVE"
}

// setPeerAddrParams is SCTP_PEER_ADDR_PARAMS on an association, or before
// it on the endpoint (the defaults its paths start with).
func (r *run) setPeerAddrParams(s *socket, st *script.Struct) (outcome, error) {
	get := func(n string) (int64, bool) {
		v, ok := field(st, n)
		if !ok || script.IsWildcard(v) {
			return 0, false
		}
		return r.intOf(v)
	}
	flags, _ := get("spp_flags")
	if flags&(sppPMTUDDisable|sppHBTimeIsZero|sppFlowLabel|sppDSCP) != 0 {
		return outcome{}, unsupported("socket option SCTP_PEER_ADDR_PARAMS: path MTU, DSCP, flow label or zero HB time not in the endpoint API")
	}
	// Before the association: the endpoint's defaults for it, whatever
	// the address (FreeBSD takes one there too).
	var addr tcpip.Address
	if s.hasAssoc() {
		addrV, _ := field(st, "spp_address")
		var err error
		if addr, err = r.pathAddr(s, addrV); err != nil {
			return outcome{}, err
		}
	}
	var pp sctp.PathParams
	if n, ok := get("spp_pathmaxrxt"); ok && n > 0 {
		pp.PathMaxRetrans = int(n)
	}
	if flags&sppHBDisable != 0 {
		pp.HBDisable = true
	}
	if flags&sppHBEnable != 0 {
		pp.HBEnable = true
		if n, ok := get("spp_hbinterval"); ok && n > 0 {
			pp.HBInterval = time.Duration(n) * time.Millisecond
		}
	}
	if e := s.ep.SetPathParams(addr, pp); e != nil {
		return fail(e), nil
	}
	if flags&sppHBDemand != 0 && s.hasAssoc() {
		if e := s.ep.RequestHeartbeatTo(addr); e != nil {
			return fail(e), nil
		}
	}
	return outcome{}, nil
}

// pathOption reads SCTP_PEER_ADDR_PARAMS, SCTP_GET_PEER_ADDR_INFO or
// SCTP_PRIMARY_ADDR.
func (r *run) pathOption(s *socket, opt string, arg script.Value) (any, outcome, error) {
	st, _ := arg.(*script.Struct)
	paths, e := s.ep.Paths()
	if e != nil {
		return nil, fail(e), nil
	}
	var key script.Value = script.Wildcard{}
	switch opt {
	case "SCTP_PEER_ADDR_PARAMS":
		key, _ = field(st, "spp_address")
	case "SCTP_GET_PEER_ADDR_INFO":
		key, _ = field(st, "spinfo_address")
	}
	addr, err := r.pathAddr(s, key)
	if err != nil {
		return nil, outcome{}, err
	}
	p := paths[0] // the primary
	for _, q := range paths {
		if addr.Len() != 0 && q.Addr.Addr == addr {
			p = q
		}
	}
	sa := r.sockaddrOut(p.Addr, s.v6)
	switch opt {
	case "SCTP_PEER_ADDR_PARAMS":
		// The flags state what the stack does: heartbeats as set, path
		// MTU discovery and delayed SACKs always (Linux reports the
		// latter; FreeBSD has SCTP_DELAYED_SACK instead).
		flags := int64(sppHBEnable | sppPMTUDEnable)
		if p.HBDisabled {
			flags = sppHBDisable | sppPMTUDEnable
		}
		if r.cfg.Platform != "FreeBSD" {
			flags |= sppSackDelayOn
		}
		return outStruct{
			"spp_assoc_id": int64(0), "spp_address": sa, "spp_hbinterval": p.HBInterval.Milliseconds(), "spp_flags": flags,
			"spp_pathmaxrxt": int64(p.PathMaxRetrans), "spp_pathmtu": r.apiMTU(p.MTU, s.v6),
		}, outcome{}, nil
	case "SCTP_GET_PEER_ADDR_INFO":
		return outStruct{
			"spinfo_assoc_id": int64(0), "spinfo_address": sa, "spinfo_state": pathStateName(p.State),
			"spinfo_cwnd": int64(p.Cwnd), "spinfo_srtt": p.SRTT.Milliseconds(), "spinfo_rto": p.RTO.Milliseconds(),
			"spinfo_mtu": r.apiMTU(p.MTU, s.v6),
		}, outcome{}, nil
	}
	return outStruct{"ssp_assoc_id": int64(0), "ssp_addr": sa}, outcome{}, nil
}

// setPrimary is SCTP_PRIMARY_ADDR.
func (r *run) setPrimary(s *socket, st *script.Struct) (outcome, error) {
	v, _ := field(st, "ssp_addr")
	addr, err := r.pathAddr(s, v)
	if err != nil {
		return outcome{}, err
	}
	if e := s.ep.SetPrimary(addr); e != nil {
		return fail(e), nil
	}
	return outcome{}, nil
}

// apiMTU converts the stack's path MTU (the IP payload size its route
// reports) to the platform's socket API unit: Linux reports the IP path
// MTU, FreeBSD the room for chunks (without IP and SCTP common headers).
func (r *run) apiMTU(mtu int, v6 bool) int64 {
	ip := 20
	if v6 {
		ip = 40
	}
	if r.cfg.Platform == "FreeBSD" {
		return int64(mtu - 12)
	}
	return int64(mtu + ip)
}
