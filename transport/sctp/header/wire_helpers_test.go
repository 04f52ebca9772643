package header

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers of the RFC 9260 layouts' tests.

// wireGarbage returns n bytes of 0xAA, so that a test sees whether Encode
// zeroed padding and reserved fields.
func wireGarbage(n int) []byte { return bytes.Repeat([]byte{0xAA}, n) }

// wireChunk runs encode over a garbage buffer of size bytes, checks that it
// returned PaddedLen(wantLen) with zeroed padding, that the buffer holds
// one chunk of type want and length wantLen, and that the chunk passes
// ValidateChunk; it returns the chunk.
func wireChunk(t *testing.T, size int, want ChunkType, wantLen int, encode func(b []byte) int) Chunk {
	t.Helper()
	b := wireGarbage(size)
	n := encode(b)
	require.Equal(t, PaddedLen(wantLen), n, "bytes written")
	require.Equal(t, make([]byte, n-wantLen), b[wantLen:n], "padding")
	it := NewChunkIter(b[:n])
	c, ok := it.Next()
	require.True(t, ok, "chunk: %v", it.Err())
	_, more := it.Next()
	require.False(t, more)
	require.NoError(t, it.Err())
	require.Equal(t, want, c.Type())
	require.Equal(t, wantLen, int(c.Length()))
	require.NoError(t, ValidateChunk(c))
	return c
}

// wireItem runs encode (of a parameter or error cause) over a garbage
// buffer of size bytes, checks that it returned PaddedLen(wantLen) with
// zeroed padding and that the length field says wantLen; it returns the
// item without padding.
func wireItem(t *testing.T, size int, wantLen int, encode func(b []byte) int) []byte {
	t.Helper()
	b := wireGarbage(size)
	n := encode(b)
	require.Equal(t, PaddedLen(wantLen), n, "bytes written")
	require.Equal(t, make([]byte, n-wantLen), b[wantLen:n], "padding")
	require.Equal(t, wantLen, int(Param(b).Length()))
	return b[:wantLen]
}

// wirePacket returns a packet with ports 1 and 2 and the given chunks,
// each padded, with a valid checksum.
func wirePacket(chunks ...[]byte) []byte {
	b := make([]byte, SCTPCommonHeaderLen)
	SCTP(b).Encode(&SCTPFields{SrcPort: 1, DstPort: 2, VerificationTag: 7})
	for _, c := range chunks {
		b = append(b, c...)
		b = append(b, make([]byte, PaddedLen(len(c))-len(c))...)
	}
	SCTP(b).SetChecksumCRC32c()
	return b
}

// wireRaw returns a chunk of type t and flags with the given value.
func wireRaw(t ChunkType, flags uint8, value []byte) []byte {
	b := make([]byte, PaddedLen(ChunkHeaderLen+len(value)))
	Chunk(b).Encode(&ChunkFields{Type: t, Flags: flags, Value: value})
	return b[:ChunkHeaderLen+len(value)]
}

// wireParam returns a parameter of type t with the given value, unpadded.
func wireParam(t ParamType, value []byte) []byte {
	b := make([]byte, PaddedLen(ParamHeaderLen+len(value)))
	Param(b).Encode(&ParamFields{Type: t, Value: value})
	return b[:ParamHeaderLen+len(value)]
}

// wireList concatenates items, padding each.
func wireList(items ...[]byte) []byte {
	var b []byte
	for _, it := range items {
		b = append(b, it...)
		b = append(b, make([]byte, PaddedLen(len(it))-len(it))...)
	}
	return b
}
