package sctp

import "slices"

// Reneging (RFC 9260 6.2): "If the new incoming DATA chunk holds a TSN
// value less than the largest TSN received so far, then the receiver
// SHOULD drop the largest TSN held for reordering and accept the new
// incoming DATA chunk." Without it, a receive buffer filled with data held
// behind a hole (ordered messages waiting for an earlier SSN, fragments of
// incomplete messages) would refuse the very chunk that fills the hole, and
// the association would stall until Association.Max.Retrans ends it.

// renege drops the data held for reordering with the highest TSNs, all
// above tsn, until need more bytes fit under limit. It reports whether they
// do. Data already handed to the reader is never taken back; the peer sees
// the dropped TSNs missing from our next SACK and sends them again
// (6.2.1 D iii).
//
// +checklocks:a.mu
func (a *association) renege(tsn uint32, need, limit int) bool {
	for a.ulp.mem+need > limit {
		top := a.in.highest()
		if !tsnLT(tsn, top) || !tsnLT(a.in.cum, top) {
			return false
		}
		first, ok := a.ulp.dropHeld(top)
		if !ok {
			return false // the highest TSN is with the reader already
		}
		for t := first; ; t++ {
			a.in.unmark(t)
			if t == top {
				break
			}
		}
		a.p.stats.DataDropped.Increment()
	}
	return true
}

// dropHeld frees what is held for reordering that ends at TSN last: a
// lone fragment, or a complete ordered message waiting for its turn. It
// returns the first TSN freed.
func (q *ulpqueue) dropHeld(last uint32) (first uint32, ok bool) {
	if c := q.frags[last]; c != nil {
		q.unfrag(last)
		q.fragBytes -= c.v.Size()
		q.freeChunk(c)
		return last, true
	}
	for i := range q.streams {
		for ssn, m := range q.streams[i].pending {
			if m.lastTSN == last {
				delete(q.streams[i].pending, ssn)
				first = m.tsn
				q.freeMessage(m)
				return first, true
			}
		}
	}
	return 0, false
}

// unmark forgets that tsn, above the cumulative TSN, was received.
func (m *tsnMap) unmark(tsn uint32) {
	if i, ok := slices.BinarySearchFunc(m.above, tsn, cmpTSN); ok {
		m.above = slices.Delete(m.above, i, i+1)
	}
}
