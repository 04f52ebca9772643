package header

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDataRoundTrip(t *testing.T) {
	for n := range 9 {
		payload := make([]byte, n)
		for i := range payload {
			payload[i] = byte(i + 1)
		}
		f := DataFields{
			Flags:    DataFlagBeginning | DataFlagEnd | DataFlagUnordered | DataFlagImmediate,
			TSN:      0xfffffff0 + uint32(n),
			StreamID: 0x1234,
			SSN:      0xfedc,
			PPID:     51,
			Payload:  payload,
		}
		c := DataChunk(wireChunk(t, 64, ChunkData, DataChunkLen(n), func(b []byte) int { return DataChunk(b).Encode(&f) }))
		assert.Equal(t, f.TSN, c.TSN())
		assert.Equal(t, f.StreamID, c.StreamIdentifier())
		assert.Equal(t, f.SSN, c.StreamSequenceNumber())
		assert.Equal(t, f.PPID, c.PayloadProtocolIdentifier())
		assert.Equal(t, payload, c.UserData())
		assert.True(t, c.Beginning())
		assert.True(t, c.End())
		assert.True(t, c.Unordered())
		assert.True(t, c.Immediate())
	}
}

func TestDataWire(t *testing.T) {
	b := wireGarbage(24)
	n := DataChunk(b).Encode(&DataFields{Flags: DataFlagBeginning, TSN: 1, StreamID: 2, SSN: 3, PPID: 4, Payload: []byte("hello")})
	// RFC 9260 3.3.1: type 0, flags ...I|U|B|E, length 16+5, padded to 24.
	assert.Equal(t, "00020015"+"00000001"+"00020003"+"00000004"+"68656c6c6f000000", hex.EncodeToString(b[:n]))
	c := DataChunk(b)
	assert.True(t, c.Beginning())
	assert.False(t, c.End())
	assert.False(t, c.Unordered())
	assert.False(t, c.Immediate())
}

// TestDataNoUserData: a DATA chunk of length 16 is structurally valid, so
// that the receiver can answer with a No User Data cause (RFC 9260 6.2).
func TestDataNoUserData(t *testing.T) {
	c := DataChunk(wireChunk(t, 16, ChunkData, DataChunkHeaderLen, func(b []byte) int {
		return DataChunk(b).Encode(&DataFields{TSN: 9})
	}))
	assert.Empty(t, c.UserData())
	info, err := ValidatePacket(wirePacket(c))
	require.NoError(t, err)
	assert.Equal(t, 1, info.NumChunks)

	short := wireRaw(ChunkData, 0, make([]byte, 11))
	assert.ErrorIs(t, ValidateChunk(short), ErrChunkTooShort)
}
