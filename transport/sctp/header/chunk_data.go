package header

import "encoding/binary"

// DATA chunk layout (RFC 9260 3.3.1).
const (
	dataTSN      = 4
	dataStreamID = 8
	dataSSN      = 10
	dataPPID     = 12

	// DataChunkHeaderLen is the size of a DATA chunk before its user data.
	DataChunkHeaderLen = 16
)

// DATA chunk flags (RFC 9260 3.3.1).
const (
	DataFlagEnd       uint8 = 1 << 0 // E: last fragment
	DataFlagBeginning uint8 = 1 << 1 // B: first fragment
	DataFlagUnordered uint8 = 1 << 2 // U: unordered
	DataFlagImmediate uint8 = 1 << 3 // I: SACK immediately (RFC 9260 3.3.1)
)

// DataChunk is a view of a DATA chunk (RFC 9260 3.3.1).
type DataChunk Chunk

// DataFields is what DataChunk.Encode writes, apart from the user data,
// which the caller copies into UserData() (or which Encode copies from
// Payload when it is set).
type DataFields struct {
	Flags    uint8
	TSN      uint32
	StreamID uint16
	SSN      uint16
	PPID     uint32
	Payload  []byte
}

// DataChunkLen returns the chunk length of a DATA chunk carrying n bytes of
// user data (without padding).
func DataChunkLen(n int) int { return DataChunkHeaderLen + n }

// TSN returns the "TSN" field.
func (c DataChunk) TSN() uint32 { return binary.BigEndian.Uint32(c[dataTSN:]) }

// StreamIdentifier returns the "Stream Identifier S" field.
func (c DataChunk) StreamIdentifier() uint16 { return binary.BigEndian.Uint16(c[dataStreamID:]) }

// StreamSequenceNumber returns the "Stream Sequence Number n" field.
func (c DataChunk) StreamSequenceNumber() uint16 { return binary.BigEndian.Uint16(c[dataSSN:]) }

// PayloadProtocolIdentifier returns the "Payload Protocol Identifier" field.
func (c DataChunk) PayloadProtocolIdentifier() uint32 { return binary.BigEndian.Uint32(c[dataPPID:]) }

// UserData returns the "User Data" field (up to the chunk length).
func (c DataChunk) UserData() []byte {
	return c[DataChunkHeaderLen:Chunk(c).Length()]
}

// Unordered reports the U bit.
func (c DataChunk) Unordered() bool { return c[chunkFlags]&DataFlagUnordered != 0 }

// Beginning reports the B bit.
func (c DataChunk) Beginning() bool { return c[chunkFlags]&DataFlagBeginning != 0 }

// End reports the E bit.
func (c DataChunk) End() bool { return c[chunkFlags]&DataFlagEnd != 0 }

// Immediate reports the I bit (RFC 9260 3.3.1: the sender asks for a SACK
// without delay).
func (c DataChunk) Immediate() bool { return c[chunkFlags]&DataFlagImmediate != 0 }

// Encode writes a DATA chunk into c, which must hold
// PaddedLen(DataChunkLen(len(f.Payload))) bytes; padding bytes are zeroed.
// It returns the number of bytes written including padding.
func (c DataChunk) Encode(f *DataFields) int {
	l := DataChunkLen(len(f.Payload))
	encodeChunkHeader(c, ChunkData, f.Flags, l)
	binary.BigEndian.PutUint32(c[dataTSN:], f.TSN)
	binary.BigEndian.PutUint16(c[dataStreamID:], f.StreamID)
	binary.BigEndian.PutUint16(c[dataSSN:], f.SSN)
	binary.BigEndian.PutUint32(c[dataPPID:], f.PPID)
	copy(c[DataChunkHeaderLen:], f.Payload)
	return l + zeroPad(c[l:], l)
}

// zeroPad zeroes the padding that follows an item of length l, writing into
// b (which starts right after the item), and returns the padding's size.
func zeroPad(b []byte, l int) int {
	n := PaddedLen(l) - l
	for i := 0; i < n; i++ {
		b[i] = 0
	}
	return n
}
