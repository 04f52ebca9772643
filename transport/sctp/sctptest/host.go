package sctptest

import (
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Host is one simulated machine: a gVisor stack with one NIC per link it is
// attached to.
type Host struct {
	net   *Network
	index int
	name  string
	stack *stack.Stack

	mu sync.Mutex
	// +checklocks:mu
	ifaces []*Iface
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// Index returns the host's position in Network.Hosts.
func (h *Host) Index() int { return h.index }

// Stack returns the host's gVisor stack.
func (h *Host) Stack() *stack.Stack { return h.stack }

// Network returns the network the host belongs to.
func (h *Host) Network() *Network { return h.net }

// Ifaces returns the host's interfaces in creation order.
func (h *Host) Ifaces() []*Iface {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Iface(nil), h.ifaces...)
}

// String implements fmt.Stringer.
func (h *Host) String() string { return h.name }

// Iface is one side of a link: a NIC on a host.
type Iface struct {
	host  *Host
	link  *Link
	side  Dir // AtoB for the A side: the direction this iface sends on.
	nicID tcpip.NICID
	addrs []tcpip.AddressWithPrefix
	ep    *endpoint
}

// Host returns the host the interface belongs to.
func (i *Iface) Host() *Host { return i.host }

// Link returns the link the interface is attached to.
func (i *Iface) Link() *Link { return i.link }

// NICID returns the interface's NIC ID in its host's stack.
func (i *Iface) NICID() tcpip.NICID { return i.nicID }

// Out returns the direction this interface sends on.
func (i *Iface) Out() Dir { return i.side }

// Peer returns the interface at the other end of the link.
func (i *Iface) Peer() *Iface {
	if i.side == AtoB {
		return i.link.b
	}
	return i.link.a
}

// Addrs returns the interface's addresses.
func (i *Iface) Addrs() []tcpip.AddressWithPrefix {
	return append([]tcpip.AddressWithPrefix(nil), i.addrs...)
}

// IPv4 returns the interface's first IPv4 address, or the zero address.
func (i *Iface) IPv4() tcpip.Address { return i.firstAddr(4) }

// IPv6 returns the interface's first IPv6 address, or the zero address.
func (i *Iface) IPv6() tcpip.Address { return i.firstAddr(16) }

func (i *Iface) firstAddr(length int) tcpip.Address {
	for _, a := range i.addrs {
		if a.Address.Len() == length {
			return a.Address
		}
	}
	return tcpip.Address{}
}

// WriteRaw sends b, a complete IPv4 or IPv6 packet, from this interface
// onto the link, bypassing the host's stack. The packet is subject to the
// direction's impairments like any other. Useful to inject malformed or
// hand-crafted packets (see BuildIPv4, BuildIPv6), for instance as the
// raw peer of Iface.Intercept.
func (i *Iface) WriteRaw(b []byte) {
	pkt := rawPacket(b)
	defer pkt.DecRef()
	i.link.dirs[i.side].send(pkt)
}
