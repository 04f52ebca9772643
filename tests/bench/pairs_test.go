package bench

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// bufSize is both protocols' send and receive buffer in the throughput
// benchmarks: the same for SCTP, TCP and UDP, large enough that neither
// window limits an in-memory link.
const bufSize = 4 << 20

// sctpOptions are SCTP's protocol options for the real-clock benchmarks.
func sctpOptions() sctp.Options {
	return sctp.Options{SendBufferSize: bufSize, ReceiveBufferSize: bufSize}
}

// newLink returns a real-clock network of two hosts with SCTP, TCP and UDP
// (TCP with SACK and bufSize buffers) joined by one clean link of the
// given MTU. The network is closed with the benchmark.
func newLink(tb testing.TB, mtu uint32, o sctp.Options) (*sctptest.Network, *sctptest.Link) {
	tb.Helper()
	n := sctptest.New(sctptest.Options{
		Seed:               1,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(o), tcp.NewProtocol, udp.NewProtocol},
	})
	tb.Cleanup(n.Close)
	ha, hb := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(ha, hb, sctptest.LinkConfig{MTU: mtu})
	require.NoError(tb, err)
	tuneTCP(tb, ha, hb)
	return n, l
}

// tuneTCP gives TCP SACK and bufSize buffers, as SCTP has.
func tuneTCP(tb testing.TB, hs ...*sctptest.Host) {
	for _, h := range hs {
		sack := tcpip.TCPSACKEnabled(true)
		rs := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: bufSize, Max: 2 * bufSize}
		ss := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: bufSize, Max: 2 * bufSize}
		for _, o := range []tcpip.SettableTransportProtocolOption{&sack, &rs, &ss} {
			require.Nil(tb, h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, o))
		}
	}
}

// conn is one end of an association or connection with its wait queue.
type conn struct {
	ep tcpip.Endpoint
	wq *waiter.Queue
}

// connect opens one association (SCTP) or connection (TCP) from link side
// A to a listener on side B and returns the client and the accepted end.
// Both are closed with the benchmark.
func connect(tb testing.TB, l *sctptest.Link, proto tcpip.TransportProtocolNumber, port uint16) (client, server conn) {
	tb.Helper()
	var lwq waiter.Queue
	lep, err := l.B().Host().Stack().NewEndpoint(proto, ipv4.ProtocolNumber, &lwq)
	require.Nil(tb, err)
	defer lep.Close()
	require.Nil(tb, lep.Bind(tcpip.FullAddress{Port: port}))
	require.Nil(tb, lep.Listen(16))
	client.wq = &waiter.Queue{}
	client.ep, err = l.A().Host().Stack().NewEndpoint(proto, ipv4.ProtocolNumber, client.wq)
	require.Nil(tb, err)
	ce, cch := waiter.NewChannelEntry(waiter.WritableEvents)
	client.wq.EventRegister(&ce)
	defer client.wq.EventUnregister(&ce)
	client.ep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: port})
	select {
	case <-cch:
	case <-time.After(10 * time.Second):
		tb.Fatal("connect timed out")
	}
	le, lch := waiter.NewChannelEntry(waiter.ReadableEvents)
	lwq.EventRegister(&le)
	defer lwq.EventUnregister(&le)
	for deadline := time.Now().Add(10 * time.Second); server.ep == nil; {
		server.ep, server.wq, _ = lep.Accept(nil)
		if server.ep != nil {
			break
		}
		select {
		case <-lch:
		case <-time.After(time.Until(deadline)):
			tb.Fatal("accept timed out")
		}
	}
	tb.Cleanup(func() { client.ep.Close(); server.ep.Close() })
	return client, server
}

// udpPair returns connected UDP endpoints from side A to side B with
// bufSize buffers.
func udpPair(tb testing.TB, l *sctptest.Link, port uint16) (client, server conn) {
	tb.Helper()
	mk := func(h *sctptest.Host) conn {
		c := conn{wq: &waiter.Queue{}}
		var err tcpip.Error
		c.ep, err = h.Stack().NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, c.wq)
		require.Nil(tb, err)
		c.ep.SocketOptions().SetReceiveBufferSize(bufSize, true)
		c.ep.SocketOptions().SetSendBufferSize(bufSize, true)
		tb.Cleanup(func() { c.ep.Close() })
		return c
	}
	client, server = mk(l.A().Host()), mk(l.B().Host())
	require.Nil(tb, server.ep.Bind(tcpip.FullAddress{Addr: l.B().IPv4(), Port: port}))
	require.Nil(tb, client.ep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: port}))
	return client, server
}

// counter counts what a receiver got and wakes a waiter when a target is
// reached.
type counter struct {
	n    atomic.Int64
	want atomic.Int64
	wake chan struct{}
}

func newCounter() *counter { return &counter{wake: make(chan struct{}, 1)} }

func (c *counter) add(k int64) {
	if c.n.Add(k) >= c.want.Load() {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// waitFor blocks until the count reaches v.
func (c *counter) waitFor(v int64) {
	c.want.Store(v)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for c.n.Load() < v {
		t.Reset(5 * time.Millisecond)
		select {
		case <-c.wake:
		case <-t.C:
		}
	}
}

// sink discards what it is given.
type sink struct{ n int }

func (w *sink) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// receive reads from c until it is closed, counting bytes (or, with
// perRead, reads) into cnt. It runs on its own goroutine.
func receive(c conn, cnt *counter, perRead bool) {
	re, rch := waiter.NewChannelEntry(waiter.ReadableEvents)
	c.wq.EventRegister(&re)
	defer c.wq.EventUnregister(&re)
	var w sink
	// One timer for all waits: the harness should not allocate per wait,
	// or it shows in the allocations per message.
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		w.n = 0
		_, err := c.ep.Read(&w, tcpip.ReadOptions{})
		switch err.(type) {
		case nil:
			if perRead {
				cnt.add(1)
			} else {
				cnt.add(int64(w.n))
			}
		case *tcpip.ErrWouldBlock:
			t.Reset(10 * time.Millisecond)
			select {
			case <-rch:
			case <-t.C:
			}
		default:
			return
		}
	}
}

// writer writes messages of one size to an endpoint, waiting when the
// send buffer is full.
type writer struct {
	c   conn
	msg []byte
	r   bytes.Reader
	we  waiter.Entry
	wch chan struct{}
	t   *time.Timer
}

func newWriter(c conn, size int) *writer {
	w := &writer{c: c, msg: make([]byte, size), t: time.NewTimer(time.Hour)}
	w.t.Stop()
	w.we, w.wch = waiter.NewChannelEntry(waiter.WritableEvents)
	c.wq.EventRegister(&w.we)
	return w
}

// write sends one message (or, on a byte stream, size bytes).
func (w *writer) write(tb testing.TB) {
	for off := 0; off < len(w.msg); {
		w.r.Reset(w.msg[off:])
		n, err := w.c.ep.Write(&w.r, tcpip.WriteOptions{})
		if err != nil {
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
				tb.Fatal(err)
			}
			w.t.Reset(10 * time.Millisecond)
			select {
			case <-w.wch:
			case <-w.t.C:
			}
			continue
		}
		off += int(n)
	}
}
