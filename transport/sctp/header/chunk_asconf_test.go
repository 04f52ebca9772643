package header

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	extAddr4 = netip.MustParseAddr("192.0.2.1")
	extAddr6 = netip.MustParseAddr("2001:db8::1")
)

func TestAsconfAddressParamRoundTrip(t *testing.T) {
	for _, f := range []AsconfAddressFields{
		{Type: ParamAddIPAddress, CorrelationID: 1, Address: extAddr4},
		{Type: ParamDeleteIPAddress, CorrelationID: 0xFFFFFFFF, Address: extAddr6},
		{Type: ParamSetPrimaryAddress, CorrelationID: 7, Address: extAddr4},
	} {
		l := AsconfAddressParamLen(f.Address)
		p := AsconfAddressParam(extEncodeParam(t, 32, f.Type, l, func(b []byte) int {
			return AsconfAddressParam(b).Encode(&f)
		}))
		a, ok := p.Address()
		require.True(t, ok)
		require.Equal(t, f, AsconfAddressFields{Type: Param(p).Type(), CorrelationID: p.CorrelationID(), Address: a})
	}
}

func TestErrorCauseIndicationRoundTrip(t *testing.T) {
	// RFC 5061 5.1: the cause carries the TLV of the request that failed.
	req := make([]byte, 64)
	n := AsconfAddressParam(req).Encode(&AsconfAddressFields{Type: ParamDeleteIPAddress, CorrelationID: 3, Address: extAddr4})
	causes := make([]byte, 64)
	m := Cause(causes).Encode(&CauseFields{Code: CauseDeleteLastRemainingAddress, Info: req[:n]})
	m += Cause(causes[m:]).Encode(&CauseFields{Code: CauseRequestRefusedNoAuth})
	causes = causes[:m]

	f := ErrorCauseIndicationFields{CorrelationID: 3, Causes: causes}
	l := ErrorCauseIndicationParamLen(causes)
	p := ErrorCauseIndicationParam(extEncodeParam(t, 64, ParamErrorCauseIndication, l, func(b []byte) int {
		return ErrorCauseIndicationParam(b).Encode(&f)
	}))
	require.Equal(t, f, ErrorCauseIndicationFields{CorrelationID: p.CorrelationID(), Causes: p.Causes()})
	it := NewCauseIter(p.Causes())
	c, ok := it.Next()
	require.True(t, ok)
	require.Equal(t, CauseDeleteLastRemainingAddress, c.Code())
	require.Equal(t, req[:n], c.Info())
	c, ok = it.Next()
	require.True(t, ok)
	require.Equal(t, CauseRequestRefusedNoAuth, c.Code())
	_, ok = it.Next()
	require.False(t, ok)
	require.NoError(t, it.Err())
}

func TestSuccessAndAdaptationParams(t *testing.T) {
	s := SuccessIndicationFields{CorrelationID: 0x01020304}
	p := extEncodeParam(t, 8, ParamSuccessIndication, SuccessIndicationParamLen, func(b []byte) int {
		return SuccessIndicationParam(b).Encode(&s)
	})
	require.Equal(t, s, SuccessIndicationFields{CorrelationID: SuccessIndicationParam(p).CorrelationID()})

	a := AdaptationLayerIndicationFields{AdaptationCodePoint: 0xCAFEF00D}
	p = extEncodeParam(t, 8, ParamAdaptationLayerInd, AdaptationLayerIndicationParamLen, func(b []byte) int {
		return AdaptationLayerIndicationParam(b).Encode(&a)
	})
	require.Equal(t, a, AdaptationLayerIndicationFields{AdaptationCodePoint: AdaptationLayerIndicationParam(p).AdaptationCodePoint()})
}

func TestSupportedExtensionsRoundTrip(t *testing.T) {
	for _, f := range []SupportedExtensionsFields{
		{},
		{ChunkTypes: []ChunkType{ChunkForwardTSN}},
		{ChunkTypes: []ChunkType{ChunkReconfig, ChunkAsconf, ChunkAsconfAck, ChunkIData, ChunkIForwardTSN}},
	} {
		l := SupportedExtensionsParamLen(len(f.ChunkTypes))
		p := SupportedExtensionsParam(extEncodeParam(t, 16, ParamSupportedExtensions, l, func(b []byte) int {
			return SupportedExtensionsParam(b).Encode(&f)
		}))
		var got SupportedExtensionsFields
		for i := 0; i < p.NumChunkTypes(); i++ {
			got.ChunkTypes = append(got.ChunkTypes, p.ChunkType(i))
		}
		require.Equal(t, f, got)
		for _, ct := range f.ChunkTypes {
			require.True(t, p.Has(ct))
		}
		require.False(t, p.Has(ChunkData))
	}
}

