package sctp

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// outMessage is a user message on its way into the outqueue: the one copy
// of its payload, taken from the writer, and where it goes.
type outMessage struct {
	v *buffer.View
	// small is a message of at most outInlineMax bytes, in place of v
	// (outqueue_inline.go).
	small []byte
	info  SendInfo
	pin   *transport // ADDR_OVER: the path the user chose, or nil
}

// outStream is an outbound stream's state (outqueue.streams).
type outStream struct {
	ssn     uint16 // the next SSN
	ordered uint16 // ordered messages not yet acknowledged
}

// outChunk is one DATA chunk of the outqueue. Its payload is a view of the
// message's copy, shared with the packets that carry it. outChunks are
// recycled through the queue's free list.
type outChunk struct {
	tsn    uint32
	sid    uint16
	ssn    uint16
	ppid   uint32
	flags  uint8
	v      *buffer.View // the payload; released when acknowledged or dropped
	size   int
	sentAt tcpip.MonotonicTime
	sends  uint8      // transmissions so far
	rtx    bool       // marked for retransmission
	gapAck bool       // reported received in a Gap Ack Block
	misses uint8      // miss indications (RFC 9260 7.2.4)
	fastRt bool       // fast-retransmitted already: not again (7.2.4 step 5)
	t3     bool       // marked by T3-rtx (for the statistics)
	tp     *transport // the path of its last transmission
	pin    *transport // the path the user asked for (ADDR_OVER), or nil
	// multi is set once the chunk went out on more than one path: its
	// acknowledgement then says nothing about which one works.
	multi bool
	ctx   uint32 // the user's context (RFC 6458 5.3.4), for SEND_FAILED
	// sackGen is the SACK that last reported it in a Gap Ack Block, to
	// notice reneging (RFC 9260 6.2.1 D iii).
	sackGen uint32
	// msg, on a message's E fragment, is the whole message, kept until
	// the message is acknowledged so that it can be handed back whole if
	// the association fails (UnsentMessages). It shares the fragments'
	// memory: keeping it costs nothing.
	msg    *buffer.View
	mstart uint32 // TSN of the message's B fragment (on the E fragment)
	// own holds the payload of a small message's only chunk when v is
	// nil, a piece of the outqueue's slab; inlMsg says it is also the
	// whole message, held as msg would be (outqueue_inline.go).
	own    []byte
	inlMsg bool
	// pr is the message's partial reliability policy; abandoned is set
	// once the sender gave up on the chunk (RFC 3758 3.4, prsctp.go).
	pr        prChunk
	abandoned bool
}

// outqueue is the smart pipe of paper 5.2.3: it fragments messages into
// DATA chunks, numbers them, and keeps them until acknowledged; it knows
// what the peer's window (RFC 9260 6.2.1) admits. The packet builder does
// the bundling, congestion.go the congestion window, sack.go the SACKs.
//
// Guarded by the association's mu.
type outqueue struct {
	queue    []*outChunk // not yet sent, in TSN order
	qhead    int
	queued   int         // bytes in queue[qhead:]
	inflight []*outChunk // sent and not cumulatively acked, in TSN order
	nextTSN  uint32
	cumAck   uint32 // the Cumulative TSN Ack Point (RFC 9260 6.2.1)
	// streams holds each outbound stream's next SSN and its count of
	// ordered messages not yet acknowledged: at most 65535 may be (RFC
	// 9260 6.1), or SSNs would repeat within the window. Made for the
	// nstreams streams with the first ordered message: an idle
	// association needs none.
	streams  []outStream
	buffered int // bytes of user data held (queued and in flight)
	// flight is the bytes outstanding: sent, neither acknowledged (cum or
	// gap) nor marked for retransmission (RFC 9260 6.1, 6.2.1).
	flight   int
	arwnd    uint32 // the peer's last a_rwnd
	nstreams uint16 // outbound streams
	nrtx     int    // chunks in inflight marked for retransmission
	ngap     int    // chunks in inflight gap-acked
	gen      uint32 // SACKs processed
	// rtxOnePacket lets the first retransmission after a T3 or a fast
	// retransmit go regardless of cwnd (RFC 9260 6.3.3 E3, 7.2.4 step 3).
	rtxOnePacket bool
	// probeDue lets one new chunk go into a closed window (RFC 9260 6.1
	// A), one RTO after the window closed.
	probeDue bool

	// Fast Recovery (RFC 9260 7.2.4 step 6), until frExit is acknowledged.
	fastRecovery bool
	// RTT measurement (RFC 9260 6.3.1 C4-C5): one chunk at a time, never
	// a retransmitted one (Karn).
	rttActive bool
	frExit    uint32
	rttTSN    uint32
	rttStart  tcpip.MonotonicTime
	rttPath   *transport

	free []*outChunk
	// slab is the block small messages' payloads are carved from, up to
	// slabOff (outqueue_inline.go).
	slab    *[outSlabSize]byte
	slabOff int

	// failed holds the messages of a failed association for
	// UnsentMessages.
	failed []UnsentMessage

	// pr is the PR-SCTP sender state (RFC 3758 3.5, prsctp.go).
	pr prSender
}

