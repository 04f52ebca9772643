package sctp

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Our addresses in INIT and INIT ACK (RFC 9260 3.3.2.1, 5.1.2): with more
// than one usable local address the chunk lists them all, so that the
// peer can reach us over each; with one, the packet's source says it.

// addrFamilies says which address families an address list may hold: bit
// 0 IPv4, bit 1 IPv6 (as Supported Address Types, RFC 9260 3.3.2.1).
type addrFamilies uint8

const (
	familyV4 addrFamilies = 1
	familyV6 addrFamilies = 2
)

func familyOf(a tcpip.Address) addrFamilies {
	if a.Len() == 16 {
		return familyV6
	}
	return familyV4
}

// addrScopeOK reports whether local address l may be announced to peer:
// loopback only to a loopback peer, never link-local or unspecified ones
// (RFC 9260 5.1.2 leaves the choice to the implementation; Linux does the
// same).
func addrScopeOK(l, peer tcpip.Address) bool {
	if l.Unspecified() {
		return false
	}
	if l.Len() == 16 && gheader.IsV6LinkLocalUnicastAddress(l) {
		return false
	}
	loop := func(a tcpip.Address) bool {
		if a.Len() == 4 {
			return a.AsSlice()[0] == 127
		}
		return a == gheader.IPv6Loopback
	}
	return !loop(l) || loop(peer)
}

// localAddrsFor returns the addresses an association to peer may announce:
// the endpoint's bound ones, or for a wildcard bind every address of the
// stack in families fam. At most maxPeerAddrs.
func (p *protocol) localAddrsFor(bound []tcpip.Address, fam addrFamilies, peer tcpip.Address) []tcpip.Address {
	var out []tcpip.Address
	add := func(l tcpip.Address) {
		if len(out) < maxPeerAddrs && familyOf(l)&fam != 0 && addrScopeOK(l, peer) {
			out = append(out, l)
		}
	}
	if len(bound) > 0 {
		for _, l := range bound {
			add(l)
		}
		return out
	}
	for _, nic := range p.stack.NICInfo() {
		for _, pa := range nic.ProtocolAddresses {
			add(pa.AddressWithPrefix.Address)
		}
	}
	return out
}

// addrParamsLen is the room the address parameters of addrs take.
func addrParamsLen(addrs []tcpip.Address) int {
	if len(addrs) < 2 {
		return 0
	}
	n := 0
	for _, l := range addrs {
		n += header.ParamHeaderLen + l.Len()
	}
	return n
}

// putAddrParams encodes addrs as IPv4/IPv6 Address parameters into b
// (RFC 9260 3.3.2.1) and returns the length; nothing for a single
// address.
func putAddrParams(b []byte, addrs []tcpip.Address) int {
	if len(addrs) < 2 {
		return 0
	}
	n := 0
	for _, l := range addrs {
		t := header.ParamIPv4Address
		if l.Len() == 16 {
			t = header.ParamIPv6Address
		}
		n += header.Param(b[n:]).Encode(&header.ParamFields{Type: t, Value: l.AsSlice()})
	}
	return n
}

// addPeerAddrs makes a path of every address the peer announced, besides
// the one set-up ran on: UNCONFIRMED until a heartbeat confirms it
// (RFC 9260 5.4 rule 3). src is where the INIT or INIT ACK came from: an
// address of the peer as well (5.1.2).
//
// +checklocks:a.mu
func (a *association) addPeerAddrs(src tcpip.Address) {
	if src.Len() != 0 && !src.Unspecified() {
		a.addPath(src, PathUnconfirmed)
	}
	for _, ad := range a.peerAddrs {
		if ad.Unspecified() || a.families&familyOf(ad) == 0 {
			continue
		}
		a.addPath(ad, PathUnconfirmed)
	}
}