// asconfRequests encodes an Add IP Address and a Set Primary Address.
func asconfRequests(t *testing.T) []byte {
	b := make([]byte, 64)
	n := AsconfAddressParam(b).Encode(&AsconfAddressFields{Type: ParamAddIPAddress, CorrelationID: 1, Address: extAddr6})
	n += AsconfAddressParam(b[n:]).Encode(&AsconfAddressFields{Type: ParamSetPrimaryAddress, CorrelationID: 2, Address: extAddr6})
	return b[:n]
}

func TestAsconfChunkRoundTrip(t *testing.T) {
	for _, f := range []AsconfFields{
		{SerialNumber: 1, Address: extAddr4},
		{SerialNumber: 0xFFFFFFFF, Address: extAddr4, Params: asconfRequests(t)},
	} {
		l := AsconfChunkLen(f.Address, f.Params)
		c := AsconfChunk(wireChunk(t, 128, ChunkAsconf, l, func(b []byte) int {
			return AsconfChunk(b).Encode(&f)
		}))
		a, ok := c.Address()
		require.True(t, ok)
		got := AsconfFields{SerialNumber: c.SerialNumber(), Address: a, Params: c.Params()}
		if len(got.Params) == 0 {
			got.Params = nil
		}
		require.Equal(t, f, got)
		ps := extParams(t, NewParamIter(c.Params()))
		require.Len(t, ps, len(f.Params)/AsconfAddressParamLen(extAddr6))
	}
}

func TestAsconfAckChunkRoundTrip(t *testing.T) {
	b := make([]byte, 64)
	n := SuccessIndicationParam(b).Encode(&SuccessIndicationFields{CorrelationID: 1})
	cause := make([]byte, 8)
	Cause(cause).Encode(&CauseFields{Code: CauseResourceShortage})
	n += ErrorCauseIndicationParam(b[n:]).Encode(&ErrorCauseIndicationFields{CorrelationID: 2, Causes: cause[:4]})
	f := AsconfAckFields{SerialNumber: 9, Params: b[:n]}
	l := AsconfAckChunkLen(f.Params)
	c := AsconfAckChunk(wireChunk(t, 64, ChunkAsconfAck, l, func(b []byte) int {
		return AsconfAckChunk(b).Encode(&f)
	}))
	require.Equal(t, f, AsconfAckFields{SerialNumber: c.SerialNumber(), Params: c.Params()})
	ps := extParams(t, NewParamIter(c.Params()))
	require.Len(t, ps, 2)
	require.Equal(t, uint32(2), ErrorCauseIndicationParam(ps[1]).CorrelationID())
}

func TestAsconfMalformedLengths(t *testing.T) {
	f := AsconfFields{SerialNumber: 1, Address: extAddr4, Params: asconfRequests(t)}
	b := make([]byte, 128)
	n := AsconfChunk(b).Encode(&f)
	b = b[:n]

	// No Address Parameter at all.
	c := AsconfChunk(extWithLength(b, AsconfChunkHeaderLen))
	require.Nil(t, c.AddressParam())
	require.Nil(t, c.Params())
	_, ok := c.Address()
	require.False(t, ok)

	// An Address Parameter whose length runs past the chunk or is below 4.
	for _, l := range []int{2, 200} {
		bad := append([]byte(nil), b...)
		copy(bad[AsconfChunkHeaderLen:], extWithLength(bad[AsconfChunkHeaderLen:AsconfChunkHeaderLen+4], l))
		require.Nil(t, AsconfChunk(bad).AddressParam(), "length %d", l)
		require.Nil(t, AsconfChunk(bad).Params(), "length %d", l)
	}

	// An ASCONF parameter that runs past the chunk stops the iterator.
	bad := append([]byte(nil), b...)
	o := AsconfChunkHeaderLen + IPv4AddressParamLen
	copy(bad[o:], extWithLength(bad[o:o+4], 100))
	it := NewParamIter(AsconfChunk(bad).Params())
	_, ok = it.Next()
	require.False(t, ok)
	require.ErrorIs(t, it.Err(), ErrParamOverrun)

	// An Add IP Address whose address is cut short.
	p := AsconfAddressParam(extWithLength(f.Params, AsconfParamHeaderLen+2))
	require.Nil(t, p.AddressParam())
	_, ok = p.Address()
	require.False(t, ok)

	// Chunk type lists and causes never count past their length.
	require.Zero(t, SupportedExtensionsParam(extWithLength(make([]byte, 8), 2)).NumChunkTypes())
	e := make([]byte, 16)
	ErrorCauseIndicationParam(e).Encode(&ErrorCauseIndicationFields{})
	require.Empty(t, ErrorCauseIndicationParam(e[:AsconfParamHeaderLen]).Causes())
}
