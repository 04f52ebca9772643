package header

import "encoding/binary"

// This file holds the layouts of User Message Interleaving (RFC 8260): the
// I-DATA and I-FORWARD-TSN chunks. They are wire layouts only: the protocol
// does not implement message interleaving yet, so it neither sends these
// nor acts on them.

// I-DATA chunk layout (RFC 8260 2.1).
const (
	idataTSN       = 4
	idataStreamID  = 8
	idataReserved  = 10
	idataMID       = 12
	idataPPIDOrFSN = 16

	// IDataChunkHeaderLen is the size of an I-DATA chunk before its user
	// data.
	IDataChunkHeaderLen = 20
)

// IDataChunk is a view of an I-DATA chunk (RFC 8260 2.1). Its flags have
// the bit positions of DATA's: DataFlagImmediate, DataFlagUnordered,
// DataFlagBeginning and DataFlagEnd.
type IDataChunk Chunk

// IDataFields is what IDataChunk.Encode writes. PPID is written only when
// Flags has DataFlagBeginning and FSN only when it has not, since the two
// share one field (RFC 8260 2.1).
type IDataFields struct {
	Flags    uint8
	TSN      uint32
	StreamID uint16
	MID      uint32
	PPID     uint32
	FSN      uint32
	Payload  []byte
}

// IDataChunkLen returns the chunk length of an I-DATA chunk carrying n
// bytes of user data (without padding).
func IDataChunkLen(n int) int { return IDataChunkHeaderLen + n }

// TSN returns the "TSN" field.
func (c IDataChunk) TSN() uint32 { return binary.BigEndian.Uint32(c[idataTSN:]) }

// StreamIdentifier returns the "Stream Identifier" field.
func (c IDataChunk) StreamIdentifier() uint16 { return binary.BigEndian.Uint16(c[idataStreamID:]) }

// MessageIdentifier returns the "Message Identifier" (MID) field.
func (c IDataChunk) MessageIdentifier() uint32 { return binary.BigEndian.Uint32(c[idataMID:]) }

// PayloadProtocolIdentifier returns the "Payload Protocol Identifier"
// field, which only the first fragment (B bit set) carries; it returns 0
// for other fragments.
func (c IDataChunk) PayloadProtocolIdentifier() uint32 {
	if !c.Beginning() {
		return 0
	}
	return binary.BigEndian.Uint32(c[idataPPIDOrFSN:])
}

// FragmentSequenceNumber returns the "Fragment Sequence Number" (FSN)
// field of a fragment other than the first; the first fragment (B bit set)
// has FSN 0 implicitly (RFC 8260 2.1).
func (c IDataChunk) FragmentSequenceNumber() uint32 {
	if c.Beginning() {
		return 0
	}
	return binary.BigEndian.Uint32(c[idataPPIDOrFSN:])
}

// UserData returns the "User Data" field (up to the chunk length).
func (c IDataChunk) UserData() []byte {
	return c[IDataChunkHeaderLen:Chunk(c).Length()]
}

// Immediate reports the I bit.
func (c IDataChunk) Immediate() bool { return c[chunkFlags]&DataFlagImmediate != 0 }

// Unordered reports the U bit.
func (c IDataChunk) Unordered() bool { return c[chunkFlags]&DataFlagUnordered != 0 }

// Beginning reports the B bit.
func (c IDataChunk) Beginning() bool { return c[chunkFlags]&DataFlagBeginning != 0 }

// End reports the E bit.
func (c IDataChunk) End() bool { return c[chunkFlags]&DataFlagEnd != 0 }

// Encode writes an I-DATA chunk into c, which must hold
// PaddedLen(IDataChunkLen(len(f.Payload))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (c IDataChunk) Encode(f *IDataFields) int {
	l := IDataChunkLen(len(f.Payload))
	encodeChunkHeader(c, ChunkIData, f.Flags, l)
	binary.BigEndian.PutUint32(c[idataTSN:], f.TSN)
	binary.BigEndian.PutUint16(c[idataStreamID:], f.StreamID)
	binary.BigEndian.PutUint16(c[idataReserved:], 0)
	binary.BigEndian.PutUint32(c[idataMID:], f.MID)
	v := f.FSN
	if f.Flags&DataFlagBeginning != 0 {
		v = f.PPID
	}
	binary.BigEndian.PutUint32(c[idataPPIDOrFSN:], v)
	copy(c[IDataChunkHeaderLen:], f.Payload)
	return l + zeroPad(c[l:], l)
}

