package header

import "encoding/binary"

// INIT and INIT ACK chunk layout (RFC 9260 3.3.2, 3.3.3): the two share it.
const (
	initInitiateTag = 4
	initARwnd       = 8
	initOS          = 12
	initMIS         = 14
	initTSN         = 16

	// InitChunkHeaderLen is the size of an INIT or INIT ACK chunk before its
	// parameters, which is also its minimum length.
	InitChunkHeaderLen = 20
)

// InitChunk is a view of an INIT chunk (RFC 9260 3.3.2) or of an INIT ACK
// chunk (RFC 9260 3.3.3), whose layouts are the same.
type InitChunk Chunk

// InitFields is what InitChunk.Encode writes.
type InitFields struct {
	// Ack makes Encode write an INIT ACK rather than an INIT.
	Ack             bool
	InitiateTag     uint32
	ARwnd           uint32
	OutboundStreams uint16
	InboundStreams  uint16
	InitialTSN      uint32
	// Params holds the encoded parameters, each padded to 4 bytes as the
	// XxxParam.Encode methods write them (the last one's padding may be
	// left out). It may alias the chunk's own bytes from
	// InitChunkHeaderLen on, so that parameters can be encoded in place
	// first and the fixed part after.
	Params []byte
}

// InitChunkLen returns the chunk length of an INIT or INIT ACK chunk
// carrying the encoded params: the last parameter's padding does not count
// (RFC 9260 3.2). The chunk occupies PaddedLen of it.
func InitChunkLen(params []byte) int { return InitChunkHeaderLen + encodedListLen(params) }

// InitiateTag returns the "Initiate Tag" field.
func (c InitChunk) InitiateTag() uint32 { return binary.BigEndian.Uint32(c[initInitiateTag:]) }

// AdvertisedReceiverWindowCredit returns the "Advertised Receiver Window
// Credit (a_rwnd)" field.
func (c InitChunk) AdvertisedReceiverWindowCredit() uint32 {
	return binary.BigEndian.Uint32(c[initARwnd:])
}

// NumberOfOutboundStreams returns the "Number of Outbound Streams (OS)"
// field.
func (c InitChunk) NumberOfOutboundStreams() uint16 { return binary.BigEndian.Uint16(c[initOS:]) }

// NumberOfInboundStreams returns the "Number of Inbound Streams (MIS)"
// field.
func (c InitChunk) NumberOfInboundStreams() uint16 { return binary.BigEndian.Uint16(c[initMIS:]) }

// InitialTSN returns the "Initial TSN (I-TSN)" field.
func (c InitChunk) InitialTSN() uint32 { return binary.BigEndian.Uint32(c[initTSN:]) }

// Params returns the "Optional/Variable-Length Parameters" (up to the chunk
// length), for NewParamIter or NewInitParamIter.
func (c InitChunk) Params() []byte { return c[InitChunkHeaderLen:Chunk(c).Length()] }

// Encode writes an INIT or INIT ACK chunk into c, which must hold
// InitChunkHeaderLen+len(f.Params) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (c InitChunk) Encode(f *InitFields) int {
	t := ChunkInit
	if f.Ack {
		t = ChunkInitAck
	}
	l := InitChunkLen(f.Params)
	encodeChunkHeader(c, t, 0, l)
	binary.BigEndian.PutUint32(c[initInitiateTag:], f.InitiateTag)
	binary.BigEndian.PutUint32(c[initARwnd:], f.ARwnd)
	binary.BigEndian.PutUint16(c[initOS:], f.OutboundStreams)
	binary.BigEndian.PutUint16(c[initMIS:], f.InboundStreams)
	binary.BigEndian.PutUint32(c[initTSN:], f.InitialTSN)
	n := InitChunkHeaderLen + copy(c[InitChunkHeaderLen:], f.Params)
	return n + zeroPad(c[n:], n)
}
