package sctp

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Received packets whose DATA payload is a view of its own.
//
// A link that hands packets through in memory (two stacks in one process)
// delivers our packet builder's pieces as they were: the common header and
// chunk headers in one view, a large DATA chunk's user data in the next
// (packet.go appends it by reference). Making such a packet contiguous
// would copy every payload byte once more on receipt; instead the few
// bytes before the payload are copied and the payload is taken by
// reference, as a contiguous packet's is. A NIC delivers contiguous
// packets, which never take this path.

// splitHeadMax is the most bytes of chunks before a split DATA chunk's
// user data; a packet with more is made contiguous instead.
const splitHeadMax = 128

// splitData recognises a split packet: its chunks (n bytes) end with a
// DATA chunk whose header closes the first view and whose user data is the
// whole next view, followed by nothing or by exactly its padding (the
// chunk's Length covers header and user data, not padding: RFC 9260 3.2,
// 3.3.1). It
// copies the chunks before the user data into pi.head, with that DATA
// chunk's length cut to its header (so that the chunk walk sees a
// complete chunk), and keeps the user data in pi.ext (and its view in
// pi.extView). The caller computes the CRC over head, ext and pad.
func splitData(pkt *stack.PacketBuffer, n int, pi *packetInfo) (head, pad []byte, ok bool) {
	vl, off := pkt.AsViewList()
	start := off + pkt.Size() - n // where the chunks start in the buffer
	v := vl.Front()
	for v != nil && start >= v.Size() {
		start -= v.Size()
		v = v.Next()
	}
	if v == nil {
		return nil, nil, false
	}
	head = v.AsSlice()[start:]
	pv := v.Next()
	if len(head) < header.DataChunkHeaderLen || len(head) > splitHeadMax || pv == nil || pv.Size() < refPayloadMin {
		return nil, nil, false
	}
	rest := n - len(head) - pv.Size()
	if nv := pv.Next(); rest == 0 && nv != nil && nv.Size() != 0 {
		return nil, nil, false
	}
	// Walk the head's chunks: every one complete but the last, a DATA
	// chunk header whose length reaches over the payload view.
	b, at := head, 0
	for {
		if len(b) < header.ChunkHeaderLen {
			return nil, nil, false
		}
		l := int(binary.BigEndian.Uint16(b[2:]))
		if len(b) == header.DataChunkHeaderLen && header.ChunkType(b[0]) == header.ChunkData {
			if l != header.DataChunkHeaderLen+pv.Size() || rest != header.PaddedLen(l)-l {
				return nil, nil, false
			}
			break
		}
		if l < header.ChunkHeaderLen || header.PaddedLen(l) > len(b) {
			return nil, nil, false
		}
		b = b[header.PaddedLen(l):]
		at += header.PaddedLen(l)
	}
	if rest > 0 {
		nv := pv.Next()
		if nv == nil || nv.Size() != rest || nv.Next() != nil {
			return nil, nil, false
		}
		pad = nv.AsSlice()
	}
	if pi.head == nil {
		pi.head = new([splitHeadMax]byte) // once per pooled packetInfo
	}
	copy(pi.head[:], head)
	binary.BigEndian.PutUint16(pi.head[at+2:], header.DataChunkHeaderLen)
	pi.split = at
	pi.ext, pi.extView = pv.AsSlice(), pv
	return head, pad, true
}

// splitUserData returns the user data of DATA chunk d when d is the
// packet's split chunk (its user data held apart in ext).
func (pi *packetInfo) splitUserData(d []byte) ([]byte, bool) {
	if pi == nil || pi.ext == nil || len(d) != header.DataChunkHeaderLen || &d[0] != &pi.head[pi.split] {
		return nil, false
	}
	return pi.ext, true
}

// extPayload returns a view of the split chunk's user data p, sharing the
// packet's memory, or nil if p is not it.
func (pi *packetInfo) extPayload(p []byte) *buffer.View {
	if pi.extView == nil || len(p) == 0 || &p[0] != &pi.ext[0] {
		return nil
	}
	return pi.extView.Clone()
}
