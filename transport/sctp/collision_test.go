package sctp

import (
	"bytes"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/waiter"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

func TestHandshakeUnderLoss(t *testing.T) {
	for seed := uint64(40); seed < 44; seed++ {
		e := newTestEnv(t, seed, Options{MaxInitRetransmits: 20}, sctptest.LinkConfig{
			Impairments: sctptest.Impairments{Loss: 0.5},
		})
		l := e.listen(e.b, 5000)
		c := e.dial(e.a, e.bAddr, 5000)
		s := e.accept(l, 10*time.Minute)
		require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 10*time.Minute))
		// Data survives the loss too (T3-rtx).
		e.write(c, []byte("lossy"), SendInfo{})
		m, _, err := e.readMsg(s, 10*time.Minute)
		require.Nil(t, err)
		require.Equal(t, "lossy", string(m))
		require.NotZero(t, protoStats(e.a).Retransmissions[timerT1Init].Value()+
			protoStats(e.a).Retransmissions[timerT1Cookie].Value()+
			protoStats(e.a).Retransmissions[timerT3Rtx].Value())
	}
}

func TestHandshakeT1Exhausted(t *testing.T) {
	e := newTestEnv(t, 45, Options{MaxInitRetransmits: 3}, sctptest.LinkConfig{})
	e.link.Cut()
	c := e.dial(e.a, e.bAddr, 5000)
	var err tcpip.Error
	require.True(t, e.run(func() bool { err = c.LastError(); return err != nil }, 2*time.Minute))
	require.IsType(t, &tcpip.ErrTimeout{}, err)
	require.EqualValues(t, 3, protoStats(e.a).Retransmissions[timerT1Init].Value())
	require.True(t, gone(c))
}

func TestCollisionSimultaneousOpen(t *testing.T) {
	e := newTestEnv(t, 50, Options{}, sctptest.LinkConfig{})
	ca, _ := e.newEP(e.a)
	cb, _ := e.newEP(e.b)
	require.Nil(t, ca.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, cb.Bind(tcpip.FullAddress{Port: 5000}))
	require.IsType(t, &tcpip.ErrConnectStarted{}, ca.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	require.IsType(t, &tcpip.ErrConnectStarted{}, cb.Connect(tcpip.FullAddress{Addr: e.aAddr, Port: 5000}))
	require.True(t, e.run(func() bool {
		return e.stateOf(ca) == StateEstablished && e.stateOf(cb) == StateEstablished
	}, 10*time.Second))
	// One association, not two: data flows.
	e.write(ca, []byte("ping"), SendInfo{})
	m, _, err := e.readMsg(cb, time.Second)
	require.Nil(t, err)
	require.Equal(t, "ping", string(m))
	e.write(cb, []byte("pong"), SendInfo{})
	m, _, err = e.readMsg(ca, time.Second)
	require.Nil(t, err)
	require.Equal(t, "pong", string(m))
}

func TestRestartPeerNoticed(t *testing.T) {
	e := newTestEnv(t, 60, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	la, _ := c.GetLocalAddress()
	// a "crashes": its ABORT is lost, b does not notice.
	e.link.CutDir(sctptest.AtoB)
	c.Abort()
	e.n.Advance(10 * time.Millisecond)
	e.link.HealDir(sctptest.AtoB)
	// a comes back on the same port and associates again (RFC 9260
	// 5.2.4.1): b finds its TCB, answers with Tie-Tags, and case A resets
	// the association.
	c2, _ := e.newEP(e.a)
	require.Nil(t, c2.Bind(tcpip.FullAddress{Port: la.Port}))
	require.IsType(t, &tcpip.ErrConnectStarted{}, c2.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	require.True(t, e.run(func() bool { return e.stateOf(c2) == StateEstablished }, 10*time.Second))
	st, err := s.Status()
	require.Nil(t, err)
	require.Equal(t, 1, st.Restarts)
	require.Equal(t, StateEstablished, st.State)
	require.EqualValues(t, 1, protoStats(e.b).Restarts.Value())
	e.write(c2, []byte("after restart"), SendInfo{})
	m, _, rerr := e.readMsg(s, time.Second)
	require.Nil(t, rerr)
	require.Equal(t, "after restart", string(m))
}

func TestHandshakeIPv6(t *testing.T) {
	e := newTestEnv(t, 61, Options{}, sctptest.LinkConfig{})
	var wq1, wq2 waiter.Queue
	lep, err := e.b.Stack().NewEndpoint(ProtocolNumber, ipv6.ProtocolNumber, &wq1)
	require.Nil(t, err)
	l := lep.(*Endpoint)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, l.Listen(4))
	cep, err := e.a.Stack().NewEndpoint(ProtocolNumber, ipv6.ProtocolNumber, &wq2)
	require.Nil(t, err)
	c := cep.(*Endpoint)
	require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.link.B().IPv6(), Port: 5000}))
	s := e.accept(l, 5*time.Second)
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 5*time.Second))
	e.write(c, []byte("six"), SendInfo{})
	m, _, rerr := e.readMsg(s, time.Second)
	require.Nil(t, rerr)
	require.Equal(t, "six", string(m))
	ra, _ := s.GetRemoteAddress()
	require.Equal(t, e.link.A().IPv6(), ra.Addr)
}

