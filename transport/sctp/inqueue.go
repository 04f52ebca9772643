package sctp

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// The receive side of the association (paper 5.2.1): DATA chunks are
// checked against the TSN map and the window, their user data copied once
// out of the packet, and handed to the ULP queue; SACKs report it
// (sack.go).

// maxTSNAhead is how far above the cumulative TSN a DATA chunk may be:
// Gap Ack Block offsets are 16 bits (RFC 9260 3.3.4), so a TSN further
// out could never be reported; it is dropped and comes again later.
const maxTSNAhead = 1<<16 - 1

// refPayloadMin is the smallest DATA payload kept by reference into the
// received packet rather than copied.
const refPayloadMin = 512

// eatData takes one DATA chunk (RFC 9260 6.2).
//
// +checklocks:a.mu
func (a *association) eatData(d header.DataChunk, pi *packetInfo) {
	tsn := d.TSN()
	a.sackDue = true
	if pi != nil && (a.sackPath == nil || a.sackPath.addr != pi.srcAddr) {
		// RFC 9260 6.4: the SACK goes back where the DATA came from
		// (looked up only when that changes, not per chunk).
		if t := a.pathFor(pi.srcAddr); t != nil {
			a.sackPath = t
		}
	}
	if d.Immediate() || !a.dataSeen {
		// RFC 9260 6.2: the sender asked for the SACK without delay.
		// RFC 9260 5.1 (and 5.1 D step 7 for DATA bundled with the
		// COOKIE ECHO): the association's first DATA chunk is
		// acknowledged at once.
		a.sackNow, a.dataSeen = true, true
	}
	if a.in.seen(tsn) {
		// RFC 9260 6.2: a duplicate; report it and SACK at once.
		a.in.dup(tsn)
		a.stats.DuplicateTSNs.Increment()
		a.sackNow = true
		return
	}
	if tsn-a.in.cum > maxTSNAhead {
		// Far outside any window we advertised.
		a.p.stats.DataDropped.Increment()
		a.sackNow = true
		return
	}
	data := d.UserData()
	if ext, ok := pi.splitUserData(d); ok {
		data = ext
	}
	if !a.admit(tsn, len(data)) {
		// RFC 9260 6.2: dropped for want of buffer; SACK at once with
		// only what was accepted.
		a.p.stats.DataDropped.Increment()
		a.sackNow = true
		return
	}
	sid := d.StreamIdentifier()
	if sid >= a.inStreams {
		// RFC 9260 6.5: ERROR Invalid Stream Identifier; the TSN is
		// acknowledged but the data dropped.
		a.in.mark(tsn)
		a.sackNow = true
		cl := header.PaddedLen(header.CauseHeaderLen + 4)
		if pi != nil && !pi.mayReply(header.ChunkHeaderLen+cl, a.pb.maxChunk()) {
			return // RFC 9260 12.2: over the packet's reply budget
		}
		var v [4]byte
		v[0], v[1] = byte(sid>>8), byte(sid)
		b := a.pb.reserve(a.peerVtag, header.ChunkHeaderLen+cl, header.ChunkError)
		n := header.Cause(b[header.ChunkHeaderLen:]).Encode(&header.CauseFields{Code: header.CauseInvalidStreamIdentifier, Info: v[:]})
		header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: b[header.ChunkHeaderLen : header.ChunkHeaderLen+n]})
		return
	}
	a.in.mark(tsn)
	c := a.ulp.newChunk()
	c.tsn, c.sid, c.ssn, c.ppid, c.flags = tsn, sid, d.StreamSequenceNumber(), d.PayloadProtocolIdentifier(), header.Chunk(d).Flags()
	// A large payload stays in the packet's memory, by reference (the
	// packet was made contiguous once, by parsePacket); a small one is
	// copied out, so that it does not pin a whole packet.
	c.cost = len(data) + inChunkOverhead
	if len(data) >= refPayloadMin && pi != nil {
		if c.v = pi.payloadView(data); c.v != nil {
			c.cost = len(pi.chunks) + inChunkOverhead
		}
	}
	switch {
	case c.v != nil:
	case len(data) <= inlineMax:
		c.setInline(data)
	default:
		c.v = buffer.NewViewSize(len(data))
		copy(c.v.AsSlice(), data)
	}
	a.stats.DataBytesRecv.IncrementBy(uint64(len(data)))
	a.touchAutoclose()
	if a.ulp.push(c, a.in.cum) {
		a.notify |= waiter.ReadableEvents
	}
}

// memLimit bounds the memory the receive side holds, user data and
// per-chunk overhead: twice the buffer, as Linux doubles SO_RCVBUF for
// its bookkeeping. The window advertised counts user data only (RFC 9260
// 6.2), so a sender that fills it with 64-byte messages, each costing
// inChunkOverhead more, needs twice the buffer; at one and a half times
// such a sender overran it whenever the reader lagged, and its chunks
// were dropped and sent again (64-byte messages at a third of their rate
// in one run of several).
func memLimit(rcvbuf int) int { return 2 * rcvbuf }

// admit decides whether a new chunk of n bytes fits the receive buffer
// (RFC 9260 6.2). A chunk beyond the highest TSN received is taken while
// the window is open (one chunk may overshoot it); one filling a gap is
// taken regardless, since the sender sent it within a window we
// advertised. Either way the memory held, per-chunk overhead included,
// stays within memLimit, whatever the peer sends (many tiny chunks, gap
// fillers beyond any window); a gap filler that does not fit takes the
// place of the highest TSNs held for reordering (renege.go).
//
// +checklocks:a.mu
func (a *association) admit(tsn uint32, n int) bool {
	limit := memLimit(a.ulp.rcvbuf)
	if a.ulp.mem+n+inChunkOverhead > limit && !a.renege(tsn, n+inChunkOverhead, limit) {
		return false
	}
	return a.ulp.rwnd() > 0 || !tsnLT(a.in.highest(), tsn)
}
