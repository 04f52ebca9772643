package header

import "encoding/binary"

// Lengths of the SHUTDOWN, SHUTDOWN ACK and SHUTDOWN COMPLETE chunks (RFC
// 9260 3.3.8, 3.3.9, 3.3.13).
const (
	shutdownCumTSNAck = 4

	ShutdownChunkLen         = 8
	ShutdownAckChunkLen      = ChunkHeaderLen
	ShutdownCompleteChunkLen = ChunkHeaderLen
)

// ShutdownChunk is a view of a SHUTDOWN chunk (RFC 9260 3.3.8).
type ShutdownChunk Chunk

// ShutdownFields is what ShutdownChunk.Encode writes.
type ShutdownFields struct {
	CumTSNAck uint32
}

// CumulativeTSNAck returns the "Cumulative TSN Ack" field.
func (c ShutdownChunk) CumulativeTSNAck() uint32 {
	return binary.BigEndian.Uint32(c[shutdownCumTSNAck:])
}

// Encode writes a SHUTDOWN chunk into c, which must hold ShutdownChunkLen
// bytes, and returns that length.
func (c ShutdownChunk) Encode(f *ShutdownFields) int {
	encodeChunkHeader(c, ChunkShutdown, 0, ShutdownChunkLen)
	binary.BigEndian.PutUint32(c[shutdownCumTSNAck:], f.CumTSNAck)
	return ShutdownChunkLen
}

// ShutdownAckChunk is a view of a SHUTDOWN ACK chunk, which has no
// parameters (RFC 9260 3.3.9).
type ShutdownAckChunk Chunk

// Encode writes a SHUTDOWN ACK chunk into c, which must hold
// ShutdownAckChunkLen bytes, and returns that length.
func (c ShutdownAckChunk) Encode() int {
	encodeChunkHeader(c, ChunkShutdownAck, 0, ShutdownAckChunkLen)
	return ShutdownAckChunkLen
}

// ShutdownCompleteChunk is a view of a SHUTDOWN COMPLETE chunk: only the T
// bit (RFC 9260 3.3.13).
type ShutdownCompleteChunk Chunk

// ShutdownCompleteFields is what ShutdownCompleteChunk.Encode writes.
type ShutdownCompleteFields struct {
	TBit bool
}

// TBit reports the T bit (RFC 9260 3.3.13).
func (c ShutdownCompleteChunk) TBit() bool { return c[chunkFlags]&ChunkFlagT != 0 }

// Encode writes a SHUTDOWN COMPLETE chunk into c, which must hold
// ShutdownCompleteChunkLen bytes, and returns that length.
func (c ShutdownCompleteChunk) Encode(f *ShutdownCompleteFields) int {
	var flags uint8
	if f.TBit {
		flags = ChunkFlagT
	}
	encodeChunkHeader(c, ChunkShutdownComplete, flags, ShutdownCompleteChunkLen)
	return ShutdownCompleteChunkLen
}
