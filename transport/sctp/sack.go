package sctp

import (
	"slices"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// SACKs both ways: building ours from the TSN map (RFC 9260 6.2, 3.3.4),
// and applying the peer's to the outqueue (6.2.1, 7.2.4).

// sendSack builds a SACK of the TSN map (RFC 9260 6.2, 3.3.4).
//
// +checklocks:a.mu
func (a *association) sendSack() {
	t := a.sackPath
	if t == nil || t.route == nil || (t.state != PathActive && t.state != PathUnconfirmed) {
		// A path we find failing ourselves takes no replies either.
		t = a.dataPath()
	}
	a.sendSackTo(t)
}

// gapPool holds the scratch the Gap Ack Blocks of a SACK are built in.
var gapPool = sync.Pool{New: func() any { return new([]header.GapAckBlock) }}

// sendSackTo builds a SACK for path t: reply chunks go back where the DATA
// came from (RFC 9260 6.4), or with the DATA they are bundled with.
//
// +checklocks:a.mu
func (a *association) sendSackTo(t *transport) {
	a.pb.to(t)
	// RFC 9260 6.2: as many Gap Ack Blocks as fit in a packet of the
	// path MTU with the duplicates.
	room := (t.pmtu - header.SCTPCommonHeaderLen - header.SackChunkHeaderLen - 4*len(a.in.dups)) / 4
	var gaps []header.GapAckBlock
	var gp *[]header.GapAckBlock
	if a.in.hasGaps() {
		// The blocks are built in pooled scratch: a TCB keeps none.
		gp = gapPool.Get().(*[]header.GapAckBlock)
		gaps = a.in.gapBlocks((*gp)[:0], max(room, 1))
	}
	rwnd := a.ulp.rwnd()
	l := header.SackChunkLen(len(gaps), len(a.in.dups))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkSack)
	header.SackChunk(b).Encode(&header.SackFields{
		CumTSNAck: a.in.cum, ARwnd: rwnd, GapAckBlocks: gaps, DuplicateTSNs: a.in.dups,
	})
	if gp != nil {
		*gp = gaps[:0]
		gapPool.Put(gp)
	}
	a.stats.SacksSent.Increment()
	a.in.dups = a.in.dups[:0]
	a.lastRwnd = rwnd
	a.pktsUnacked = 0
	a.sackNow, a.sackBurst = false, false
	a.sackDue = false
	a.stopTimer(timerSack)
}

// sackResult is what one SACK did to the outqueue.
type sackResult struct {
	ignored      bool // out of order (RFC 9260 6.2.1 D i)
	advanced     bool // the Cumulative TSN Ack Point moved
	acked        int  // bytes newly acknowledged, by cum or gap
	rtt          int64
	haveRTT      bool
	rttPath      *transport // where the measured chunk went
	fastPath     *transport // where a chunk newly fast-retransmitted went
	fast         int        // chunks newly marked for fast retransmission
	enterFR      bool       // Fast Recovery starts (7.2.4 step 2, 6)
	exitFR       bool       // Fast Recovery ended (6.2.1 D iv)
	reneged      bool       // gap-acked data is reported missing (6.2.1 D iii)
	flightBefore int
	allAcked     bool
}

