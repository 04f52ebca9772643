package header

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Views used on unvalidated bytes must not panic where a length field lies:
// the receive path calls accessors on hostile input.
func TestViewsSurviveLyingLengths(t *testing.T) {
	// HEARTBEAT whose Heartbeat Info claims 64 bytes but carries 4.
	hb := HeartbeatChunk{4, 0, 0, 12, 0, 1, 0, 64, 1, 2, 3, 4}
	assert.NotPanics(t, func() {
		assert.Nil(t, hb.Info())
		assert.Nil(t, hb.Info().SenderSpecificInfo())
	})
	// HEARTBEAT with no room for a parameter at all.
	assert.Nil(t, HeartbeatChunk{4, 0, 0, 4}.Info())

	// A parameter whose length is below its header, and one past its bytes.
	assert.Nil(t, paramValue(Param{0, 1, 0, 2}))
	assert.Nil(t, paramValue(Param{0, 1, 0, 9, 1}))
	assert.Nil(t, paramValue(Param{0, 1}))
	assert.Equal(t, []byte{7}, paramValue(Param{0, 1, 0, 5, 7, 0, 0, 0}))

	// Likewise for error causes.
	assert.Nil(t, causeValue(Cause{0, 1, 0, 3}))
	assert.Nil(t, causeValue(Cause{0, 1, 0, 40, 0, 0}))
	assert.Equal(t, []byte{0, 9}, causeValue(Cause{0, 1, 0, 6, 0, 9}))
}
