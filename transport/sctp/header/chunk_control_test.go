package header

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeartbeatRoundTrip(t *testing.T) {
	info := []byte("sender-specific")
	for _, ack := range []bool{false, true} {
		want := ChunkHeartbeat
		if ack {
			want = ChunkHeartbeatAck
		}
		f := HeartbeatFields{Ack: ack, Info: info}
		c := HeartbeatChunk(wireChunk(t, 32, want, HeartbeatChunkLen(len(info)), func(b []byte) int { return HeartbeatChunk(b).Encode(&f) }))
		p := c.Info()
		assert.Equal(t, ParamHeartbeatInfo, Param(p).Type())
		assert.Equal(t, HeartbeatInfoParamLen(len(info)), int(Param(p).Length()))
		assert.Equal(t, info, p.SenderSpecificInfo())
	}
	b := wireGarbage(12)
	require.Equal(t, 12, HeartbeatChunk(b).Encode(&HeartbeatFields{Info: []byte{9, 8, 7, 6}}))
	assert.Equal(t, "0400000c"+"00010008"+"09080706", hex.EncodeToString(b))
}

func TestHeartbeatValidation(t *testing.T) {
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkHeartbeat, 0, nil)), ErrChunkTooShort)
	// The Heartbeat Info parameter must fit in the chunk.
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkHeartbeat, 0, []byte{0, 1, 0, 9, 1, 2, 3, 4})), ErrBadHeartbeat)
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkHeartbeatAck, 0, []byte{0, 1, 0, 3})), ErrBadHeartbeat)
	assert.NoError(t, ValidateChunk(wireRaw(ChunkHeartbeatAck, 0, []byte{0, 1, 0, 4})))
	// Bytes after the parameter are ignored.
	c := wireRaw(ChunkHeartbeat, 0, []byte{0, 1, 0, 5, 1, 0, 0, 0, 0xee})
	require.NoError(t, ValidateChunk(c))
	assert.Equal(t, []byte{1}, HeartbeatChunk(c).Info().SenderSpecificInfo())
}

func TestAbortRoundTrip(t *testing.T) {
	cb := make([]byte, 32)
	n := UserInitiatedAbortCause(cb).Encode(&UserInitiatedAbortFields{Reason: []byte("bye")})
	n += OutOfResourceCause(cb[n:]).Encode()
	for _, tbit := range []bool{false, true} {
		f := AbortFields{TBit: tbit, Causes: cb[:n]}
		c := AbortChunk(wireChunk(t, 32, ChunkAbort, AbortChunkLen(f.Causes), func(b []byte) int { return AbortChunk(b).Encode(&f) }))
		assert.Equal(t, tbit, c.TBit())
		assert.Equal(t, cb[:n], c.Causes())
		var codes []CauseCode
		it := NewCauseIter(c.Causes())
		for x, ok := it.Next(); ok; x, ok = it.Next() {
			codes = append(codes, x.Code())
		}
		require.NoError(t, it.Err())
		assert.Equal(t, []CauseCode{CauseUserInitiatedAbort, CauseOutOfResource}, codes)
	}
	// The last cause's padding does not count.
	b := wireGarbage(16)
	f := AbortFields{Causes: cb[:UserInitiatedAbortCauseLen(3)]}
	require.Equal(t, 12, AbortChunk(b).Encode(&f))
	assert.Equal(t, "0600000b"+"000c0007"+"62796500", hex.EncodeToString(b[:12]))

	empty := AbortChunk(wireChunk(t, 4, ChunkAbort, 4, func(b []byte) int { return AbortChunk(b).Encode(&AbortFields{TBit: true}) }))
	assert.Empty(t, empty.Causes())
	assert.Equal(t, ChunkFlagT, Chunk(empty).Flags())
}

