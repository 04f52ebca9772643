package header

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSackRFCExample encodes the example of RFC 9260 3.3.4: received 10,
// 11, 12, 14, 15, 17 with a_rwnd 4660.
func TestSackRFCExample(t *testing.T) {
	f := SackFields{CumTSNAck: 12, ARwnd: 4660, GapAckBlocks: []GapAckBlock{{2, 3}, {5, 5}}}
	b := wireGarbage(SackChunkLen(2, 0))
	require.Equal(t, 24, SackChunk(b).Encode(&f))
	assert.Equal(t, "03000018"+"0000000c"+"00001234"+"00020000"+"00020003"+"00050005", hex.EncodeToString(b))
}

func TestSackRoundTrip(t *testing.T) {
	for _, f := range []SackFields{
		{CumTSNAck: 0xffffffff, ARwnd: 0},
		{CumTSNAck: 1, ARwnd: 1 << 20, GapAckBlocks: []GapAckBlock{{1, 1}}},
		{CumTSNAck: 100, ARwnd: 65535, DuplicateTSNs: []uint32{90, 90, 99}},
		{CumTSNAck: 7, ARwnd: 3, GapAckBlocks: []GapAckBlock{{2, 4}, {6, 6}, {8, 0xffff}}, DuplicateTSNs: []uint32{1}},
	} {
		l := SackChunkLen(len(f.GapAckBlocks), len(f.DuplicateTSNs))
		c := SackChunk(wireChunk(t, l+8, ChunkSack, l, func(b []byte) int { return SackChunk(b).Encode(&f) }))
		assert.Equal(t, f.CumTSNAck, c.CumulativeTSNAck())
		assert.Equal(t, f.ARwnd, c.AdvertisedReceiverWindowCredit())
		require.Equal(t, len(f.GapAckBlocks), int(c.NumberOfGapAckBlocks()))
		require.Equal(t, len(f.DuplicateTSNs), int(c.NumberOfDuplicateTSNs()))
		for i, g := range f.GapAckBlocks {
			assert.Equal(t, g, c.GapAckBlock(i))
		}
		for i, d := range f.DuplicateTSNs {
			assert.Equal(t, d, c.DuplicateTSN(i))
		}
	}
}

// TestSackCountsMustFit: a SACK announcing more blocks or duplicates than
// its length holds is rejected, so that GapAckBlock and DuplicateTSN stay
// in range.
func TestSackCountsMustFit(t *testing.T) {
	b := make([]byte, SackChunkLen(1, 1))
	SackChunk(b).Encode(&SackFields{GapAckBlocks: []GapAckBlock{{1, 2}}, DuplicateTSNs: []uint32{3}})
	require.NoError(t, ValidateChunk(b))
	for _, tc := range []struct{ gaps, dups uint16 }{{2, 1}, {1, 2}, {0, 3}, {3, 0}, {0xffff, 0xffff}} {
		c := Chunk(append([]byte(nil), b...))
		c[sackNumGaps], c[sackNumGaps+1] = byte(tc.gaps>>8), byte(tc.gaps)
		c[sackNumDups], c[sackNumDups+1] = byte(tc.dups>>8), byte(tc.dups)
		assert.ErrorIs(t, ValidateChunk(c), ErrBadLength, "%+v", tc)
	}
	// Fewer than the length holds is fine: the rest is ignored.
	c := Chunk(append([]byte(nil), b...))
	c[sackNumDups+1] = 0
	assert.NoError(t, ValidateChunk(c))
	assert.ErrorIs(t, ValidateChunk(b[:SackChunkHeaderLen]), ErrChunkOverrun)
	short := wireRaw(ChunkSack, 0, make([]byte, SackChunkHeaderLen-ChunkHeaderLen-4))
	assert.ErrorIs(t, ValidateChunk(short), ErrChunkTooShort)
}
