package sctptest

import (
	"sync"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// endpoint is the stack.LinkEndpoint of one Iface. Like gvisor's pipe and
// channel endpoints it has no link header and needs no address resolution
// (Capabilities is 0, ARPHardwareNone): packets are raw IP.
type endpoint struct {
	// out is the direction packets written to this endpoint travel on.
	out *direction

	mu sync.RWMutex
	// +checklocks:mu
	dispatcher stack.NetworkDispatcher
	// +checklocks:mu
	mtu uint32
	// +checklocks:mu
	linkAddr tcpip.LinkAddress
	// +checklocks:mu
	onClose func()
}

var _ stack.LinkEndpoint = (*endpoint)(nil)

// WritePackets implements stack.LinkWriter. The caller keeps ownership of
// the packets: the link queues its own inbound copies (sharing the
// reference-counted payload) and never retains pkts.
func (e *endpoint) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	for _, pkt := range pkts.AsSlice() {
		e.out.send(pkt)
		n++
	}
	return n, nil
}

// deliveryTarget returns the dispatcher packets arriving here go to.
func (e *endpoint) deliveryTarget() stack.NetworkDispatcher {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.dispatcher
}

// Attach implements stack.LinkEndpoint.
func (e *endpoint) Attach(d stack.NetworkDispatcher) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dispatcher = d
}

// IsAttached implements stack.LinkEndpoint.
func (e *endpoint) IsAttached() bool { return e.deliveryTarget() != nil }

// Wait implements stack.LinkEndpoint. The endpoint owns no goroutines; the
// Network does.
func (*endpoint) Wait() {}

// MTU implements stack.LinkEndpoint.
func (e *endpoint) MTU() uint32 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.mtu
}

// SetMTU implements stack.LinkEndpoint.
func (e *endpoint) SetMTU(mtu uint32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mtu = mtu
}

// MaxHeaderLength implements stack.LinkEndpoint.
func (*endpoint) MaxHeaderLength() uint16 { return 0 }

// LinkAddress implements stack.LinkEndpoint.
func (e *endpoint) LinkAddress() tcpip.LinkAddress {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.linkAddr
}

// SetLinkAddress implements stack.LinkEndpoint.
func (e *endpoint) SetLinkAddress(addr tcpip.LinkAddress) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.linkAddr = addr
}

// Capabilities implements stack.LinkEndpoint.
func (*endpoint) Capabilities() stack.LinkEndpointCapabilities { return 0 }

// ARPHardwareType implements stack.LinkEndpoint.
func (*endpoint) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareNone }

// AddHeader implements stack.LinkEndpoint.
func (*endpoint) AddHeader(*stack.PacketBuffer) {}

// ParseHeader implements stack.LinkEndpoint.
func (*endpoint) ParseHeader(*stack.PacketBuffer) bool { return true }

// Close implements stack.LinkEndpoint.
func (e *endpoint) Close() {
	e.mu.Lock()
	f := e.onClose
	e.onClose = nil
	e.mu.Unlock()
	if f != nil {
		f()
	}
}

// SetOnCloseAction implements stack.LinkEndpoint.
func (e *endpoint) SetOnCloseAction(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onClose = f
}

// inboundCopy returns a fresh packet holding pkt's bytes, as the receiving
// stack must see them: no parsed headers. The payload shares pkt's
// reference-counted storage unless a bit is flipped (bit >= 0), in which
// case the bytes are copied first so the sender's packet (which it may
// retransmit) stays intact.
func inboundCopy(pkt *stack.PacketBuffer, bit int) *stack.PacketBuffer {
	if bit < 0 {
		return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: pkt.ToBuffer()})
	}
	v := pkt.ToView()
	v.AsSlice()[bit/8] ^= 0x80 >> (bit % 8)
	return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithView(v)})
}

// rawPacket wraps raw IP bytes (copied) as an outgoing packet.
func rawPacket(b []byte) *stack.PacketBuffer {
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	pkt.NetworkProtocolNumber = ipVersionProto(firstByte(pkt))
	return pkt
}

// firstByte returns the first byte of pkt, or 0 if it is empty.
func firstByte(pkt *stack.PacketBuffer) byte {
	views, off := pkt.AsViewList()
	for v := views.Front(); v != nil; v = v.Next() {
		if s := v.AsSlice(); off < len(s) {
			return s[off]
		} else {
			off -= len(s)
		}
	}
	return 0
}

// ipVersionProto maps the IP version nibble of b to a protocol number.
func ipVersionProto(b byte) tcpip.NetworkProtocolNumber {
	if b>>4 == 6 {
		return ipv6.ProtocolNumber
	}
	return ipv4.ProtocolNumber
}

// ipHeaderLen returns the length of pkt's fixed IP header (IPv4 with
// options, or the IPv6 base header), or 0 if pkt is not IP.
func ipHeaderLen(pkt *stack.PacketBuffer) int {
	b := firstByte(pkt)
	switch b >> 4 {
	case 4:
		return int(b&0x0f) * 4
	case 6:
		return header.IPv6MinimumSize
	}
	return 0
}
