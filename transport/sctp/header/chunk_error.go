package header

// ErrorChunkMinLen is the minimum length of an ERROR chunk, which carries
// "one or more" error causes (RFC 9260 3.3.10).
const ErrorChunkMinLen = ChunkHeaderLen + CauseHeaderLen

// ErrorChunk is a view of an ERROR (Operation Error) chunk: one or more
// error causes (RFC 9260 3.3.10).
type ErrorChunk Chunk

// ErrorFields is what ErrorChunk.Encode writes.
type ErrorFields struct {
	// Causes holds the encoded error causes, as for AbortFields.Causes.
	Causes []byte
}

// ErrorChunkLen returns the chunk length of an ERROR chunk carrying the
// encoded causes: the last cause's padding does not count (RFC 9260 3.2).
func ErrorChunkLen(causes []byte) int { return ChunkHeaderLen + encodedListLen(causes) }

// Causes returns the error causes (up to the chunk length), for
// NewCauseIter.
func (c ErrorChunk) Causes() []byte { return chunkValue(Chunk(c)) }

// Encode writes an ERROR chunk into c, which must hold
// ChunkHeaderLen+len(f.Causes) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (c ErrorChunk) Encode(f *ErrorFields) int {
	return encodeListChunk(c, ChunkError, 0, f.Causes)
}
