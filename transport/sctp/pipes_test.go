package sctp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Unit tests of the four pipes, without a network.

func TestTSNMapGapsAndDups(t *testing.T) {
	var m tsnMap
	m.init(100)
	for _, tsn := range []uint32{100, 101, 103, 104, 107, 110, 109} {
		require.False(t, m.seen(tsn))
		m.mark(tsn)
	}
	require.Equal(t, uint32(101), m.cum)
	require.Equal(t, uint32(110), m.highest())
	require.True(t, m.hasGaps())
	gaps := m.gapBlocks(nil, 100)
	require.Len(t, m.gapBlocks(nil, 2), 2)
	require.Equal(t, []header.GapAckBlock{{Start: 2, End: 3}, {Start: 6, End: 6}, {Start: 8, End: 9}}, gaps)
	require.True(t, m.seen(103))
	m.dup(103)
	require.Equal(t, []uint32{103}, m.dups)
	m.mark(102)
	require.Equal(t, uint32(104), m.cum)
	m.mark(105)
	m.mark(106)
	m.mark(108)
	require.Equal(t, uint32(110), m.cum)
	require.False(t, m.hasGaps())
	// Serial arithmetic across the wrap.
	m.init(0xfffffffe)
	m.mark(0xfffffffe)
	m.mark(1)
	m.mark(0xffffffff)
	m.mark(0)
	require.Equal(t, uint32(1), m.cum)
}

func newTestChunk(q *ulpqueue, tsn uint32, sid, ssn uint16, flags uint8, data string) *inChunk {
	c := q.newChunk()
	c.tsn, c.sid, c.ssn, c.flags = tsn, sid, ssn, flags
	c.ppid = tsn
	c.v = buffer.NewViewWithData([]byte(data))
	return c
}

const (
	fB = header.DataFlagBeginning
	fE = header.DataFlagEnd
	fU = header.DataFlagUnordered
)

// readAllULP drains the ULP queue: complete messages as "sid:data".
func readAllULP(q *ulpqueue) []string {
	var out []string
	var buf bytes.Buffer
	for q.readable() {
		info, _, done, _ := q.read(&buf, -1, false)
		if done {
			out = append(out, string(rune('0'+info.sid))+":"+buf.String())
			buf.Reset()
		}
	}
	return out
}

func TestULPReassemblyAndOrdering(t *testing.T) {
	var q ulpqueue
	q.init(4, 1<<20)
	// Stream 1: message ssn 0 in three fragments arriving 3, 1, 2; then
	// ssn 1 whole. Stream 2: ssn 1 arrives before ssn 0. An unordered
	// message on stream 3 goes at once.
	require.False(t, q.push(newTestChunk(&q, 12, 1, 0, fE, "c"), 10))
	require.False(t, q.push(newTestChunk(&q, 10, 1, 0, fB, "a"), 10))
	require.False(t, q.push(newTestChunk(&q, 14, 2, 1, fB|fE, "y"), 10))
	require.True(t, q.push(newTestChunk(&q, 16, 3, 7, fB|fE|fU, "u"), 10))
	require.Equal(t, []string{"3:u"}, readAllULP(&q))
	require.True(t, q.push(newTestChunk(&q, 11, 1, 0, 0, "b"), 12))
	require.True(t, q.push(newTestChunk(&q, 13, 2, 0, fB|fE, "x"), 14))
	require.Equal(t, []string{"1:abc", "2:x", "2:y"}, readAllULP(&q))
	require.Zero(t, q.bytes)
	require.Zero(t, q.mem)
	require.Equal(t, uint32(1<<20), q.rwnd())
}

