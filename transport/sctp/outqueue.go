package sctp

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// outMessage is a user message on its way into the outqueue: the one copy
// of its payload, taken from the writer, and where it goes.
type outMessage struct {
	v    *buffer.View
	info SendInfo
}

// outChunk is one DATA chunk of the outqueue. Its payload is a view of the
// message's copy, shared with the packets that carry it.
type outChunk struct {
	tsn    uint32
	sid    uint16
	ssn    uint16
	ppid   uint32
	flags  uint8
	v      *buffer.View // the payload; released when acknowledged or dropped
	size   int
	sentAt tcpip.MonotonicTime
	sends  uint8 // transmissions so far
	rtx    bool  // marked for retransmission
	gapAck bool  // reported received in a Gap Ack Block
	misses uint8 // SACKs that reported it missing (RFC 9260 7.2.4)
	fastRt bool  // fast-retransmitted already
	t3     bool  // marked by T3-rtx (for the statistics)
}

// outqueue is the smart pipe of paper 5.2.3: it fragments messages into
// DATA chunks, numbers them, and keeps them until acknowledged; it knows
// whether the windows let data go out. The packet builder does the bundling.
//
// Guarded by the association's mu.
type outqueue struct {
	queue    []*outChunk // not yet sent, in TSN order
	qhead    int
	inflight []*outChunk // sent and not cumulatively acked, in TSN order
	nextTSN  uint32
	ssn      []uint16 // next SSN of each outbound stream
	buffered int      // bytes of user data held (queued and in flight)
	flight   int      // bytes in flight (not gap-acked)
	peerRwnd uint32
	nrtx     int // chunks in inflight marked for retransmission

	// RTT measurement (RFC 9260 6.3.1 C4-C5): one chunk at a time.
	rttTSN    uint32
	rttStart  tcpip.MonotonicTime
	rttActive bool
}

func (q *outqueue) init(initialTSN uint32, outStreams uint16, peerRwnd uint32) {
	q.nextTSN = initialTSN
	q.ssn = make([]uint16, outStreams)
	q.peerRwnd = peerRwnd
}

// empty reports whether nothing waits to be sent or acknowledged.
func (q *outqueue) empty() bool { return q.qhead == len(q.queue) && len(q.inflight) == 0 }

// pending reports whether chunks wait for their first transmission.
func (q *outqueue) pending() bool { return q.qhead < len(q.queue) }

// maxPayload is the largest user data of a DATA chunk alone in a packet of
// the given MTU, kept a multiple of 4 so padding never overflows.
func maxPayload(mtu int) int {
	return (mtu - header.SCTPCommonHeaderLen - header.DataChunkHeaderLen) &^ 3
}

// push fragments a message into DATA chunks (RFC 9260 6.9), numbering
// them with TSNs and the stream's SSN.
func (q *outqueue) push(m *outMessage, mtu int) {
	max := maxPayload(mtu)
	var ssn uint16
	flags := uint8(0)
	if m.info.Unordered {
		flags |= header.DataFlagUnordered
	} else {
		ssn = q.ssn[m.info.Stream]
		q.ssn[m.info.Stream]++
	}
	total := m.v.Size()
	for off := 0; off == 0 || off < total; {
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
		q.queue = append(q.queue, &outChunk{
			tsn: q.nextTSN, sid: m.info.Stream, ssn: ssn, ppid: m.info.PPID,
			flags: f, v: fv, size: n,
		})
		q.nextTSN++
		off += n
		if total == 0 {
			break
		}
	}
	m.v.Release()
	m.v = nil
	q.buffered += total
}

// canSend reports whether the windows admit n more bytes (RFC 9260 6.1 A
// and B): one chunk may always probe a closed window when nothing is in
// flight.
func (q *outqueue) canSend(n int, cwnd int) bool {
	if q.flight == 0 {
		return true
	}
	return uint32(q.flight+n) <= q.peerRwnd && q.flight < cwnd
}

