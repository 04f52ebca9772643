package sctptest

import (
	"fmt"
	"io"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// DefaultMTU is the interface MTU of a link when LinkConfig.MTU is zero.
const DefaultMTU = 1500

// Dir names a direction of a link.
type Dir int

// Directions. Both is accepted by the setters and by Stats.
const (
	AtoB Dir = iota
	BtoA
	Both
)

// String implements fmt.Stringer.
func (d Dir) String() string {
	switch d {
	case AtoB:
		return "A>B"
	case BtoA:
		return "B>A"
	case Both:
		return "both"
	}
	return fmt.Sprintf("Dir(%d)", int(d))
}

// LinkConfig configures a link created by Network.Connect.
type LinkConfig struct {
	// MTU is the interface MTU both stacks see (DefaultMTU if zero).
	MTU uint32

	// NoIPv4 and NoIPv6 skip the default addresses of that family.
	NoIPv4, NoIPv6 bool
	// AddrsA and AddrsB, if set, replace the default addresses of side A
	// or B (see addr.go for the defaults). A route to each address's
	// subnet is installed through the link on that side's host.
	AddrsA, AddrsB []tcpip.AddressWithPrefix

	// Impairments applies to both directions unless overridden by
	// ImpairAtoB or ImpairBtoA.
	Impairments            Impairments
	ImpairAtoB, ImpairBtoA *Impairments

	// Pcap, if set, receives a capture of this link's packets (both
	// directions), in addition to Options.Pcap.
	Pcap io.Writer
}

// Link is a point-to-point link joining one NIC on each of two hosts. It
// carries raw IP packets: there is no link-layer header and no address
// resolution.
type Link struct {
	net   *Network
	index int
	a, b  *Iface
	// dirs is indexed by Dir: dirs[AtoB] carries packets from a to b.
	dirs [2]*direction
	pcap *pcapWriter
}

// Connect creates a link between a and b, adds a NIC to each host, assigns
// addresses and installs routes to the link's subnets. On error the
// network may hold a half-built link and should be discarded.
func (n *Network) Connect(a, b *Host, cfg LinkConfig) (*Link, error) {
	if a.net != n || b.net != n {
		return nil, fmt.Errorf("sctptest: hosts belong to another network")
	}
	imps := [2]Impairments{cfg.Impairments, cfg.Impairments}
	if cfg.ImpairAtoB != nil {
		imps[AtoB] = *cfg.ImpairAtoB
	}
	if cfg.ImpairBtoA != nil {
		imps[BtoA] = *cfg.ImpairBtoA
	}
	for i := range imps {
		if err := imps[i].validate(); err != nil {
			return nil, err
		}
	}
	mtu := cfg.MTU
	if mtu == 0 {
		mtu = DefaultMTU
	}

	// Held throughout so links are numbered in creation order and are
	// complete when Links returns them. The stacks never call back into
	// the Network with mu held.
	n.mu.Lock()
	defer n.mu.Unlock()
	k := len(n.links)
	l := &Link{net: n, index: k}
	if cfg.Pcap != nil {
		l.pcap = newPcapWriter(cfg.Pcap)
	}
	addrs := [2][]tcpip.AddressWithPrefix{cfg.AddrsA, cfg.AddrsB}
	for side := range addrs {
		if addrs[side] != nil {
			continue
		}
		if !cfg.NoIPv4 {
			a4, err := defaultIPv4(k, side)
			if err != nil {
				return nil, err
			}
			addrs[side] = append(addrs[side], a4)
		}
		if !cfg.NoIPv6 {
			addrs[side] = append(addrs[side], defaultIPv6(k, side))
		}
	}

	l.a = &Iface{host: a, link: l, side: AtoB, addrs: addrs[0], ep: &endpoint{mtu: mtu}}
	l.b = &Iface{host: b, link: l, side: BtoA, addrs: addrs[1], ep: &endpoint{mtu: mtu}}
	l.dirs[AtoB] = newDirection(l, AtoB, l.b.ep, imps[AtoB])
	l.dirs[BtoA] = newDirection(l, BtoA, l.a.ep, imps[BtoA])
	l.a.ep.out = l.dirs[AtoB]
	l.b.ep.out = l.dirs[BtoA]

	for _, ifc := range []*Iface{l.a, l.b} {
		if err := ifc.attach(); err != nil {
			return nil, err
		}
	}
	for _, d := range l.dirs {
		d.startDelivery()
	}
	n.links = append(n.links, l)
	return l, nil
}

// attach creates the interface's NIC, addresses and routes.
func (i *Iface) attach() error {
	h := i.host
	h.mu.Lock()
	i.nicID = tcpip.NICID(len(h.ifaces) + 1)
	h.ifaces = append(h.ifaces, i)
	h.mu.Unlock()

	name := fmt.Sprintf("link%d%c", i.link.index, "ab"[i.side])
	if err := h.stack.CreateNICWithOptions(i.nicID, i.ep, stack.NICOptions{Name: name}); err != nil {
		return fmt.Errorf("sctptest: %s: CreateNIC %s: %s", h.name, name, err)
	}
	for _, a := range i.addrs {
		proto := ipv4.ProtocolNumber
		if a.Address.Len() == header.IPv6AddressSize {
			proto = ipv6.ProtocolNumber
		}
		pa := tcpip.ProtocolAddress{Protocol: proto, AddressWithPrefix: a}
		if err := h.stack.AddProtocolAddress(i.nicID, pa, stack.AddressProperties{}); err != nil {
			return fmt.Errorf("sctptest: %s: add %s to %s: %s", h.name, a, name, err)
		}
		h.stack.AddRoute(tcpip.Route{Destination: a.Subnet(), NIC: i.nicID})
	}
	return nil
}

// Index returns the link's position in Network.Links.
func (l *Link) Index() int { return l.index }

// A returns the interface on the first host given to Connect.
func (l *Link) A() *Iface { return l.a }

// B returns the interface on the second host given to Connect.
func (l *Link) B() *Iface { return l.b }

// String implements fmt.Stringer.
func (l *Link) String() string {
	return fmt.Sprintf("link%d(%s-%s)", l.index, l.a.host.name, l.b.host.name)
}

// dirList expands d into the directions it names.
func (l *Link) dirList(d Dir) []*direction {
	switch d {
	case AtoB, BtoA:
		return l.dirs[d : d+1]
	case Both:
		return l.dirs[:]
	}
	panic(fmt.Sprintf("sctptest: invalid direction %v", d))
}

// Impairments returns the current impairments of direction d (AtoB or
// BtoA).
func (l *Link) Impairments(d Dir) Impairments {
	if d == Both {
		panic("sctptest: Impairments needs AtoB or BtoA")
	}
	dir := l.dirs[d]
	dir.mu.Lock()
	defer dir.mu.Unlock()
	return dir.imp.clone()
}

// SetImpairments replaces the impairments of d (AtoB, BtoA or Both); they
// apply to packets sent from now on. It panics on invalid values.
func (l *Link) SetImpairments(d Dir, im Impairments) {
	l.UpdateImpairments(d, func(p *Impairments) { *p = im })
}

// UpdateImpairments lets f edit the impairments of d (AtoB, BtoA or Both)
// in place, e.g. to change only the loss rate. It panics on invalid values.
func (l *Link) UpdateImpairments(d Dir, f func(*Impairments)) {
	for _, dir := range l.dirList(d) {
		dir.update(f)
	}
}

// Cut cuts both directions: everything sent, or in flight and arriving,
// is silently dropped until Heal.
func (l *Link) Cut() { l.CutDir(Both) }

// Heal restores both directions.
func (l *Link) Heal() { l.HealDir(Both) }

// CutDir cuts direction d only (AtoB, BtoA or Both).
func (l *Link) CutDir(d Dir) { l.UpdateImpairments(d, func(p *Impairments) { p.Down = true }) }

// HealDir restores direction d (AtoB, BtoA or Both).
func (l *Link) HealDir(d Dir) { l.UpdateImpairments(d, func(p *Impairments) { p.Down = false }) }

// Stats returns the counters of d; Both returns their sum.
func (l *Link) Stats(d Dir) Stats {
	var s Stats
	for _, dir := range l.dirList(d) {
		s = s.add(dir.c.snapshot())
	}
	return s
}

// SetMTU changes the interface MTU both stacks see.
func (l *Link) SetMTU(mtu uint32) {
	l.a.ep.SetMTU(mtu)
	l.b.ep.SetMTU(mtu)
}
