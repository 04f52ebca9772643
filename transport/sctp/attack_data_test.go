package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// A hostile peer (it knows the tags: it is the peer) sends DATA and other
// chunks meant to make us hold memory, answer too much, or crash. The raw
// peer is the test (rawPeerEnv); what b answers is in the capture.

// udata encodes an unordered one-fragment DATA chunk.
func udata(tsn uint32, sid uint16, payload []byte) []byte {
	b := make([]byte, header.PaddedLen(header.DataChunkLen(len(payload))))
	header.DataChunk(b).Encode(&header.DataFields{Flags: header.DataFlagBeginning | header.DataFlagEnd | header.DataFlagUnordered, TSN: tsn, StreamID: sid, Payload: payload})
	return b
}

// rawLen is the length of the chunks of a packet built from chunks.
func rawLen(chunks [][]byte) int {
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	return n
}

// TestAttackDataOutsideWindow: DATA spread over the whole 16-bit TSN range
// above the cumulative TSN (every other TSN, so nothing is ever in
// sequence), and beyond it, is held only within the receive buffer's bound
// (memLimit: twice the buffer, per-chunk overhead included; RFC 9260
// 6.2 lets the receiver drop what does not fit), the TSN map stays as
// small, the SACKs fit a packet, and once the hole is filled the data is
// delivered. TestDataFarOutsideWindowDropped covers one TSN beyond 2^16.
func TestAttackDataOutsideWindow(t *testing.T) {
	const rcvbuf = 64 << 10
	e := newRawPeerEnv(t, 1300, Options{ReceiveBufferSize: rcvbuf})
	a := assocOf(t, e.s)
	var pkt [][]byte
	flush := func() {
		if len(pkt) > 0 {
			e.send(pkt...)
			pkt = pkt[:0]
		}
	}
	for k := uint32(2); k < 1<<16+2000; k += 2 {
		pkt = append(pkt, udata(e.tsn+k, 0, []byte{byte(k)}))
		if len(pkt) == 70 {
			flush()
		}
	}
	flush()
	a.mu.Lock()
	mem, above, cum := a.ulp.mem, len(a.in.above), a.in.cum
	a.mu.Unlock()
	require.LessOrEqual(t, mem, memLimit(rcvbuf), "held beyond the bound")
	require.LessOrEqual(t, above, memLimit(rcvbuf)/inChunkOverhead, "TSN map beyond the bound")
	require.Equal(t, e.tsn-1, cum)
	require.NotZero(t, protoStats(e.b).DataDropped.Value())
	for _, s := range sacksIn(e.answers(e.cp, 0)) {
		require.LessOrEqual(t, header.SackChunkLen(int(s.NumberOfGapAckBlocks()), int(s.NumberOfDuplicateTSNs())), 1500-20-12)
	}
	// Unordered messages went to the reader as they came; once read,
	// the hole is filled and new data still comes through.
	got := 0
	for {
		_, _, err := e.readMsg(e.s, 100*time.Millisecond)
		if err != nil {
			require.IsType(t, &tcpip.ErrWouldBlock{}, err)
			break
		}
		got++
	}
	require.Equal(t, above, got)
	e.send(udata(e.tsn, 0, []byte("hole")))
	e.tsn++
	got2, _, err := e.readMsg(e.s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "hole", string(got2))
	a.mu.Lock()
	mem = a.ulp.mem
	a.mu.Unlock()
	require.Zero(t, mem)
}

// odata encodes an ordered one-fragment DATA chunk.
func odata(tsn uint32, sid, ssn uint16, payload []byte) []byte {
	b := make([]byte, header.PaddedLen(header.DataChunkLen(len(payload))))
	header.DataChunk(b).Encode(&header.DataFields{Flags: header.DataFlagBeginning | header.DataFlagEnd, TSN: tsn, StreamID: sid, SSN: ssn, Payload: payload})
	return b
}