func (q *outqueue) init(initialTSN uint32, outStreams uint16, peerRwnd uint32) {
	q.nextTSN = initialTSN
	q.cumAck = initialTSN - 1
	q.streams, q.nstreams = nil, outStreams
	q.arwnd = peerRwnd
	q.pr.reset(q.cumAck)
}

// rwnd is the peer's receive window as the sender sees it: its last a_rwnd
// less what is outstanding (RFC 9260 6.2.1 rules 2-4).
func (q *outqueue) rwnd() uint32 {
	if uint32(q.flight) >= q.arwnd {
		return 0
	}
	return q.arwnd - uint32(q.flight)
}

// empty reports whether nothing waits to be sent or acknowledged.
func (q *outqueue) empty() bool { return q.qhead == len(q.queue) && len(q.inflight) == 0 }

// pending reports whether chunks wait for their first transmission.
func (q *outqueue) pending() bool { return q.qhead < len(q.queue) }

// unsentTSN is the TSN of the first chunk never sent: a SACK may not
// acknowledge it or anything above (RFC 9260 6.2.1).
func (q *outqueue) unsentTSN() uint32 {
	if q.pending() {
		return q.queue[q.qhead].tsn
	}
	return q.nextTSN
}

// highestSent is the highest TSN sent so far.
func (q *outqueue) highestSent() uint32 { return q.unsentTSN() - 1 }

// maxPayload is the largest user data of a DATA chunk alone in a packet of
// the given MTU, kept a multiple of 4 so padding never overflows.
func maxPayload(mtu int) int {
	return (mtu - header.SCTPCommonHeaderLen - header.DataChunkHeaderLen) &^ 3
}

func (q *outqueue) newChunk() *outChunk {
	if n := len(q.free); n > 0 {
		c := q.free[n-1]
		q.free = q.free[:n-1]
		return c
	}
	return new(outChunk)
}

// streamFull reports whether stream sid has as many ordered messages
// outstanding as SSNs can tell apart (RFC 9260 6.1).
func (q *outqueue) streamFull(sid uint16) bool {
	return int(sid) < len(q.streams) && q.streams[sid].ordered == 1<<16-1
}

// acked notes that c, cumulatively acknowledged, may end an ordered
// message.
func (q *outqueue) acked(c *outChunk) {
	if c.flags&(header.DataFlagEnd|header.DataFlagUnordered) == header.DataFlagEnd && int(c.sid) < len(q.streams) {
		q.streams[c.sid].ordered--
	}
}

// freeChunk releases c's payload (and message) and recycles it.
func (q *outqueue) freeChunk(c *outChunk) {
	if c.v != nil {
		c.v.Release()
	}
	if c.msg != nil {
		c.msg.Release()
	}
	*c = outChunk{}
	if len(q.free) < 1<<16 {
		q.free = append(q.free, c)
	}
}

// push fragments a message into DATA chunks (RFC 9260 6.9), numbering
// them with TSNs and the stream's SSN.
func (q *outqueue) push(m *outMessage, mtu int) {
	var ssn uint16
	if !m.info.Unordered {
		if q.streams == nil {
			q.streams = make([]outStream, q.nstreams)
		}
		st := &q.streams[m.info.Stream]
		ssn = st.ssn
		st.ssn++
		st.ordered++
	}
	q.pushSSN(m, mtu, ssn)
}

