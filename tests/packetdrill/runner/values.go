package runner

import (
	"fmt"
	"net/netip"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

const (
	ipv4Proto = ipv4.ProtocolNumber
	ipv6Proto = ipv6.ProtocolNumber
)

// name returns an identifier argument's name, or "".
func name(v script.Value) string {
	if id, ok := v.(script.Ident); ok {
		return id.Name
	}
	return ""
}

// intOf evaluates an integer argument: literals, the platform's constants,
// A|B, byte-order helpers (values are compared in host order) and negation.
func (r *run) intOf(v script.Value) (int64, bool) {
	switch v := v.(type) {
	case script.Int:
		return v.V, true
	case script.Ident:
		if n, ok := r.consts.names[v.Name]; ok {
			return n, true
		}
		n, ok := r.consts.errno[v.Name]
		return n, ok
	case *script.Or:
		var x int64
		for _, t := range v.Terms {
			n, ok := r.intOf(t)
			if !ok {
				return 0, false
			}
			x |= n
		}
		return x, true
	case *script.Call:
		switch v.Fn {
		case "htons", "htonl", "ntohs", "ntohl":
			if len(v.Args) == 1 {
				return r.intOf(v.Args[0])
			}
		}
	case *script.Unary:
		if v.Op == "-" {
			n, ok := r.intOf(v.X)
			return -n, ok
		}
	case *script.List:
		if len(v.Elems) == 1 { // [4]: a pointer to one value
			return r.intOf(v.Elems[0])
		}
	}
	return 0, false
}

// field returns a struct member by name.
func field(s *script.Struct, n string) (script.Value, bool) {
	if s == nil {
		return nil, false
	}
	for _, f := range s.Fields {
		if f.Name == n {
			return f.Value, true
		}
	}
	return nil, false
}

// fieldSize returns the size of a sized member ("msg_iov(1)=...").
func fieldSize(s *script.Struct, n string) (script.Value, bool) {
	if s == nil {
		return nil, false
	}
	for _, f := range s.Fields {
		if f.Name == n && f.Size != nil {
			return f.Size, true
		}
	}
	return nil, false
}

// sockaddr evaluates a socket address argument; "..." is packetdrill's
// default: the stack's own address and port 8080 for bind, the peer's for
// connect.
func (r *run) sockaddr(v script.Value, local, v6 bool) (tcpip.FullAddress, error) {
	addr := RemoteIPv4
	if local {
		addr = LocalIPv4
	}
	if v6 {
		addr = RemoteIPv6
		if local {
			addr = LocalIPv6
		}
	}
	fa := tcpip.FullAddress{Addr: sctptest.FromNetip(addr), Port: defaultPort}
	if script.IsWildcard(v) {
		return fa, nil
	}
	if l, ok := v.(*script.List); ok && len(l.Elems) == 1 {
		v = l.Elems[0]
	}
	s, ok := v.(*script.Struct)
	if !ok {
		return fa, unsupported("socket address %s: not a struct", script.FormatValue(v))
	}
	for _, f := range s.Fields {
		switch f.Name {
		case "sin_port", "sin6_port":
			p, ok := r.intOf(f.Value)
			if !ok {
				return fa, unsupported("socket address port %s", script.FormatValue(f.Value))
			}
			fa.Port = uint16(p)
		case "sin_addr", "sin6_addr":
			a, err := r.ipOf(f.Value)
			if err != nil {
				return fa, err
			}
			fa.Addr = a
		}
	}
	return fa, nil
}

func (r *run) ipOf(v script.Value) (tcpip.Address, error) {
	switch v := v.(type) {
	case script.Wildcard:
		return tcpip.Address{}, nil
	case script.Ident:
		if v.Name == "INADDR_ANY" || v.Name == "in6addr_any" {
			return tcpip.Address{}, nil
		}
	case *script.Call:
		if (v.Fn == "inet_addr" || v.Fn == "inet6_addr") && len(v.Args) == 1 {
			if s, ok := v.Args[0].(script.String); ok {
				a, err := netip.ParseAddr(s.S)
				if err != nil {
					return tcpip.Address{}, fmt.Errorf("bad address %q", s.S)
				}
				return sctptest.FromNetip(a), nil
			}
		}
	}
	return tcpip.Address{}, unsupported("address %s", script.FormatValue(v))
}

// out is a value a call produced, for comparison with the script's
// expectation: an int64, a symbol (string), an address (netip.Addr), a
// struct (map[string]any, absent members being unknown to us) or a list.
type outStruct map[string]any

// anyValue is a member whose value the API leaves undefined: any
// expectation matches it.
type anyValue struct{}

// matchOut compares an expectation with what a call produced. Members the
// script checks but we cannot tell make the script unsupported.
func (r *run) matchOut(what string, exp script.Value, act any) error {
	if _, ok := act.(anyValue); ok || script.IsWildcard(exp) {
		return nil
	}
	switch e := exp.(type) {
	case *script.Struct:
		as, ok := act.(outStruct)
		if !ok {
			return failf("%s: expected a struct, have %v", what, act)
		}
		for _, f := range e.Fields {
			if script.IsWildcard(f.Value) || strings.HasSuffix(f.Name, "assoc_id") {
				// The association identifier of a one-to-one socket is
				// the implementation's choice (RFC 6458 7.1.1).
				continue
			}
			av, known := as[f.Name]
			if !known || av == nil {
				return unsupported("field %s.%s: not available from the endpoint API", what, f.Name)
			}
			if err := r.matchOut(what+"."+f.Name, f.Value, av); err != nil {
				return err
			}
		}
		return nil
	case *script.List:
		if len(e.Elems) == 1 && script.IsWildcard(e.Elems[0]) {
			return nil // [...]
		}
		if al, ok := act.([]any); ok {
			if len(al) != len(e.Elems) {
				return failf("%s: expected %d elements, have %d", what, len(e.Elems), len(al))
			}
			for i := range al {
				if err := r.matchOut(fmt.Sprintf("%s[%d]", what, i), e.Elems[i], al[i]); err != nil {
					return err
				}
			}
			return nil
		}
		if len(e.Elems) == 1 {
			return r.matchOut(what, e.Elems[0], act)
		}
	case *script.Call:
		if e.Fn == "inet_addr" || e.Fn == "inet6_addr" {
			want, err := r.ipOf(e)
			if err != nil {
				return err
			}
			if a, ok := act.(netip.Addr); ok && sctptest.FromNetip(a) == want {
				return nil
			}
			return failf("%s: expected %s, have %v", what, script.FormatValue(exp), act)
		}
	}
	if sym, ok := act.(string); ok {
		if id, ok := exp.(script.Ident); ok && id.Name == sym {
			return nil
		}
		if av, ok := r.consts.names[sym]; ok {
			act = av
		} else {
			return failf("%s: expected %s, have %s", what, script.FormatValue(exp), sym)
		}
	}
	want, ok := r.intOf(exp)
	if !ok {
		if sym := r.absentSymbol(exp); sym != "" {
			return failf("%s: expected %s, but %s has no %s", what, script.FormatValue(exp), r.cfg.Platform, sym)
		}
		return unsupported("%s: cannot evaluate %s", what, script.FormatValue(exp))
	}
	var have int64
	switch a := act.(type) {
	case int64:
		have = a
	case int:
		have = int64(a)
	case bool:
		if a {
			have = 1
		}
	default:
		return failf("%s: expected %s, have %v", what, script.FormatValue(exp), act)
	}
	if have != want {
		return failf("%s: expected %s, have %d", what, script.FormatValue(exp), have)
	}
	return nil
}

// absentSymbol returns a symbol of v the platform does not define, or "".
func (r *run) absentSymbol(v script.Value) string {
	switch v := v.(type) {
	case script.Ident:
		if r.consts.absent[v.Name] {
			return v.Name
		}
	case *script.Or:
		for _, t := range v.Terms {
			if s := r.absentSymbol(t); s != "" {
				return s
			}
		}
	}
	return ""
}
