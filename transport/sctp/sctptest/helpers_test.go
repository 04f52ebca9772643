package sctptest

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// allTransports is what most tests install.
var allTransports = []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol}

// pair builds a network of two hosts joined by one link.
func pair(t testing.TB, opts Options, cfg LinkConfig) (*Network, *Link) {
	t.Helper()
	if opts.TransportProtocols == nil {
		opts.TransportProtocols = allTransports
	}
	n := New(opts)
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(a, b, cfg)
	require.NoError(t, err)
	discard(t, a)
	discard(t, b)
	return n, l
}

// discardPort is where rawUDP4 packets go.
const discardPort = 9

// discard binds a UDP socket to discardPort on every address of h, so raw
// test packets are absorbed instead of answered with ICMP errors.
func discard(t testing.TB, h *Host) {
	t.Helper()
	// A dual-stack IPv6 socket also receives IPv4.
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(udp.ProtocolNumber, ipv6.ProtocolNumber, &wq)
	require.Nil(t, err)
	t.Cleanup(ep.Close)
	require.Nil(t, ep.Bind(tcpip.FullAddress{Port: discardPort}))
}

// traceLog collects Trace events.
type traceLog struct {
	mu     sync.Mutex
	events []Event
}

func (tl *traceLog) record(e Event) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.events = append(tl.events, e)
}

// filter returns the events of the given kind and direction.
func (tl *traceLog) filter(kind EventKind, d Dir) []Event {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var out []Event
	for _, e := range tl.events {
		if e.Kind == kind && e.Dir == d {
			out = append(out, e)
		}
	}
	return out
}

// rawUDP4 builds an IPv4/UDP packet with a valid IP checksum and no UDP
// checksum. The first payload bytes carry id so packets are distinguishable.
func rawUDP4(src, dst tcpip.Address, size int, id uint32) []byte {
	b := make([]byte, size)
	ip := header.IPv4(b)
	ip.Encode(&header.IPv4Fields{
		TotalLength: uint16(size),
		TTL:         64,
		Protocol:    uint8(header.UDPProtocolNumber),
		SrcAddr:     src,
		DstAddr:     dst,
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	u := header.UDP(b[header.IPv4MinimumSize:])
	u.Encode(&header.UDPFields{SrcPort: 1000, DstPort: discardPort, Length: uint16(size - header.IPv4MinimumSize)})
	p := u.Payload()
	for i := range p {
		p[i] = byte(id >> (8 * (i % 4)))
	}
	return b
}

// udpSocket is a bound gVisor UDP endpoint read without blocking.
type udpSocket struct {
	ep tcpip.Endpoint
	wq *waiter.Queue
}

func newUDPSocket(t testing.TB, h *Host, addr tcpip.Address, port uint16) *udpSocket {
	t.Helper()
	proto := ipv4.ProtocolNumber
	if addr.Len() == header.IPv6AddressSize {
		proto = ipv6.ProtocolNumber
	}
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(udp.ProtocolNumber, proto, &wq)
	require.Nil(t, err)
	t.Cleanup(ep.Close)
	require.Nil(t, ep.Bind(tcpip.FullAddress{Addr: addr, Port: port}))
	return &udpSocket{ep: ep, wq: &wq}
}

func (s *udpSocket) sendTo(t testing.TB, to tcpip.Address, port uint16, payload []byte) {
	t.Helper()
	_, err := s.ep.Write(bytes.NewReader(payload), tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: to, Port: port}})
	require.Nil(t, err)
}

// recv returns every datagram waiting in the socket.
func (s *udpSocket) recv() [][]byte {
	var out [][]byte
	for {
		var buf bytes.Buffer
		if _, err := s.ep.Read(&buf, tcpip.ReadOptions{}); err != nil {
			return out
		}
		out = append(out, buf.Bytes())
	}
}
