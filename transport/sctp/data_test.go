package sctp

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// dataStreams returns the streams of the DATA chunks of an IP packet.
func dataStreams(ip []byte) []uint16 {
	_, _, proto, payload, err := sctptest.ParseIP(ip)
	if err != nil || proto != uint8(ProtocolNumber) || len(payload) < header.SCTPCommonHeaderLen {
		return nil
	}
	var sids []uint16
	it := header.NewChunkIter(payload[header.SCTPCommonHeaderLen:])
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if c.Type() == header.ChunkData && len(c) >= header.DataChunkHeaderLen {
			sids = append(sids, header.DataChunk(c).StreamIdentifier())
		}
	}
	return sids
}

// TestHeadOfLineStreams: with every packet carrying stream 1's DATA
// dropped for one second, stream 2's messages keep arriving on time
// (RFC 9260 6.6: ordering is per stream), and stream 1's arrive in order
// once the loss ends.
func TestHeadOfLineStreams(t *testing.T) {
	e := newTestEnv(t, 1, Options{RTOMin: 200 * time.Millisecond}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	c.SetNoDelay(true)
	from := e.n.Elapsed() + 100*time.Millisecond
	until := from + time.Second
	e.link.SetFilter(sctptest.AtoB, func(p sctptest.Packet) sctptest.FilterVerdict {
		if p.At >= from && p.At < until {
			for _, sid := range dataStreams(p.Data) {
				if sid == 1 {
					return sctptest.DropPacket
				}
			}
		}
		return sctptest.PassPacket
	})
	sentAt := map[uint32]time.Duration{}
	var lateness []time.Duration
	next1, next2 := uint32(0), uint32(0)
	var buf bytes.Buffer
	read := func() {
		for {
			buf.Reset()
			info, _, err := s.ReadMsg(&buf, -1)
			if err != nil {
				return
			}
			switch info.Stream {
			case 1:
				require.Equal(t, next1, info.PPID, "stream 1 in order")
				next1++
			case 2:
				require.Equal(t, next2, info.PPID, "stream 2 in order")
				next2++
				lateness = append(lateness, e.n.Elapsed()-sentAt[info.PPID])
			}
		}
	}
	msg := make([]byte, 100)
	// Stream 2 every 40 ms, stream 1 every 200 ms (so that its lost
	// chunks, outstanding, stay within the cwnd a T3 leaves: this test is
	// about the receiver's per-stream ordering, not congestion control).
	n1 := uint32(0)
	for i := uint32(0); i < 60; i++ { // 2.4 s of traffic
		if i%5 == 0 {
			e.write(c, msg, SendInfo{Stream: 1, PPID: n1})
			n1++
		}
		e.write(c, msg, SendInfo{Stream: 2, PPID: i})
		sentAt[i] = e.n.Elapsed()
		for k := 0; k < 40; k++ {
			e.n.Advance(time.Millisecond)
			read()
		}
	}
	require.True(t, e.run(func() bool { read(); return next1 == n1 && next2 == 60 }, 30*time.Second))
	for i, l := range lateness {
		require.Less(t, l, 30*time.Millisecond, "stream 2 message %d held back %v", i, l)
	}
	require.NotZero(t, e.link.Stats(sctptest.AtoB).DroppedFilter)
}

// TestNeverReadingReceiver: a receiver that never reads stops the sender
// at its window (zero window probes, RFC 9260 6.1 A) with flat memory on
// both sides, without the association failing; reading resumes the flow.
func TestNeverReadingReceiver(t *testing.T) {
	const rcvbuf = 64 << 10
	const sndbuf = 256 << 10
	e := newTestEnv(t, 1, Options{ReceiveBufferSize: rcvbuf, SendBufferSize: sndbuf, RTOMin: 100 * time.Millisecond, RTOMax: 5 * time.Second},
		sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 2 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	sa := s.getAssoc()
	ca := c.getAssoc()
	msg := make([]byte, 3000)
	written := 0
	var r bytes.Reader
	maxMem := 0
	step := func() {
		for {
			for i := range msg {
				msg[i] = byte(written + i)
			}
			r.Reset(msg)
			if _, err := c.WriteMsg(&r, SendInfo{PPID: uint32(written)}); err != nil {
				require.IsType(t, &tcpip.ErrWouldBlock{}, err)
				break
			}
			written++
		}
		sa.mu.Lock()
		maxMem = max(maxMem, sa.ulp.mem)
		sa.mu.Unlock()
		ca.mu.Lock()
		require.LessOrEqual(t, ca.out.buffered, sndbuf)
		ca.mu.Unlock()
	}
	for i := 0; i < 60*100; i++ { // a minute, never reading
		step()
		e.n.Advance(10 * time.Millisecond)
	}
	require.Equal(t, StateEstablished, e.stateOf(c))
	require.LessOrEqual(t, maxMem, memLimit(rcvbuf))
	st, _ := c.Status()
	require.Zero(t, st.PeerRwnd)
	require.NotZero(t, protoStats(e.a).ZeroWindowProbes.Value())
	stuck := written
	// Now read: everything arrives, in order, and more gets through.
	got := 0
	var buf bytes.Buffer
	ok := e.run(func() bool {
		step()
		for {
			buf.Reset()
			info, _, err := s.ReadMsg(&buf, -1)
			if err != nil {
				break
			}
			require.Equal(t, uint32(got), info.PPID)
			require.Equal(t, byte(got), buf.Bytes()[0])
			got++
		}
		return got > stuck+100
	}, time.Minute)
	require.True(t, ok, "flow did not resume: read %d of %d", got, written)
}

// TestLargeMessagePartialDelivery: a 16 MiB message crosses a 1 MiB
// receive buffer by partial delivery (RecvInfo.Complete false until its
// end), intact, followed by a small one.
func TestLargeMessagePartialDelivery(t *testing.T) {
	e := newTestEnv(t, 1, Options{SendBufferSize: 32 << 20}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond, Loss: 0.01}})
	c, s, _ := e.connectPair(5000)
	big := make([]byte, 16<<20)
	for i := range big {
		big[i] = byte(i * 7 >> 3)
	}
	e.write(c, big, SendInfo{Stream: 3, PPID: 1})
	e.write(c, []byte("after"), SendInfo{Stream: 3, PPID: 2})
	var got bytes.Buffer
	parts, complete := 0, false
	require.True(t, e.runStep(func() bool {
		for !complete {
			info, n, err := s.ReadMsg(&got, -1)
			if err != nil {
				return false
			}
			if n > 0 {
				parts++
			}
			require.Equal(t, uint32(1), info.PPID)
			complete = info.Complete
		}
		return true
	}, 5*time.Minute, 5*time.Millisecond))
	require.Greater(t, parts, 1, "partial delivery")
	require.True(t, bytes.Equal(big, got.Bytes()))
	m, info, err := e.readMsg(s, time.Minute)
	require.Nil(t, err)
	require.Equal(t, "after", string(m))
	require.True(t, info.Complete)
	sa := s.getAssoc()
	sa.mu.Lock()
	require.LessOrEqual(t, sa.ulp.mem, 0)
	sa.mu.Unlock()
}