func TestErrorRoundTrip(t *testing.T) {
	cb := make([]byte, 8)
	n := StaleCookieCause(cb).Encode(&StaleCookieFields{Staleness: 1000})
	f := ErrorFields{Causes: cb[:n]}
	c := ErrorChunk(wireChunk(t, 16, ChunkError, ErrorChunkLen(f.Causes), func(b []byte) int { return ErrorChunk(b).Encode(&f) }))
	assert.Equal(t, cb[:n], c.Causes())
	// ERROR carries "one or more" causes (RFC 9260 3.3.10).
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkError, 0, nil)), ErrChunkTooShort)
	// Malformed causes make the chunk malformed.
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkError, 0, []byte{0, 3, 0, 4})), ErrCauseBadLength)
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkAbort, 0, []byte{0, 3, 0, 12, 0, 0, 0, 0})), ErrCauseOverrun)
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkAbort, 0, []byte{0, 3, 0, 2})), ErrCauseTooShort)
}

func TestShutdownChunks(t *testing.T) {
	c := ShutdownChunk(wireChunk(t, 8, ChunkShutdown, ShutdownChunkLen, func(b []byte) int {
		return ShutdownChunk(b).Encode(&ShutdownFields{CumTSNAck: 0x89abcdef})
	}))
	assert.Equal(t, uint32(0x89abcdef), c.CumulativeTSNAck())
	assert.Equal(t, "0700000889abcdef", hex.EncodeToString(c))
	assert.ErrorIs(t, ValidateChunk(wireRaw(ChunkShutdown, 0, nil)), ErrChunkTooShort)

	a := wireChunk(t, 4, ChunkShutdownAck, ShutdownAckChunkLen, func(b []byte) int { return ShutdownAckChunk(b).Encode() })
	assert.Equal(t, "08000004", hex.EncodeToString(a))

	for _, tbit := range []bool{false, true} {
		c := ShutdownCompleteChunk(wireChunk(t, 4, ChunkShutdownComplete, ShutdownCompleteChunkLen, func(b []byte) int {
			return ShutdownCompleteChunk(b).Encode(&ShutdownCompleteFields{TBit: tbit})
		}))
		assert.Equal(t, tbit, c.TBit())
	}
	// Reserved flags are ignored on receipt.
	assert.False(t, ShutdownCompleteChunk(wireRaw(ChunkShutdownComplete, 0xfe, nil)).TBit())
	assert.True(t, AbortChunk(wireRaw(ChunkAbort, 0xff, nil)).TBit())
}

func TestCookieChunks(t *testing.T) {
	cookie := []byte{1, 2, 3, 4, 5}
	c := CookieEchoChunk(wireChunk(t, 12, ChunkCookieEcho, CookieEchoChunkLen(5), func(b []byte) int {
		return CookieEchoChunk(b).Encode(&CookieEchoFields{Cookie: cookie})
	}))
	assert.Equal(t, cookie, c.Cookie())

	// RFC 9260 3.3.11: the State Cookie parameter becomes a COOKIE ECHO by
	// changing its first two bytes.
	p := make([]byte, 12)
	StateCookieParam(p).Encode(&StateCookieFields{Cookie: cookie})
	p[0], p[1] = byte(ChunkCookieEcho), 0
	assert.Equal(t, []byte(c), p[:9])

	a := wireChunk(t, 4, ChunkCookieAck, CookieAckChunkLen, func(b []byte) int { return CookieAckChunk(b).Encode() })
	assert.Equal(t, "0b000004", hex.EncodeToString(a))
}

func TestGenericChunk(t *testing.T) {
	c := wireChunk(t, 12, 0xC5, 7, func(b []byte) int {
		return Chunk(b).Encode(&ChunkFields{Type: 0xC5, Flags: 0x81, Value: []byte{1, 2, 3}})
	})
	assert.Equal(t, uint8(0x81), c.Flags())
	assert.Equal(t, []byte{1, 2, 3}, c.Value())
	assert.False(t, c.Type().Known())
	assert.Equal(t, ActionSkipAndReport, c.Type().UnrecognizedAction())
}
