package sctptest

import (
	"errors"
	"fmt"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Raw IP packets for scripted peers: a test builds what it injects with
// BuildIPv4 or BuildIPv6 and takes apart what it captures with ParseIP, so
// it only ever deals with transport bytes (an SCTP common header and its
// chunks, say). SCTP's CRC32c does not cover a pseudo-header, so those bytes
// can be built without knowing the addresses; UDP, TCP and ICMPv6 checksums
// do cover one (see gVisor's header.PseudoHeaderChecksum).

// DefaultTTL is the TTL (IPv4) or hop limit (IPv6) of built packets.
const DefaultTTL = 64

// BuildIPv4 returns an IPv4 packet from src to dst carrying payload as
// protocol proto (132 for SCTP): a 20-byte header without options, TTL
// DefaultTTL, identification 0, no fragmentation flags and a valid header
// checksum. It panics if src or dst is not an IPv4 address or the packet
// would exceed 65535 bytes: arguments are the test's own.
func BuildIPv4(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	if !src.Is4() || !dst.Is4() {
		panic(fmt.Sprintf("sctptest: BuildIPv4(%v, %v): not IPv4 addresses", src, dst))
	}
	size := header.IPv4MinimumSize + len(payload)
	if size > 0xffff {
		panic(fmt.Sprintf("sctptest: BuildIPv4: %d-byte payload too large", len(payload)))
	}
	b := make([]byte, size)
	ip := header.IPv4(b)
	ip.Encode(&header.IPv4Fields{
		TotalLength: uint16(size),
		TTL:         DefaultTTL,
		Protocol:    proto,
		SrcAddr:     FromNetip(src),
		DstAddr:     FromNetip(dst),
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	copy(b[header.IPv4MinimumSize:], payload)
	return b
}

// BuildIPv6 returns an IPv6 packet from src to dst carrying payload with
// next header proto (132 for SCTP): the 40-byte base header, no extension
// headers, hop limit DefaultTTL, traffic class and flow label 0. It panics
// if src or dst is not an IPv6 address (IPv4-mapped ones are IPv6) or the
// payload exceeds 65535 bytes (no jumbograms).
func BuildIPv6(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	if !src.Is6() || !dst.Is6() {
		panic(fmt.Sprintf("sctptest: BuildIPv6(%v, %v): not IPv6 addresses", src, dst))
	}
	if len(payload) > 0xffff {
		panic(fmt.Sprintf("sctptest: BuildIPv6: %d-byte payload too large", len(payload)))
	}
	b := make([]byte, header.IPv6MinimumSize+len(payload))
	header.IPv6(b).Encode(&header.IPv6Fields{
		PayloadLength:     uint16(len(payload)),
		TransportProtocol: tcpip.TransportProtocolNumber(proto),
		HopLimit:          DefaultTTL,
		SrcAddr:           FromNetip(src),
		DstAddr:           FromNetip(dst),
	})
	copy(b[header.IPv6MinimumSize:], payload)
	return b
}

// BuildIP is BuildIPv4 or BuildIPv6, chosen by the family of src, for
// tests run over both families.
func BuildIP(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	if src.Is4() {
		return BuildIPv4(src, dst, proto, payload)
	}
	return BuildIPv6(src, dst, proto, payload)
}

// ErrFragment is returned by ParseIP for IP fragments, which it does not
// reassemble. The simulated links never fragment; a fragment comes from a
// stack that did (gVisor fragments datagrams larger than the MTU).
var ErrFragment = errors.New("sctptest: IP fragment")

// ParseIP splits an IPv4 or IPv6 packet into its addresses, its transport
// protocol and the transport bytes, which alias b. It checks what a
// receiver would: the version, lengths, and the IPv4 header checksum; bytes
// after the IP total length (link padding) are ignored. IPv4 options are
// skipped, and so are IPv6 hop-by-hop, routing and destination options
// headers: proto is the protocol after them. Fragments yield ErrFragment.
func ParseIP(b []byte) (src, dst netip.Addr, proto uint8, payload []byte, err error) {
	if len(b) == 0 {
		return src, dst, 0, nil, errors.New("sctptest: ParseIP: empty packet")
	}
	switch v := header.IPVersion(b); v {
	case header.IPv4Version:
		return parseIPv4(b)
	case header.IPv6Version:
		return parseIPv6(b)
	default:
		return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: IP version %d", v)
	}
}

func parseIPv4(b []byte) (src, dst netip.Addr, proto uint8, payload []byte, err error) {
	if len(b) < header.IPv4MinimumSize {
		return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: %d bytes, short IPv4 header", len(b))
	}
	ip := header.IPv4(b)
	hl, tl := int(ip.HeaderLength()), int(ip.TotalLength())
	if hl < header.IPv4MinimumSize || tl < hl || tl > len(b) {
		return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: IPv4 header length %d, total length %d, %d bytes", hl, tl, len(b))
	}
	if !ip.IsChecksumValid() {
		return src, dst, 0, nil, errors.New("sctptest: ParseIP: bad IPv4 header checksum")
	}
	src, dst = ToNetip(ip.SourceAddress()), ToNetip(ip.DestinationAddress())
	if ip.More() || ip.FragmentOffset() != 0 {
		return src, dst, ip.Protocol(), nil, ErrFragment
	}
	return src, dst, ip.Protocol(), b[hl:tl], nil
}

func parseIPv6(b []byte) (src, dst netip.Addr, proto uint8, payload []byte, err error) {
	if len(b) < header.IPv6MinimumSize {
		return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: %d bytes, short IPv6 header", len(b))
	}
	ip := header.IPv6(b)
	end := header.IPv6MinimumSize + int(ip.PayloadLength())
	if end > len(b) {
		return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: IPv6 payload length %d, %d bytes", ip.PayloadLength(), len(b))
	}
	src, dst = ToNetip(ip.SourceAddress()), ToNetip(ip.DestinationAddress())
	proto = ip.NextHeader()
	rest := b[header.IPv6MinimumSize:end]
	for {
		switch header.IPv6ExtensionHeaderIdentifier(proto) {
		case header.IPv6HopByHopOptionsExtHdrIdentifier, header.IPv6RoutingExtHdrIdentifier, header.IPv6DestinationOptionsExtHdrIdentifier:
			// Next header, length in 8-octet units not counting the first.
			if len(rest) < 2 || len(rest) < 8*(int(rest[1])+1) {
				return src, dst, 0, nil, fmt.Errorf("sctptest: ParseIP: truncated IPv6 extension header %d", proto)
			}
			proto, rest = rest[0], rest[8*(int(rest[1])+1):]
		case header.IPv6FragmentExtHdrIdentifier:
			return src, dst, proto, nil, ErrFragment
		default:
			return src, dst, proto, rest, nil
		}
	}
}

// ToNetip converts a gVisor address (4 or 16 bytes) to a netip.Addr; the
// zero address gives the zero netip.Addr.
func ToNetip(a tcpip.Address) netip.Addr {
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}

// FromNetip converts a netip.Addr to a gVisor address; the zero netip.Addr
// gives the zero address. A zone is dropped.
func FromNetip(a netip.Addr) tcpip.Address {
	switch {
	case a.Is4():
		return tcpip.AddrFrom4(a.As4())
	case a.Is6():
		return tcpip.AddrFrom16(a.As16())
	}
	return tcpip.Address{}
}
