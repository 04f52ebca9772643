package header

import "encoding/binary"

// SACK chunk layout (RFC 9260 3.3.4).
const (
	sackCumTSNAck = 4
	sackARwnd     = 8
	sackNumGaps   = 12
	sackNumDups   = 14

	// SackChunkHeaderLen is the size of a SACK chunk before its Gap Ack
	// Blocks, which is also its minimum length.
	SackChunkHeaderLen = 16

	// GapAckBlockLen is the size of one Gap Ack Block.
	GapAckBlockLen = 4

	// DuplicateTSNLen is the size of one Duplicate TSN.
	DuplicateTSNLen = 4
)

// SackChunk is a view of a SACK chunk (RFC 9260 3.3.4). ValidateChunk
// checks that the chunk length covers the numbers of Gap Ack Blocks and
// Duplicate TSNs that it announces, so that GapAckBlock and DuplicateTSN
// stay in range for indexes below those numbers.
type SackChunk Chunk

// GapAckBlock is one "Gap Ack Block": TSNs from CumulativeTSNAck+Start to
// CumulativeTSNAck+End inclusive have been received (RFC 9260 3.3.4).
type GapAckBlock struct {
	Start uint16
	End   uint16
}

// SackFields is what SackChunk.Encode writes.
type SackFields struct {
	CumTSNAck     uint32
	ARwnd         uint32
	GapAckBlocks  []GapAckBlock
	DuplicateTSNs []uint32
}

// SackChunkLen returns the length of a SACK chunk with gaps Gap Ack Blocks
// and dups Duplicate TSNs (always a multiple of 4).
func SackChunkLen(gaps, dups int) int {
	return SackChunkHeaderLen + gaps*GapAckBlockLen + dups*DuplicateTSNLen
}

// CumulativeTSNAck returns the "Cumulative TSN Ack" field.
func (c SackChunk) CumulativeTSNAck() uint32 { return binary.BigEndian.Uint32(c[sackCumTSNAck:]) }

// AdvertisedReceiverWindowCredit returns the "Advertised Receiver Window
// Credit (a_rwnd)" field.
func (c SackChunk) AdvertisedReceiverWindowCredit() uint32 {
	return binary.BigEndian.Uint32(c[sackARwnd:])
}

// NumberOfGapAckBlocks returns the "Number of Gap Ack Blocks" field.
func (c SackChunk) NumberOfGapAckBlocks() uint16 { return binary.BigEndian.Uint16(c[sackNumGaps:]) }

// NumberOfDuplicateTSNs returns the "Number of Duplicate TSNs" field.
func (c SackChunk) NumberOfDuplicateTSNs() uint16 { return binary.BigEndian.Uint16(c[sackNumDups:]) }

// GapAckBlock returns Gap Ack Block i, 0 <= i < NumberOfGapAckBlocks().
func (c SackChunk) GapAckBlock(i int) GapAckBlock {
	o := SackChunkHeaderLen + i*GapAckBlockLen
	return GapAckBlock{
		Start: binary.BigEndian.Uint16(c[o:]),
		End:   binary.BigEndian.Uint16(c[o+2:]),
	}
}

// DuplicateTSN returns Duplicate TSN i, 0 <= i < NumberOfDuplicateTSNs().
func (c SackChunk) DuplicateTSN(i int) uint32 {
	o := SackChunkHeaderLen + int(c.NumberOfGapAckBlocks())*GapAckBlockLen + i*DuplicateTSNLen
	return binary.BigEndian.Uint32(c[o:])
}

// sackFits reports whether the chunk length covers the announced Gap Ack
// Blocks and Duplicate TSNs.
func (c SackChunk) sackFits() bool {
	return SackChunkLen(int(c.NumberOfGapAckBlocks()), int(c.NumberOfDuplicateTSNs())) <= int(Chunk(c).Length())
}

// Encode writes a SACK chunk into c, which must hold
// SackChunkLen(len(f.GapAckBlocks), len(f.DuplicateTSNs)) bytes, and
// returns that length. The caller keeps both lists within 65535 entries
// and the chunk within 65535 bytes.
func (c SackChunk) Encode(f *SackFields) int {
	l := SackChunkLen(len(f.GapAckBlocks), len(f.DuplicateTSNs))
	encodeChunkHeader(c, ChunkSack, 0, l)
	binary.BigEndian.PutUint32(c[sackCumTSNAck:], f.CumTSNAck)
	binary.BigEndian.PutUint32(c[sackARwnd:], f.ARwnd)
	binary.BigEndian.PutUint16(c[sackNumGaps:], uint16(len(f.GapAckBlocks)))
	binary.BigEndian.PutUint16(c[sackNumDups:], uint16(len(f.DuplicateTSNs)))
	o := SackChunkHeaderLen
	for _, g := range f.GapAckBlocks {
		binary.BigEndian.PutUint16(c[o:], g.Start)
		binary.BigEndian.PutUint16(c[o+2:], g.End)
		o += GapAckBlockLen
	}
	for _, d := range f.DuplicateTSNs {
		binary.BigEndian.PutUint32(c[o:], d)
		o += DuplicateTSNLen
	}
	return l
}
