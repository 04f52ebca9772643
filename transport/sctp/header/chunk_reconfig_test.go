package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOutgoingSSNResetRequestRoundTrip(t *testing.T) {
	for _, f := range []OutgoingSSNResetRequestFields{
		{RequestSeq: 1, ResponseSeq: 2, SendersLastTSN: 3},
		{RequestSeq: 0xFFFFFFFF, ResponseSeq: 0x80000000, SendersLastTSN: 9, Streams: []uint16{7}},
		{RequestSeq: 4, Streams: []uint16{1, 2, 0xFFFF}},
	} {
		l := OutgoingSSNResetRequestParamLen(len(f.Streams))
		p := OutgoingSSNResetRequestParam(extEncodeParam(t, l+8, ParamOutgoingSSNResetRequest, l, func(b []byte) int {
			return OutgoingSSNResetRequestParam(b).Encode(&f)
		}))
		got := OutgoingSSNResetRequestFields{
			RequestSeq:     p.RequestSequenceNumber(),
			ResponseSeq:    p.ResponseSequenceNumber(),
			SendersLastTSN: p.SendersLastAssignedTSN(),
		}
		for i := 0; i < p.NumStreams(); i++ {
			got.Streams = append(got.Streams, p.Stream(i))
		}
		require.Equal(t, f, got)
	}
}

func TestIncomingSSNResetRequestRoundTrip(t *testing.T) {
	for _, f := range []IncomingSSNResetRequestFields{
		{RequestSeq: 1},
		{RequestSeq: 2, Streams: []uint16{5}},
		{RequestSeq: 3, Streams: []uint16{5, 6}},
	} {
		l := IncomingSSNResetRequestParamLen(len(f.Streams))
		p := IncomingSSNResetRequestParam(extEncodeParam(t, l+8, ParamIncomingSSNResetRequest, l, func(b []byte) int {
			return IncomingSSNResetRequestParam(b).Encode(&f)
		}))
		got := IncomingSSNResetRequestFields{RequestSeq: p.RequestSequenceNumber()}
		for i := 0; i < p.NumStreams(); i++ {
			got.Streams = append(got.Streams, p.Stream(i))
		}
		require.Equal(t, f, got)
	}
}

func TestSSNTSNResetRequestRoundTrip(t *testing.T) {
	f := SSNTSNResetRequestFields{RequestSeq: 0xA1B2C3D4}
	p := SSNTSNResetRequestParam(extEncodeParam(t, 12, ParamSSNTSNResetRequest, SSNTSNResetRequestParamLen, func(b []byte) int {
		return SSNTSNResetRequestParam(b).Encode(&f)
	}))
	require.Equal(t, f, SSNTSNResetRequestFields{RequestSeq: p.RequestSequenceNumber()})
}

func TestReconfigResponseRoundTrip(t *testing.T) {
	for _, f := range []ReconfigResponseFields{
		{ResponseSeq: 1, Result: ReconfigSuccessPerformed},
		{ResponseSeq: 2, Result: ReconfigInProgress, HasNextTSNs: true, SendersNextTSN: 3, ReceiversNextTSN: 4},
	} {
		l := ReconfigResponseParamLen(f.HasNextTSNs)
		p := ReconfigResponseParam(extEncodeParam(t, 24, ParamReconfigResponse, l, func(b []byte) int {
			return ReconfigResponseParam(b).Encode(&f)
		}))
		require.Equal(t, f, ReconfigResponseFields{
			ResponseSeq:      p.ResponseSequenceNumber(),
			Result:           p.Result(),
			HasNextTSNs:      p.HasNextTSNs(),
			SendersNextTSN:   p.SendersNextTSN(),
			ReceiversNextTSN: p.ReceiversNextTSN(),
		})
	}
	require.Equal(t, "DENIED", ReconfigDenied.String())
	require.Equal(t, "RESULT(99)", ReconfigResult(99).String())
}

func TestAddStreamsRoundTrip(t *testing.T) {
	for _, f := range []AddStreamsFields{
		{Type: ParamAddOutgoingStreams, RequestSeq: 1, NewStreams: 10},
		{Type: ParamAddIncomingStreams, RequestSeq: 0xFFFFFFFF, NewStreams: 0xFFFF},
	} {
		p := AddStreamsParam(extEncodeParam(t, 16, f.Type, AddStreamsParamLen, func(b []byte) int {
			return AddStreamsParam(b).Encode(&f)
		}))
		require.Zero(t, p[reconfRes], "reserved")
		require.Zero(t, p[reconfRes+1], "reserved")
		require.Equal(t, f, AddStreamsFields{
			Type:       Param(p).Type(),
			RequestSeq: p.RequestSequenceNumber(),
			NewStreams: p.NumberOfNewStreams(),
		})
	}
}

