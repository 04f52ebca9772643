package sctp

import (
	"maps"
	"slices"

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
//
// The list is shared, never changed in place: the associations of a port
// mostly have the same one, and copies of it would be a good part of an
// idle association's memory.
func (p *protocol) localAddrsFor(bound []tcpip.Address, fam addrFamilies, peer tcpip.Address) []tcpip.Address {
	var buf [maxPeerAddrs]tcpip.Address
	out := buf[:0]
	add := func(l tcpip.Address) {
		if len(out) < maxPeerAddrs && familyOf(l)&fam != 0 && addrScopeOK(l, peer) {
			out = append(out, l)
		}
	}
	if len(bound) > 0 {
		for _, l := range bound {
			add(l)
		}
		return p.sharedAddrs(out)
	}
	// In the order of the NICs, so that the lists of a stack agree.
	nics := p.stack.NICInfo()
	for _, id := range slices.Sorted(maps.Keys(nics)) {
		for _, pa := range nics[id].ProtocolAddresses {
			add(pa.AddressWithPrefix.Address)
		}
	}
	return p.sharedAddrs(out)
}

// sharedAddrs returns the last list made if it equals l, else a copy of l,
// which becomes the last.
func (p *protocol) sharedAddrs(l []tcpip.Address) []tcpip.Address {
	if len(l) == 0 {
		return nil
	}
	if last := p.lastAddrs.Load(); last != nil && slices.Equal(*last, l) {
		return *last
	}
	c := slices.Clone(l)
	p.lastAddrs.Store(&c)
	return c
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

// addPeerAddrs makes a path of every address the peer announced
// (announced, at most maxPeerAddrs), besides the one set-up ran on:
// UNCONFIRMED until a heartbeat confirms it (RFC 9260 5.4 rule 3). src is
// where the INIT or INIT ACK came from: an address of the peer as well
// (5.1.2).
//
// +checklocks:a.mu
func (a *association) addPeerAddrs(announced []tcpip.Address, src tcpip.Address) {
	if src.Len() != 0 && !src.Unspecified() {
		a.addPath(src, PathUnconfirmed)
	}
	for _, ad := range announced {
		if ad.Unspecified() || a.families&familyOf(ad) == 0 {
			continue
		}
		a.addPath(ad, PathUnconfirmed)
	}
	// An address that became a path is known by its path (paths stay):
	// peerAddrs keeps only the others, for the checks of RFC 9260 5.2.1
	// and 5.2.2, which look at both.
	var rest [maxPeerAddrs]tcpip.Address
	n := 0
	for _, ad := range announced {
		if a.pathFor(ad) == nil && n < len(rest) {
			rest[n] = ad
			n++
		}
	}
	a.setPeerAddrs(rest[:n])
}

// setPeerAddrs keeps a copy of peer as the peer's announced addresses.
//
// +checklocks:a.mu
func (a *association) setPeerAddrs(peer []tcpip.Address) {
	if len(peer) == 0 && a.rare == nil {
		return
	}
	x := a.x()
	x.peerAddrs = append(x.peerAddrs[:0], peer...)
	if len(x.peerAddrs) == 0 {
		x.peerAddrs = nil
	}
}