// I-FORWARD-TSN chunk layout (RFC 8260 2.3.1).
const (
	ifwdTSNNewCumTSN = 4

	// IForwardTSNChunkHeaderLen is the size of an I-FORWARD-TSN chunk
	// before its list of entries.
	IForwardTSNChunkHeaderLen = 8

	// IForwardTSNStreamLen is the size of one entry (stream identifier,
	// reserved bits and U flag, MID).
	IForwardTSNStreamLen = 8

	// iforwardTSNUnordered is the U flag in an entry's second 16-bit word.
	iforwardTSNUnordered = 1
)

// IForwardTSNChunk is a view of an I-FORWARD-TSN chunk (RFC 8260 2.3.1).
type IForwardTSNChunk Chunk

// IForwardTSNStream is one entry of an I-FORWARD-TSN chunk (RFC 8260
// 2.3.1): the largest MID skipped on the ordered (Unordered false) or
// unordered message sequence of a stream.
type IForwardTSNStream struct {
	StreamID  uint16
	Unordered bool
	MID       uint32
}

// IForwardTSNFields is what IForwardTSNChunk.Encode writes.
type IForwardTSNFields struct {
	NewCumulativeTSN uint32
	Streams          []IForwardTSNStream
}

// IForwardTSNChunkLen returns the length of an I-FORWARD-TSN chunk carrying
// n entries (always a multiple of 4).
func IForwardTSNChunkLen(n int) int {
	return IForwardTSNChunkHeaderLen + n*IForwardTSNStreamLen
}

// NewCumulativeTSN returns the "New Cumulative TSN" field.
func (c IForwardTSNChunk) NewCumulativeTSN() uint32 {
	return binary.BigEndian.Uint32(c[ifwdTSNNewCumTSN:])
}

// NumStreams returns how many whole entries the chunk length covers; a
// trailing partial entry is ignored.
func (c IForwardTSNChunk) NumStreams() int {
	return max(int(Chunk(c).Length())-IForwardTSNChunkHeaderLen, 0) / IForwardTSNStreamLen
}

// Stream returns the i-th entry, 0 <= i < NumStreams(). The reserved bits
// are ignored.
func (c IForwardTSNChunk) Stream(i int) IForwardTSNStream {
	o := IForwardTSNChunkHeaderLen + i*IForwardTSNStreamLen
	return IForwardTSNStream{
		StreamID:  binary.BigEndian.Uint16(c[o:]),
		Unordered: binary.BigEndian.Uint16(c[o+2:])&iforwardTSNUnordered != 0,
		MID:       binary.BigEndian.Uint32(c[o+4:]),
	}
}

// Encode writes an I-FORWARD-TSN chunk into c, which must hold
// IForwardTSNChunkLen(len(f.Streams)) bytes, and returns that length.
// Reserved bits are zeroed.
func (c IForwardTSNChunk) Encode(f *IForwardTSNFields) int {
	l := IForwardTSNChunkLen(len(f.Streams))
	encodeChunkHeader(c, ChunkIForwardTSN, 0, l)
	binary.BigEndian.PutUint32(c[ifwdTSNNewCumTSN:], f.NewCumulativeTSN)
	o := IForwardTSNChunkHeaderLen
	for _, s := range f.Streams {
		var u uint16
		if s.Unordered {
			u = iforwardTSNUnordered
		}
		binary.BigEndian.PutUint16(c[o:], s.StreamID)
		binary.BigEndian.PutUint16(c[o+2:], u)
		binary.BigEndian.PutUint32(c[o+4:], s.MID)
		o += IForwardTSNStreamLen
	}
	return l
}
