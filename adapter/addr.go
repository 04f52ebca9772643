package adapter

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Network is the name Addr.Network returns.
const Network = "sctp"

// Addr is the address of an SCTP endpoint: a port and the list of IP
// addresses the endpoint is reachable at. SCTP endpoints are multihomed
// (RFC 9260 1.5.1), so one port goes with several addresses: a listener
// or dialer binds to all of them (bindx) and a dial reaches the peer at
// all of them (connectx). An empty list means every local address.
//
// Addr implements net.Addr.
type Addr struct {
	IPs  []netip.Addr
	Port uint16
}

// AddrFrom returns the Addr with the single address ap.
func AddrFrom(ap netip.AddrPort) *Addr {
	return &Addr{IPs: []netip.Addr{ap.Addr()}, Port: ap.Port()}
}

// Network implements net.Addr; it returns "sctp".
func (a *Addr) Network() string { return Network }

// String implements net.Addr. It joins the addresses with "/" and appends
// the port, bracketing IPv6 addresses as net.JoinHostPort does:
// "192.0.2.1/198.51.100.1:5000", "[2001:db8::1]:5000", or ":5000" when
// there is no address. ParseAddr reads this form back.
func (a *Addr) String() string {
	if a == nil {
		return "<nil>"
	}
	var b strings.Builder
	for i, ip := range a.IPs {
		if i > 0 {
			b.WriteByte('/')
		}
		if ip.Is6() {
			b.WriteByte('[')
			b.WriteString(ip.String())
			b.WriteByte(']')
		} else {
			b.WriteString(ip.String())
		}
	}
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(int(a.Port)))
	return b.String()
}

// ParseAddr parses the form Addr.String produces: IP addresses separated
// by "/", then ":" and a decimal port. IPv6 addresses must be in brackets.
// Host names are not resolved. The host part may be empty (":5000").
func ParseAddr(s string) (*Addr, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return nil, &AddrError{Err: "missing port", Addr: s}
	}
	hosts, port := s[:i], s[i+1:]
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, &AddrError{Err: "invalid port", Addr: s}
	}
	a := &Addr{Port: uint16(p)}
	if hosts == "" {
		return a, nil
	}
	for h := range strings.SplitSeq(hosts, "/") {
		if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
			h = h[1 : len(h)-1]
		} else if strings.Contains(h, ":") {
			return nil, &AddrError{Err: "IPv6 address without brackets", Addr: s}
		}
		ip, err := netip.ParseAddr(h)
		if err != nil {
			return nil, &AddrError{Err: "invalid IP address " + strconv.Quote(h), Addr: s}
		}
		a.IPs = append(a.IPs, ip)
	}
	return a, nil
}

// MustParseAddr is ParseAddr that panics on error, for tests and constants.
func MustParseAddr(s string) *Addr {
	a, err := ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// AddrError is the error ParseAddr returns.
type AddrError struct {
	Err  string
	Addr string
}

// Error implements error.
func (e *AddrError) Error() string { return "sctp: address " + e.Addr + ": " + e.Err }

// errMixedFamilies is returned when a dial mixes IPv4 and IPv6 addresses.
var errMixedFamilies = errors.New("sctp: local and remote addresses are of different IP versions")

// first returns the address one-to-one associations use, or the invalid
// netip.Addr when there is none.
func (a *Addr) first() netip.Addr {
	if a == nil || len(a.IPs) == 0 {
		return netip.Addr{}
	}
	return a.IPs[0].Unmap()
}

// fullAddress converts a to the netstack form, keeping only the first IP
// (an unspecified address stays empty so the stack binds to any address).
func (a *Addr) fullAddress() tcpip.FullAddress {
	if a == nil {
		return tcpip.FullAddress{}
	}
	fa := tcpip.FullAddress{Port: a.Port}
	if ip := a.first(); ip.IsValid() && !ip.IsUnspecified() {
		fa.Addr = tcpip.AddrFromSlice(ip.AsSlice())
	}
	return fa
}

// netProto returns the network protocol an endpoint for a needs: IPv6
// when any IP is IPv6 (a dual-stack endpoint also takes the IPv4 ones),
// IPv4 when all are IPv4, or false when a has none.
func (a *Addr) netProto() (tcpip.NetworkProtocolNumber, bool) {
	if a == nil || len(a.IPs) == 0 {
		return 0, false
	}
	for _, ip := range a.IPs {
		if ip.Unmap().Is6() {
			return gheader.IPv6ProtocolNumber, true
		}
	}
	return gheader.IPv4ProtocolNumber, true
}

// fullAddresses converts every IP of a (none for a nil or empty a).
func (a *Addr) fullAddresses() []tcpip.FullAddress {
	if a == nil {
		return nil
	}
	out := make([]tcpip.FullAddress, 0, len(a.IPs))
	for _, ip := range a.IPs {
		fa := tcpip.FullAddress{Port: a.Port}
		if ip = ip.Unmap(); ip.IsValid() && !ip.IsUnspecified() {
			fa.Addr = tcpip.AddrFromSlice(ip.AsSlice())
		}
		out = append(out, fa)
	}
	return out
}

// bindTo binds ep to every IP of a: bindx for several (RFC 6458 8.1).
func bindTo(ep *sctp.Endpoint, a *Addr) tcpip.Error {
	if fas := a.fullAddresses(); len(fas) > 1 {
		return ep.BindAddrs(fas)
	}
	return ep.Bind(a.fullAddress())
}

// AddrFromFullAddress converts a netstack address to an *Addr with one IP
// (or none when the address is unspecified). The NIC is dropped.
func AddrFromFullAddress(fa tcpip.FullAddress) *Addr {
	a := &Addr{Port: fa.Port}
	if fa.Addr.Len() > 0 {
		if ip, ok := netip.AddrFromSlice(fa.Addr.AsSlice()); ok {
			a.IPs = []netip.Addr{ip}
		}
	}
	return a
}