func TestULPPartialDelivery(t *testing.T) {
	var q ulpqueue
	q.init(2, 4096) // pdPoint 2048
	frag := string(bytes.Repeat([]byte("z"), 1000))
	require.False(t, q.push(newTestChunk(&q, 1, 0, 0, fB, frag), 1))
	require.False(t, q.push(newTestChunk(&q, 2, 0, 0, 0, frag), 2))
	require.True(t, q.push(newTestChunk(&q, 3, 0, 0, 0, frag), 3)) // 3000 >= 2048: partial delivery
	var buf bytes.Buffer
	_, n, done, _ := q.read(&buf, -1, false)
	require.Equal(t, 3000, n)
	require.False(t, done, "more of this message follows")
	require.False(t, q.readable())
	require.Equal(t, uint32(4096), q.rwnd(), "read data frees the window")
	// A later fragment arriving early waits; the next one pulls it in.
	require.False(t, q.push(newTestChunk(&q, 5, 0, 0, fE, "end"), 3))
	require.True(t, q.push(newTestChunk(&q, 4, 0, 0, 0, frag), 5))
	_, n, done, _ = q.read(&buf, -1, false)
	require.Equal(t, 1003, n)
	require.True(t, done)
	require.Equal(t, 4003, buf.Len())
	// The stream moved on: ssn 1 is delivered.
	require.True(t, q.push(newTestChunk(&q, 6, 0, 1, fB|fE, "next"), 6))
	require.Equal(t, []string{"0:next"}, readAllULP(&q))
	require.Zero(t, q.mem)
}

func newTestOutqueue() *outqueue {
	var q outqueue
	q.init(1000, 4, 1<<20)
	return &q
}

func pushMsg(q *outqueue, size int, info SendInfo, mtu int) {
	v := buffer.NewViewSize(size)
	q.push(&outMessage{v: v, info: info}, mtu)
}

func TestOutqueueFragmentation(t *testing.T) {
	q := newTestOutqueue()
	max := maxPayload(1500)
	require.Equal(t, 1472, max) // 1500 - 12 - 16, a multiple of 4
	pushMsg(q, 2*max+10, SendInfo{Stream: 2, PPID: 9}, 1500)
	pushMsg(q, 5, SendInfo{Stream: 2, Unordered: true}, 1500)
	pushMsg(q, 7, SendInfo{Stream: 2}, 1500)
	require.Len(t, q.queue, 5)
	want := []struct {
		size  int
		flags uint8
		ssn   uint16
	}{{max, fB, 0}, {max, 0, 0}, {10, fE, 0}, {5, fB | fE | fU, 0}, {7, fB | fE, 1}}
	for i, w := range want {
		c := q.queue[i]
		require.Equal(t, uint32(1000+i), c.tsn)
		require.Equal(t, w.size, c.size, "chunk %d", i)
		require.Equal(t, w.flags, c.flags, "chunk %d", i)
		require.Equal(t, w.ssn, c.ssn, "chunk %d", i)
		require.Equal(t, uint16(2), c.sid)
	}
	require.NotNil(t, q.queue[2].msg, "the E fragment keeps the message")
	require.Equal(t, 2*max+10+12, q.buffered)
	q.drop(true)
	require.Len(t, q.failed, 3)
	require.Equal(t, 2*max+10, len(q.failed[0].Data))
	require.False(t, q.failed[0].Sent)
}

// sendAll moves the queue to inflight as transmit would.
func sendAll(q *outqueue) {
	for _, c := range q.queue[q.qhead:] {
		c.sends = 1
		q.inflight = append(q.inflight, c)
		q.flight += c.size
		q.queued -= c.size
	}
	q.queue, q.qhead = q.queue[:0], 0
}

func sackChunk(cum uint32, arwnd uint32, gaps ...header.GapAckBlock) header.SackChunk {
	b := make([]byte, header.SackChunkLen(len(gaps), 0))
	header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: cum, ARwnd: arwnd, GapAckBlocks: gaps})
	return header.SackChunk(b)
}

