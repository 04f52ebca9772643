package sctp

import (
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// mhEnv is two hosts joined by two links (two NICs each): the set-up of the
// multihoming tests.
type mhEnv struct {
	*testEnv
	links [2]*sctptest.Link
	// data counts the DATA chunks each link carried from a to b.
	data [2]atomic.Int64
}

// failoverOptions are the options of the failover tests: RTO.Min 100 ms
// and the PF threshold at 0, as the issue asks.
func failoverOptions() Options {
	return Options{RTOMin: 100 * time.Millisecond, RTOInitial: time.Second, HeartbeatInterval: 2 * time.Second}
}

func newMHEnv(t *testing.T, seed uint64, o Options, cfg sctptest.LinkConfig) *mhEnv {
	t.Helper()
	n := sctptest.New(sctptest.Options{
		Seed:               seed,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocolWithOptions(o)},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	e := &mhEnv{}
	for i := range e.links {
		l, err := n.Connect(a, b, cfg)
		require.NoError(t, err)
		e.links[i] = l
		i := i
		l.SetFilter(sctptest.AtoB, func(p sctptest.Packet) sctptest.FilterVerdict {
			e.data[i].Add(int64(countChunks(p.Data, header.ChunkData)))
			return sctptest.PassPacket
		})
	}
	e.testEnv = &testEnv{t: t, n: n, link: e.links[0], a: a, b: b, aAddr: e.links[0].A().IPv4(), bAddr: e.links[0].B().IPv4()}
	return e
}

// countChunks counts the chunks of type typ in IP packet b.
func countChunks(b []byte, typ header.ChunkType) int {
	_, _, proto, payload, err := sctptest.ParseIP(b)
	if err != nil || proto != uint8(ProtocolNumber) || len(payload) < header.SCTPCommonHeaderLen {
		return 0
	}
	n := 0
	it := header.NewChunkIter(payload[header.SCTPCommonHeaderLen:])
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if c.Type() == typ {
			n++
		}
	}
	return n
}

// newEP6 makes an IPv6 (dual-stack) endpoint on h.
func (e *mhEnv) newEP6(h *sctptest.Host) *Endpoint {
	e.t.Helper()
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(ProtocolNumber, ipv6.ProtocolNumber, &wq)
	require.Nil(e.t, err)
	return ep.(*Endpoint)
}

// newEPFor makes an endpoint of the family of addr.
func (e *mhEnv) newEPFor(h *sctptest.Host, v6 bool) *Endpoint {
	if v6 {
		return e.newEP6(h)
	}
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &wq)
	require.Nil(e.t, err)
	return ep.(*Endpoint)
}

// pair sets an association up between a client bound to caddrs (none:
// wildcard) and a listener bound to saddrs on port, the client connecting
// to dial. It waits until every path of both sides is confirmed (or max).
func (e *mhEnv) pair(v6 bool, caddrs, saddrs, dial []tcpip.Address, port uint16) (c, s *Endpoint) {
	e.t.Helper()
	l := e.newEPFor(e.b, v6)
	if len(saddrs) == 0 {
		require.Nil(e.t, l.Bind(tcpip.FullAddress{Port: port}))
	} else {
		require.Nil(e.t, l.BindAddrs(fulls(saddrs, port)))
	}
	require.Nil(e.t, l.Listen(4))
	c = e.newEPFor(e.a, v6)
	if len(caddrs) > 0 {
		require.Nil(e.t, c.BindAddrs(fulls(caddrs, 0)))
	}
	require.IsType(e.t, &tcpip.ErrConnectStarted{}, c.ConnectAddrs(fulls(dial, port)))
	s = e.accept(l, 10*time.Second)
	require.True(e.t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 10*time.Second))
	return c, s
}

func fulls(addrs []tcpip.Address, port uint16) []tcpip.FullAddress {
	out := make([]tcpip.FullAddress, len(addrs))
	for i, a := range addrs {
		out[i] = tcpip.FullAddress{Addr: a, Port: port}
	}
	return out
}

// allConfirmed reports whether every path of ep is out of UNCONFIRMED.
func allConfirmed(ep *Endpoint, want int) bool {
	ps, err := ep.Paths()
	if err != nil || len(ps) != want {
		return false
	}
	for _, p := range ps {
		if p.State == PathUnconfirmed {
			return false
		}
	}
	return true
}

// pathState returns the state of ep's path to addr.
func pathState(t *testing.T, ep *Endpoint, addr tcpip.Address) PathState {
	t.Helper()
	ps, err := ep.Paths()
	require.Nil(t, err)
	for _, p := range ps {
		if p.Addr.Addr == addr {
			return p.State
		}
	}
	t.Fatalf("no path to %v", addr)
	return 0
}

// stream is a sequenced transfer from c to s: numbered messages, checked
// in order on arrival, with the arrival time of each.
type stream struct {
	e        *mhEnv
	c, s     *Endpoint
	size     int
	total    int
	sent     int
	got      int
	arrivals []time.Duration
	buf      []byte
}

func newStream(e *mhEnv, c, s *Endpoint, total, size int) *stream {
	return &stream{e: e, c: c, s: s, total: total, size: size, buf: make([]byte, size)}
}

// step writes what the send buffer takes (at most perStep messages) and
// reads what has arrived, checking the order.
func (st *stream) step(perStep int) {
	t := st.e.t
	for i := 0; i < perStep && st.sent < st.total; i++ {
		binary.BigEndian.PutUint32(st.buf, uint32(st.sent))
		_, err := st.c.WriteMsg(bytesReader(st.buf), SendInfo{})
		if _, wb := err.(*tcpip.ErrWouldBlock); wb {
			break
		}
		require.Nil(t, err)
		st.sent++
	}
	for {
		var w sliceWriter
		_, _, err := st.s.ReadMsg(&w, -1)
		if err != nil {
			_, wb := err.(*tcpip.ErrWouldBlock)
			require.True(t, wb, "read: %v", err)
			return
		}
		require.Len(t, w.b, st.size)
		require.Equal(t, uint32(st.got), binary.BigEndian.Uint32(w.b), "message out of order, lost or duplicated")
		st.got++
		st.arrivals = append(st.arrivals, st.e.n.Elapsed())
	}
}

// run drives the stream until done or cond, in 5 ms steps.
func (st *stream) runUntil(cond func() bool, max time.Duration) bool {
	return st.e.runStep(func() bool {
		st.step(8)
		return cond()
	}, max, 5*time.Millisecond)
}

func (st *stream) done() bool { return st.got == st.total }

// gapAfter returns the time from at to the first arrival after it.
func (st *stream) gapAfter(at time.Duration) time.Duration {
	for _, a := range st.arrivals {
		if a > at {
			return a - at
		}
	}
	return -1
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
