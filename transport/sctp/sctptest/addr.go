package sctptest

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Default addressing. Only documentation ranges are used (RFC 5737, RFC
// 3849) so nothing can leak to a real network. Link k (0-based, in
// creation order) gets its own subnets:
//
//   - IPv4: the /30 number k%64 of 192.0.2.0/24 (links 0-63),
//     198.51.100.0/24 (64-127) or 203.0.113.0/24 (128-191); side A takes
//     .1, side B .2 of the /30. E.g. link 0: 192.0.2.1 and 192.0.2.2,
//     link 1: 192.0.2.5 and 192.0.2.6.
//   - IPv6: 2001:db8:0:k::/64; side A takes ::1, side B ::2.
//
// Links beyond 191 need LinkConfig.AddrsA and AddrsB for IPv4.
var ipv4DocNets = [3][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

// MaxDefaultIPv4Links is the number of links that get default IPv4
// addresses.
const MaxDefaultIPv4Links = 3 * 64

// defaultIPv4 returns the default IPv4 address of side (0 = A, 1 = B) of
// link k.
func defaultIPv4(k, side int) (tcpip.AddressWithPrefix, error) {
	if k >= MaxDefaultIPv4Links {
		return tcpip.AddressWithPrefix{}, fmt.Errorf("sctptest: link %d has no default IPv4 address; set LinkConfig.AddrsA/AddrsB", k)
	}
	n := ipv4DocNets[k/64]
	last := byte((k%64)*4 + 1 + side)
	return tcpip.AddressWithPrefix{
		Address:   tcpip.AddrFrom4([4]byte{n[0], n[1], n[2], last}),
		PrefixLen: 30,
	}, nil
}

// defaultIPv6 returns the default IPv6 address of side (0 = A, 1 = B) of
// link k.
func defaultIPv6(k, side int) tcpip.AddressWithPrefix {
	a := [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, byte(k >> 8), byte(k), 15: byte(1 + side)}
	return tcpip.AddressWithPrefix{Address: tcpip.AddrFrom16(a), PrefixLen: 64}
}
