package header

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInitRoundTrip(t *testing.T) {
	for _, ack := range []bool{false, true} {
		// Parameters encoded in place, the last one needing padding.
		b := wireGarbage(128)
		p := b[InitChunkHeaderLen:]
		n := EncodeAddressParam(p, netip.MustParseAddr("2001:db8::1"))
		n += EncodeAddressParam(p[n:], netip.MustParseAddr("10.0.0.1"))
		n += StateCookieParam(p[n:]).Encode(&StateCookieFields{Cookie: []byte("abcde")})
		f := InitFields{
			Ack: ack, InitiateTag: 0x01020304, ARwnd: 0xfffffffe, OutboundStreams: 0xffff,
			InboundStreams: 1, InitialTSN: 0xffffffff, Params: p[:n],
		}
		// The last parameter's padding does not count (RFC 9260 3.2).
		wantLen := InitChunkHeaderLen + n - 3
		require.Equal(t, wantLen, InitChunkLen(f.Params))
		want := ChunkInit
		if ack {
			want = ChunkInitAck
		}
		// Encoded in place: Params aliases the chunk.
		require.Equal(t, PaddedLen(wantLen), InitChunk(b).Encode(&f))
		assert.Equal(t, []byte{0, 0, 0}, b[wantLen:wantLen+3], "padding")
		c := InitChunk(b[:wantLen])
		require.Equal(t, want, Chunk(c).Type())
		require.Equal(t, wantLen, int(Chunk(c).Length()))
		require.NoError(t, ValidateChunk(Chunk(c)))
		assert.Equal(t, f.InitiateTag, c.InitiateTag())
		assert.Equal(t, f.ARwnd, c.AdvertisedReceiverWindowCredit())
		assert.Equal(t, f.OutboundStreams, c.NumberOfOutboundStreams())
		assert.Equal(t, f.InboundStreams, c.NumberOfInboundStreams())
		assert.Equal(t, f.InitialTSN, c.InitialTSN())
		assert.Equal(t, p[:n-3], c.Params())

		// The same from a separate buffer.
		b2 := wireGarbage(PaddedLen(InitChunkLen(f.Params)))
		f.Params = append([]byte(nil), f.Params...)
		require.Equal(t, len(b2), InitChunk(b2).Encode(&f))
		assert.Equal(t, b[:len(b2)], b2)

		var got []netip.Addr
		it := NewParamIter(c.Params())
		for p, ok := it.Next(); ok; p, ok = it.Next() {
			if a, ok := AddressFromParam(p); ok {
				got = append(got, a)
			}
		}
		require.NoError(t, it.Err())
		assert.Equal(t, []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("10.0.0.1")}, got)
	}
}

func TestInitNoParams(t *testing.T) {
	f := InitFields{InitiateTag: 1, ARwnd: 1500, OutboundStreams: 1, InboundStreams: 1}
	c := InitChunk(wireChunk(t, 32, ChunkInit, InitChunkHeaderLen, func(b []byte) int { return InitChunk(b).Encode(&f) }))
	assert.Empty(t, c.Params())
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkInit, 0, make([]byte, 15))), ErrChunkTooShort)
}

