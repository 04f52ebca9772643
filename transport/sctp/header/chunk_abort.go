package header

// ChunkFlagT is the T bit of ABORT and SHUTDOWN COMPLETE: set when the
// packet's Verification Tag is the one received, reflected rather than the
// peer's (RFC 9260 3.3.7, 3.3.13).
const ChunkFlagT uint8 = 1 << 0

// AbortChunk is a view of an ABORT chunk: the T bit and zero or more error
// causes (RFC 9260 3.3.7).
type AbortChunk Chunk

// AbortFields is what AbortChunk.Encode writes.
type AbortFields struct {
	TBit bool
	// Causes holds the encoded error causes, each padded to 4 bytes as the
	// XxxCause.Encode methods write them (the last one's padding may be
	// left out). It may alias the chunk's own bytes from ChunkHeaderLen
	// on, so that causes can be encoded in place first.
	Causes []byte
}

// AbortChunkLen returns the chunk length of an ABORT chunk carrying the
// encoded causes: the last cause's padding does not count (RFC 9260 3.2).
func AbortChunkLen(causes []byte) int { return ChunkHeaderLen + encodedListLen(causes) }

// TBit reports the T bit (RFC 9260 3.3.7).
func (c AbortChunk) TBit() bool { return c[chunkFlags]&ChunkFlagT != 0 }

// Causes returns the error causes (up to the chunk length), for
// NewCauseIter.
func (c AbortChunk) Causes() []byte { return chunkValue(Chunk(c)) }

// Encode writes an ABORT chunk into c, which must hold
// ChunkHeaderLen+len(f.Causes) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (c AbortChunk) Encode(f *AbortFields) int {
	var flags uint8
	if f.TBit {
		flags = ChunkFlagT
	}
	return encodeListChunk(c, ChunkAbort, flags, f.Causes)
}
