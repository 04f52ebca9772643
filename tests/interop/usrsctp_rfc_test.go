//go:build usrsctp && cgo

package interop

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/tests/interop/internal/usrsctp"
)

// usrsctpPair connects a usrsctp client to our server on w, both sending
// heartbeats every hb when hb is positive.
func usrsctpPair(t *testing.T, w *world, hb time.Duration) (*usrsctpConn, *adapter.Conn) {
	t.Helper()
	addr := attachUsrsctp(t, w)
	ourPort := nextUsrsctpPort()
	ln := listenOurs(t, w, ourPort)
	s, err := usrsctp.Dial(addr, nextUsrsctpPort(), ourPort, usrsctpSocketConfig(hb))
	require.NoError(t, err, "usrsctp connect")
	ours := acceptOurs(t, ln)
	t.Cleanup(func() { ours.Abort() })
	return serveUsrsctp(t, s, true, nil), ours
}

// RFC 9260 8.3: both ends probe the idle path with HEARTBEAT every
// HB.interval (plus RTO and jitter) and answer the other's with HEARTBEAT
// ACK. Here both send every 100 ms.
func TestUsrsctpHeartbeats(t *testing.T) {
	opts := ourOptions()
	opts.HeartbeatInterval = 100 * time.Millisecond
	w := newWorld(t, worldConfig{Options: &opts})
	_, ours := usrsctpPair(t, w, 100*time.Millisecond)

	c := &w.peer.chunks
	enough := func() bool {
		return c.got(chunkHeartbeat) >= 3 && c.sent(chunkHeartbeatAck) >= 3 &&
			c.sent(chunkHeartbeat) >= 3 && c.got(chunkHeartbeatAck) >= 3
	}
	deadline := time.Now().Add(5 * time.Second)
	for !enough() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	assert.GreaterOrEqual(t, c.got(chunkHeartbeat), 3, "our HEARTBEATs delivered to usrsctp")
	assert.GreaterOrEqual(t, c.sent(chunkHeartbeatAck), 3, "usrsctp's HEARTBEAT ACKs")
	assert.GreaterOrEqual(t, c.sent(chunkHeartbeat), 3, "usrsctp's HEARTBEATs")
	assert.GreaterOrEqual(t, c.got(chunkHeartbeatAck), 3, "our HEARTBEAT ACKs delivered to usrsctp")
	assert.Zero(t, c.sent(chunkAbort)+c.got(chunkAbort), "ABORTs")
	assert.Zero(t, c.sent(chunkError)+c.got(chunkError), "ERROR chunks")

	// The association still carries data both ways.
	msg := makeMsg(3, 0, 5000)
	_, err := ours.WriteMsg(msg, &adapter.SendInfo{Stream: 3, PPID: ppidBase + 3, Unordered: true})
	require.NoError(t, err)
	require.NoError(t, ours.SetReadDeadline(time.Now().Add(5*time.Second)))
	got, info, err := readWhole(ours, make([]byte, 4096))
	require.NoError(t, err)
	assert.Equal(t, msg, got)
	assert.Equal(t, uint16(3), info.Stream)
	assert.True(t, info.Unordered)
	st, err := ours.Status()
	require.NoError(t, err)
	t.Logf("our view of the path: SRTT %v, RTO %v; heartbeats: ours %d answered %d, usrsctp's %d answered %d",
		st.Primary.SRTT, st.Primary.RTO, c.got(chunkHeartbeat), c.sent(chunkHeartbeatAck), c.sent(chunkHeartbeat), c.got(chunkHeartbeatAck))
}

// TestUsrsctpShutdownCompleteLost: we shut down, usrsctp acknowledges, our
// SHUTDOWN COMPLETE is lost; usrsctp retransmits SHUTDOWN ACK, checks our
// out-of-the-blue SHUTDOWN COMPLETE (T bit, tag) and closes (see
// shutdown_lost_test.go).
func TestUsrsctpShutdownCompleteLost(t *testing.T) {
	w := newWorld(t, worldConfig{})
	var sc shutdownCompletes
	sc.install(w.peer)
	peer, ours := usrsctpPair(t, w, 0)
	msg := makeMsg(0, 0, 3000)
	_, err := ours.WriteMsg(msg, &adapter.SendInfo{PPID: ppidBase})
	require.NoError(t, err)
	require.NoError(t, ours.SetReadDeadline(time.Now().Add(5*time.Second)))
	got, _, err := readWhole(ours, make([]byte, 4096))
	require.NoError(t, err)
	assert.Equal(t, msg, got)

	require.NoError(t, ours.CloseWrite())
	expectUsrsctpEnd(t, peer, usrsctp.ErrEOF)
	sc.check(t)
}
