package header

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireChunks returns encoded chunks for the validation tests.
func wireChunks() (data, empty, init, initAck, cookieAck, shutdownComplete, sack []byte) {
	data = make([]byte, 20)
	DataChunk(data).Encode(&DataFields{TSN: 1, Payload: []byte{1, 2, 3}})
	data = data[:19]
	empty = make([]byte, 16)
	DataChunk(empty).Encode(&DataFields{TSN: 2})
	init = make([]byte, 20)
	InitChunk(init).Encode(&InitFields{InitiateTag: 1, ARwnd: 1500, OutboundStreams: 1, InboundStreams: 1})
	initAck = make([]byte, 28)
	p := initAck[InitChunkHeaderLen:]
	n := StateCookieParam(p).Encode(&StateCookieFields{Cookie: []byte{1, 2, 3, 4}})
	InitChunk(initAck).Encode(&InitFields{Ack: true, InitiateTag: 1, ARwnd: 1500, OutboundStreams: 1, InboundStreams: 1, Params: p[:n]})
	cookieAck = make([]byte, 4)
	CookieAckChunk(cookieAck).Encode()
	shutdownComplete = make([]byte, 4)
	ShutdownCompleteChunk(shutdownComplete).Encode(&ShutdownCompleteFields{TBit: true})
	sack = make([]byte, SackChunkLen(1, 0))
	SackChunk(sack).Encode(&SackFields{CumTSNAck: 1, GapAckBlocks: []GapAckBlock{{2, 2}}})
	return
}

func TestValidatePacketAccepts(t *testing.T) {
	data, empty, init, initAck, cookieAck, shutdownComplete, sack := wireChunks()
	for _, tc := range []struct {
		name   string
		chunks [][]byte
		types  []ChunkType
	}{
		{"one DATA", [][]byte{data}, []ChunkType{ChunkData}},
		{"DATA without user data (RFC 9260 6.2)", [][]byte{empty}, []ChunkType{ChunkData}},
		{"bundle", [][]byte{cookieAck, sack, data, data, empty}, []ChunkType{ChunkCookieAck, ChunkSack, ChunkData}},
		{"INIT", [][]byte{init}, []ChunkType{ChunkInit}},
		{"INIT ACK", [][]byte{initAck}, []ChunkType{ChunkInitAck}},
		{"SHUTDOWN COMPLETE", [][]byte{shutdownComplete}, []ChunkType{ChunkShutdownComplete}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pkt := wirePacket(tc.chunks...)
			info, err := ValidatePacket(pkt)
			require.NoError(t, err)
			assert.Equal(t, len(tc.chunks), info.NumChunks)
			assert.Equal(t, len(pkt), info.End)
			assert.Zero(t, info.Unknown)
			for _, ty := range tc.types {
				assert.True(t, info.Types.Has(ty), ty)
			}
			assert.False(t, info.Types.Has(ChunkAbort))
			it := info.Iter(pkt)
			n := 0
			for c, ok := it.Next(); ok; c, ok = it.Next() {
				assert.Equal(t, Chunk(tc.chunks[n]), c)
				n++
			}
			assert.NoError(t, it.Err())
			assert.Equal(t, info.NumChunks, n)
		})
	}
	// The final chunk's padding may be missing (RFC 9260 3.2).
	pkt := wirePacket(sack, data)
	info, err := ValidatePacket(pkt[:len(pkt)-1])
	require.NoError(t, err)
	assert.Equal(t, 2, info.NumChunks)
}

func TestValidatePacketRejects(t *testing.T) {
	data, _, init, initAck, cookieAck, shutdownComplete, sack := wireChunks()
	withPorts := func(src, dst uint16) []byte {
		p := wirePacket(data)
		SCTP(p).SetSourcePort(src)
		SCTP(p).SetDestinationPort(dst)
		return p
	}
	badSack := append([]byte(nil), sack[:SackChunkHeaderLen]...) // announces a Gap Ack Block
	Chunk(badSack).SetLength(SackChunkHeaderLen)
	hdr := SCTPCommonHeaderLen
	for _, tc := range []struct {
		name string
		pkt  []byte
		err  error
		end  int
	}{
		{"short header", wirePacket()[:11], ErrTruncated, 0},
		{"source port 0 (RFC 9260 3.1)", withPorts(0, 2), ErrPortZero, 0},
		{"destination port 0 (RFC 9260 3.1)", withPorts(1, 0), ErrPortZero, 0},
		{"no chunk", wirePacket(), ErrNoChunks, hdr},
		{"partial chunk header", append(wirePacket(), 0, 0), ErrTruncated, hdr},
		{"trailing bytes", append(wirePacket(sack), 0, 0, 0), ErrTruncated, hdr + len(sack)},
		{"chunk length 3", wirePacket([]byte{9, 0, 0, 3}), ErrChunkTooShort, hdr},
		{"partial chunk (RFC 9260 6.10)", wirePacket(sack, []byte{0, 0, 0, 40, 0, 0, 0, 0}), ErrChunkOverrun, hdr + len(sack)},
		{"DATA below 16", wirePacket(sack, wireRaw(ChunkData, 0, make([]byte, 11))), ErrChunkTooShort, hdr + len(sack)},
		{"INIT and another (RFC 9260 6.10)", wirePacket(init, cookieAck), ErrNotAlone, hdr + len(init) + len(cookieAck)},
		{"another and INIT ACK", wirePacket(cookieAck, initAck), ErrNotAlone, hdr + len(cookieAck) + len(initAck)},
		{"SHUTDOWN COMPLETE and another", wirePacket(shutdownComplete, shutdownComplete), ErrNotAlone, hdr + 8},
		{"SACK counts beyond its length", wirePacket(badSack), ErrBadLength, hdr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ValidatePacket(tc.pkt)
			assert.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.end, info.End, "End")
		})
	}
}

