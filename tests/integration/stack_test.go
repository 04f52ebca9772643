package integration

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// world is two hosts carrying TCP, UDP and SCTP, joined by one link with
// IPv4 and IPv6 addresses, on the real clock.
type world struct {
	net    *sctptest.Network
	link   *sctptest.Link
	client *stack.Stack
	server *stack.Stack
}

func newWorld(t *testing.T) *world {
	t.Helper()
	n := sctptest.New(sctptest.Options{
		RealClock: true,
		Seed:      1,
		TransportProtocols: []stack.TransportProtocolFactory{
			tcp.NewProtocol, udp.NewProtocol, sctp.NewProtocol,
		},
	})
	t.Cleanup(n.Close)
	c, s := n.AddHost("client"), n.AddHost("server")
	l, err := n.Connect(c, s, sctptest.LinkConfig{})
	require.NoError(t, err)
	return &world{net: n, link: l, client: c.Stack(), server: s.Stack()}
}

// serverAddr is the server's address of the family asked for.
func (w *world) serverAddr(v6 bool) tcpip.Address {
	if v6 {
		return w.link.B().IPv6()
	}
	return w.link.B().IPv4()
}

// echo serves every accepted connection of ln by writing back what it reads.
func echo(t *testing.T, ln net.Listener) {
	t.Helper()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
}

// The three transports share the stacks, the link and even the port
// number: each protocol has its own port space, and SCTP's packets reach
// SCTP only.
func TestSCTPBesideTCPAndUDP(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		t.Run(fmt.Sprintf("ipv6=%v", v6), func(t *testing.T) {
			w := newWorld(t)
			proto := ipv4.ProtocolNumber
			if v6 {
				proto = ipv6.ProtocolNumber
			}
			full := tcpip.FullAddress{Addr: w.serverAddr(v6), Port: 7000}

			sl, err := adapter.Listen(w.server, adapter.AddrFromFullAddress(full))
			require.NoError(t, err)
			defer sl.Close()
			echo(t, sl)
			tl, err := gonet.ListenTCP(w.server, full, proto)
			require.NoError(t, err)
			defer tl.Close()
			echo(t, tl)
			uc, err := gonet.DialUDP(w.server, &full, nil, proto)
			require.NoError(t, err)
			defer uc.Close()
			go func() {
				buf := make([]byte, 2048)
				for {
					n, from, err := uc.ReadFrom(buf)
					if err != nil {
						return
					}
					uc.WriteTo(buf[:n], from)
				}
			}()

			sc, err := adapter.Dial(w.client, adapter.AddrFromFullAddress(full))
			require.NoError(t, err)
			defer sc.Close()
			tc, err := gonet.DialTCP(w.client, full, proto)
			require.NoError(t, err)
			defer tc.Close()
			ucl, err := gonet.DialUDP(w.client, nil, &full, proto)
			require.NoError(t, err)
			defer ucl.Close()

			for i := 0; i < 20; i++ {
				for name, c := range map[string]net.Conn{"sctp": sc, "tcp": tc, "udp": ucl} {
					msg := []byte(fmt.Sprintf("%s message %d", name, i))
					require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
					_, err := c.Write(msg)
					require.NoError(t, err, name)
					got := make([]byte, len(msg))
					_, err = io.ReadFull(c, got)
					require.NoError(t, err, name)
					require.Equal(t, msg, got, name)
				}
			}

			st, err := sc.Status()
			require.NoError(t, err)
			assert.Equal(t, sctp.StateEstablished, st.State)
		})
	}
}

// Many associations at once on one listener, each on its own streams: every
// message comes back to the association that sent it, intact, with its
// stream and PPID, and in order per stream.
func TestConcurrentAssociationsKeepTheirMessages(t *testing.T) {
	w := newWorld(t)
	full := tcpip.FullAddress{Addr: w.serverAddr(false), Port: 7001}
	ln, err := adapter.Listen(w.server, adapter.AddrFromFullAddress(full))
	require.NoError(t, err)
	defer ln.Close()

	// The server echoes each message on the stream and PPID it came on.
	go func() {
		for {
			c, err := ln.AcceptSCTP()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, info, err := c.ReadMsg(buf)
					if err != nil {
						return
					}
					if _, err := c.WriteMsg(buf[:n], &adapter.SendInfo{Stream: info.Stream, PPID: info.PPID}); err != nil {
						return
					}
				}
			}()
		}
	}()

	const clients, streams, perStream = 16, 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for id := 0; id < clients; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- runClient(w, full, id, streams, perStream)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

// runClient sends perStream messages on each of streams streams and checks
// that the echoes come back whole, in order per stream, with the PPID that
// names this client.
func runClient(w *world, full tcpip.FullAddress, id, streams, perStream int) error {
	d := adapter.Dialer{InitMsg: &adapter.InitMsg{OutStreams: uint16(streams), MaxInStreams: uint16(streams)}}
	c, err := d.DialContext(context.Background(), w.client, adapter.AddrFromFullAddress(full))
	if err != nil {
		return fmt.Errorf("client %d: dial: %w", id, err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		return err
	}
	want := func(s, i int) []byte {
		return bytes.Repeat([]byte{byte(id), byte(s), byte(i)}, 1+(id*7+s*13+i*31)%400)
	}
	for i := 0; i < perStream; i++ {
		for s := 0; s < streams; s++ {
			if _, err := c.WriteMsg(want(s, i), &adapter.SendInfo{Stream: uint16(s), PPID: uint32(id)}); err != nil {
				return fmt.Errorf("client %d: write: %w", id, err)
			}
		}
	}
	next := make([]int, streams)
	buf := make([]byte, 64<<10)
	for got := 0; got < streams*perStream; got++ {
		n, info, err := c.ReadMsg(buf)
		if err != nil {
			return fmt.Errorf("client %d: read after %d messages: %w", id, got, err)
		}
		s := int(info.Stream)
		if s >= streams || info.PPID != uint32(id) || !info.Complete {
			return fmt.Errorf("client %d: unexpected message info %+v", id, info)
		}
		if !bytes.Equal(buf[:n], want(s, next[s])) {
			return fmt.Errorf("client %d: stream %d message %d differs", id, s, next[s])
		}
		next[s]++
	}
	return nil
}
