package sctp

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// handleICMP takes an ICMP error about a packet we sent on d's port
// (RFC 9260 10). The payload starts at our SCTP common header; the
// association is found by its peer port and tag, which also validates the
// ICMP message (10 items 5 and 6).
func (p *protocol) handleICMP(d *demux, transErr stack.TransportError, pkt *stack.PacketBuffer) {
	var evType eventType
	switch transErr.Kind() {
	case stack.PacketTooBigTransportError:
		evType = evOtherICMPPacketTooBig
	case stack.DestinationProtoUnreachableTransportError:
		evType = evOtherICMPProtoUnreachable
	case stack.DestinationPortUnreachableTransportError:
		evType = evOtherICMPPortUnreachable
	default:
		// RFC 9260 10 item 9 lets us ignore the rest for now.
		return
	}
	b, ok := pkt.Data().PullUp(min(pkt.Data().Size(), header.SCTPCommonHeaderLen+header.InitChunkHeaderLen))
	if !ok || len(b) < 8 {
		return
	}
	// The address the packet was sent to names the path (RFC 9260 10).
	p.icmpToAssoc(d, evType, transErr.Info(), b, icmpDest(pkt))
}

// icmpToAssoc hands an ICMP error about our SCTP packet b (its first
// bytes, from the common header) sent to dst to the association it
// concerns, if its tag proves it ours (RFC 9260 10 items 5 and 6).
func (p *protocol) icmpToAssoc(d *demux, evType eventType, mtu uint32, b []byte, dst tcpip.Address) {
	h := header.SCTP(b)
	peerPort, vtag := h.DestinationPort(), h.VerificationTag()
	// Item 6: tag 0 is only ours for an INIT whose Initiate Tag is ours.
	var initTag uint32
	if vtag == 0 {
		if len(b) < header.SCTPCommonHeaderLen+8 || header.ChunkType(b[header.SCTPCommonHeaderLen]) != header.ChunkInit {
			p.stats.ICMPIgnored.Increment()
			return
		}
		initTag = binary.BigEndian.Uint32(b[header.SCTPCommonHeaderLen+4:])
	}
	// The quoted packet's destination is one of the peer's addresses: it
	// names the association directly. Without it, look among the
	// associations with that peer port.
	var cands [8]*association
	n := 0
	if a := d.lookup(dst, peerPort); dst.Len() != 0 && a != nil {
		cands[0], n = a, 1
	} else {
		d.mu.RLock()
		for k, a := range d.assocs.all() {
			if k.port == peerPort && n < len(cands) {
				cands[n] = a
				n++
			}
		}
		d.mu.RUnlock()
	}
	for _, a := range cands[:n] {
		a.mu.Lock()
		match := (vtag != 0 && vtag == a.peerVtag) || (vtag == 0 && initTag == a.myVtag)
		if !match || a.dead {
			a.mu.Unlock()
			continue
		}
		p.stats.ICMPErrors.Increment()
		ev := event{typ: evType, mtu: mtu, addr: dst}
		a.runLocked(&ev)
		a.unlockAndFlush()
		return
	}
	p.stats.ICMPIgnored.Increment()
}

// icmpDest returns the destination address of the packet an ICMP error
// quotes, or the unspecified address when it is not at hand. The quoted
// IP header is gone from the packet's data by now (the network layer took
// it), so it is read back from the bytes after the outer IP and ICMP
// headers.
func icmpDest(pkt *stack.PacketBuffer) tcpip.Address {
	if len(pkt.NetworkHeader().Slice()) == 0 {
		return tcpip.Address{}
	}
	v := stack.PayloadSince(pkt.NetworkHeader())
	defer v.Release()
	b := v.AsSlice()
	const icmpHeaderLen = 8 // ICMPv4 and ICMPv6 errors alike
	var inner []byte
	switch {
	case len(b) >= gheader.IPv4MinimumSize && b[0]>>4 == 4:
		if hl := int(gheader.IPv4(b).HeaderLength()); len(b) >= hl+icmpHeaderLen {
			inner = b[hl+icmpHeaderLen:]
		}
	case len(b) >= gheader.IPv6MinimumSize+icmpHeaderLen && b[0]>>4 == 6:
		inner = b[gheader.IPv6MinimumSize+icmpHeaderLen:]
	}
	switch {
	case len(inner) >= gheader.IPv4MinimumSize && inner[0]>>4 == 4:
		return gheader.IPv4(inner).DestinationAddress()
	case len(inner) >= gheader.IPv6MinimumSize && inner[0]>>4 == 6:
		return gheader.IPv6(inner).DestinationAddress()
	}
	return tcpip.Address{}
}