// TestValidatePacketUnknownChunks: chunks of unknown types are returned,
// never an error; one asking to stop ends what is validated and processed
// (RFC 9260 3.2).
func TestValidatePacketUnknownChunks(t *testing.T) {
	data, _, _, _, cookieAck, _, sack := wireChunks()
	garbage := []byte{0, 0, 0, 2} // a chunk of length 2: malformed
	for _, tc := range []struct {
		typ     ChunkType
		action  UnrecognizedAction
		stopped bool
	}{
		{0x3f, ActionStop, true},
		{0x7f, ActionStopAndReport, true},
		{0xbf, ActionSkip, false},
		{0xff, ActionSkipAndReport, false},
		{ChunkECNE, ActionStop, true}, // only reserved by RFC 9260
	} {
		unknown := wireRaw(tc.typ, 0x5a, []byte{1, 2, 3, 4, 5})
		pkt := wirePacket(cookieAck, unknown, sack)
		info, err := ValidatePacket(pkt)
		require.NoError(t, err, "%v", tc.typ)
		assert.Equal(t, tc.action, tc.typ.UnrecognizedAction())
		assert.Equal(t, 1, info.Unknown)
		assert.True(t, info.Types.Has(tc.typ))

		// What the state machine does: act on each chunk in order.
		var seen []ChunkType
		var report []byte
		it := info.Iter(pkt)
		for c, ok := it.Next(); ok; c, ok = it.Next() {
			seen = append(seen, c.Type())
			if c.Type().Known() {
				continue
			}
			a := c.Type().UnrecognizedAction()
			if a.Report() {
				report = make([]byte, PaddedLen(UnrecognizedChunkTypeCauseLen(len(c))))
				UnrecognizedChunkTypeCause(report).Encode(&UnrecognizedChunkTypeFields{Chunk: c})
			}
			if !a.Skip() {
				break
			}
		}
		require.NoError(t, it.Err())
		if tc.stopped {
			assert.Equal(t, 2, info.NumChunks)
			assert.Equal(t, SCTPCommonHeaderLen+len(cookieAck)+PaddedLen(len(unknown)), info.End)
			assert.Equal(t, []ChunkType{ChunkCookieAck, tc.typ}, seen)
			// Nothing after a stopping chunk is looked at, even garbage.
			_, err := ValidatePacket(wirePacket(data, unknown, garbage))
			assert.NoError(t, err)
		} else {
			assert.Equal(t, 3, info.NumChunks)
			assert.Equal(t, len(pkt), info.End)
			assert.Equal(t, []ChunkType{ChunkCookieAck, tc.typ, ChunkSack}, seen)
			_, err := ValidatePacket(wirePacket(data, unknown, garbage))
			assert.ErrorIs(t, err, ErrChunkTooShort)
		}
		if tc.action.Report() {
			require.NotNil(t, report)
			assert.Equal(t, Chunk(unknown), UnrecognizedChunkTypeCause(report).UnrecognizedChunk())
		} else {
			assert.Nil(t, report)
		}
	}
}

func TestChunkTypeKnown(t *testing.T) {
	for ty := range 256 {
		typ := ChunkType(ty)
		_, named := chunkTypeNames[typ]
		if typ == ChunkECNE || typ == ChunkCWR {
			assert.False(t, typ.Known())
			continue
		}
		assert.Equal(t, named, typ.Known(), typ.String())
		if typ.Known() {
			assert.GreaterOrEqual(t, typ.MinLen(), ChunkHeaderLen)
			// A chunk one byte below its type's minimum is rejected, at
			// the minimum it is not rejected for its length.
			if typ.MinLen() > ChunkHeaderLen {
				assert.ErrorIs(t, ValidateChunk(wireRaw(typ, 0, make([]byte, typ.MinLen()-ChunkHeaderLen-1))), ErrChunkTooShort, typ.String())
			}
		} else {
			assert.Equal(t, ChunkHeaderLen, typ.MinLen())
			assert.NoError(t, ValidateChunk(wireRaw(typ, 0, nil)))
		}
	}
	var s ChunkTypeSet
	for _, ty := range []ChunkType{0, 63, 64, 127, 128, 255} {
		assert.False(t, s.Has(ty))
		s.Add(ty)
		assert.True(t, s.Has(ty))
	}
	assert.False(t, s.Has(1))
	assert.False(t, s.Has(254))
}

// TestPacketInfoIterOnError: after an error, Iter yields the chunks that
// were valid before the failing one.
func TestPacketInfoIterOnError(t *testing.T) {
	_, _, _, _, cookieAck, _, sack := wireChunks()
	pkt := wirePacket(cookieAck, sack, []byte{0, 0, 0, 3})
	info, err := ValidatePacket(pkt)
	require.ErrorIs(t, err, ErrChunkTooShort)
	assert.Equal(t, 2, info.NumChunks)
	it := info.Iter(pkt)
	n := 0
	for _, ok := it.Next(); ok; _, ok = it.Next() {
		n++
	}
	assert.Equal(t, 2, n)
	assert.NoError(t, it.Err())

	info, err = ValidatePacket(pkt[:5])
	require.ErrorIs(t, err, ErrTruncated)
	it = info.Iter(pkt[:5])
	_, ok := it.Next()
	assert.False(t, ok)
}
