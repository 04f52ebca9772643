package sctp

import (
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// The receive side of the association (paper 5.2.1): DATA chunks are
// checked against the TSN map and the window, their user data copied once
// out of the packet, and handed to the ULP queue; SACKs report it.

// eatData takes one DATA chunk (RFC 9260 6.2).
//
// +checklocks:a.mu
func (a *association) eatData(d header.DataChunk) {
	tsn := d.TSN()
	a.sackDue = true
	if d.Immediate() {
		a.sackNow = true
	}
	if a.in.seen(tsn) {
		// RFC 9260 6.2: a duplicate; report it and SACK at once.
		a.in.dup(tsn)
		a.stats.DuplicateTSNs.Increment()
		a.sackNow = true
		return
	}
	data := d.UserData()
	// RFC 9260 6.2: beyond the window, drop data that is not filling a
	// gap; the peer retransmits it.
	if uint32(len(data)) > a.ulp.rwnd() && tsnLT(a.in.highest(), tsn) {
		a.sackNow = true
		return
	}
	sid := d.StreamIdentifier()
	if sid >= a.inStreams {
		// RFC 9260 6.5: ERROR Invalid Stream Identifier; the TSN is
		// acknowledged but the data dropped.
		a.in.mark(tsn)
		var v [4]byte
		v[0], v[1] = byte(sid>>8), byte(sid)
		cl := header.PaddedLen(header.CauseHeaderLen + 4)
		b := a.pb.reserve(a.peerVtag, header.ChunkHeaderLen+cl, header.ChunkError)
		n := header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: header.CauseInvalidStreamIdentifier, Info: v[:]})
		header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+n]})
		a.sackNow = true
		return
	}
	a.in.mark(tsn)
	c := &inChunk{
		tsn: tsn, sid: sid, ssn: d.StreamSequenceNumber(), ppid: d.PayloadProtocolIdentifier(),
		flags: header.Chunk(d).Flags(), data: append([]byte(nil), data...),
	}
	a.stats.DataBytesRecv.IncrementBy(uint64(len(data)))
	if a.ulp.push(c) {
		a.notify |= waiter.ReadableEvents
	}
}

// sendSack builds a SACK of the TSN map (RFC 9260 6.2, 3.3.4).
//
// +checklocks:a.mu
func (a *association) sendSack() {
	a.gapScratch = a.in.gapBlocks(a.gapScratch[:0])
	rwnd := a.ulp.rwnd()
	l := header.SackChunkLen(len(a.gapScratch), len(a.in.dups))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkSack)
	header.SackChunk(b).Encode(&header.SackFields{
		CumTSNAck: a.in.cum, ARwnd: rwnd, GapAckBlocks: a.gapScratch, DuplicateTSNs: a.in.dups,
	})
	a.in.dups = a.in.dups[:0]
	a.lastRwnd = rwnd
	a.pktsUnacked = 0
	a.sackNow = false
	a.sackDue = false
	a.stopTimer(timerSack)
}