// enqueue appends c to the chunks not yet sent. When the slice is full
// and the sent chunks before qhead take half of it or more, the rest moves
// down instead: a queue that never empties (small messages that the
// coalescing rule keeps behind a packet in flight) would otherwise grow
// and be copied whole again and again (8% of a 64-byte message's CPU).
func (q *outqueue) enqueue(c *outChunk) {
	if len(q.queue) == cap(q.queue) && q.qhead > 0 && q.qhead >= len(q.queue)/2 {
		n := copy(q.queue, q.queue[q.qhead:])
		clear(q.queue[n:])
		q.queue, q.qhead = q.queue[:n], 0
	}
	q.queue = append(q.queue, c)
}

// pushSSN is push with the SSN given.
func (q *outqueue) pushSSN(m *outMessage, mtu int, ssn uint16) {
	max := maxPayload(mtu)
	flags := uint8(0)
	if m.info.Unordered {
		flags |= header.DataFlagUnordered
	}
	if m.v == nil {
		if len(m.small) <= max {
			q.pushInline(m, ssn, flags|header.DataFlagBeginning|header.DataFlagEnd)
			m.small = nil
			return
		}
		// Fragments (a tiny SCTP_MAXSEG): cut from a view as usual.
		m.v = buffer.NewViewWithData(append([]byte(nil), m.small...))
		m.small = nil
	}
	total := m.v.Size()
	start := q.nextTSN
	for off := 0; off < total; {
		n := min(total-off, max)
		f := flags
		if off == 0 {
			f |= header.DataFlagBeginning
		}
		if off+n == total {
			f |= header.DataFlagEnd
		}
		fv := m.v.Clone()
		fv.TrimFront(off)
		fv.CapLength(n)
		c := q.newChunk()
		c.tsn, c.sid, c.ssn, c.ppid, c.flags, c.v, c.size = q.nextTSN, m.info.Stream, ssn, m.info.PPID, f, fv, n
		c.pin, c.ctx = m.pin, m.info.Context
		if off+n == total {
			c.msg, c.mstart = m.v, start
		}
		q.enqueue(c)
		q.nextTSN++
		off += n
	}
	m.v = nil
	q.buffered += total
	q.queued += total
}

// refragment cuts again, for a smaller path MTU (ICMP Packet Too Big),
// the chunks never sent: their TSNs are not known to the peer, so they
// can be numbered again, and each chunk cut in pieces that keep the
// fragments of a message on consecutive TSNs (RFC 9260 6.9). Chunks
// already sent keep their size; their retransmissions rely on IP
// fragmentation (RFC 9260 7.3).
func (q *outqueue) refragment(mtu int) {
	max := maxPayload(mtu)
	big := false
	for _, c := range q.queue[q.qhead:] {
		if c.size > max {
			big = true
			break
		}
	}
	if !big {
		return
	}
	const be = header.DataFlagBeginning | header.DataFlagEnd
	old := append([]*outChunk(nil), q.queue[q.qhead:]...)
	clear(q.queue[q.qhead:])
	q.queue = q.queue[:q.qhead]
	q.nextTSN = old[0].tsn
	var start uint32
	haveStart := false
	for _, c := range old {
		c.toView()
		if c.flags&header.DataFlagBeginning != 0 {
			start, haveStart = q.nextTSN, true
		}
		for off := 0; off < c.size; {
			n := min(c.size-off, max)
			f := c.flags &^ be
			if off == 0 {
				f |= c.flags & header.DataFlagBeginning
			}
			if off+n == c.size {
				f |= c.flags & header.DataFlagEnd
			}
			v := c.v.Clone()
			v.TrimFront(off)
			v.CapLength(n)
			nc := q.newChunk()
			nc.tsn, nc.sid, nc.ssn, nc.ppid, nc.flags, nc.v, nc.size = q.nextTSN, c.sid, c.ssn, c.ppid, f, v, n
			nc.pin, nc.ctx, nc.pr = c.pin, c.ctx, c.pr
			if f&header.DataFlagEnd != 0 {
				nc.msg, nc.mstart = c.msg, c.mstart
				c.msg = nil
				if haveStart {
					nc.mstart = start
				}
			}
			q.enqueue(nc)
			q.nextTSN++
			off += n
		}
		if c.flags&header.DataFlagEnd != 0 {
			haveStart = false
		}
		q.freeChunk(c)
	}
}