// sack applies a SACK (RFC 9260 6.2.1): it frees what the cumulative ack
// covers, notes gap-acked chunks and the peer's window, and counts miss
// indications by the HTNA rule, marking chunks missed three times for fast
// retransmission (7.2.4). It assumes the caller checked that the SACK
// acknowledges nothing unsent.
func (q *outqueue) sack(s header.SackChunk, now tcpip.MonotonicTime, r *sackResult) {
	cum := s.CumulativeTSNAck()
	r.flightBefore = q.flight
	if tsnLT(cum, q.cumAck) {
		r.ignored = true
		return
	}
	var htna uint32
	haveHTNA := false
	i := 0
	for i < len(q.inflight) && tsnLTE(q.inflight[i].tsn, cum) {
		c := q.inflight[i]
		if c.gapAck {
			q.ngap--
		} else if !c.abandoned { // RFC 3758 3.5 A2: no credit
			r.acked += c.size
			htna, haveHTNA = c.tsn, true
			c.ackedOn()
			if c.rtx {
				q.nrtx--
			} else {
				q.flight -= c.size
				c.leaveFlight()
			}
		}
		q.buffered -= c.size
		q.acked(c)
		q.freeChunk(c)
		i++
	}
	if i > 0 {
		// O(chunks acked), not O(chunks in flight): with small messages
		// tens of thousands are in flight, and moving them all down on
		// every SACK was a tenth of the sender's time. What is still in
		// flight moves to the front of the array only when it is no more
		// than what was acked; otherwise the slice just starts later
		// (append reallocates when it reaches the end: amortized).
		clear(q.inflight[:i])
		if rest := len(q.inflight) - i; rest <= i {
			q.inflight = append(q.inflight[:0], q.inflight[i:]...)
		} else {
			q.inflight = q.inflight[i:]
		}
	}
	if tsnLT(q.cumAck, cum) {
		r.advanced = true
		q.cumAck = cum
	}
	if q.rttActive && tsnLTE(q.rttTSN, cum) {
		q.rttActive = false
		r.rtt, r.haveRTT, r.rttPath = int64(now.Sub(q.rttStart)), true, q.rttPath
	}
	// Gap Ack Blocks: the chunks they cover leave the flight.
	q.gen++
	covered := 0
	n := int(s.NumberOfGapAckBlocks())
	highestGap := cum
	for g := 0; g < n; g++ {
		b := s.GapAckBlock(g)
		if b.Start == 0 || b.End < b.Start {
			continue // malformed; ignore the block
		}
		lo, hi := cum+uint32(b.Start), cum+uint32(b.End)
		if tsnLT(highestGap, hi) {
			highestGap = hi
		}
		j, _ := slices.BinarySearchFunc(q.inflight, lo, func(c *outChunk, t uint32) int { return cmpTSN(c.tsn, t) })
		for ; j < len(q.inflight) && tsnLTE(q.inflight[j].tsn, hi); j++ {
			c := q.inflight[j]
			if c.sackGen == q.gen {
				continue // overlapping blocks
			}
			c.sackGen = q.gen
			if c.gapAck {
				covered++
				continue
			}
			c.gapAck = true
			q.ngap++
			covered++
			if c.abandoned {
				continue // RFC 3758 3.5 A2: out of the flight already
			}
			r.acked += c.size
			c.ackedOn()
			if q.rttActive && q.rttTSN == c.tsn {
				// 6.3.1 C4: the measured chunk is acknowledged.
				q.rttActive = false
				r.rtt, r.haveRTT, r.rttPath = int64(now.Sub(q.rttStart)), true, q.rttPath
			}
			if !haveHTNA || tsnLT(htna, c.tsn) {
				htna, haveHTNA = c.tsn, true
			}
			if c.rtx {
				c.rtx = false
				q.nrtx--
			} else {
				q.flight -= c.size
				c.leaveFlight()
			}
		}
	}
	// RFC 9260 6.2.1 D iii: data gap-acked before and missing now was
	// dropped by the receiver (reneged): it is outstanding again, with a
	// miss indication; the caller makes sure T3 runs.
	if covered < q.ngap {
		for _, c := range q.inflight {
			if c.gapAck && c.sackGen != q.gen {
				c.gapAck = false
				q.ngap--
				c.sackGen = q.gen
				if c.abandoned {
					continue // given up: never outstanding again
				}
				q.flight += c.size
				if c.tp != nil {
					c.tp.flight += c.size
				}
				c.misses++ // one miss indication, not again below
				c.sackGen = q.gen
				r.reneged = true
			}
		}
	}
	// RFC 9260 6.2.1 D iv: the exit point reached ends Fast Recovery.
	if q.fastRecovery && tsnLTE(q.frExit, cum) {
		q.fastRecovery = false
		r.exitFR = true
	}
	// RFC 9260 7.2.4: miss indications for TSNs missing below the HTNA;
	// in Fast Recovery, when the cum advanced, for all reported missing.
	limit, count := htna, haveHTNA
	if q.fastRecovery && r.advanced && n > 0 {
		limit, count = highestGap, true
	}
	if count && n > 0 {
		for _, c := range q.inflight {
			if !tsnLT(c.tsn, limit) {
				break
			}
			if c.gapAck || c.rtx || c.fastRt || c.sackGen == q.gen || c.abandoned {
				continue
			}
			if c.misses++; c.misses >= 3 {
				// 7.2.4 steps 1 and 5.
				q.markRtx(c)
				if r.fastPath == nil {
					r.fastPath = c.tp
				}
				c.fastRt = true
				c.misses = 0
				r.fast++
			}
		}
	}
	if r.fast > 0 {
		q.rtxOnePacket = !q.fastRecovery // step 3: one packet regardless of cwnd
		if !q.fastRecovery {
			// Step 6: enter Fast Recovery up to the highest TSN sent.
			q.fastRecovery = true
			q.frExit = q.highestSent()
			r.enterFR = true
		}
	}
	// RFC 9260 6.2.1 D ii: rwnd = a_rwnd less what is outstanding.
	q.arwnd = s.AdvertisedReceiverWindowCredit()
	r.allAcked = len(q.inflight) == 0
}
