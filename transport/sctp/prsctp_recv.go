package sctp

import (
	"slices"

	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Partial reliability, the receiver's side (RFC 3758 3.6): a FORWARD TSN
// moves the cumulative TSN ack point over TSNs the sender abandoned, drops
// the fragments they leave stranded, and lets the ordered messages that
// waited behind abandoned ones go to the reader.

// sfEatFwdTSN3_6 takes a FORWARD TSN (RFC 3758 3.6). On an association
// that did not negotiate PR-SCTP it is an unknown chunk: its type's high
// bits say skip it and report it (RFC 3758 3.3.1, RFC 9260 3.2).
func sfEatFwdTSN3_6(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !ctx.a.prsctp {
		return sfUnknownChunk3_2(ctx, ev, cmds)
	}
	if !vtagOK(ctx, ev) {
		cmds.do(cmdCountVtagDrop)
		return dispDiscard
	}
	if len(ev.chunk) < header.ForwardTSNChunkHeaderLen {
		return violationChunkLen(ctx, ev, cmds)
	}
	cmds.do(cmdEatFwdTSN)
	return dispContinue
}

// sfDiscardFwdTSN3_6 is a FORWARD TSN where DATA is discarded (before
// ESTABLISHED, after the peer's SHUTDOWN): dropped with the rest of the
// packet as DATA would be, or, without PR-SCTP, an unknown chunk
// (RFC 3758 3.3.1).
func sfDiscardFwdTSN3_6(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !ctx.a.prsctp {
		return sfUnknownChunk3_2(ctx, ev, cmds)
	}
	return dispDiscard
}

// sfEatFwdTSNFast9_2 takes a FORWARD TSN in SHUTDOWN-SENT: as DATA there,
// acknowledged at once with the SHUTDOWN repeated (RFC 9260 9.2).
func sfEatFwdTSNFast9_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	if !ctx.a.prsctp {
		return sfUnknownChunk3_2(ctx, ev, cmds)
	}
	d := sfEatFwdTSN3_6(ctx, ev, cmds)
	if d != dispContinue {
		return d
	}
	sackAndRepeatShutdown(cmds)
	return dispContinue
}

// eatForwardTSN applies a FORWARD TSN (RFC 3758 3.6).
//
// +checklocks:a.mu
func (a *association) eatForwardTSN(c header.ForwardTSNChunk) {
	// RFC 3758 3.6: for the SACK, as if DATA had come.
	a.sackDue = true
	cum := c.NewCumulativeTSN()
	if tsnLTE(cum, a.in.cum) {
		// RFC 3758 3.6: out of date, the cumulative TSN stays; the
		// SACK (by the delayed-ack rules) tells the peer where we are.
		return
	}
	if cum-a.in.cum > maxTSNAhead {
		// Beyond any window we advertised (as for DATA, inqueue.go):
		// no legitimate sender abandons that far ahead. Dropped; our
		// SACK says where we are.
		a.p.stats.DataDropped.Increment()
		a.sackNow = true
		return
	}
	// The peer waits on this SACK to move on: at once, as when DATA
	// fills a gap (RFC 9260 6.2).
	a.sackNow = true
	a.p.stats.ForwardTSNsReceived.Increment()
	a.in.forward(cum)
	before := a.ulp.enqueued
	if pd, ok := a.ulp.forward(cum, c); ok {
		// RFC 3758 3.6: the message under partial delivery will not
		// be completed (RFC 6458 6.1.7 SCTP_PARTIAL_DELIVERY_ABORTED).
		a.note(&PartialDeliveryEvent{ID: a.id, Stream: pd.sid, SSN: pd.ssn})
		a.notify |= waiter.ReadableEvents
	}
	if a.ulp.enqueued != before {
		a.notify |= waiter.ReadableEvents
	}
}

// forward moves the cumulative TSN ack point to cum, treating the TSNs
// missing up to it as received, then further over the TSNs received in
// sequence after it (RFC 3758 3.6); no gap below it is reported again.
func (m *tsnMap) forward(cum uint32) {
	i := 0
	for i < len(m.above) && tsnLTE(m.above[i], cum) {
		i++
	}
	m.cum = cum
	for i < len(m.above) && m.above[i] == m.cum+1 {
		m.cum++
		i++
	}
	if i > 0 {
		m.above = append(m.above[:0], m.above[i:]...)
	}
}

// pdAbort names the message whose partial delivery a FORWARD TSN ended.
type pdAbort struct{ sid, ssn uint16 }

// forward applies a FORWARD TSN with new cumulative TSN cum to the
// reassembly queue and the streams (RFC 3758 3.6): fragments at or below
// cum can never complete and are dropped; a message under partial
// delivery that misses one of them ends there; each listed ordered
// stream skips to after the SSN given, delivering the messages that
// waited. It reports the partial delivery it ended, if any.
func (q *ulpqueue) forward(cum uint32, c header.ForwardTSNChunk) (pdAbort, bool) {
	var ab pdAbort
	aborted := false
	for t, f := range q.frags {
		if tsnLTE(t, cum) {
			q.unfrag(t)
			q.fragBytes -= f.size()
			q.freeChunk(f)
		}
	}
	if pd := q.pd; pd != nil && !pd.complete && tsnLTE(pd.lastTSN+1, cum) {
		// Its next fragment was abandoned: what the reader has is all
		// there will be.
		pd.complete, pd.aborted = true, true
		q.pd = nil
		ab, aborted = pdAbort{pd.sid, pd.ssn}, true
		if s := q.stream(pd.sid); !pd.unordered && s != nil && s.nextSSN == pd.ssn {
			q.advanceStream(pd.sid)
		}
	}
	for i := 0; i < c.NumStreams(); i++ {
		p := c.Stream(i)
		q.skipTo(p.StreamID, p.SSN)
	}
	return ab, aborted
}

// skipTo makes stream sid expect the SSN after ssn, delivering in order
// the complete messages that waited for the SSNs skipped, then those now
// in sequence (RFC 3758 3.6). An SSN behind the stream's is old news.
func (q *ulpqueue) skipTo(sid, ssn uint16) {
	s := q.stream(sid)
	if s == nil {
		return // not a negotiated stream: nothing waits there
	}
	span := ssn - s.nextSSN // SSNs skipped, less one; serial arithmetic
	if span >= 1<<15 {
		return // behind nextSSN: old
	}
	if len(s.pending) > 0 {
		var buf [32]uint16
		waiting := buf[:0]
		for k := range s.pending {
			if k-s.nextSSN <= span {
				waiting = append(waiting, k)
			}
		}
		base := s.nextSSN
		slices.SortFunc(waiting, func(x, y uint16) int { return int(x-base) - int(y-base) })
		for _, k := range waiting {
			m := s.pending[k]
			delete(s.pending, k)
			q.pushReady(m)
		}
	}
	s.nextSSN = ssn
	q.advanceStream(sid) // past ssn, and what waited for ssn+1 on
}
