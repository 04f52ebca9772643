package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netstack-sctp/sctp/adapter"
)

// The flags the server and client commands share: which host interfaces
// the gVisor stack takes over, its own addresses on them, and the capture.

// Link kinds of -link.
const (
	linkFdbased = "fdbased"
	linkTap     = "tap"
)

// linkFlags are the shared flags, as given.
type linkFlags struct {
	link, ifaces, addrs, mac, pcap string
}

func (f *linkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.link, "link", linkFdbased, "`kind` of link: fdbased (an AF_PACKET socket on an existing interface, e.g. a veth end) or tap (a TAP device, created if missing)")
	fs.StringVar(&f.ifaces, "iface", "", "host `interfaces` the stack takes over, NAME[,NAME2]; required")
	fs.StringVar(&f.addrs, "addr", "", "the stack's own `addresses`, IP/PREFIX[,IP/PREFIX...]; address i goes on interface i mod the number of interfaces; required. Give the host interface none of them: its kernel would answer ARP and neighbour solicitations for them too")
	fs.StringVar(&f.mac, "mac", "", "the stack's MAC `address` (with two interfaces, the second gets the next address); default a random locally administered one")
	fs.StringVar(&f.pcap, "pcap", "", "write every IP packet the stack sends and receives, on all its interfaces, to pcap `FILE` (LINKTYPE_RAW)")
}

// liveLinks is the parsed form of linkFlags.
type liveLinks struct {
	kind   string
	ifaces []string
	// addrs[i] are the addresses of ifaces[i].
	addrs [][]netip.Prefix
	// macs[i] is the MAC address of ifaces[i].
	macs []net.HardwareAddr
	pcap string
}

// parse checks the flags and returns their parsed form.
func (f *linkFlags) parse() (*liveLinks, error) {
	l := &liveLinks{kind: f.link, pcap: f.pcap}
	switch f.link {
	case linkFdbased, linkTap:
	default:
		return nil, fmt.Errorf("-link %q: want fdbased or tap", f.link)
	}
	if f.ifaces == "" {
		return nil, fmt.Errorf("-iface is required")
	}
	for name := range strings.SplitSeq(f.ifaces, ",") {
		if name == "" || len(name) >= 16 || strings.ContainsAny(name, "/ \t") {
			return nil, fmt.Errorf("-iface %q: bad interface name %q", f.ifaces, name)
		}
		l.ifaces = append(l.ifaces, name)
	}
	if f.link == linkTap && len(l.ifaces) > 1 {
		return nil, fmt.Errorf("-link tap takes one -iface")
	}
	if f.addrs == "" {
		return nil, fmt.Errorf("-addr is required (the stack's own IP/PREFIX)")
	}
	l.addrs = make([][]netip.Prefix, len(l.ifaces))
	var n int
	for s := range strings.SplitSeq(f.addrs, ",") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("-addr: %q is not IP/PREFIX", s)
		}
		if p.Addr().Is4In6() || p.Addr().Zone() != "" || !p.Addr().IsGlobalUnicast() {
			return nil, fmt.Errorf("-addr: %s is not a unicast address", s)
		}
		l.addrs[n%len(l.ifaces)] = append(l.addrs[n%len(l.ifaces)], p)
		n++
	}
	if n < len(l.ifaces) {
		return nil, fmt.Errorf("-addr: %d addresses for %d interfaces; each needs one", n, len(l.ifaces))
	}
	mac, err := f.baseMAC()
	if err != nil {
		return nil, err
	}
	for i := range l.ifaces {
		m := append(net.HardwareAddr(nil), mac...)
		m[5] += byte(i)
		l.macs = append(l.macs, m)
	}
	return l, nil
}

// baseMAC returns -mac, or a random locally administered unicast address:
// distinct from the host interface's, so the kernel ignores the frames
// sent to us (and, on a TAP device, so the two ends differ).
func (f *linkFlags) baseMAC() (net.HardwareAddr, error) {
	if f.mac != "" {
		m, err := net.ParseMAC(f.mac)
		if err != nil || len(m) != 6 || m[0]&1 != 0 {
			return nil, fmt.Errorf("-mac %q: want a unicast Ethernet address like 02:00:5e:00:53:01", f.mac)
		}
		return m, nil
	}
	m := make(net.HardwareAddr, 6)
	_, _ = rand.Read(m) // crypto/rand.Read never fails.
	m[0] = m[0]&^1 | 2  // unicast, locally administered
	m[5] &= 0xf0        // room for the second interface's +1
	return m, nil
}

// parseListen parses -listen: [IP]:PORT.
func parseListen(s string) (netip.Addr, uint16, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("-listen %q: want [IP]:PORT", s)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return netip.Addr{}, 0, fmt.Errorf("-listen %q: bad port", s)
	}
	if host == "" {
		return netip.Addr{}, uint16(p), nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("-listen %q: bad IP address", s)
	}
	return ip, uint16(p), nil
}

// parseConnect parses -connect: IP[,IP]:PORT, IPv6 addresses in brackets
// ([2001:db8::2]:5000 or [2001:db8::2],[2001:db8:1::2]:5000). All
// addresses must be of one family.
func parseConnect(s string) (*adapter.Addr, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return nil, fmt.Errorf("-connect %q: want IP[,IP]:PORT", s)
	}
	p, err := strconv.ParseUint(s[i+1:], 10, 16)
	if err != nil || p == 0 {
		return nil, fmt.Errorf("-connect %q: bad port", s)
	}
	a := &adapter.Addr{Port: uint16(p)}
	for h := range strings.SplitSeq(s[:i], ",") {
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		ip, err := netip.ParseAddr(h)
		if err != nil {
			return nil, fmt.Errorf("-connect %q: bad IP address %q", s, h)
		}
		if len(a.IPs) > 0 && a.IPs[0].Is4() != ip.Is4() {
			return nil, fmt.Errorf("-connect %q: mixes IPv4 and IPv6", s)
		}
		a.IPs = append(a.IPs, ip)
	}
	return a, nil
}