// TestAttackDataHoleBehindFullBuffer: ordered messages held behind a
// missing TSN fill the receive buffer's bound (tiny messages: the
// per-chunk overhead counts). The chunk that fills the hole must still be
// taken, by dropping the highest TSNs held for reordering (RFC 9260 6.2),
// or the association would stall for good; the peer sends the dropped ones
// again, and every message reaches the reader in order.
func TestAttackDataHoleBehindFullBuffer(t *testing.T) {
	const rcvbuf = 64 << 10
	const n = 3000
	e := newRawPeerEnv(t, 1305, Options{ReceiveBufferSize: rcvbuf})
	a := assocOf(t, e.s)
	msg := func(i int) []byte { return []byte{byte(i), byte(i >> 8)} }
	sendRange := func(from, to int) {
		var pkt [][]byte
		for i := from; i < to; i++ {
			pkt = append(pkt, odata(e.tsn+uint32(i), 0, uint16(i), msg(i)))
			if len(pkt) == 60 || i == to-1 {
				e.send(pkt...)
				pkt = pkt[:0]
			}
		}
	}
	sendRange(1, n) // all but the first: held behind the hole
	a.mu.Lock()
	mem, cum := a.ulp.mem, a.in.cum
	a.mu.Unlock()
	require.Equal(t, e.tsn-1, cum)
	require.Greater(t, mem+2*inChunkOverhead, memLimit(rcvbuf)-inChunkOverhead, "the buffer's bound is reached")
	next := 0
	readAll := func() {
		for {
			b, _, err := e.readMsg(e.s, 20*time.Millisecond)
			if err != nil {
				return
			}
			require.Equal(t, msg(next), b, "message %d", next)
			next++
		}
	}
	sendRange(0, 1) // the hole
	readAll()
	require.NotZero(t, next, "the chunk filling the hole was refused")
	// The peer sends again what was not acknowledged, as T3 would.
	for round := 0; next < n && round < 10; round++ {
		sendRange(next, n)
		readAll()
	}
	require.Equal(t, n, next)
}

// TestAttackDataInvalidStreams: a packet full of DATA for streams that do
// not exist (up to 65535) is acknowledged and dropped, answered by ERRORs
// with Invalid Stream Identifier (RFC 9260 6.5) in a single packet besides
// the SACK (12.2: one packet of control chunks in answer to one packet),
// no larger than what came in; the association goes on.
func TestAttackDataInvalidStreams(t *testing.T) {
	e := newRawPeerEnv(t, 1301, Options{})
	var pkt [][]byte
	for i := 0; i < 70; i++ {
		pkt = append(pkt, udata(e.tsn+uint32(i), uint16(65535-i*900), []byte{1}))
	}
	skip := e.cp.count(e.bAddr)
	e.send(pkt...)
	ans := e.answers(e.cp, skip)
	require.NotEmpty(t, ans)
	var errs int
	var sids []uint16
	for _, p := range ans {
		for _, c := range p.chunks() {
			if c.Type() != header.ChunkError {
				continue
			}
			errs++
			cs, ok := hasCause(c, header.CauseInvalidStreamIdentifier)
			require.True(t, ok)
			sids = append(sids, binary.BigEndian.Uint16(cs.Info()))
		}
	}
	require.NotZero(t, errs)
	require.Equal(t, uint16(65535), sids[0])
	n, bytes := controlPackets(ans)
	require.LessOrEqual(t, n, 1, "one packet of control chunks per packet received")
	require.LessOrEqual(t, bytes, rawLen(pkt)+header.SCTPCommonHeaderLen+replySlack)
	sk := sacksIn(ans)
	require.NotEmpty(t, sk)
	require.Equal(t, e.tsn+69, sk[len(sk)-1].CumulativeTSNAck(), "the TSNs are acknowledged")
	e.tsn += 70
	_, _, err := e.s.ReadMsg(new(nopWriter), -1)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err, "no data delivered")
	e.deliverNext("valid stream")
}

