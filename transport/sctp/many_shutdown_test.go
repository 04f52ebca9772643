package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestManyShutdownCompAfterEarlyRead: a one-to-many reader that reads
// between the peer's SHUTDOWN and the end of the shutdown (a link with
// delay, read every 10 ms) still gets SHUTDOWN_COMP, and the association
// leaves only after it. (The association used to leave, its endpoint
// closed, as soon as the SHUTDOWN ended its data.)
func TestManyShutdownCompAfterEarlyRead(t *testing.T) {
	e := newTestEnv(t, 150, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 30 * time.Millisecond}})
	srv := e.manyServer(EventAssocChange | EventShutdown)
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	c := e.newMany(e.a)
	require.Nil(t, c.Endpoint().SetEvents(EventAssocChange))
	_, err := c.SendMsg(bytesReader([]byte("hello")), to, SendInfo{})
	require.Nil(t, err)
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 }, 5*time.Second))
	// The message came with the COOKIE ECHO: wait for the COOKIE ACK.
	require.True(t, e.run(func() bool { return manyUp(e, c) }, 5*time.Second))
	_, err = c.SendMsg(bytesReader([]byte("last words")), nil, SendInfo{AssocID: c.AssocIDs()[0], EOF: true})
	require.Nil(t, err)
	sawEvent := false
	require.True(t, e.run(func() bool {
		g.drain(t, srv)
		for _, o := range g.order {
			if o[len(o)-1] == "SHUTDOWN_EVENT" {
				sawEvent = true
				require.Len(t, srv.AssocIDs(), 1, "still shutting down: it stays")
			}
		}
		return len(srv.AssocIDs()) == 0
	}, 5*time.Second))
	require.True(t, sawEvent, "the reader read in between")
	for _, o := range g.order {
		require.Equal(t, []string{"COMM_UP", "data", "data", "SHUTDOWN_EVENT", "SHUTDOWN_COMP"}, o)
	}
	gc := newGot()
	require.True(t, e.run(func() bool { gc.drain(t, c); return len(c.AssocIDs()) == 0 }, 5*time.Second))
	require.Equal(t, "SHUTDOWN_COMP", noteName(gc.notes[len(gc.notes)-1]))
}

// TestManyEOFBeforeUp: SCTP_EOF on a send that would set an association up,
// or on one not up yet, is refused (its shutdown would end the association
// before the data went); nothing is set up for it, and the message sent
// before it still arrives.
func TestManyEOFBeforeUp(t *testing.T) {
	e := newTestEnv(t, 151, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 30 * time.Millisecond}})
	srv := e.manyServer(0)
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	c := e.newMany(e.a)
	_, err := c.SendMsg(bytesReader([]byte("eof first")), to, SendInfo{EOF: true})
	require.IsType(t, &tcpip.ErrInvalidEndpointState{}, err)
	require.Empty(t, c.AssocIDs(), "no association for a refused send")
	_, err = c.SendMsg(bytesReader([]byte("hello")), to, SendInfo{})
	require.Nil(t, err)
	_, err = c.SendMsg(bytesReader([]byte("bye")), nil, SendInfo{AssocID: c.AssocIDs()[0], EOF: true})
	require.IsType(t, &tcpip.ErrInvalidEndpointState{}, err, "in COOKIE-WAIT")
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 }, 5*time.Second))
	for _, m := range g.msgs {
		require.Equal(t, [][]byte{[]byte("hello")}, m)
	}
	require.True(t, e.run(func() bool { return manyUp(e, c) }, 5*time.Second))
	// Up: EOF with data delivers the data, then shuts down.
	_, err = c.SendMsg(bytesReader([]byte("bye")), nil, SendInfo{AssocID: c.AssocIDs()[0], EOF: true})
	require.Nil(t, err)
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 0 }, 5*time.Second))
	for _, m := range g.msgs {
		require.Equal(t, [][]byte{[]byte("hello"), []byte("bye")}, m)
	}
}

// TestManyConcurrentFirstSends: goroutines sending at once to the same new
// peer share one association (the second used to fail with ErrPortInUse,
// both having tried to set one up).
func TestManyConcurrentFirstSends(t *testing.T) {
	for round := 0; round < 20; round++ {
		e := newTestEnv(t, 152+uint64(round), Options{}, sctptest.LinkConfig{})
		srv := e.manyServer(0)
		c := e.newMany(e.a)
		to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
		const n = 8
		errs := make(chan tcpip.Error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			go func() {
				<-start
				_, err := c.SendMsg(bytesReader([]byte{byte(i)}), to, SendInfo{})
				errs <- err
			}()
		}
		close(start)
		for i := 0; i < n; i++ {
			require.Nil(t, <-errs)
		}
		require.Len(t, c.AssocIDs(), 1)
		g := newGot()
		require.True(t, e.run(func() bool {
			g.drain(t, srv)
			return len(g.msgs) == 1 && len(g.msgs[srv.AssocIDs()[0]]) == n
		}, 5*time.Second))
	}
}

// manyUp reports whether m's only association is established.
func manyUp(e *testEnv, m *ManyEndpoint) bool {
	ids := m.AssocIDs()
	if len(ids) != 1 {
		return false
	}
	ep, err := m.Assoc(ids[0])
	return err == nil && e.stateOf(ep) == StateEstablished
}