// reconfigOutIn encodes an Outgoing SSN Reset Request with an odd number of
// streams (so padded) followed by an Incoming one: the pair of RFC 6525
// 3.1's example of two parameters.
func reconfigOutIn(t *testing.T) ([]byte, OutgoingSSNResetRequestFields, IncomingSSNResetRequestFields) {
	out := OutgoingSSNResetRequestFields{RequestSeq: 10, ResponseSeq: 20, SendersLastTSN: 30, Streams: []uint16{1, 2, 3}}
	in := IncomingSSNResetRequestFields{RequestSeq: 11, Streams: []uint16{4}}
	b := wireGarbage(64)
	n := OutgoingSSNResetRequestParam(b).Encode(&out)
	n += IncomingSSNResetRequestParam(b[n:]).Encode(&in)
	return b[:n], out, in
}

func TestReconfigChunkRoundTrip(t *testing.T) {
	params, out, in := reconfigOutIn(t)
	// The last parameter's padding does not count in the chunk length (RFC
	// 9260 3.2), the first one's does.
	l := ChunkHeaderLen + PaddedLen(OutgoingSSNResetRequestParamLen(3)) + IncomingSSNResetRequestParamLen(1)
	require.Equal(t, l, ReconfigChunkLen(params))
	c := ReconfigChunk(wireChunk(t, 64, ChunkReconfig, l, func(b []byte) int {
		return ReconfigChunk(b).Encode(&ReconfigFields{Params: params})
	}))
	ps := extParams(t, NewParamIter(c.Params()))
	require.Len(t, ps, 2)
	require.Equal(t, ParamOutgoingSSNResetRequest, ps[0].Type())
	require.Equal(t, out.Streams[2], OutgoingSSNResetRequestParam(ps[0]).Stream(2))
	require.Equal(t, ParamIncomingSSNResetRequest, ps[1].Type())
	require.Equal(t, in.RequestSeq, IncomingSSNResetRequestParam(ps[1]).RequestSequenceNumber())

	// Encoding in place: the parameters already sit in the chunk's buffer.
	b := make([]byte, PaddedLen(l))
	copy(b[ChunkHeaderLen:], params)
	n := ReconfigChunk(b).Encode(&ReconfigFields{Params: b[ChunkHeaderLen : ChunkHeaderLen+len(params)]})
	require.Equal(t, PaddedLen(l), n)
	require.Equal(t, []byte(c), b[:l])
}

func TestReconfigMalformedLengths(t *testing.T) {
	params, _, _ := reconfigOutIn(t)
	b := make([]byte, 64)
	n := ReconfigChunk(b).Encode(&ReconfigFields{Params: params})
	chunk := b[:n]

	// A parameter whose length runs past the chunk stops the iterator.
	bad := append([]byte(nil), chunk...)
	copy(bad[ChunkHeaderLen:], extWithLength(bad[ChunkHeaderLen:ChunkHeaderLen+4], 200))
	it := NewParamIter(ReconfigChunk(bad).Params())
	_, ok := it.Next()
	require.False(t, ok)
	require.ErrorIs(t, it.Err(), ErrParamOverrun)

	// A parameter length below 4 stops it too.
	copy(bad[ChunkHeaderLen:], extWithLength(bad[ChunkHeaderLen:ChunkHeaderLen+4], 2))
	it = NewParamIter(ReconfigChunk(bad).Params())
	_, ok = it.Next()
	require.False(t, ok)
	require.ErrorIs(t, it.Err(), ErrParamTooShort)

	// Stream lists count whole 16-bit numbers; short lengths count none.
	p := OutgoingSSNResetRequestParam(extWithLength(params[:20], OutgoingSSNResetRequestParamHeaderLen+3))
	require.Equal(t, 1, p.NumStreams())
	require.Equal(t, 0, OutgoingSSNResetRequestParam(extWithLength(params[:20], 4)).NumStreams())
	require.Equal(t, 0, IncomingSSNResetRequestParam(extWithLength(params[:20], 4)).NumStreams())

	// A response of 12 to 19 bytes has no next TSNs, and asking for them
	// does not read past it.
	r := make([]byte, ReconfigResponseParamMinLen)
	ReconfigResponseParam(r).Encode(&ReconfigResponseFields{ResponseSeq: 1})
	require.False(t, ReconfigResponseParam(r).HasNextTSNs())
	require.Zero(t, ReconfigResponseParam(r).SendersNextTSN())
	require.Zero(t, ReconfigResponseParam(r).ReceiversNextTSN())
}