// TestUnsentMessagesAfterFailure: when the association fails (the peer
// stops answering), the messages it could not deliver are handed back
// whole, in order (RFC 9260 11.1 O, P).
func TestUnsentMessagesAfterFailure(t *testing.T) {
	e := newTestEnv(t, 1, Options{RTOMin: 100 * time.Millisecond, RTOMax: 400 * time.Millisecond, AssociationMaxRetrans: 3},
		sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	e.write(c, []byte("delivered"), SendInfo{})
	m, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "delivered", string(m))
	e.n.Advance(time.Second) // its SACK
	e.link.Cut()
	var want [][]byte
	for i := 0; i < 5; i++ {
		b := bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))
		want = append(want, b)
		e.write(c, b, SendInfo{Stream: uint16(i), PPID: uint32(i)})
	}
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateClosed }, time.Minute))
	require.IsType(t, &tcpip.ErrTimeout{}, c.LastError())
	um := c.UnsentMessages()
	require.Equal(t, 5, len(um))
	for i, u := range um {
		require.Equal(t, want[i], u.Data)
		require.Equal(t, uint16(i), u.Info.Stream)
		require.Equal(t, uint32(i), u.Info.PPID)
	}
	require.True(t, um[0].Sent)
	require.Nil(t, c.UnsentMessages(), "handed back once")
}