func TestOutqueueSackAndRetransmissionMarking(t *testing.T) {
	q := newTestOutqueue()
	for i := 0; i < 8; i++ {
		pushMsg(q, 100, SendInfo{}, 1500)
	}
	sendAll(q)
	require.Equal(t, 800, q.flight)
	var now tcpip.MonotonicTime
	// Cum 1001 acks two; gap 1003..1004 (TSN 1002 missing).
	var r sackResult
	q.sack(sackChunk(1001, 10000, header.GapAckBlock{Start: 2, End: 3}), now, &r)
	require.True(t, r.advanced)
	require.Equal(t, 400, r.acked)
	require.Equal(t, 400, q.flight)
	require.Equal(t, uint32(10000-400), q.rwnd())
	require.Equal(t, uint8(1), q.inflight[0].misses)
	// Out-of-order SACK (lower cum) is ignored (6.2.1 D i).
	r = sackResult{}
	q.sack(sackChunk(1000, 5, header.GapAckBlock{Start: 3, End: 4}), now, &r)
	require.True(t, r.ignored)
	require.Equal(t, uint32(10000), q.arwnd)
	// Two more miss indications (HTNA: newly acked 1005, then 1006).
	r = sackResult{}
	q.sack(sackChunk(1001, 10000, header.GapAckBlock{Start: 2, End: 4}), now, &r)
	require.Zero(t, r.fast)
	r = sackResult{}
	q.sack(sackChunk(1001, 10000, header.GapAckBlock{Start: 2, End: 5}), now, &r)
	require.Equal(t, 1, r.fast)
	require.True(t, r.enterFR)
	require.True(t, q.inflight[0].rtx)
	require.True(t, q.inflight[0].fastRt)
	require.Equal(t, 1, q.nrtx)
	require.Equal(t, 100, q.flight, "1007 only: 1002 marked, the rest gap-acked")
	require.Equal(t, uint32(1007), q.frExit)
	// A SACK not newly acking anything above does not count a miss.
	r = sackResult{}
	q.sack(sackChunk(1001, 10000, header.GapAckBlock{Start: 2, End: 5}), now, &r)
	require.Zero(t, r.acked)
	// T3: everything not gap-acked is marked; Karn stops the RTT sample.
	q.rttActive, q.rttTSN = true, 1007
	q.markAllForRetransmit()
	require.False(t, q.rttActive)
	require.Equal(t, 2, q.nrtx)
	require.Zero(t, q.flight)
	require.True(t, q.rtxOnePacket)
	require.False(t, q.fastRecovery)
	// Everything acknowledged.
	r = sackResult{}
	q.sack(sackChunk(1007, 10000), now, &r)
	require.True(t, r.allAcked)
	require.Zero(t, q.nrtx)
	require.Zero(t, q.buffered)
}

func TestPacketBuilderFillsToMTU(t *testing.T) {
	const mtu = 1200
	var pb packetBuilder
	pb.init(mtu, 1, 2)
	q := newTestOutqueue()
	sizes := []int{1, 100, 333, 500, 1000, maxPayload(mtu), 7, 64, 900, 2, 3, 400}
	for _, s := range sizes {
		pushMsg(q, s, SendInfo{}, mtu)
	}
	// A SACK first, then the DATA chunks: SACK leads the first packet.
	b := pb.reserve(7, header.SackChunkLen(0, 0), header.ChunkSack)
	header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: 1})
	for _, c := range q.queue {
		pb.appendData(7, c)
	}
	pb.seal()
	pkts := pb.take(nil)
	total := 0
	for i, p := range pkts {
		data := p.b.Flatten()
		require.LessOrEqual(t, len(data), mtu, "packet %d over the MTU", i)
		it := header.NewChunkIter(data[header.SCTPCommonHeaderLen:])
		n := 0
		for c, ok := it.Next(); ok; c, ok = it.Next() {
			if i == 0 && n == 0 {
				require.Equal(t, header.ChunkSack, c.Type())
			}
			if c.Type() == header.ChunkData {
				total++
			}
			n++
		}
		require.NoError(t, it.Err())
		require.True(t, header.SCTP(data).Checksum() != 0)
		if i+1 < len(pkts) {
			// Not sealed early: the next packet's first chunk did not fit.
			next := pkts[i+1].b.Flatten()
			first := header.Chunk(next[header.SCTPCommonHeaderLen:])
			require.Greater(t, len(data)+header.PaddedLen(int(first.Length())), mtu)
		}
		p.b.Release()
	}
	require.Equal(t, len(sizes), total)
}

// TestOutqueueRenege: data gap-acked, then missing from a later SACK, is
// outstanding again with a miss indication (RFC 9260 6.2.1 D iii).
func TestOutqueueRenege(t *testing.T) {
	q := newTestOutqueue()
	for i := 0; i < 4; i++ {
		pushMsg(q, 100, SendInfo{}, 1500)
	}
	sendAll(q)
	var now tcpip.MonotonicTime
	var r sackResult
	q.sack(sackChunk(999, 10000, header.GapAckBlock{Start: 2, End: 3}), now, &r) // 1001, 1002 gap-acked
	require.Equal(t, 200, q.flight)
	require.Equal(t, 2, q.ngap)
	r = sackResult{}
	q.sack(sackChunk(999, 10000, header.GapAckBlock{Start: 3, End: 3}), now, &r) // 1001 reneged
	require.True(t, r.reneged)
	require.Equal(t, 300, q.flight)
	require.Equal(t, 1, q.ngap)
	require.False(t, q.inflight[1].gapAck)
	require.Equal(t, uint8(1), q.inflight[1].misses)
	r = sackResult{}
	q.sack(sackChunk(1003, 10000), now, &r)
	require.True(t, r.allAcked)
	require.Zero(t, q.ngap)
	require.Zero(t, q.flight)
}

