package sctp

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Options of one-to-many endpoints (RFC 6458 8): SCTP_AUTOCLOSE,
// SCTP_FRAGMENT_INTERLEAVE, SCTP_INITMSG for implicit set-up.

// manyServer is a listening one-to-many endpoint on b:5000.
func (e *testEnv) manyServer(events EventMask) *ManyEndpoint {
	e.t.Helper()
	srv := e.newMany(e.b)
	require.Nil(e.t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(e.t, srv.Endpoint().SetEvents(events))
	require.Nil(e.t, srv.Listen())
	return srv
}

// TestOptionAutoclose: SCTP_AUTOCLOSE shuts an idle association down
// gracefully after the time set, and not while user data flows one way
// or the other; read back; a negative time is refused.
func TestOptionAutoclose(t *testing.T) {
	e := newTestEnv(t, 140, Options{}, sctptest.LinkConfig{})
	srv := e.manyServer(EventAssocChange)
	require.Zero(t, srv.Autoclose())
	requireBadOption(t, srv.SetAutoclose(-time.Second), "a negative autoclose")
	require.Nil(t, srv.SetAutoclose(2*time.Second))
	require.Equal(t, 2*time.Second, srv.Autoclose())
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}

	// Idle after one message: closed 2 s later.
	c1 := e.newMany(e.a)
	_, err := c1.SendMsg(bytesReader([]byte("hello")), to, SendInfo{})
	require.Nil(t, err)
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 }, 5*time.Second))
	last := e.n.Elapsed()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 0 }, 10*time.Second))
	idle := e.n.Elapsed() - last
	t.Logf("idle association closed %v after its last message", idle)
	require.GreaterOrEqual(t, idle, 1900*time.Millisecond)
	require.Less(t, idle, 2500*time.Millisecond)
	for _, o := range g.order {
		require.Equal(t, "SHUTDOWN_COMP", o[len(o)-1], "a graceful shutdown: %v", o)
	}
	newGot().drain(t, c1) // an ended association leaves once read
	require.Empty(t, c1.AssocIDs(), "the peer saw it end too")

	// Traffic from the client every second for 6 s, then replies from the
	// server every second for 6 s: the association stays.
	c2 := e.newMany(e.a)
	for i := 0; i < 6; i++ {
		_, err := c2.SendMsg(bytesReader([]byte("still here")), to, SendInfo{})
		require.Nil(t, err)
		e.n.Advance(time.Second)
		g.drain(t, srv)
		require.Len(t, srv.AssocIDs(), 1, "closed while receiving, after %d s", i+1)
	}
	id := srv.AssocIDs()[0]
	for i := 0; i < 6; i++ {
		_, err := srv.SendMsg(bytesReader([]byte("reply")), nil, SendInfo{AssocID: id})
		require.Nil(t, err)
		e.n.Advance(time.Second)
		g.drain(t, srv)
		require.Len(t, srv.AssocIDs(), 1, "closed while sending, after %d s", i+1)
	}
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 0 }, 5*time.Second), "idle at last")

	// 0 turns it off, for existing associations too.
	c3 := e.newMany(e.a)
	_, err = c3.SendMsg(bytesReader([]byte("x")), to, SendInfo{})
	require.Nil(t, err)
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 1 }, 5*time.Second))
	require.Nil(t, srv.SetAutoclose(0))
	e.n.Advance(10 * time.Second)
	g.drain(t, srv)
	require.Len(t, srv.AssocIDs(), 1)
}

