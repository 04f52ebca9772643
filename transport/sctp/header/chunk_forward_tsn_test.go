package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestForwardTSNRoundTrip(t *testing.T) {
	for _, f := range []ForwardTSNFields{
		{NewCumulativeTSN: 0xFFFFFFF0},
		{NewCumulativeTSN: 7, Streams: []ForwardTSNStream{{StreamID: 1, SSN: 2}}},
		{NewCumulativeTSN: 0x01020304, Streams: []ForwardTSNStream{{0, 0xFFFF}, {3, 4}, {0xFFFF, 9}}},
	} {
		l := ForwardTSNChunkLen(len(f.Streams))
		c := ForwardTSNChunk(wireChunk(t, l+8, ChunkForwardTSN, l, func(b []byte) int {
			return ForwardTSNChunk(b).Encode(&f)
		}))
		require.Zero(t, Chunk(c).Flags())
		got := ForwardTSNFields{NewCumulativeTSN: c.NewCumulativeTSN()}
		for i := 0; i < c.NumStreams(); i++ {
			got.Streams = append(got.Streams, c.Stream(i))
		}
		require.Equal(t, f, got)
	}
}

func TestForwardTSNMalformedLengths(t *testing.T) {
	f := ForwardTSNFields{NewCumulativeTSN: 1, Streams: []ForwardTSNStream{{1, 1}, {2, 2}}}
	b := make([]byte, ForwardTSNChunkLen(2))
	ForwardTSNChunk(b).Encode(&f)

	// RFC 3758 3.2: pairs are 4 bytes; a trailing partial pair is ignored.
	c := ForwardTSNChunk(extWithLength(b, ForwardTSNChunkLen(1)+2))
	require.Equal(t, 1, c.NumStreams())
	// A length below the fixed part never yields a negative count.
	require.Equal(t, 0, ForwardTSNChunk(extWithLength(b, ChunkHeaderLen)).NumStreams())

	// The chunk iterator stops on a length past the packet.
	it := NewChunkIter(extWithLength(b, len(b)+4))
	_, ok := it.Next()
	require.False(t, ok)
	require.ErrorIs(t, it.Err(), ErrChunkOverrun)
}

func TestForwardTSNSupportedParam(t *testing.T) {
	p := extEncodeParam(t, 8, ParamForwardTSNSupported, ForwardTSNSupportedParamLen, func(b []byte) int {
		return ForwardTSNSupportedParam(b).Encode()
	})
	require.Empty(t, p.Value())
	require.Equal(t, ActionSkipAndReport, p.Type().UnrecognizedAction(), "RFC 3758 3.1: 0xC000")
}