// TestInitParamIterActions walks an INIT whose unknown parameters carry
// each of the four actions of RFC 9260 3.2.1.
func TestInitParamIterActions(t *testing.T) {
	v4 := wireParam(ParamIPv4Address, []byte{192, 0, 2, 1})
	skip := wireParam(0x8123, []byte{1})             // 10: skip
	skipReport := wireParam(0xC123, []byte{1, 2})    // 11: skip and report
	stopReport := wireParam(0x4123, []byte{1, 2, 3}) // 01: stop and report
	stop := wireParam(0x0123, nil)                   // 00: stop
	type step struct {
		typ        ParamType
		recognized bool
	}
	walk := func(params []byte) ([]step, *InitParamIter) {
		it := NewInitParamIter(params, RecognizedInInit)
		var steps []step
		for p, known, ok := it.Next(); ok; p, known, ok = it.Next() {
			steps = append(steps, step{p.Type(), known})
		}
		return steps, &it
	}

	steps, it := walk(wireList(v4, skip, skipReport, v4))
	assert.Equal(t, []step{{5, true}, {0x8123, false}, {0xC123, false}, {5, true}}, steps)
	assert.NoError(t, it.Err())
	assert.False(t, it.Stopped())

	// Processing stops after a 01 parameter; what follows, even garbage,
	// is not looked at.
	steps, it = walk(wireList(v4, stopReport, v4, []byte{0, 1, 0, 0}))
	assert.Equal(t, []step{{5, true}, {0x4123, false}}, steps)
	assert.NoError(t, it.Err())
	assert.True(t, it.Stopped())
	assert.True(t, ParamType(0x4123).UnrecognizedAction().Report())

	steps, it = walk(wireList(stop, v4))
	assert.Equal(t, []step{{0x0123, false}}, steps)
	assert.True(t, it.Stopped())
	assert.Equal(t, ActionStop, ParamType(0x0123).UnrecognizedAction())

	// The state machine copies the parameters to report into Unrecognized
	// Parameter parameters (RFC 9260 3.2.2).
	var report []byte
	w := NewInitParamIter(wireList(skip, skipReport, stopReport), RecognizedInInit)
	for p, known, ok := w.Next(); ok; p, known, ok = w.Next() {
		if !known && p.Type().UnrecognizedAction().Report() {
			u := make([]byte, PaddedLen(UnrecognizedParameterParamLen(len(p))))
			UnrecognizedParameterParam(u).Encode(&UnrecognizedParameterFields{Param: p})
			report = append(report, u...)
		}
	}
	var wrapped []ParamType
	rit := NewParamIter(report)
	for p, ok := rit.Next(); ok; p, ok = rit.Next() {
		require.Equal(t, ParamUnrecognizedParameter, p.Type())
		require.NoError(t, ValidateParam(p))
		wrapped = append(wrapped, UnrecognizedParameterParam(p).Param().Type())
	}
	assert.Equal(t, []ParamType{0xC123, 0x4123}, wrapped)

	// A recognized parameter of a wrong length is an error.
	_, it = walk(wireList(v4, wireParam(ParamIPv4Address, []byte{1, 2, 3})))
	assert.ErrorIs(t, it.Err(), ErrParamBadLength)
	// An unrecognized one is not checked beyond its header.
	steps, it = walk(wireList(wireParam(ParamECNCapable, []byte{1, 2, 3}), v4))
	assert.Equal(t, []step{{ParamECNCapable, false}, {5, true}}, steps)
	assert.NoError(t, it.Err())
	_, it = walk(wireList(v4, []byte{0, 5, 0, 2}))
	assert.ErrorIs(t, it.Err(), ErrParamTooShort)
	_, it = walk(wireList(v4, []byte{0, 5, 0, 12, 0, 0, 0, 0}))
	assert.ErrorIs(t, it.Err(), ErrParamOverrun)
}

func TestValidateInitParams(t *testing.T) {
	fixed := make([]byte, InitChunkHeaderLen-ChunkHeaderLen)
	init := func(params ...[]byte) []byte {
		return wireRaw(ChunkInit, 0, append(append([]byte(nil), fixed...), wireList(params...)...))
	}
	assert.NoError(t, ValidateChunk(init(wireParam(ParamSupportedAddressTypes, []byte{0, 5, 0, 6}))))
	assert.ErrorIs(t, ValidateChunk(init(wireParam(ParamSupportedAddressTypes, []byte{0, 5, 0}))), ErrParamBadLength)
	assert.ErrorIs(t, ValidateChunk(init(wireParam(ParamIPv6Address, make([]byte, 4)))), ErrParamBadLength)
	assert.ErrorIs(t, ValidateChunk(init(wireParam(ParamCookiePreservative, make([]byte, 8)))), ErrParamBadLength)
	// State Cookie is not an INIT parameter: it is skipped as unrecognized
	// (type 7: bits 00, stop), so what follows is not validated.
	assert.NoError(t, ValidateChunk(init(wireParam(ParamStateCookie, nil), []byte{0xff, 0xff})))
	// In an INIT ACK it is recognized.
	ack := wireRaw(ChunkInitAck, 0, append(append([]byte(nil), fixed...), wireList(wireParam(ParamStateCookie, nil), []byte{0xff, 0xff})...))
	assert.ErrorIs(t, ValidateChunk(ack), ErrParamTooShort)
}