// TestOptionFragmentInterleave: level 2 is refused and levels 0 and 1
// read back. Two associations send to one server: a large message (under
// partial delivery, as it exceeds the partial delivery point) and, while
// it is half read, a small one. At level 0 the large message is read to
// its end before the small one; at level 1 the small one comes between
// its parts.
func TestOptionFragmentInterleave(t *testing.T) {
	e := newTestEnv(t, 141, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	require.Zero(t, ep.FragmentInterleave())
	requireBadOption(t, ep.SetFragmentInterleave(2), "level 2 (not supported)")
	requireBadOption(t, ep.SetFragmentInterleave(-1), "level -1")
	require.Nil(t, ep.SetFragmentInterleave(1))
	require.Equal(t, 1, ep.FragmentInterleave())

	order := func(level int) []string {
		e := newTestEnv(t, 142, Options{}, sctptest.LinkConfig{})
		srv := e.manyServer(0)
		require.Nil(t, srv.Endpoint().SetFragmentInterleave(level))
		require.Nil(t, srv.Endpoint().SetPartialDeliveryPoint(4096))
		to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
		big, small := e.newMany(e.a), e.newMany(e.a)
		// The big message's last fragment is lost once, so that it is
		// incomplete (under partial delivery) for an RTO.
		w := logWire(e.link, sctptest.AtoB)
		dropped := false
		w.setDrop(func(_ sctptest.Packet, chunks []header.Chunk) bool {
			for _, ch := range chunks {
				if ch.Type() == header.ChunkData && header.DataChunk(ch).End() && !dropped {
					dropped = true
					return true
				}
			}
			return false
		})
		msg := bytes.Repeat([]byte("0123456789abcdef"), 2000) // 32 KB
		_, err := big.SendMsg(bytesReader(msg), to, SendInfo{})
		require.Nil(t, err)
		e.n.Advance(200 * time.Millisecond)
		require.True(t, dropped)
		var seq []string
		var got bytes.Buffer
		read := func() bool {
			var b bytes.Buffer
			ri, nt, _, err := srv.RecvMsg(&b, 4096)
			if err != nil {
				return false
			}
			require.Nil(t, nt)
			if string(b.Bytes()) == "small" {
				seq = append(seq, "small")
			} else {
				got.Write(b.Bytes())
				seq = append(seq, fmt.Sprintf("big(complete=%v)", ri.Complete))
			}
			return true
		}
		// Read the first part of the big message only.
		require.True(t, e.run(read, time.Second))
		require.Equal(t, []string{"big(complete=false)"}, seq)
		_, err = small.SendMsg(bytesReader([]byte("small")), to, SendInfo{})
		require.Nil(t, err)
		require.True(t, e.run(func() bool {
			for read() {
			}
			return len(seq) > 0 && seq[len(seq)-1] != "big(complete=false)" && len(srv.AssocIDs()) == 2 && got.Len() == len(msg) && func() bool {
				for _, s := range seq {
					if s == "small" {
						return true
					}
				}
				return false
			}()
		}, 10*time.Second))
		require.Equal(t, msg, got.Bytes())
		// Collapse the runs of parts.
		var out []string
		for _, s := range seq {
			if len(out) == 0 || out[len(out)-1] != s {
				out = append(out, s)
			}
		}
		return out
	}
	l0 := order(0)
	l1 := order(1)
	t.Logf("level 0: %v; level 1: %v", l0, l1)
	require.Equal(t, []string{"big(complete=false)", "big(complete=true)", "small"}, l0)
	// At level 1 the rest of the big message (its lost last fragment,
	// an RTO later) comes after the small one.
	require.Equal(t, []string{"big(complete=false)", "small", "big(complete=true)"}, l1)
}

// TestOptionInitMsgMany: SCTP_INITMSG on a one-to-many endpoint applies to
// the associations its sends set up: the streams asked for, and the INIT
// attempts before CANT_STR_ASSOC.
func TestOptionInitMsgMany(t *testing.T) {
	e := newTestEnv(t, 143, Options{RTOInitial: 100 * time.Millisecond, RTOMin: 100 * time.Millisecond, RTOMax: 100 * time.Millisecond}, sctptest.LinkConfig{})
	srv := e.manyServer(EventAssocChange)
	c := e.newMany(e.a)
	require.Nil(t, c.Endpoint().SetInitMsg(3, 0, 2, 0))
	require.Nil(t, c.Endpoint().SetEvents(EventAssocChange))
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	_, err := c.SendMsg(bytesReader([]byte("x")), to, SendInfo{Stream: 2})
	require.Nil(t, err)
	_, err = c.SendMsg(bytesReader([]byte("x")), to, SendInfo{Stream: 3})
	require.IsType(t, &tcpip.ErrInvalidOptionValue{}, err, "stream 3 of 3")
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 }, 5*time.Second))
	up := g.notes[0].(*AssocChange)
	require.Equal(t, CommUp, up.State)
	require.Equal(t, uint16(3), up.InStreams, "the server's inbound streams are the client's 3")

	// Two INIT attempts, then CANT_STR_ASSOC.
	w := logWire(e.link, sctptest.AtoB)
	w.setDrop(func(sctptest.Packet, []header.Chunk) bool { return true })
	to2 := []tcpip.FullAddress{{Addr: e.bAddr, Port: 6000}}
	_, err = c.SendMsg(bytesReader([]byte("x")), to2, SendInfo{})
	require.Nil(t, err)
	gc := newGot()
	require.True(t, e.run(func() bool {
		gc.drain(t, c)
		for _, n := range gc.notes {
			if ac, ok := n.(*AssocChange); ok && ac.State == CantStrAssoc {
				return true
			}
		}
		return false
	}, time.Minute))
	n, _ := w.count(header.ChunkInit)
	require.Equal(t, 2, n, "INITs with sinit_max_attempts 2")
}
