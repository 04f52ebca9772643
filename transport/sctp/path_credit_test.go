package sctp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPathCredit: an acknowledged chunk clears the error count of the path
// it went to (RFC 9260 8.2) only when that says the path works: not for a
// chunk marked for retransmission and not sent again, nor for one sent on
// two paths (either copy may be the one acknowledged). Found over veth with
// usrsctp: a dead primary kept coming back ACTIVE on the acknowledgement
// of a chunk whose first copy had gone over the other path.
func TestPathCredit(t *testing.T) {
	p1, p2 := &transport{}, &transport{}
	once := &outChunk{tp: p1, size: 100}
	once.ackedOn()
	require.Equal(t, int32(100), p1.acked)

	marked := &outChunk{tp: p1, size: 100, rtx: true}
	marked.ackedOn()
	require.Equal(t, int32(100), p1.acked, "a chunk given up for lost credits its path")

	both := &outChunk{tp: p2, size: 100, multi: true}
	both.ackedOn()
	require.Zero(t, p2.acked, "a chunk sent on two paths credits one of them")
}
