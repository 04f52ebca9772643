//go:build linux

package interop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/link/nested"
	"gvisor.dev/gvisor/pkg/tcpip/link/sniffer"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Simultaneous open against usrsctp over a veth pair. The demo client
// cannot bind a local port, so our stack runs in the test process here:
// an fdbased NIC on an AF_PACKET socket opened inside namespace ours.

// inNetns runs f on an OS thread switched into ns's network namespace
// (sockets made there stay in it). The thread is thrown away afterwards
// if it cannot be switched back.
func inNetns(t testing.TB, ns *vethNS, f func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			done <- err
			return
		}
		defer unix.Close(orig)
		target, err := unix.Open("/var/run/netns/"+ns.name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			done <- err
			return
		}
		defer unix.Close(target)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("setns %s: %w", ns.name, err)
			return
		}
		f()
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			// Leave the thread locked: it dies with the goroutine.
			done <- fmt.Errorf("setns back: %w", err)
			return
		}
		runtime.UnlockOSThread()
		done <- nil
	}()
	require.NoError(t, <-done)
}

// fdbasedStack is our stack in the test process on one veth end of ns,
// with address addr and a pcap of all it sends and receives.
func fdbasedStack(t *testing.T, ns *vethNS, iface string, addr netip.Prefix, pcap string, dropInit bool) *stack.Stack {
	t.Helper()
	var (
		fd    = -1
		ifidx int
		err   error
	)
	inNetns(t, ns, func() {
		var ifi *net.Interface
		if ifi, err = net.InterfaceByName(iface); err != nil {
			return
		}
		ifidx = ifi.Index
		proto := int(uint16(unix.ETH_P_ALL)<<8 | uint16(unix.ETH_P_ALL)>>8)
		if fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto); err != nil {
			return
		}
		err = unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: uint16(proto), Ifindex: ifidx})
	})
	require.NoError(t, err, "AF_PACKET socket on %s", iface)
	t.Cleanup(func() { unix.Close(fd) })
	mreq := unix.PacketMreq{Ifindex: int32(ifidx), Type: unix.PACKET_MR_PROMISC}
	require.NoError(t, unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq))
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 4<<20)

	mac := tcpip.LinkAddress([]byte{0x02, 0x00, 0x5e, 0x00, 0x53, 0x02})
	ep, err := fdbased.New(&fdbased.Options{FDs: []int{fd}, MTU: 1500, EthernetHeader: true, Address: mac})
	require.NoError(t, err)
	f, err := os.Create(pcap)
	require.NoError(t, err)
	sniffer.LogPackets.Store(0)
	var link stack.LinkEndpoint = ep
	if dropInit {
		link = newDropFirstInit(ep)
	}
	sep, err := sniffer.NewWithWriter(link, &ipOnlyPcap{w: f}, 1600)
	require.NoError(t, err)
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(ourOptions())},
	})
	t.Cleanup(func() {
		s.Close()
		s.Wait()
		f.Close()
	})
	require.Nil(t, s.CreateNIC(1, sep))
	pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: tcpip.AddressWithPrefix{
		Address: tcpip.AddrFromSlice(addr.Addr().AsSlice()), PrefixLen: addr.Bits()}}
	require.Nil(t, s.AddProtocolAddress(1, pa, stack.AddressProperties{}))
	s.SetRouteTable([]tcpip.Route{{Destination: pa.AddressWithPrefix.Subnet(), NIC: 1}})
	return s
}

// TestUsrsctpVethSimultaneousOpen: our stack dials 192.0.2.1:6000 from
// port 5000 while usrsctp's client dials 192.0.2.2:5000 from port 6000,
// so that the INITs cross (RFC 9260 5.2.1). Our INIT goes out first and
// is absorbed (a raw SCTP socket the test holds in peer keeps the kernel
// from answering Protocol Unreachable before usrsctp runs). In
// OursInCookieWait usrsctp's INIT then finds our association in
// COOKIE-WAIT: we answer INIT ACK. In UsrsctpInCookieWait we drop
// usrsctp's first INIT on arrival, so our retransmitted INIT finds
// usrsctp in COOKIE-WAIT and usrsctp answers INIT ACK. Either way one
// association must come up, carry a message each way and be shut down by
// usrsctp.
func TestUsrsctpVethSimultaneousOpen(t *testing.T) {
	client := usrsctpProgram(t, "client")
	for _, dropInit := range []bool{false, true} {
		name := "OursInCookieWait"
		if dropInit {
			name = "UsrsctpInCookieWait"
		}
		t.Run(name, func(t *testing.T) { runSimultaneousOpen(t, client, dropInit) })
	}
}