func TestCookieStaleRetryWithPreservative(t *testing.T) {
	// A 1 s cookie life and a 1.2 s round trip: the first COOKIE ECHO
	// arrives stale, the client asks for a longer life (RFC 9260 5.2.6)
	// and the second attempt succeeds.
	e := newTestEnv(t, 62, Options{ValidCookieLife: time.Second, RTOInitial: 3 * time.Second, RTOMin: 3 * time.Second},
		sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 600 * time.Millisecond}})
	l := e.listen(e.b, 5000)
	c := e.dial(e.a, e.bAddr, 5000)
	e.accept(l, 30*time.Second)
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 30*time.Second))
	require.EqualValues(t, 1, protoStats(e.b).StaleCookies.Value())
}

func TestHandshakeBulkTransfer(t *testing.T) {
	e := newTestEnv(t, 63, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	const msgs, size = 400, 9000
	sent, got := 0, 0
	buf := make([]byte, size)
	var sink bytes.Buffer
	require.True(t, e.runStep(func() bool {
		for sent < msgs {
			buf[0] = byte(sent)
			if _, err := c.WriteMsg(bytes.NewReader(buf), SendInfo{Stream: uint16(sent % 10)}); err != nil {
				require.IsType(t, &tcpip.ErrWouldBlock{}, err)
				break
			}
			sent++
		}
		for {
			sink.Reset()
			_, n, err := s.ReadMsg(&sink, -1)
			if err != nil {
				break
			}
			require.Equal(t, size, n)
			got++
		}
		return got == msgs
	}, time.Minute, time.Millisecond))
}

func TestHandshakeBulkTransferUnderLoss(t *testing.T) {
	e := newTestEnv(t, 64, Options{RTOMin: 200 * time.Millisecond, RTOInitial: 200 * time.Millisecond}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond, Loss: 0.03, Reorder: 0.02, Duplicate: 0.02}})
	c, s, _ := e.connectPair(5000)
	const msgs, size = 200, 3000
	sent, got := 0, 0
	buf := make([]byte, size)
	var sink bytes.Buffer
	require.True(t, e.runStep(func() bool {
		for sent < msgs {
			buf[0] = byte(sent)
			if _, err := c.WriteMsg(bytes.NewReader(buf), SendInfo{}); err != nil {
				require.IsType(t, &tcpip.ErrWouldBlock{}, err)
				break
			}
			sent++
		}
		for {
			sink.Reset()
			_, n, err := s.ReadMsg(&sink, -1)
			if err != nil {
				break
			}
			require.Equal(t, size, n)
			require.Equal(t, byte(got), sink.Bytes()[0], "order")
			got++
		}
		return got == msgs
	}, 5*time.Minute, 5*time.Millisecond))
	st := protoStats(e.a)
	require.NotZero(t, st.Retransmissions[timerT3Rtx].Value()+st.FastRetransmits.Value())
}