// checkOutqueueInvariants checks the outqueue's counters against its
// chunks.
func checkOutqueueInvariants(t *testing.T, q *outqueue) {
	t.Helper()
	flight, nrtx, ngap, buffered, queued := 0, 0, 0, 0, 0
	for i, c := range q.inflight {
		if i > 0 {
			require.True(t, tsnLT(q.inflight[i-1].tsn, c.tsn))
		}
		require.False(t, c.gapAck && c.rtx)
		if c.rtx {
			nrtx++
		}
		if c.gapAck {
			ngap++
		}
		if !c.gapAck && !c.rtx {
			flight += c.size
		}
		buffered += c.size
	}
	for _, c := range q.queue[q.qhead:] {
		buffered += c.size
		queued += c.size
	}
	require.Equal(t, flight, q.flight)
	require.Equal(t, nrtx, q.nrtx)
	require.Equal(t, ngap, q.ngap)
	require.Equal(t, buffered, q.buffered)
	require.Equal(t, queued, q.queued)
}

// TestOutqueueRandomSacks feeds random but plausible SACKs (a receiver
// that gets a random subset, sometimes reneges, sometimes is reordered)
// and random T3s to the outqueue, checking its invariants throughout.
func TestOutqueueRandomSacks(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		q := newTestOutqueue()
		var now tcpip.MonotonicTime
		got := map[uint32]bool{}
		cum := uint32(999)
		for step := 0; step < 300; step++ {
			switch rng.IntN(6) {
			case 0:
				pushMsg(q, 1+rng.IntN(4000), SendInfo{Stream: uint16(rng.IntN(4)), Unordered: rng.IntN(2) == 0}, 1500)
			case 1:
				sendAll(q)
			case 2:
				q.markAllForRetransmit()
				for _, c := range q.inflight {
					if c.rtx {
						c.rtx = false
						q.nrtx--
						q.flight += c.size
					}
				}
			default:
				// The receiver gets some of what is in flight.
				for _, c := range q.inflight {
					if rng.IntN(3) > 0 {
						got[c.tsn] = true
					}
				}
				for got[cum+1] {
					cum++
				}
				// Gap blocks from the set, some dropped (reneging).
				var gaps []header.GapAckBlock
				hi := q.unsentTSN()
				for t := cum + 2; tsnLT(t, hi) && len(gaps) < 20; t++ {
					if got[t] && !got[t-1] {
						e := t
						for got[e+1] && tsnLT(e+1, hi) {
							e++
						}
						if rng.IntN(10) > 0 {
							gaps = append(gaps, header.GapAckBlock{Start: uint16(t - cum), End: uint16(e - cum)})
						}
						t = e
					}
				}
				sc := cum
				if rng.IntN(8) == 0 && cum > 999 {
					sc = cum - 1 // an old SACK, reordered
				}
				var r sackResult
				q.sack(sackChunk(sc, uint32(rng.IntN(1<<20)), gaps...), now, &r)
			}
			checkOutqueueInvariants(t, q)
		}
	}
}

// TestOutqueueOrderedLimit: at most 65535 ordered messages of a stream
// may be outstanding, or SSNs would repeat within the window (RFC 9260
// 6.1); unordered ones do not count.
func TestOutqueueOrderedLimit(t *testing.T) {
	q := newTestOutqueue()
	for i := 0; i < 1<<16-1; i++ {
		require.False(t, q.streamFull(1))
		pushMsg(q, 1, SendInfo{Stream: 1}, 1500)
	}
	require.True(t, q.streamFull(1))
	require.False(t, q.streamFull(2))
	pushMsg(q, 1, SendInfo{Stream: 1, Unordered: true}, 1500)
	sendAll(q)
	var r sackResult
	var now tcpip.MonotonicTime
	q.sack(sackChunk(1000+9, 1<<20), now, &r) // ten acknowledged
	require.False(t, q.streamFull(1))
	require.Equal(t, uint16(1<<16-1-10), q.streams[1].ordered)
}