// TestNagleBundling: small messages written while data is outstanding
// wait and share packets (the Nagle-like default); with SetNoDelay each
// goes at once in its own packet. Either way all arrive, in order.
func TestNagleBundling(t *testing.T) {
	for _, nodelay := range []bool{false, true} {
		e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
		c, s, _ := e.connectPair(5000)
		c.SetNoDelay(nodelay)
		capt := e.link.Capture(sctptest.AtoB)
		for i := 0; i < 20; i++ {
			e.write(c, []byte{byte(i)}, SendInfo{PPID: uint32(i)})
		}
		for i := 0; i < 20; i++ {
			m, info, err := e.readMsg(s, time.Second)
			require.Nil(t, err)
			require.Equal(t, uint32(i), info.PPID)
			require.Equal(t, []byte{byte(i)}, m)
		}
		pkts := 0
		for _, p := range capt.Packets() {
			if len(dataStreams(p.Data)) > 0 {
				pkts++
			}
		}
		if nodelay {
			require.Equal(t, 20, pkts, "no delay: one packet per message")
		} else {
			require.Equal(t, 2, pkts, "Nagle: the first alone, the rest bundled")
		}
	}
}

// TestManyStreams: up to 65535 streams as negotiated; the inbound stream
// table grows only as far as the streams used.
func TestManyStreams(t *testing.T) {
	e := newTestEnv(t, 1, Options{OutStreams: 65535}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	st, _ := c.Status()
	require.Equal(t, uint16(65535), st.OutStreams)
	for _, sid := range []uint16{65534, 0, 40000} {
		e.write(c, []byte{byte(sid)}, SendInfo{Stream: sid})
		m, info, err := e.readMsg(s, time.Second)
		require.Nil(t, err)
		require.Equal(t, sid, info.Stream)
		require.Equal(t, []byte{byte(sid)}, m)
	}
	var r bytes.Reader
	_, err := c.WriteMsg(&r, SendInfo{Stream: 0})
	require.Nil(t, err, "empty message: nothing sent")
	r.Reset([]byte("x"))
	e2 := newTestEnv(t, 2, Options{}, sctptest.LinkConfig{})
	c2, _, _ := e2.connectPair(5000)
	_, err = c2.WriteMsg(&r, SendInfo{Stream: 10})
	require.IsType(t, &tcpip.ErrInvalidOptionValue{}, err, "stream beyond the 10 negotiated")
}

// TestShutdownDeliversAll: SHUTDOWN waits until everything sent is
// acknowledged (RFC 9260 9.2), even on a lossy path.
func TestShutdownDeliversAll(t *testing.T) {
	e := newTestEnv(t, 3, Options{RTOMin: 100 * time.Millisecond}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond, Loss: 0.05}})
	c, s, _ := e.connectPair(5000)
	for i := 0; i < 50; i++ {
		e.write(c, bytes.Repeat([]byte{byte(i)}, 3000), SendInfo{PPID: uint32(i)})
	}
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	got := 0
	var buf bytes.Buffer
	require.True(t, e.run(func() bool {
		for {
			buf.Reset()
			info, _, err := s.ReadMsg(&buf, -1)
			if err != nil {
				break
			}
			require.Equal(t, uint32(got), info.PPID)
			got++
		}
		return e.stateOf(c) == StateClosed && e.stateOf(s) == StateClosed
	}, time.Minute))
	require.Equal(t, 50, got)
	require.Nil(t, c.UnsentMessages())
}

