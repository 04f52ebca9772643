package sctp

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestHandshakeShutdown10000Sequential opens, uses and shuts down 10,000
// associations one after the other on one listener, then checks that no
// association, timer, port or goroutine is left behind.
func TestHandshakeShutdown10000Sequential(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	if v := os.Getenv("SCTP_LEAK_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	e := newTestEnv(t, 70, Options{}, sctptest.LinkConfig{})
	before := runtime.NumGoroutine()
	l := e.listen(e.b, 5000)
	msg := []byte("x")
	for i := 0; i < n; i++ {
		c := e.dial(e.a, e.bAddr, 5000)
		var s *Endpoint
		require.True(t, e.runStep(func() bool {
			if s == nil {
				if ep, _, err := l.Accept(nil); err == nil {
					s = ep.(*Endpoint)
				}
			}
			return s != nil && e.stateOf(c) == StateEstablished
		}, 10*time.Second, time.Millisecond), "association %d", i)
		e.write(c, msg, SendInfo{})
		c.Close()
		require.True(t, e.runStep(func() bool { return gone(c) && gone(s) }, 10*time.Second, time.Millisecond), "association %d", i)
		s.Close()
	}
	l.Close()
	e.n.Advance(time.Second)
	for _, h := range []*sctptest.Host{e.a, e.b} {
		p := h.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
		require.Zero(t, p.assocCount.Load())
		require.Zero(t, p.stats.TimersActive.Value())
		for i := range p.stats.AssociationsByState {
			require.Zero(t, p.stats.AssociationsByState[i].Value())
		}
		require.Empty(t, h.Stack().RegisteredEndpoints(), "ports left registered")
	}
	require.EqualValues(t, n, protoStats(e.b).PassiveEstablished.Value())
	// Every port is free: the listener's can be bound again.
	l2 := e.listen(e.b, 5000)
	l2.Close()
	require.LessOrEqual(t, runtime.NumGoroutine(), before+2)
}