// TestAttackDataZeroLength: DATA without user data aborts the association
// with No User Data naming its TSN (RFC 9260 6.2, 3.3.10.9), once, however
// many such chunks the packet holds; what came before it in the packet was
// delivered and stays readable.
func TestAttackDataZeroLength(t *testing.T) {
	e := newRawPeerEnv(t, 1302, Options{})
	pkt := [][]byte{udata(e.tsn, 0, []byte("before"))}
	for i := 1; i <= 50; i++ {
		pkt = append(pkt, udata(e.tsn+uint32(i), 0, nil))
	}
	skip := e.cp.count(e.bAddr)
	e.send(pkt...)
	var aborts []header.Chunk
	for _, p := range e.answers(e.cp, skip) {
		for _, c := range p.chunks() {
			if c.Type() == header.ChunkAbort {
				aborts = append(aborts, c)
			}
		}
	}
	require.Len(t, aborts, 1)
	cs, ok := hasCause(aborts[0], header.CauseNoUserData)
	require.True(t, ok)
	require.Equal(t, e.tsn+1, binary.BigEndian.Uint32(cs.Info()))
	got, _, err := e.readMsg(e.s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "before", string(got))
	_, _, err = e.readMsg(e.s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

// TestAttackChunkLengths: chunk length fields that lie (0, below the
// header, past the packet's end, 0xFFFF, a lie in the second chunk) make
// the whole packet malformed (RFC 9260 3.2, 6.10): dropped without answer,
// the DATA bundled in it not taken. A length too short for the chunk's type
// is a Protocol Violation (3.3.10.13).
func TestAttackChunkLengths(t *testing.T) {
	e := newRawPeerEnv(t, 1303, Options{})
	setLen := func(c []byte, l int) []byte {
		c = append([]byte(nil), c...)
		binary.BigEndian.PutUint16(c[2:], uint16(l))
		return c
	}
	good := udata(e.tsn, 0, []byte("dropped with its packet"))
	for name, chunks := range map[string][][]byte{
		"length 0":            {setLen(rawChunk(header.ChunkHeartbeat, 0, make([]byte, 8)), 0)},
		"length 2":            {setLen(rawChunk(header.ChunkHeartbeat, 0, make([]byte, 8)), 2)},
		"past the end":        {setLen(rawChunk(header.ChunkHeartbeat, 0, make([]byte, 8)), 16)},
		"0xFFFF":              {setLen(rawChunk(header.ChunkSack, 0, make([]byte, 12)), 0xFFFF)},
		"second chunk lies":   {good, setLen(rawChunk(header.ChunkHeartbeat, 0, make([]byte, 8)), 100)},
		"second chunk zero":   {good, setLen(rawChunk(header.ChunkHeartbeat, 0, make([]byte, 8)), 0)},
		"DATA past the end":   {setLen(good, len(good)+4)},
		"DATA length 0, pads": {good, make([]byte, 8)},
	} {
		skip := e.cp.count(e.bAddr)
		malformed := protoStats(e.b).MalformedPackets.Value()
		e.send(chunks...)
		require.Empty(t, e.answers(e.cp, skip), name)
		require.Equal(t, malformed+1, protoStats(e.b).MalformedPackets.Value(), name)
		_, _, err := e.s.ReadMsg(new(nopWriter), -1)
		require.IsType(t, &tcpip.ErrWouldBlock{}, err, name)
	}
	e.deliverNext("after lying lengths")
	// Too short for its type: a SACK of 8 bytes.
	skip := e.cp.count(e.bAddr)
	e.send(rawChunk(header.ChunkSack, 0, make([]byte, 4)))
	ans := e.answers(e.cp, skip)
	require.NotEmpty(t, ans)
	last := ans[len(ans)-1].chunks()[0]
	require.Equal(t, header.ChunkAbort, last.Type())
	_, ok := hasCause(last, header.CauseProtocolViolation)
	require.True(t, ok)
}

// TestAttackTinyChunks: one packet of hundreds of tiny chunks draws at most
// one packet of control chunks in answer, no larger than the packet itself
// (RFC 9260 12.2: no packet burst, no byte amplification).
func TestAttackTinyChunks(t *testing.T) {
	e := newRawPeerEnv(t, 1304, Options{})
	many := func(n int, c []byte) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = c
		}
		return out
	}
	a := assocOf(t, e.s)
	a.mu.Lock()
	cumAck := a.out.cumAck
	a.mu.Unlock()
	for _, tc := range []struct {
		name     string
		chunks   [][]byte
		silent   bool
		wantType header.ChunkType
	}{
		{name: "300 PAD", chunks: many(300, rawChunk(0x84, 0, nil)), silent: true},
		{name: "300 unknown, skip", chunks: many(300, rawChunk(0x85, 0, nil)), silent: true},
		{name: "300 unknown, skip and report", chunks: many(300, rawChunk(0xC5, 0, nil)), wantType: header.ChunkError},
		{name: "300 unknown, stop and report", chunks: many(300, rawChunk(0x45, 0, nil)), wantType: header.ChunkError},
		{name: "120 HEARTBEAT", chunks: many(120, heartbeatChunk(header.ChunkHeartbeat, []byte{1, 2, 3, 4})), wantType: header.ChunkHeartbeatAck},
		{name: "300 ERROR", chunks: many(300, rawChunk(header.ChunkError, 0, nil)), silent: true},
		{name: "90 SACK", chunks: many(90, rawSack(cumAck, 65535, nil, nil)), silent: true},
		{name: "300 COOKIE ACK", chunks: many(300, rawChunk(header.ChunkCookieAck, 0, nil)), silent: true},
	} {
		in := rawLen(tc.chunks)
		require.LessOrEqual(t, in, 1500-20-12, tc.name)
		skip := e.cp.count(e.bAddr)
		e.send(tc.chunks...)
		ans := e.answers(e.cp, skip)
		n, bytes := controlPackets(ans)
		if tc.silent {
			require.Zero(t, n, tc.name)
		} else {
			require.Equal(t, 1, n, "%s: one packet of control chunks", tc.name)
			require.Equal(t, tc.wantType, ans[0].chunks()[0].Type(), tc.name)
		}
		require.LessOrEqual(t, bytes, in+header.SCTPCommonHeaderLen+replySlack, "%s: amplification", tc.name)
		require.Equal(t, StateEstablished, e.stateOf(e.s), tc.name)
	}
	// A lone unknown chunk still gets its report (RFC 9260 3.2).
	skip := e.cp.count(e.bAddr)
	e.send(rawChunk(0xC5, 0, nil))
	ans := e.answers(e.cp, skip)
	require.Len(t, ans, 1)
	_, ok := hasCause(ans[0].chunks()[0], header.CauseUnrecognizedChunkType)
	require.True(t, ok)
	e.deliverNext("after tiny chunks")
}

