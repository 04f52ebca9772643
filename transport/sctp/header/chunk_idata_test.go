package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIDataRoundTrip(t *testing.T) {
	for _, f := range []IDataFields{
		// First fragment: the field carries the PPID (RFC 8260 2.1).
		{Flags: DataFlagBeginning, TSN: 1, StreamID: 2, MID: 3, PPID: 51, Payload: []byte("hello")},
		// Later fragment: the field carries the FSN.
		{Flags: DataFlagUnordered, TSN: 0xFFFFFFFF, StreamID: 0xFFFF, MID: 0xFFFFFFFF, FSN: 7, Payload: []byte("x")},
		{Flags: DataFlagImmediate | DataFlagBeginning | DataFlagEnd, TSN: 9, MID: 1, PPID: 0xDEADBEEF, Payload: make([]byte, 8)},
		{Flags: DataFlagEnd, FSN: 0xFFFFFFFF},
	} {
		l := IDataChunkLen(len(f.Payload))
		c := IDataChunk(wireChunk(t, l+8, ChunkIData, l, func(b []byte) int {
			return IDataChunk(b).Encode(&f)
		}))
		require.Zero(t, c[idataReserved], "reserved")
		require.Zero(t, c[idataReserved+1], "reserved")
		got := IDataFields{
			Flags:    Chunk(c).Flags(),
			TSN:      c.TSN(),
			StreamID: c.StreamIdentifier(),
			MID:      c.MessageIdentifier(),
			PPID:     c.PayloadProtocolIdentifier(),
			FSN:      c.FragmentSequenceNumber(),
			Payload:  c.UserData(),
		}
		if len(f.Payload) == 0 {
			got.Payload = nil
		}
		require.Equal(t, f, got)
		require.Equal(t, f.Flags&DataFlagImmediate != 0, c.Immediate())
		require.Equal(t, f.Flags&DataFlagUnordered != 0, c.Unordered())
		require.Equal(t, f.Flags&DataFlagBeginning != 0, c.Beginning())
		require.Equal(t, f.Flags&DataFlagEnd != 0, c.End())
	}
}

func TestIForwardTSNRoundTrip(t *testing.T) {
	for _, f := range []IForwardTSNFields{
		{NewCumulativeTSN: 5},
		{NewCumulativeTSN: 0x80000000, Streams: []IForwardTSNStream{
			{StreamID: 1, MID: 2},
			{StreamID: 1, Unordered: true, MID: 0xFFFFFFFF},
			{StreamID: 0xFFFF, Unordered: true},
		}},
	} {
		l := IForwardTSNChunkLen(len(f.Streams))
		c := IForwardTSNChunk(wireChunk(t, l+4, ChunkIForwardTSN, l, func(b []byte) int {
			return IForwardTSNChunk(b).Encode(&f)
		}))
		got := IForwardTSNFields{NewCumulativeTSN: c.NewCumulativeTSN()}
		for i := 0; i < c.NumStreams(); i++ {
			got.Streams = append(got.Streams, c.Stream(i))
			// Reserved bits are zero: only the U flag may be set.
			o := IForwardTSNChunkHeaderLen + i*IForwardTSNStreamLen + 2
			require.Zero(t, c[o])
			require.Zero(t, c[o+1]&^1)
		}
		require.Equal(t, f, got)
	}
}

func TestIForwardTSNReservedBitsIgnored(t *testing.T) {
	b := make([]byte, IForwardTSNChunkLen(1))
	IForwardTSNChunk(b).Encode(&IForwardTSNFields{Streams: []IForwardTSNStream{{StreamID: 4, MID: 5}}})
	b[IForwardTSNChunkHeaderLen+2] = 0xFF // reserved bits set, U clear
	b[IForwardTSNChunkHeaderLen+3] = 0xFE
	require.Equal(t, IForwardTSNStream{StreamID: 4, MID: 5}, IForwardTSNChunk(b).Stream(0))
}

func TestIDataMalformedLengths(t *testing.T) {
	b := make([]byte, IForwardTSNChunkLen(2))
	IForwardTSNChunk(b).Encode(&IForwardTSNFields{Streams: make([]IForwardTSNStream, 2)})
	require.Equal(t, 1, IForwardTSNChunk(extWithLength(b, IForwardTSNChunkLen(1)+4)).NumStreams())
	require.Equal(t, 0, IForwardTSNChunk(extWithLength(b, 4)).NumStreams())

	d := make([]byte, PaddedLen(IDataChunkLen(3)))
	IDataChunk(d).Encode(&IDataFields{Payload: []byte{1, 2, 3}})
	for _, l := range []int{0, 3, len(d) + 1} {
		it := NewChunkIter(extWithLength(d, l))
		_, ok := it.Next()
		require.False(t, ok, "length %d", l)
		require.Error(t, it.Err())
	}
}