func runSimultaneousOpen(t *testing.T, client string, dropInit bool) {
	v := newVethNet(t, 1)
	v.peerAddr(t, 0, peer4a+"/24")
	dir := pcapDir(t)
	wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
	ourPcap := filepath.Join(dir, "ours.pcap")
	s := fdbasedStack(t, v.ours, v.oursIf[0], netip.MustParsePrefix(ours4a+"/24"), ourPcap, dropInit)

	// The placeholder receiver in peer, closed once usrsctp has its own.
	var hold int
	var err error
	inNetns(t, v.peer, func() { hold, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_SCTP) })
	require.NoError(t, err)
	defer func() {
		if hold >= 0 {
			unix.Close(hold)
		}
	}()

	type dialed struct {
		c   *adapter.Conn
		err error
	}
	dc := make(chan dialed, 1)
	go func() {
		d := adapter.Dialer{LocalAddr: adapter.AddrFrom(netip.MustParseAddrPort(ours4a + ":5000"))}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := d.DialContext(ctx, s, adapter.AddrFrom(netip.MustParseAddrPort(peer4a+":6000")))
		dc <- dialed{c, err}
	}()
	time.Sleep(50 * time.Millisecond) // our first INIT is out
	pr, pw := io.Pipe()
	defer pw.Close()
	cli := startProc(t, v.peer, pr, client, ours4a, "5000", "6000", "0")
	waitRawSCTP(t, v.peer)
	unix.Close(hold)
	hold = -1

	var d dialed
	select {
	case d = <-dc:
	case <-time.After(25 * time.Second):
		t.Fatal("dial did not return")
	}
	require.NoError(t, d.err, "our dial")
	conn := d.c
	defer conn.Close()

	// usrsctp to us, and our answer back.
	_, _ = io.WriteString(pw, "hello from usrsctp\n")
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, 1000)
	n, err := conn.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "hello from usrsctp\n", string(buf[:n]))
	_, err = conn.Write([]byte("hello from our stack\n"))
	require.NoError(t, err)
	cli.waitFor(t, "hello from our stack\n", 10*time.Second)

	// usrsctp shuts down: we read EOF and close.
	pw.Close()
	_, err = conn.Read(buf)
	require.True(t, errors.Is(err, io.EOF), "read after usrsctp's SHUTDOWN: %v", err)
	conn.Close()
	require.Equal(t, 0, cli.wait(t, 15*time.Second), "usrsctp client")
	require.Contains(t, cli.out.String(), "SCTP_COMM_UP")
	require.Contains(t, cli.out.String(), "SCTP_SHUTDOWN_COMP")
	wire.stop()
	s.Close()
	s.Wait()
	checkWire(t, ourPcap)
	if wire == nil {
		return
	}
	cs := checkWire(t, wire.path)
	var seq []string
	for _, c := range cs {
		if c.chunk <= ctCookieEcho && c.chunk != ctData && c.chunk != ctSack && c.chunk != ctHeartbeat && c.chunk != ctHeartbeatAck {
			seq = append(seq, fmt.Sprintf("%d:%s", c.chunk, c.src))
		}
		if c.chunk == 11 {
			seq = append(seq, "11:"+c.src)
		}
	}
	t.Logf("RESULT %s: handshake chunks (type:source) %s", t.Name(), strings.Join(seq, " "))
	assert.NotZero(t, countChunks(cs, ours4a, ctInit), "INIT from us")
	assert.NotZero(t, countChunks(cs, peer4a, ctInit), "INIT from usrsctp")
	if dropInit {
		assert.NotZero(t, countChunks(cs, peer4a, ctInitAck), "INIT ACK from usrsctp (to our INIT, in COOKIE-WAIT)")
	} else {
		assert.NotZero(t, countChunks(cs, ours4a, ctInitAck), "INIT ACK from us (to usrsctp's INIT, in COOKIE-WAIT)")
	}
	assert.Zero(t, countChunks(cs, "", ctAbort), "ABORT")
}

// ipOnlyPcap passes the sniffer's pcap (LINKTYPE_RAW) through without the
// ARP packets it also writes, which readers would decode as garbage IP.
// The sniffer writes the file header, then each record (16-byte header
// and packet), with one Write call each, from the goroutines that send and
// receive: the writes are serialized.
type ipOnlyPcap struct {
	mu sync.Mutex
	w  io.Writer
	// +checklocks:mu
	header bool
}

func (p *ipOnlyPcap) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.header && len(b) > 16 {
		if v := b[16] >> 4; v != 4 && v != 6 {
			return len(b), nil
		}
	}
	p.header = true
	return p.w.Write(b)
}

// dropFirstInit is a link endpoint between the sniffer and fdbased that
// drops the first SCTP packet with an INIT chunk we receive, before the
// capture sees it.
type dropFirstInit struct {
	nested.Endpoint
	dropped atomic.Bool
}

func newDropFirstInit(child stack.LinkEndpoint) *dropFirstInit {
	e := &dropFirstInit{}
	e.Endpoint.Init(child, e)
	return e
}

// DeliverNetworkPacket implements stack.NetworkDispatcher.
func (e *dropFirstInit) DeliverNetworkPacket(protocol tcpip.NetworkProtocolNumber, pkt *stack.PacketBuffer) {
	if protocol == ipv4.ProtocolNumber && !e.dropped.Load() {
		b := pkt.Data().AsRange().ToSlice()
		if len(b) > 20 && b[9] == 132 {
			if hl := int(b[0]&0xf) * 4; len(b) > hl+12 && b[hl+12] == ctInit {
				e.dropped.Store(true)
				return
			}
		}
	}
	e.Endpoint.DeliverNetworkPacket(protocol, pkt)
}