// sack applies a SACK (RFC 9260 6.2.1): it frees what the cumulative ack
// covers, notes gap-acked chunks and the peer's window, marks chunks
// reported missing three times for fast retransmission (7.2.4), and returns
// the bytes newly acknowledged, an RTT sample if one completed, and whether
// a fast retransmission was decided.
func (q *outqueue) sack(s header.SackChunk, now tcpip.MonotonicTime) (acked int, advanced bool, rtt int64, haveRTT bool, fast bool) {
	cum := s.CumulativeTSNAck()
	i := 0
	for i < len(q.inflight) && tsnLTE(q.inflight[i].tsn, cum) {
		c := q.inflight[i]
		if !c.gapAck && !c.rtx {
			q.flight -= c.size
		}
		if c.rtx {
			q.nrtx--
		}
		acked += c.size
		q.buffered -= c.size
		c.v.Release()
		c.v = nil
		i++
	}
	if i > 0 {
		advanced = true
		clear(q.inflight[:i])
		q.inflight = append(q.inflight[:0], q.inflight[i:]...)
	}
	if q.rttActive && tsnLTE(q.rttTSN, cum) {
		q.rttActive = false
		rtt, haveRTT = int64(now.Sub(q.rttStart)), true
	}
	// Gap Ack Blocks: mark, so that they do not count as in flight.
	n := int(s.NumberOfGapAckBlocks())
	highest := cum
	for g := 0; g < n; g++ {
		if h := cum + uint32(s.GapAckBlock(g).End); tsnLT(highest, h) {
			highest = h
		}
	}
	for g := 0; g < n; g++ {
		b := s.GapAckBlock(g)
		lo, hi := cum+uint32(b.Start), cum+uint32(b.End)
		for _, c := range q.inflight {
			if tsnLTE(lo, c.tsn) && tsnLTE(c.tsn, hi) && !c.gapAck {
				c.gapAck = true
				if c.rtx {
					c.rtx = false
					q.nrtx--
				} else {
					q.flight -= c.size
				}
			}
		}
	}
	// RFC 9260 7.2.4: a chunk below the highest TSN newly reported that
	// is still missing gets a miss indication; the third one sends it
	// again at once, once.
	if n > 0 {
		for _, c := range q.inflight {
			if !tsnLT(c.tsn, highest) {
				break
			}
			if c.gapAck || c.rtx || c.fastRt {
				continue
			}
			if c.misses++; c.misses >= 3 {
				c.fastRt, c.rtx = true, true
				q.nrtx++
				q.flight -= c.size
				fast = true
			}
		}
	}
	// RFC 9260 6.2.1 D: rwnd = a_rwnd - bytes in flight.
	arwnd := s.AdvertisedReceiverWindowCredit()
	if uint32(q.flight) >= arwnd {
		q.peerRwnd = 0
	} else {
		q.peerRwnd = arwnd - uint32(q.flight)
	}
	return acked, advanced, rtt, haveRTT, fast
}

// markAllForRetransmit marks every chunk in flight that is not gap-acked
// (RFC 9260 6.3.3 E3).
func (q *outqueue) markAllForRetransmit() {
	for _, c := range q.inflight {
		if !c.gapAck && !c.rtx {
			c.misses = 0
			c.t3 = true
			c.rtx = true
			q.nrtx++
			q.flight -= c.size
		}
	}
	q.rttActive = false // Karn: no samples from retransmitted chunks
}

// drop forgets all data, for an aborted association.
func (q *outqueue) drop() {
	for _, c := range q.queue[q.qhead:] {
		c.v.Release()
	}
	for _, c := range q.inflight {
		c.v.Release()
	}
	clear(q.queue)
	clear(q.inflight)
	q.queue, q.inflight, q.qhead = q.queue[:0], q.inflight[:0], 0
	q.buffered, q.flight, q.nrtx = 0, 0, 0
}

// dataLen is the padded size of c as a DATA chunk.
func dataLen(c *outChunk) int { return header.PaddedLen(header.DataChunkLen(c.size)) }
