package header

// CookieAckChunkLen is the length of a COOKIE ACK chunk (RFC 9260 3.3.12).
const CookieAckChunkLen = ChunkHeaderLen

// CookieEchoChunk is a view of a COOKIE ECHO chunk, whose value is the
// State Cookie (RFC 9260 3.3.11).
type CookieEchoChunk Chunk

// CookieEchoFields is what CookieEchoChunk.Encode writes.
type CookieEchoFields struct {
	// Cookie is the value of the State Cookie parameter received in the
	// INIT ACK (StateCookieParam.Cookie).
	Cookie []byte
}

// CookieEchoChunkLen returns the chunk length of a COOKIE ECHO chunk
// carrying an n-byte cookie (without padding).
func CookieEchoChunkLen(n int) int { return ChunkHeaderLen + n }

// Cookie returns the "Cookie" field (up to the chunk length).
func (c CookieEchoChunk) Cookie() []byte { return chunkValue(Chunk(c)) }

// Encode writes a COOKIE ECHO chunk into c, which must hold
// PaddedLen(CookieEchoChunkLen(len(f.Cookie))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (c CookieEchoChunk) Encode(f *CookieEchoFields) int {
	return Chunk(c).Encode(&ChunkFields{Type: ChunkCookieEcho, Value: f.Cookie})
}

// CookieAckChunk is a view of a COOKIE ACK chunk, which has no parameters
// (RFC 9260 3.3.12).
type CookieAckChunk Chunk

// Encode writes a COOKIE ACK chunk into c, which must hold
// CookieAckChunkLen bytes, and returns that length.
func (c CookieAckChunk) Encode() int {
	encodeChunkHeader(c, ChunkCookieAck, 0, CookieAckChunkLen)
	return CookieAckChunkLen
}