// A control chunk asked for after DATA must not follow it in the same
// packet (RFC 9260 6.10: control chunks first); usrsctp aborts on it with a
// Protocol Violation.
func TestPacketBuilderControlNeverAfterData(t *testing.T) {
	const mtu = 1500
	var pb packetBuilder
	pb.init(mtu, 1, 2)
	q := newTestOutqueue()
	pushMsg(q, 100, SendInfo{}, mtu)
	pb.appendData(7, q.queue[0])
	b := pb.reserve(7, header.SackChunkLen(0, 0), header.ChunkSack)
	header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: 1})
	pb.seal()
	for i, p := range pb.take(nil) {
		it := header.NewChunkIter(p.b.Flatten()[header.SCTPCommonHeaderLen:])
		seenData := false
		for c, ok := it.Next(); ok; c, ok = it.Next() {
			if c.Type() == header.ChunkData {
				seenData = true
				continue
			}
			require.False(t, seenData, "packet %d: %v after DATA", i, c.Type())
		}
		require.NoError(t, it.Err())
	}
}

// TestULPFreeChunksKeepBuffersOnTop: after a backlog larger than the free
// list's bound of inline buffers is freed, the chunks taken next still
// have their buffers (only those deepest in the stack let theirs go).
func TestULPFreeChunksKeepBuffersOnTop(t *testing.T) {
	var q ulpqueue
	const n = 3 * maxFreeInline
	held := make([]*inChunk, n)
	for i := range held {
		held[i] = q.newChunk()
		held[i].setInline([]byte{byte(i)})
	}
	for _, c := range held {
		q.freeChunk(c)
	}
	kept := 0
	for _, c := range q.freeChunks {
		if c.own != nil {
			kept++
		}
	}
	require.Equal(t, maxFreeInline, kept, "the bound holds")
	for i := 0; i < maxFreeInline; i++ {
		require.NotNil(t, q.newChunk().own, "chunk %d taken", i)
	}
}

// TestULPReassemblyRunCache: fragments in order complete a message
// without walking back from each (the run found last is remembered), and
// a fragment that left frags (dropped for want of buffer, renege.go) is
// never assumed present: the message waits for it, and TSN 0's
// neighbourhood (the zero run) is checked like any other.
func TestULPReassemblyRunCache(t *testing.T) {
	var q ulpqueue
	q.init(2, 1<<20)
	for tsn := uint32(1); tsn < 1000; tsn++ {
		require.False(t, q.push(newTestChunk(&q, tsn, 0, 0, map[bool]uint8{true: fB}[tsn == 1], "m"), tsn))
	}
	require.Equal(t, uint32(1), q.runStart)
	require.Equal(t, uint32(999), q.runEnd)
	require.True(t, q.push(newTestChunk(&q, 1000, 0, 0, fE, "e"), 1000))
	got := readAllULP(&q)
	require.Len(t, got, 1)
	require.Equal(t, "0:"+strings.Repeat("m", 999)+"e", got[0])

	// B, a middle fragment, then the middle one goes (as a renege
	// does): the end fragment must not complete the message.
	require.False(t, q.push(newTestChunk(&q, 2000, 0, 1, fB, "a"), 2000))
	require.False(t, q.push(newTestChunk(&q, 2001, 0, 1, 0, "b"), 2001))
	require.False(t, q.push(newTestChunk(&q, 2002, 0, 1, 0, "c"), 2002))
	c := q.frags[2001]
	q.unfrag(2001)
	q.freeChunk(c)
	require.False(t, q.push(newTestChunk(&q, 2003, 0, 1, fE, "d"), 2000))
	require.Empty(t, readAllULP(&q))
	require.True(t, q.push(newTestChunk(&q, 2001, 0, 1, 0, "B"), 2003))
	require.Equal(t, []string{"0:aBcd"}, readAllULP(&q))

	// Around TSN 0, after the run was forgotten: a middle fragment at
	// TSN 0 is not taken for the start of a run.
	require.False(t, q.push(newTestChunk(&q, 0, 1, 0, 0, "y"), 0))
	require.False(t, q.push(newTestChunk(&q, 1, 1, 0, fE, "z"), 1))
	require.Empty(t, readAllULP(&q))
	require.True(t, q.push(newTestChunk(&q, 1<<32-1, 1, 0, fB, "x"), 1))
	require.Equal(t, []string{"1:xyz"}, readAllULP(&q))
}
