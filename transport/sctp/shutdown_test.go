package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// gone reports whether ep's association is deleted.
func gone(ep *Endpoint) bool {
	a := ep.getAssoc()
	if a == nil {
		return true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dead && a.released
}

func TestShutdownFromClient(t *testing.T) {
	e := newTestEnv(t, 10, Options{}, sctptest.LinkConfig{})
	c, s, l := e.connectPair(5000)
	e.write(c, []byte("last words"), SendInfo{})
	c.Close()
	m, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "last words", string(m))
	_, _, err = e.readMsg(s, time.Second)
	require.IsType(t, &tcpip.ErrClosedForReceive{}, err)
	require.True(t, e.run(func() bool { return gone(c) && gone(s) }, 5*time.Second))
	require.Nil(t, s.LastError())
	s.Close()
	l.Close()
	for _, h := range []*sctptest.Host{e.a, e.b} {
		st := protoStats(h)
		for i := range st.AssociationsByState {
			require.Zero(t, st.AssociationsByState[i].Value(), "state %v", State(i))
		}
		require.Zero(t, st.TimersActive.Value())
		require.EqualValues(t, 0, st.AbortsSent.Value())
	}
	// The port is free again.
	l2 := e.listen(e.b, 5000)
	l2.Close()
}

func TestShutdownFromServer(t *testing.T) {
	e := newTestEnv(t, 11, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.write(s, []byte("bye"), SendInfo{})
	require.Nil(t, s.Shutdown(tcpip.ShutdownWrite))
	m, _, err := e.readMsg(c, time.Second)
	require.Nil(t, err)
	require.Equal(t, "bye", string(m))
	_, _, err = e.readMsg(c, time.Second)
	require.IsType(t, &tcpip.ErrClosedForReceive{}, err)
	var r []byte
	_, werr := c.WriteMsg(bytesReader(r), SendInfo{})
	require.NotNil(t, werr)
	require.True(t, e.run(func() bool { return gone(c) && gone(s) }, 5*time.Second))
}

func TestShutdownBothAtOnce(t *testing.T) {
	e := newTestEnv(t, 12, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	require.Nil(t, s.Shutdown(tcpip.ShutdownWrite))
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	require.True(t, e.run(func() bool { return gone(c) && gone(s) }, 10*time.Second))
}

func TestShutdownT2Retransmit(t *testing.T) {
	e := newTestEnv(t, 13, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.link.CutDir(sctptest.AtoB)
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	e.n.Advance(3500 * time.Millisecond)
	e.link.HealDir(sctptest.AtoB)
	require.True(t, e.run(func() bool { return gone(c) && gone(s) }, 20*time.Second))
	require.NotZero(t, protoStats(e.a).Retransmissions[timerT2Shutdown].Value())
}

func TestShutdownGuardT5(t *testing.T) {
	e := newTestEnv(t, 14, Options{RTOMax: 2 * time.Second}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	e.link.Cut()
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	require.True(t, e.run(func() bool { return gone(c) }, 30*time.Second))
	require.NotNil(t, c.LastError())
}

func TestAbortFromClient(t *testing.T) {
	e := newTestEnv(t, 20, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	c.Abort()
	c.Abort() // twice is fine
	_, _, err := e.readMsg(s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
	code, _, ok := s.AbortCause()
	require.True(t, ok)
	require.Equal(t, header.CauseUserInitiatedAbort, code)
	require.True(t, e.run(func() bool { return gone(c) && gone(s) }, time.Second))
	require.EqualValues(t, 1, protoStats(e.a).AbortsSent.Value())
	require.EqualValues(t, 1, protoStats(e.b).AbortsReceived.Value())
}

func TestAbortFromServer(t *testing.T) {
	e := newTestEnv(t, 21, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	s.Abort()
	_, _, err := e.readMsg(c, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
	require.IsType(t, &tcpip.ErrConnectionReset{}, c.LastError())
	_, werr := c.WriteMsg(bytesReader([]byte("x")), SendInfo{})
	require.IsType(t, &tcpip.ErrConnectionReset{}, werr)
}

func TestAbortOnStackClose(t *testing.T) {
	e := newTestEnv(t, 22, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.b.Stack().Close()
	_, _, err := e.readMsg(c, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
	require.True(t, gone(s))
	s.Abort()
}

func TestAbortCloseWithUnreadData(t *testing.T) {
	e := newTestEnv(t, 23, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.write(c, []byte("unread"), SendInfo{})
	require.True(t, e.run(func() bool { return s.Readiness(waiterReadable) != 0 }, time.Second))
	s.Close()
	_, _, err := e.readMsg(c, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

func TestAbortLingerZero(t *testing.T) {
	e := newTestEnv(t, 24, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	c.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: true})
	c.Close()
	_, _, err := e.readMsg(s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

func TestShutdownAfterListenerClosed(t *testing.T) {
	e := newTestEnv(t, 25, Options{}, sctptest.LinkConfig{})
	c, s, l := e.connectPair(5000)
	l.Close()
	// The accepted association works on.
	e.write(c, []byte("still here"), SendInfo{})
	m, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "still here", string(m))
	// New associations are refused: nobody listens.
	c2 := e.dial(e.a, e.bAddr, 5000)
	var cerr tcpip.Error
	require.True(t, e.run(func() bool { cerr = c2.LastError(); return cerr != nil }, time.Second))
	require.IsType(t, &tcpip.ErrConnectionRefused{}, cerr)
	// The port goes when the last association does.
	require.NotEmpty(t, e.b.Stack().RegisteredEndpoints())
	c.Close()
	require.True(t, e.run(func() bool { return gone(s) }, 5*time.Second))
	s.Close()
	require.Empty(t, e.b.Stack().RegisteredEndpoints())
}

func TestAbortPeerUnreachable(t *testing.T) {
	e := newTestEnv(t, 26, Options{RTOMax: 4 * time.Second, AssociationMaxRetrans: 4}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	e.link.Cut()
	e.write(c, []byte("into the void"), SendInfo{})
	require.True(t, e.run(func() bool { return gone(c) }, 5*time.Minute))
	require.IsType(t, &tcpip.ErrTimeout{}, c.LastError())
	require.EqualValues(t, 4, protoStats(e.a).Retransmissions[timerT3Rtx].Value())
}

// TestShutdownAcksTheLastData: the SHUTDOWN's cumulative TSN ack is the
// first acknowledgement of the peer's last data, which drains the peer's
// queue as it enters SHUTDOWN-RECEIVED (RFC 9260 9.2).
func TestShutdownAcksTheLastData(t *testing.T) {
	e := newTestEnv(t, 27, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	e.write(s, []byte("reply"), SendInfo{})
	require.True(t, e.runStep(func() bool { return c.Readiness(waiterReadable) != 0 }, time.Second, time.Millisecond))
	m, _, err := e.readMsg(c, 0)
	require.Nil(t, err)
	require.Equal(t, "reply", string(m))
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite)) // before the delayed SACK
	// At once: no timer (T2, T5) may be needed to finish.
	require.True(t, e.runStep(func() bool { return gone(c) && gone(s) }, 10*time.Millisecond, time.Millisecond))
}
