package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestRecvInfoCumTSNAndNext: a read reports the cumulative TSN ack point
// at the time (RFC 6458 5.3.2 sinfo_cumtsn), and NextInfo describes the
// message the following read returns (5.3.6 SCTP_NXTINFO), a
// notification when one goes first, nothing when all is read.
func TestRecvInfoCumTSNAndNext(t *testing.T) {
	e := newTestEnv(t, 131, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	c.SetNoDelay(true)
	_, ok := s.NextInfo()
	require.False(t, ok, "nothing received yet")
	e.write(c, []byte("first"), SendInfo{Stream: 1, PPID: 7})
	e.write(c, []byte("second message"), SendInfo{Stream: 0, PPID: 9, Unordered: true})
	e.n.Advance(50 * time.Millisecond)

	b, ri, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "first", string(b))
	require.Equal(t, ri.TSN+1, ri.CumTSN, "both messages were in when the first was read")
	next, ok := s.NextInfo()
	require.True(t, ok)
	require.Equal(t, NextInfo{Stream: 0, PPID: 9, AssocID: ri.AssocID, Length: len("second message"), Unordered: true, Complete: true}, next)

	_, ri2, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, ri.CumTSN, ri2.CumTSN)
	_, ok = s.NextInfo()
	require.False(t, ok, "all read")

	// A notification waiting goes first.
	require.Nil(t, s.SetEvents(EventShutdown))
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	e.n.Advance(time.Second) // SHUTDOWN waits for the SACK of the data
	next, ok = s.NextInfo()
	require.True(t, ok)
	require.IsType(t, &ShutdownEvent{}, next.Notification)
}
