package sctp

import (
	"encoding/binary"
	"sync"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// packetBuilder is the lazy packet transmitter of paper 5.2.4: chunks are
// bundled into the packet being built until the next one does not fit in
// the path MTU, which seals the packet and starts another. It never makes a
// packet larger than the MTU (netstack would fragment it silently).
//
// A packet is a list of buffer.Views: control chunks and DATA chunk headers
// are encoded straight into a pooled view, and DATA payloads are appended
// as clones of the message's own view, so that user data is copied once on
// the way out (from the writer into the message) and never again.
type packetBuilder struct {
	mtu     int
	srcPort uint16
	dstPort uint16
	vtag    uint32
	// dst is the path the packets being built go to (nil for the replies
	// of the CLOSED state, which have their own route).
	dst *transport

	pieces []*buffer.View // sealed pieces of the packet being built
	tail   *buffer.View   // the piece being written, nil if none
	n      int            // bytes in the packet, common header included
	// types holds the chunk types of the packet, for the statistics.
	types [16]header.ChunkType
	ntype uint8
	open  bool // a packet is being built
	// lastData is the header of the last DATA chunk of the open packet,
	// nil if it has none, for setImmediate.
	lastData []byte

	// out are the sealed packets waiting to be written, in storage from
	// sealedPool (outBox) while there are any: an idle association keeps
	// none.
	out    []sealedPacket
	outBox *[]sealedPacket
	// pstats and astats, if set, count every chunk of every sealed
	// packet (ChunksSent).
	pstats *ProtocolStats
	astats *AssocStats
}

// init prepares the builder for a path.
func (p *packetBuilder) init(mtu int, src, dst uint16) {
	p.mtu = mtu
	p.srcPort = src
	p.dstPort = dst
}

// sealedPacket is a finished packet and the path it goes to; the route
// and DF flag are filled in when it is written.
type sealedPacket struct {
	b   buffer.Buffer
	dst *transport
	r   *stack.Route
	ref bool // this packet holds the reference on r for its run
	df  int64
}

// to makes t the destination of the chunks that follow: a packet goes to
// one path, so a change of path seals the packet being built (RFC 9260
// 6.4), and the MTU becomes t's.
func (p *packetBuilder) to(t *transport) {
	if t == p.dst && t.pmtu == p.mtu {
		return
	}
	p.seal()
	p.dst = t
	p.mtu = t.pmtu
}

// room is how many more bytes fit in the open packet (none when no packet
// is open).
func (p *packetBuilder) room() int {
	if !p.open {
		return 0
	}
	return p.mtu - p.n
}

// empty reports whether no packet is being built.
func (p *packetBuilder) empty() bool { return !p.open }

// hasData reports whether the open packet carries DATA.
func (p *packetBuilder) hasData() bool { return p.open && p.lastData != nil }

// fitsData reports whether the open packet carries DATA and has room for
// n more bytes of it.
func (p *packetBuilder) fitsData(n int) bool { return p.hasData() && p.mtu-p.n >= n }

// setImmediate sets the I bit of the open packet's last DATA chunk
// (RFC 9260 3.3.1, 6.1).
func (p *packetBuilder) setImmediate() {
	if p.hasData() {
		p.lastData[1] |= header.DataFlagImmediate
	}
}

// maxChunk returns the largest chunk that fits in an empty packet.
func (p *packetBuilder) maxChunk() int { return p.mtu - header.SCTPCommonHeaderLen }

// begin starts a packet with tag vtag, sealing the current one if its tag
// differs or n more bytes do not fit.
func (p *packetBuilder) begin(vtag uint32, n int) {
	p.beginIn(vtag, n, max(p.mtu, n+header.SCTPCommonHeaderLen))
}

// beginIn is begin with the first piece of a new packet size bytes large.
func (p *packetBuilder) beginIn(vtag uint32, n, size int) {
	if p.open && (p.vtag != vtag || p.mtu-p.n < n) {
		p.seal()
	}
	if !p.open {
		p.open = true
		p.vtag = vtag
		p.n = header.SCTPCommonHeaderLen
		p.ntype = 0
		p.lastData = nil
		p.tail = buffer.NewView(size)
		p.tail.Grow(header.SCTPCommonHeaderLen)
	}
}

// space returns n writable bytes at the end of the packet.
func (p *packetBuilder) space(n int) []byte {
	if p.tail == nil {
		p.tail = buffer.NewView(max(p.mtu-p.n, n))
	}
	off := p.tail.Size()
	p.tail.Grow(n)
	p.n += n
	return p.tail.AsSlice()[off : off+n]
}

func (p *packetBuilder) count(t header.ChunkType) {
	if int(p.ntype) < len(p.types) {
		p.types[p.ntype] = t
		p.ntype++
	}
}

// reserve returns space for a control chunk of padded length n in a packet
// with verification tag vtag. The caller encodes the chunk into it. n must
// not exceed maxChunk, except for a chunk alone in its packet (an INIT ACK
// with a large cookie), which then exceeds the MTU. A control chunk never
// follows DATA in a packet (RFC 9260 6.10): if the open packet carries
// DATA, it is sealed and the chunk starts the next one.
func (p *packetBuilder) reserve(vtag uint32, n int, t header.ChunkType) []byte {
	if p.hasData() {
		p.seal()
	}
	p.begin(vtag, n)
	p.count(t)
	return p.space(n)
}

// unreserve gives back the last k bytes reserved, for a chunk that came
// out shorter than the space asked for.
func (p *packetBuilder) unreserve(k int) {
	p.tail.CapLength(p.tail.Size() - k)
	p.n -= k
}

// alone is reserve for a chunk that must be the only one in its packet
// (INIT, INIT ACK, SHUTDOWN COMPLETE: RFC 9260 6.10); sealAfter closes it.
func (p *packetBuilder) alone(vtag uint32, n int, t header.ChunkType) []byte {
	p.seal()
	return p.reserve(vtag, n, t)
}

// sealAfter closes the packet after a chunk that must be alone.
func (p *packetBuilder) sealAfter() { p.seal() }

// appendData bundles DATA chunk c (RFC 9260 3.3.1): its header is encoded
// in place and its payload appended by reference.
func (p *packetBuilder) appendData(vtag uint32, c *outChunk) {
	l := header.DataChunkLen(c.size)
	byRef := shareDataPayloads && c.size >= sharePayloadMin && c.v != nil
	if byRef {
		// A packet that starts with a payload taken by reference needs
		// a first piece for the two headers only (a pooled view is
		// cleared whole when taken: an MTU-sized one would cost more
		// than the payload's own clone).
		p.beginIn(vtag, header.PaddedLen(l), header.SCTPCommonHeaderLen+header.DataChunkHeaderLen)
	} else {
		p.begin(vtag, header.PaddedLen(l))
	}
	p.count(header.ChunkData)
	h := p.space(header.DataChunkHeaderLen)
	h[0] = byte(header.ChunkData)
	h[1] = c.flags
	binary.BigEndian.PutUint16(h[2:], uint16(l))
	binary.BigEndian.PutUint32(h[4:], c.tsn)
	binary.BigEndian.PutUint16(h[8:], c.sid)
	binary.BigEndian.PutUint16(h[10:], c.ssn)
	binary.BigEndian.PutUint32(h[12:], c.ppid)
	p.lastData = h
	if byRef {
		p.pieces = append(p.pieces, p.tail, c.v.Clone())
		p.tail = nil
		p.n += c.size
	} else {
		copy(p.space(c.size), c.payload())
	}
	if pad := header.PaddedLen(l) - l; pad > 0 {
		clear(p.space(pad))
	}
}

// seal finishes the packet being built: common header and CRC32c
// (RFC 9260 6.8) over all its pieces.
func (p *packetBuilder) seal() {
	if !p.open {
		return
	}
	p.open = false
	p.lastData = nil
	if p.tail != nil {
		p.pieces = append(p.pieces, p.tail)
		p.tail = nil
	}
	first := header.SCTP(p.pieces[0].AsSlice())
	first.Encode(&header.SCTPFields{SrcPort: p.srcPort, DstPort: p.dstPort, VerificationTag: p.vtag})
	crc := header.ChecksumUpdate(0, first)
	for _, v := range p.pieces[1:] {
		crc = header.ChecksumUpdate(crc, v.AsSlice())
	}
	first.SetChecksum(crc)
	for _, t := range p.types[:p.ntype] {
		if p.pstats != nil {
			p.pstats.ChunksSent[t].Increment()
		}
		if p.astats != nil {
			p.astats.ChunksSent.Of(t).Increment()
		}
	}
	b := buffer.MakeWithView(p.pieces[0])
	for _, v := range p.pieces[1:] {
		nb := buffer.MakeWithView(v)
		b.Merge(&nb)
	}
	clear(p.pieces)
	p.pieces = p.pieces[:0]
	if p.outBox == nil {
		p.outBox = sealedPool.Get().(*[]sealedPacket)
		p.out = (*p.outBox)[:0]
	}
	p.out = append(p.out, sealedPacket{b: b, dst: p.dst})
}

// sealedPool holds the storage of the sealed packets of builders between
// flushes.
var sealedPool = sync.Pool{New: func() any { return new([]sealedPacket) }}

// detach hands the sealed packets over to the caller, who gives their
// storage back with putSealed.
func (p *packetBuilder) detach() ([]sealedPacket, *[]sealedPacket) {
	out, box := p.out, p.outBox
	p.out, p.outBox = nil, nil
	return out, box
}

// putSealed gives back the storage detach handed over, its packets
// written or released.
func putSealed(out []sealedPacket, box *[]sealedPacket) {
	if box == nil {
		return
	}
	clear(out)
	*box = out[:0]
	sealedPool.Put(box)
}

// take moves the sealed packets to dst.
func (p *packetBuilder) take(dst []sealedPacket) []sealedPacket {
	out, box := p.detach()
	dst = append(dst, out...)
	putSealed(out, box)
	return dst
}

// release drops everything, for an association that goes away.
func (p *packetBuilder) release() {
	if p.tail != nil {
		p.tail.Release()
		p.tail = nil
	}
	for _, v := range p.pieces {
		v.Release()
	}
	clear(p.pieces)
	p.pieces = p.pieces[:0]
	p.open = false
	out, box := p.detach()
	for i := range out {
		out[i].b.Release()
	}
	putSealed(out, box)
}

// shareDataPayloads makes packets carry DATA payloads by reference (a clone
// of the message's view) rather than copying them in, so that user data is
// copied once on the way out.
var shareDataPayloads = true

// sharePayloadMin is the smallest DATA payload carried by reference. A
// smaller one is copied into the packet: for a few dozen bytes a copy is
// cheaper than a view clone, the fresh view the next chunk header then
// needs, and the receiver's PullUp of a packet in many pieces (small
// messages bundle by the dozen). It mirrors refPayloadMin on the way in.
const sharePayloadMin = refPayloadMin
