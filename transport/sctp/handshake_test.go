package sctp

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

func TestHandshake(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	require.Equal(t, StateEstablished, e.stateOf(s))
	st, err := c.Status()
	require.Nil(t, err)
	require.Equal(t, uint16(10), st.OutStreams)
	require.Equal(t, uint16(10), st.InStreams)
	ra, err := s.GetRemoteAddress()
	require.Nil(t, err)
	require.Equal(t, e.aAddr, ra.Addr)
	require.EqualValues(t, 1, protoStats(e.a).ActiveEstablished.Value())
	require.EqualValues(t, 1, protoStats(e.b).PassiveEstablished.Value())

	// Data both ways, message boundaries kept.
	e.write(c, []byte("hello"), SendInfo{})
	e.write(c, []byte("world!"), SendInfo{Stream: 3, PPID: 42})
	m, info, rerr := e.readMsg(s, time.Second)
	require.Nil(t, rerr)
	require.Equal(t, "hello", string(m))
	require.True(t, info.Complete)
	m, info, rerr = e.readMsg(s, time.Second)
	require.Nil(t, rerr)
	require.Equal(t, "world!", string(m))
	require.Equal(t, uint16(3), info.Stream)
	require.Equal(t, uint32(42), info.PPID)
	e.write(s, []byte("back"), SendInfo{})
	m, _, rerr = e.readMsg(c, time.Second)
	require.Nil(t, rerr)
	require.Equal(t, "back", string(m))
}

func TestHandshakeLargeMessage(t *testing.T) {
	e := newTestEnv(t, 2, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	big := make([]byte, 100000)
	for i := range big {
		big[i] = byte(i * 7)
	}
	e.write(c, big, SendInfo{})
	m, info, err := e.readMsg(s, 10*time.Second)
	require.Nil(t, err)
	require.True(t, info.Complete)
	require.Equal(t, big, m)
}

func TestHandshakeNoListener(t *testing.T) {
	e := newTestEnv(t, 3, Options{}, sctptest.LinkConfig{})
	c := e.dial(e.a, e.bAddr, 5001)
	start := e.n.Elapsed()
	var err tcpip.Error
	require.True(t, e.run(func() bool { err = c.LastError(); return err != nil }, 5*time.Second))
	require.IsType(t, &tcpip.ErrConnectionRefused{}, err)
	require.Less(t, e.n.Elapsed()-start, 100*time.Millisecond)
	require.EqualValues(t, 1, protoStats(e.b).OutOfTheBluePackets.Value())
	require.EqualValues(t, 1, protoStats(e.b).AbortsSent.Value())
}

func TestHandshakeBindPortInUse(t *testing.T) {
	e := newTestEnv(t, 4, Options{}, sctptest.LinkConfig{})
	l := e.listen(e.b, 5000)
	ep, _ := e.newEP(e.b)
	require.IsType(t, &tcpip.ErrPortInUse{}, ep.Bind(tcpip.FullAddress{Port: 5000}))
	require.IsType(t, &tcpip.ErrPortInUse{}, ep.Bind(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	// Ephemeral ports come from the port manager.
	require.Nil(t, ep.Bind(tcpip.FullAddress{}))
	la, _ := ep.GetLocalAddress()
	require.NotZero(t, la.Port)
	ep.Close()
	l.Close()
	// Closing released both.
	ep2, _ := e.newEP(e.b)
	require.Nil(t, ep2.Bind(tcpip.FullAddress{Port: 5000}))
	ep2.Close()
	require.Empty(t, e.b.Stack().RegisteredEndpoints())
}

func TestHandshakePartialAndPeekReads(t *testing.T) {
	e := newTestEnv(t, 5, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.write(c, []byte("0123456789"), SendInfo{PPID: 7})
	e.write(c, []byte("next"), SendInfo{})
	require.True(t, e.run(func() bool { return s.Readiness(waiterReadable) != 0 }, time.Second))
	var b bytes.Buffer
	res, err := s.Read(&b, tcpip.ReadOptions{Peek: true})
	require.Nil(t, err)
	require.Equal(t, 10, res.Count)
	b.Reset()
	info, n, err := s.ReadMsg(&b, 4)
	require.Nil(t, err)
	require.Equal(t, 4, n)
	require.False(t, info.Complete)
	require.Equal(t, uint32(7), info.PPID)
	info, n, err = s.ReadMsg(&b, -1)
	require.Nil(t, err)
	require.Equal(t, 6, n)
	require.True(t, info.Complete)
	require.Equal(t, "0123456789", b.String())
	// "next" may wait for the SACK of the first (Nagle-like coalescing).
	got, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "next", string(got))
}

func TestHandshakeRequestHeartbeat(t *testing.T) {
	e := newTestEnv(t, 6, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 50 * time.Millisecond}})
	c, _, _ := e.connectPair(5000)
	require.Nil(t, c.RequestHeartbeat())
	e.n.Advance(time.Second)
	st, err := c.Status()
	require.Nil(t, err)
	require.InDelta(t, 100*time.Millisecond, st.Primary.SRTT, float64(20*time.Millisecond))
	require.NotZero(t, protoStats(e.b).ChunksSent[5].Value()) // HEARTBEAT ACK
}