// TestHandshakeSupportedExtensions exercises the Supported Extensions path
// of INIT and INIT ACK (RFC 5061 4.2.7), though no extension exists yet.
func TestHandshakeSupportedExtensions(t *testing.T) {
	e := newTestEnv(t, 65, Options{}, sctptest.LinkConfig{})
	for _, h := range []*sctptest.Host{e.a, e.b} {
		h.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol).extensions = []header.ChunkType{header.ChunkForwardTSN}
	}
	c, s, _ := e.connectPair(5000)
	e.write(c, []byte("ext"), SendInfo{})
	m, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "ext", string(m))
}

// TestCollisionInitInCookieEchoed makes a's INIT (a retransmission) reach b
// while b is in COOKIE-ECHOED: b answers with an INIT ACK carrying its
// original tag and the Tie-Tags (RFC 9260 5.2.1), and the two cookies
// resolve to one association.
func TestCollisionInitInCookieEchoed(t *testing.T) {
	e := newTestEnv(t, 66, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
	ca, _ := e.newEP(e.a)
	cb, _ := e.newEP(e.b)
	require.Nil(t, ca.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, cb.Bind(tcpip.FullAddress{Port: 5000}))
	e.link.CutDir(sctptest.AtoB)
	require.IsType(t, &tcpip.ErrConnectStarted{}, ca.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	e.n.Advance(500 * time.Millisecond) // a's first INIT is lost
	e.link.HealDir(sctptest.AtoB)
	require.IsType(t, &tcpip.ErrConnectStarted{}, cb.Connect(tcpip.FullAddress{Addr: e.aAddr, Port: 5000}))
	// b's INIT reaches a, a's INIT ACK reaches b: b is in COOKIE-ECHOED;
	// its COOKIE ECHO is lost.
	require.True(t, e.runStep(func() bool { return e.stateOf(cb) == StateCookieEchoed }, time.Second, time.Millisecond))
	e.link.CutDir(sctptest.BtoA)
	// a's T1-init fires and its INIT reaches b in COOKIE-ECHOED.
	require.True(t, e.runStep(func() bool {
		ab := cb.getAssoc()
		ab.mu.Lock()
		defer ab.mu.Unlock()
		return ab.localTieTag != 0
	}, 2*time.Second, time.Millisecond))
	e.link.HealDir(sctptest.BtoA)
	require.True(t, e.run(func() bool {
		return e.stateOf(ca) == StateEstablished && e.stateOf(cb) == StateEstablished
	}, 10*time.Second))
	e.write(ca, []byte("one association"), SendInfo{})
	m, _, err := e.readMsg(cb, time.Second)
	require.Nil(t, err)
	require.Equal(t, "one association", string(m))
}

func TestHandshakeSmallReceiveWindow(t *testing.T) {
	e := newTestEnv(t, 67, Options{ReceiveBufferSize: 8 << 10}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	const msgs, size = 100, 3000
	sent, got := 0, 0
	buf := make([]byte, size)
	var sink bytes.Buffer
	start := e.n.Elapsed()
	require.True(t, e.runStep(func() bool {
		for sent < msgs {
			if _, err := c.WriteMsg(bytes.NewReader(buf), SendInfo{}); err != nil {
				break
			}
			sent++
		}
		// A slow reader: one message per step.
		sink.Reset()
		if _, _, err := s.ReadMsg(&sink, -1); err == nil {
			got++
		}
		return got == msgs
	}, time.Minute, 5*time.Millisecond))
	// Flow control, not timeouts, paced the sender.
	require.Zero(t, protoStats(e.a).Timeouts[timerT3Rtx].Value())
	require.Less(t, e.n.Elapsed()-start, 5*time.Second)
}
