//go:build linux

package main

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/link/tun"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Opening a real link for the server and client commands: an AF_PACKET
// socket on an existing interface (a veth end, or a NIC) or a TAP device,
// handed to gVisor's fdbased endpoint, which reads and writes whole
// Ethernet frames on it (EthernetHeader), so the stack does ARP and
// neighbour discovery itself with its own MAC address.
//
// Offloads: the endpoint announces neither checksum offload nor GSO, so
// gVisor computes every checksum (IPv4 header, ICMP, SCTP's CRC32c) and
// never hands the kernel a segment to split; what it writes is exactly
// what goes on the wire, whatever `ethtool -k` says about the interface.
// RX checksum offload is off too, so gVisor checks the checksums of all it
// receives instead of trusting the kernel.

// liveLink is an opened link: the endpoint for the stack and what to close
// after the stack is gone.
type liveLink struct {
	ep    stack.LinkEndpoint
	fd    int
	mtu   uint32
	iface string
}

// close closes the file descriptor; the stack must have been closed.
func (l *liveLink) close() {
	if r, ok := l.ep.(*relinkEndpoint); ok {
		r.stop()
	}
	unix.Close(l.fd)
}

// openLink opens interface iface as a link of kind (linkFdbased or
// linkTap) for a stack whose NIC has MAC address mac. note, if not nil,
// is told when reading resumes after an error such as the interface going
// down (live_relink_linux.go).
func openLink(kind, iface string, mac net.HardwareAddr, note func(string)) (*liveLink, error) {
	var (
		fd  int
		err error
	)
	switch kind {
	case linkFdbased:
		fd, err = openPacketSocket(iface)
	case linkTap:
		// Creates the device if it does not exist (it then disappears
		// when we exit); needs CAP_NET_ADMIN either way.
		fd, err = tun.OpenTAP(iface)
		if err != nil {
			err = fmt.Errorf("open TAP device %q: %w", iface, err)
		}
	default:
		return nil, fmt.Errorf("unknown link kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	mtu, err := ifaceMTU(iface)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ep, err := newRelinkEndpoint(fdbased.Options{
		FDs:            []int{fd},
		MTU:            mtu,
		EthernetHeader: true,
		Address:        tcpip.LinkAddress(mac),
		// One goroutine reads the socket: packets stay in order and the
		// demo does not need more.
		ProcessorsPerChannel: 1,
	}, note)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", iface, err)
	}
	return &liveLink{ep: ep, fd: fd, mtu: mtu, iface: iface}, nil
}

// openPacketSocket opens an AF_PACKET socket bound to iface that receives
// every frame on it. The interface is put in promiscuous mode for as long
// as the socket is open (PACKET_MR_PROMISC, undone by the kernel on
// close), because our MAC address is not the interface's own: a real NIC
// would otherwise filter our unicast frames out. Having our own MAC also
// keeps the kernel out of our traffic: frames to it arrive there as
// PACKET_OTHERHOST, which the kernel's IP layer drops.
func openPacketSocket(iface string) (int, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return -1, fmt.Errorf("interface %s: %w", iface, err)
	}
	if ifi.Flags&net.FlagUp == 0 {
		return -1, fmt.Errorf("interface %s is down (ip link set %[1]s up)", iface)
	}
	proto := htons(unix.ETH_P_ALL)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return -1, fmt.Errorf("AF_PACKET socket (needs CAP_NET_RAW): %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind AF_PACKET socket to %s: %w", iface, err)
	}
	// Bursts of a window's worth of packets must not overflow the
	// socket's buffers: fdbased drops a packet it cannot write at once, and
	// the kernel one that finds the receive buffer full. The *FORCE options
	// pass net.core.[rw]mem_max when we are root; otherwise the plain ones
	// get what the limit allows.
	for _, o := range [][2]int{{unix.SO_RCVBUFFORCE, unix.SO_RCVBUF}, {unix.SO_SNDBUFFORCE, unix.SO_SNDBUF}} {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, o[0], socketBuffer) != nil {
			_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, o[1], socketBuffer)
		}
	}
	mreq := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_PROMISC}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("promiscuous mode on %s: %w", iface, err)
	}
	return fd, nil
}

// socketBuffer is the size asked for the AF_PACKET socket's send and
// receive buffers.
const socketBuffer = 4 << 20

// ifaceMTU returns the IP MTU of the host interface.
func ifaceMTU(iface string) (uint32, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return 0, fmt.Errorf("interface %s: %w", iface, err)
	}
	if ifi.MTU <= 0 {
		return 0, fmt.Errorf("interface %s has MTU %d", iface, ifi.MTU)
	}
	return uint32(ifi.MTU), nil
}

// htons converts a 16-bit value to network byte order, as AF_PACKET wants
// its protocol numbers.
func htons(v uint16) uint16 { return v<<8 | v>>8 }