// markAllForRetransmit marks every chunk in flight that is not gap-acked
// (RFC 9260 6.3.3 E3). Marked chunks may be fast-retransmitted again.
func (q *outqueue) markAllForRetransmit() {
	for _, c := range q.inflight {
		if !c.gapAck && !c.rtx && !c.abandoned {
			q.markRtx(c)
			c.t3 = true
		}
		c.misses = 0
		c.fastRt = false
	}
	q.rtxOnePacket = q.nrtx > 0
	q.fastRecovery = false
	q.pr.onT3(q.cumAck) // RFC 3758 3.5 A5
}

// markRtx marks c for retransmission: it leaves the flight, and an RTT
// measured on it would be ambiguous (Karn, RFC 9260 6.3.1 C5).
func (q *outqueue) markRtx(c *outChunk) {
	c.rtx = true
	q.nrtx++
	q.flight -= c.size
	c.leaveFlight()
	if q.rttActive && q.rttTSN == c.tsn {
		q.rttActive = false
	}
}

// drop forgets all data. If keep, the messages not acknowledged are kept
// for UnsentMessages (RFC 9260 11.1 O, P: an association that failed hands
// back what it could not deliver).
func (q *outqueue) drop(keep bool) {
	if keep {
		q.collectUnsent()
	}
	for _, c := range q.queue[q.qhead:] {
		q.freeChunk(c)
	}
	for _, c := range q.inflight {
		if !c.rtx && !c.gapAck && !c.abandoned {
			c.leaveFlight()
		}
		q.freeChunk(c)
	}
	clear(q.queue)
	clear(q.inflight)
	q.queue, q.inflight, q.qhead = q.queue[:0], q.inflight[:0], 0
	q.buffered, q.flight, q.nrtx, q.queued, q.ngap = 0, 0, 0, 0, 0
	for i := range q.streams {
		q.streams[i].ordered = 0
	}
	q.rttActive, q.fastRecovery, q.rtxOnePacket = false, false, false
}

// collectUnsent copies out the messages whose E fragment is still held.
func (q *outqueue) collectUnsent() {
	first := q.unsentTSN()
	add := func(c *outChunk, inflight bool) {
		if !c.hasMessage() {
			return
		}
		q.failed = append(q.failed, UnsentMessage{
			Info: SendInfo{Stream: c.sid, PPID: c.ppid, Unordered: c.flags&header.DataFlagUnordered != 0, Context: c.ctx},
			Data: append([]byte(nil), c.message()...),
			Sent: inflight || tsnLT(c.mstart, first),
		})
	}
	for _, c := range q.inflight {
		add(c, true)
	}
	for _, c := range q.queue[q.qhead:] {
		add(c, false)
	}
}

// leaveFlight takes c out of its path's flight size.
func (c *outChunk) leaveFlight() {
	if c.tp != nil {
		c.tp.flight -= c.size
	}
}

// ackedOn credits c's path with its acknowledgement, for that path's
// cwnd and error counter (RFC 9260 7.2, 8.2). Nor does one sent on more
// than one path (the acknowledgement may be of either copy). A chunk marked for
// retransmission and not yet sent again gets its path no credit: that
// transmission was given up for lost, and crediting it would bring a cut
// path back to ACTIVE on the acknowledgement of data it carried before
// the cut, which came over another path.
func (c *outChunk) ackedOn() {
	if c.tp != nil && !c.rtx && !c.multi {
		c.tp.acked += int32(c.size)
	}
}

// dataLen is the padded size of c as a DATA chunk.
func dataLen(c *outChunk) int { return header.PaddedLen(header.DataChunkLen(c.size)) }