// TestAttackDataFragmentsFillBuffer: first fragments of messages that never
// complete fill the receive buffer's bound; a complete message below them
// is still taken, by dropping the highest fragments (RFC 9260 6.2), and the
// memory stays bounded.
func TestAttackDataFragmentsFillBuffer(t *testing.T) {
	const rcvbuf = 64 << 10
	e := newRawPeerEnv(t, 1306, Options{ReceiveBufferSize: rcvbuf})
	a := assocOf(t, e.s)
	var pkt [][]byte
	for i := 1; i <= 3000; i++ {
		b := make([]byte, header.PaddedLen(header.DataChunkLen(1)))
		header.DataChunk(b).Encode(&header.DataFields{Flags: header.DataFlagBeginning, TSN: e.tsn + uint32(2*i), StreamID: 1, Payload: []byte{byte(i)}})
		pkt = append(pkt, b)
		if len(pkt) == 60 {
			e.send(pkt...)
			pkt = pkt[:0]
		}
	}
	a.mu.Lock()
	frags, mem := len(a.ulp.frags), a.ulp.mem
	a.mu.Unlock()
	require.Greater(t, frags, 1000)
	require.LessOrEqual(t, mem, memLimit(rcvbuf))
	e.deliverNext("below the fragments")
	a.mu.Lock()
	frags2, mem2 := len(a.ulp.frags), a.ulp.mem
	a.mu.Unlock()
	require.Less(t, frags2, frags, "no fragment was dropped for it")
	require.LessOrEqual(t, mem2, memLimit(rcvbuf))
}
