package sctp

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// IPv6 reports an unknown upper-layer protocol with ICMPv6 Parameter
// Problem, code 1 (RFC 8200 4, RFC 4443 3.4), which is the IPv6 form of
// "protocol unreachable": a peer without SCTP. gVisor's IPv6 counts such
// messages but hands them to no transport, so without help an INIT to
// such a host would wait for T1 to run out. SCTP therefore watches the
// stack's ICMPv6 packets through a raw endpoint, registered when the
// first IPv6 association starts, and treats a Parameter Problem about
// one of its packets as RFC 9260 10 item 8 treats protocol unreachable.
// The stack must have the ICMPv6 transport protocol for this; without it
// nothing changes.

// icmp6Watcher is the raw ICMPv6 endpoint of a protocol.
type icmp6Watcher struct{ p *protocol }

// watchICMPv6 registers the watcher once.
func (p *protocol) watchICMPv6() {
	p.icmp6Once.Do(func() {
		p.stack.RegisterRawTransportEndpoint(gheader.IPv6ProtocolNumber, gheader.ICMPv6ProtocolNumber, &icmp6Watcher{p: p})
	})
}

// HandlePacket implements stack.RawTransportEndpoint. The ICMPv6 header
// is the packet's transport header; its data is the quoted packet.
func (w *icmp6Watcher) HandlePacket(pkt *stack.PacketBuffer) {
	// Look at the type first: most ICMPv6 packets are neighbour
	// discovery, of no interest here.
	ih := pkt.TransportHeader().Slice()
	if len(ih) < gheader.ICMPv6MinimumSize || gheader.ICMPv6Type(ih[0]) != gheader.ICMPv6ParamProblem || ih[1] != 1 {
		return
	}
	b, ok := pkt.Data().PullUp(min(pkt.Data().Size(), gheader.IPv6MinimumSize+header.SCTPCommonHeaderLen+header.InitChunkHeaderLen))
	if !ok || len(b) < gheader.IPv6MinimumSize+8 {
		return
	}
	ip := gheader.IPv6(b)
	// Code 1 points at the Next Header field that named SCTP: that of the
	// fixed header (offset 6) when there are no extension headers.
	if ip.NextHeader() != uint8(ProtocolNumber) || binary.BigEndian.Uint32(ih[4:8]) != 6 {
		return
	}
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	s := b[gheader.IPv6MinimumSize:]
	h := header.SCTP(s)
	id := stack.TransportEndpointID{LocalPort: h.SourcePort(), LocalAddress: src, RemotePort: h.DestinationPort(), RemoteAddress: dst}
	d, ok := w.p.stack.FindTransportEndpoint(gheader.IPv6ProtocolNumber, ProtocolNumber, id, pkt.NICID).(*demux)
	if !ok || d.p != w.p {
		return
	}
	w.p.icmpToAssoc(d, evOtherICMPProtoUnreachable, 0, s, dst)
}

var _ stack.RawTransportEndpoint = (*icmp6Watcher)(nil)

// isV6 reports whether a is an IPv6 address.
func isV6(a tcpip.Address) bool { return a.Len() == 16 }
