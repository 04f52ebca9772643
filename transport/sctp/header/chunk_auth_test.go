package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAuthChunkRoundTrip(t *testing.T) {
	for _, f := range []AuthFields{
		{SharedKeyID: 0, HMACID: HMACSHA1, HMAC: make([]byte, 20)},
		{SharedKeyID: 0xFFFF, HMACID: HMACSHA256, HMAC: []byte("0123456789abcdef0123456789abcdef")},
		{SharedKeyID: 1, HMACID: 0x1234, HMAC: []byte{1, 2, 3}},
	} {
		l := AuthChunkLen(len(f.HMAC))
		c := AuthChunk(wireChunk(t, l+8, ChunkAuth, l, func(b []byte) int {
			return AuthChunk(b).Encode(&f)
		}))
		require.Zero(t, Chunk(c).Flags())
		require.Equal(t, f, AuthFields{SharedKeyID: c.SharedKeyIdentifier(), HMACID: c.HMACIdentifier(), HMAC: c.HMAC()})
	}
}

func TestRandomParamRoundTrip(t *testing.T) {
	f := RandomFields{Random: []byte("0123456789abcdef0123456789abcdef")}
	l := RandomParamLen(len(f.Random))
	p := extEncodeParam(t, l+4, ParamRandom, l, func(b []byte) int { return RandomParam(b).Encode(&f) })
	require.Equal(t, f, RandomFields{Random: RandomParam(p).RandomNumber()})
}

func TestChunkListParamRoundTrip(t *testing.T) {
	// RFC 4895 3.2: INIT, INIT ACK, SHUTDOWN COMPLETE and AUTH must not be
	// listed, which is the sender's business; the layout takes any type.
	f := ChunkListFields{ChunkTypes: []ChunkType{ChunkAsconf, ChunkAsconfAck, ChunkData}}
	l := ChunkListParamLen(len(f.ChunkTypes))
	p := ChunkListParam(extEncodeParam(t, 12, ParamChunkList, l, func(b []byte) int { return ChunkListParam(b).Encode(&f) }))
	var got ChunkListFields
	for i := 0; i < p.NumChunkTypes(); i++ {
		got.ChunkTypes = append(got.ChunkTypes, p.ChunkType(i))
	}
	require.Equal(t, f, got)
	require.True(t, p.Has(ChunkData))
	require.False(t, p.Has(ChunkSack))
}

func TestRequestedHMACAlgorithmRoundTrip(t *testing.T) {
	for _, f := range []RequestedHMACAlgorithmFields{
		{HMACIDs: []uint16{HMACSHA1}},
		{HMACIDs: []uint16{HMACSHA256, HMACSHA1}},
		{HMACIDs: []uint16{HMACSHA256, 0xFFFF, HMACSHA1}},
	} {
		l := RequestedHMACAlgorithmParamLen(len(f.HMACIDs))
		p := RequestedHMACAlgorithmParam(extEncodeParam(t, 16, ParamRequestedHMACAlgorithm, l, func(b []byte) int {
			return RequestedHMACAlgorithmParam(b).Encode(&f)
		}))
		var got RequestedHMACAlgorithmFields
		for i := 0; i < p.NumHMACIdentifiers(); i++ {
			got.HMACIDs = append(got.HMACIDs, p.HMACIdentifier(i))
		}
		require.Equal(t, f, got)
	}
}

func TestAuthMalformedLengths(t *testing.T) {
	b := make([]byte, 16)
	RequestedHMACAlgorithmParam(b).Encode(&RequestedHMACAlgorithmFields{HMACIDs: []uint16{1, 3, 5}})
	require.Equal(t, 1, RequestedHMACAlgorithmParam(extWithLength(b, ParamHeaderLen+3)).NumHMACIdentifiers())
	require.Equal(t, 0, RequestedHMACAlgorithmParam(extWithLength(b, 2)).NumHMACIdentifiers())
	require.Equal(t, 0, ChunkListParam(extWithLength(b, 3)).NumChunkTypes())

	a := make([]byte, 16)
	AuthChunk(a).Encode(&AuthFields{HMAC: make([]byte, 8)})
	it := NewChunkIter(extWithLength(a, 20))
	_, ok := it.Next()
	require.False(t, ok)
	require.ErrorIs(t, it.Err(), ErrChunkOverrun)
}
