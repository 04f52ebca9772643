package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPadChunkRoundTrip(t *testing.T) {
	for _, f := range []PadFields{{}, {PaddingLen: 1}, {PaddingLen: 4}, {PaddingLen: 1001}} {
		l := PadChunkLen(f.PaddingLen)
		c := PadChunk(wireChunk(t, l+8, ChunkPad, l, func(b []byte) int { return PadChunk(b).Encode(&f) }))
		require.Equal(t, make([]byte, f.PaddingLen), c.PaddingData())
		require.Equal(t, f, PadFields{PaddingLen: len(c.PaddingData())})
	}
}

func TestPaddingParamRoundTrip(t *testing.T) {
	for _, f := range []PaddingFields{{}, {PaddingLen: 3}, {PaddingLen: 100}} {
		l := PaddingParamLen(f.PaddingLen)
		p := PaddingParam(extEncodeParam(t, l+8, ParamPadding, l, func(b []byte) int { return PaddingParam(b).Encode(&f) }))
		require.Equal(t, make([]byte, f.PaddingLen), p.PaddingData())
		require.Equal(t, f, PaddingFields{PaddingLen: len(p.PaddingData())})
	}
}

func TestPadMalformedLengths(t *testing.T) {
	b := make([]byte, 12)
	PadChunk(b).Encode(&PadFields{PaddingLen: 8})
	for _, l := range []int{1, 13} {
		it := NewChunkIter(extWithLength(b, l))
		_, ok := it.Next()
		require.False(t, ok, "length %d", l)
		require.Error(t, it.Err())
	}
	// A missing final padding is accepted (RFC 9260 3.2).
	it := NewChunkIter(extWithLength(b, 11)[:11])
	c, ok := it.Next()
	require.True(t, ok)
	require.Len(t, PadChunk(c).PaddingData(), 7)
}