// TestPMTURefragment: after ICMP Packet Too Big, queued messages not yet
// begun are cut again to the new path MTU, and every packet sent after
// fits it (a middlebox drops larger ones).
func TestPMTURefragment(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{MTU: 1500, Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	big := make([]byte, 100<<10)
	for i := range big {
		big[i] = byte(i)
	}
	e.write(c, big, SendInfo{PPID: 1})
	e.write(c, big[:50<<10], SendInfo{PPID: 2})
	// The first packets are on the wire; now the path shrinks.
	a := c.getAssoc()
	la, _ := c.GetLocalAddress()
	a.mu.Lock()
	tag := a.peerVtag
	a.mu.Unlock()
	pkt := icmpPayload(la.Port, 5000, tag)
	a.dmx.HandleError(fakeTransportError{kind: stack.PacketTooBigTransportError, info: 1000}, pkt)
	pkt.DecRef()
	st, _ := c.Status()
	require.Equal(t, 1000, st.Primary.MTU)
	e.link.UpdateImpairments(sctptest.AtoB, func(im *sctptest.Impairments) { im.MTU = 1020 })
	for _, want := range [][]byte{big, big[:50<<10]} {
		m, _, err := e.readMsg(s, time.Minute)
		require.Nil(t, err)
		require.True(t, bytes.Equal(want, m))
	}
	require.Zero(t, e.link.Stats(sctptest.AtoB).DroppedMTU, "a packet did not fit the new path MTU")
}

// TestUnsentMessagesAfterAbort: the ABORT primitive hands back what was
// not acknowledged too.
func TestUnsentMessagesAfterAbort(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond}})
	c, _, _ := e.connectPair(5000)
	e.link.Cut()
	e.write(c, []byte("one"), SendInfo{PPID: 1})
	e.write(c, []byte("two"), SendInfo{PPID: 2})
	c.Abort()
	um := c.UnsentMessages()
	require.Equal(t, 2, len(um))
	require.Equal(t, "one", string(um[0].Data))
	require.True(t, um[0].Sent)
	require.Equal(t, "two", string(um[1].Data))
}

// TestSmallMessagesFillWindowWithoutDrops: a sender that fills the
// advertised window with 64-byte messages while the reader lags is not
// overrun: the window counts user data, the buffer's bound (memLimit)
// leaves room for each chunk's overhead, so no chunk is dropped and sent
// again; then everything arrives in order.
func TestSmallMessagesFillWindowWithoutDrops(t *testing.T) {
	const rcvbuf = 64 << 10
	e := newTestEnv(t, 1, Options{ReceiveBufferSize: rcvbuf, SendBufferSize: 4 * rcvbuf},
		sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	const count = 4 * rcvbuf / 64
	written, got := 0, 0
	msg := make([]byte, 64)
	for round := 0; got < count; round++ {
		require.Less(t, round, 10000)
		for ; written < count; written++ {
			binary.BigEndian.PutUint32(msg, uint32(written))
			var r bytes.Reader
			r.Reset(msg)
			if _, err := c.WriteMsg(&r, SendInfo{}); err != nil {
				break
			}
		}
		e.n.Advance(5 * time.Millisecond)
		if round%4 == 3 { // the reader lags: it reads every fourth step
			for {
				var b bytes.Buffer
				if _, _, err := s.ReadMsg(&b, -1); err != nil {
					break
				}
				require.Equal(t, uint32(got), binary.BigEndian.Uint32(b.Bytes()))
				got++
			}
		}
	}
	require.Zero(t, protoStats(e.b).DataDropped.Value(), "chunks dropped for want of buffer")
}
