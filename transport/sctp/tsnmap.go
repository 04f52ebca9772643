package sctp

import (
	"slices"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// tsnLT and tsnLTE compare TSNs in serial number arithmetic (RFC 9260 1.6,
// RFC 1982).
func tsnLT(a, b uint32) bool  { return header.TSNLessThan(a, b) }
func tsnLTE(a, b uint32) bool { return header.TSNLessEq(a, b) }

// maxDupReport bounds the duplicate TSNs reported in one SACK.
const maxDupReport = 16

// tsnMap records the TSNs received: the cumulative TSN ack point, the TSNs
// received above it (sorted) and the duplicates since the last SACK
// (RFC 9260 6.2, 6.7).
type tsnMap struct {
	cum   uint32
	above []uint32
	dups  []uint32
}

// init starts the map before the peer's initial TSN.
func (m *tsnMap) init(initialTSN uint32) {
	m.cum = initialTSN - 1
	m.above = m.above[:0]
	m.dups = m.dups[:0]
}

// seen reports whether tsn was received already.
func (m *tsnMap) seen(tsn uint32) bool {
	if tsnLTE(tsn, m.cum) {
		return true
	}
	_, ok := slices.BinarySearchFunc(m.above, tsn, cmpTSN)
	return ok
}

func cmpTSN(a, b uint32) int {
	switch {
	case a == b:
		return 0
	case tsnLT(a, b):
		return -1
	}
	return 1
}

// dup records a duplicate for the next SACK.
func (m *tsnMap) dup(tsn uint32) {
	if len(m.dups) < maxDupReport {
		m.dups = append(m.dups, tsn)
	}
}

// mark records tsn as received and advances the cumulative point over any
// TSNs now in sequence.
func (m *tsnMap) mark(tsn uint32) {
	if tsn == m.cum+1 {
		m.cum = tsn
		i := 0
		for i < len(m.above) && m.above[i] == m.cum+1 {
			m.cum++
			i++
		}
		if i > 0 {
			m.above = append(m.above[:0], m.above[i:]...)
		}
		return
	}
	i, ok := slices.BinarySearchFunc(m.above, tsn, cmpTSN)
	if !ok {
		m.above = slices.Insert(m.above, i, tsn)
	}
}

// hasGaps reports whether TSNs are missing below the highest received.
func (m *tsnMap) hasGaps() bool { return len(m.above) > 0 }

// highest returns the highest TSN received.
func (m *tsnMap) highest() uint32 {
	if len(m.above) > 0 {
		return m.above[len(m.above)-1]
	}
	return m.cum
}

// gapBlocks appends the Gap Ack Blocks, as offsets from the cumulative TSN
// (RFC 9260 3.3.4), at most max of them (the lowest first).
func (m *tsnMap) gapBlocks(dst []header.GapAckBlock, max int) []header.GapAckBlock {
	for i := 0; i < len(m.above) && len(dst) < max; {
		start := m.above[i]
		end := start
		i++
		for i < len(m.above) && m.above[i] == end+1 {
			end++
			i++
		}
		dst = append(dst, header.GapAckBlock{Start: uint16(start - m.cum), End: uint16(end - m.cum)})
	}
	return dst
}
