package sctp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// One-to-many endpoints (RFC 6458 3): implicit set-up, association ids on
// every message, notifications in order with the data, EOF and ABORT per
// association, SEND_FAILED, partial delivery and peeloff.

func (e *testEnv) newMany(h *sctptest.Host) *ManyEndpoint {
	e.t.Helper()
	m, err := NewManyEndpoint(h.Stack(), ipv4.ProtocolNumber, &waiter.Queue{})
	require.Nil(e.t, err)
	e.t.Cleanup(m.Close)
	return m
}

// got is what a one-to-many reader saw.
type got struct {
	msgs  map[AssocID][][]byte
	infos map[AssocID][]RecvInfo
	notes []Notification
	// order records, per association, "data" and notification names in
	// the order read.
	order map[AssocID][]string
}

func newGot() *got {
	return &got{msgs: map[AssocID][][]byte{}, infos: map[AssocID][]RecvInfo{}, order: map[AssocID][]string{}}
}

// drain reads everything m has now.
func (g *got) drain(t *testing.T, m *ManyEndpoint) {
	for {
		var b bytes.Buffer
		ri, nt, _, err := m.RecvMsg(&b, -1)
		if err != nil {
			require.IsType(t, &tcpip.ErrWouldBlock{}, err)
			return
		}
		if nt != nil {
			g.notes = append(g.notes, nt)
			g.order[nt.Assoc()] = append(g.order[nt.Assoc()], noteName(nt))
			continue
		}
		require.NotZero(t, ri.AssocID)
		g.msgs[ri.AssocID] = append(g.msgs[ri.AssocID], b.Bytes())
		g.infos[ri.AssocID] = append(g.infos[ri.AssocID], ri)
		g.order[ri.AssocID] = append(g.order[ri.AssocID], "data")
	}
}

func noteName(n Notification) string {
	switch n := n.(type) {
	case *AssocChange:
		return n.State.String()
	case *PeerAddrChange:
		return n.PathEvent.Type.String()
	case *ShutdownEvent:
		return "SHUTDOWN_EVENT"
	case *SendFailed:
		return "SEND_FAILED"
	case *SenderDry:
		return "SENDER_DRY"
	case *RemoteError:
		return "REMOTE_ERROR"
	case *PartialDeliveryEvent:
		return "PARTIAL_DELIVERY"
	case *AdaptationIndication:
		return "ADAPTATION"
	}
	return fmt.Sprintf("%T", n)
}

// TestManyImplicitSetup: a send to a new peer sets the association up;
// the server accepts it implicitly; every message carries its association
// and stream; COMM_UP comes before the data, SHUTDOWN_EVENT before
// SHUTDOWN_COMP; EOF closes that association only.
func TestManyImplicitSetup(t *testing.T) {
	e := newTestEnv(t, 21, Options{}, sctptest.LinkConfig{})
	srv := e.newMany(e.b)
	require.Nil(t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, srv.Endpoint().SetEvents(EventAssocChange|EventShutdown))
	require.Nil(t, srv.Listen())
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	c1, c2 := e.newMany(e.a), e.newMany(e.a)
	for i, c := range []*ManyEndpoint{c1, c2} {
		require.Nil(t, c.Endpoint().SetInitMsg(4, 4, 0, 0))
		for j := 0; j < 3; j++ {
			msg := []byte(fmt.Sprintf("client %d message %d", i, j))
			_, err := c.SendMsg(bytesReader(msg), to, SendInfo{Stream: uint16(j), PPID: 7})
			require.Nil(t, err)
		}
	}
	g := newGot()
	require.True(t, e.run(func() bool {
		g.drain(t, srv)
		return len(g.msgs) == 2 && len(g.msgs[srv.AssocIDs()[0]]) == 3 && len(g.msgs[srv.AssocIDs()[1]]) == 3
	}, 10*time.Second))
	for id, infos := range g.infos {
		for j, ri := range infos {
			require.Equal(t, id, ri.AssocID)
			require.Equal(t, uint16(j), ri.Stream)
			require.EqualValues(t, 7, ri.PPID)
		}
		require.Equal(t, "COMM_UP", g.order[id][0], "COMM_UP before the data")
	}
	// The server answers on the association of each message.
	for id := range g.msgs {
		_, err := srv.SendMsg(bytesReader([]byte("reply")), nil, SendInfo{AssocID: id})
		require.Nil(t, err)
	}
	g1 := newGot()
	require.True(t, e.run(func() bool { g1.drain(t, c1); return len(g1.msgs) == 1 }, 5*time.Second))

	// EOF from client 1 ends its association only.
	id1 := c1.AssocIDs()[0]
	_, err := c1.SendMsg(bytesReader(nil), nil, SendInfo{AssocID: id1, EOF: true})
	require.Nil(t, err)
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 1 }, 5*time.Second))
	var ended AssocID
	for id, o := range g.order {
		if o[len(o)-1] == "SHUTDOWN_COMP" {
			ended = id
			require.Equal(t, "SHUTDOWN_EVENT", o[len(o)-2], "SHUTDOWN_EVENT before SHUTDOWN_COMP: %v", o)
		}
	}
	require.NotZero(t, ended)
	_, err = c2.SendMsg(bytesReader([]byte("still here")), to, SendInfo{})
	require.Nil(t, err)
	before := len(g.msgs[srv.AssocIDs()[0]])
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs[srv.AssocIDs()[0]]) == before+1 }, 5*time.Second))
}

// TestManyAbortFlag: SCTP_ABORT ends one association, with the user's
// reason reaching the peer.
func TestManyAbortFlag(t *testing.T) {
	e := newTestEnv(t, 22, Options{}, sctptest.LinkConfig{})
	srv := e.newMany(e.b)
	require.Nil(t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, srv.Endpoint().SetEvents(EventAssocChange))
	require.Nil(t, srv.Listen())
	c := e.newMany(e.a)
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	_, err := c.SendMsg(bytesReader([]byte("hello")), to, SendInfo{})
	require.Nil(t, err)
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 }, 5*time.Second))
	_, err = c.SendMsg(bytesReader([]byte("bye now")), nil, SendInfo{AssocID: c.AssocIDs()[0], Abort: true})
	require.Nil(t, err)
	var lost *AssocChange
	require.True(t, e.run(func() bool {
		g.drain(t, srv)
		for _, n := range g.notes {
			if ac, ok := n.(*AssocChange); ok && ac.State == CommLost {
				lost = ac
			}
		}
		return lost != nil
	}, 5*time.Second))
	require.Equal(t, "bye now", string(lost.AbortInfo))
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(srv.AssocIDs()) == 0 }, 5*time.Second))
}

// TestManySendFailed: messages to a peer that never answers come back
// in SEND_FAILED_EVENTs with their data, after CANT_STR_ASSOC.
func TestManySendFailed(t *testing.T) {
	e := newTestEnv(t, 23, Options{RTOInitial: 100 * time.Millisecond, RTOMin: 100 * time.Millisecond, RTOMax: 200 * time.Millisecond, MaxInitRetransmits: 2}, sctptest.LinkConfig{})
	e.link.Cut()
	c := e.newMany(e.a)
	require.Nil(t, c.Endpoint().SetEvents(EventAssocChange|EventSendFailed))
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	for i := 0; i < 3; i++ {
		_, err := c.SendMsg(bytesReader([]byte(fmt.Sprintf("lost %d", i))), to, SendInfo{Context: uint32(100 + i)})
		require.Nil(t, err)
	}
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, c); return len(c.AssocIDs()) == 0 }, 30*time.Second))
	var data []string
	var cant bool
	for _, n := range g.notes {
		switch n := n.(type) {
		case *SendFailed:
			data = append(data, string(n.Data))
			require.False(t, n.Sent)
			require.Equal(t, uint32(100+len(data)-1), n.Info.Context)
		case *AssocChange:
			cant = cant || n.State == CantStrAssoc
		}
	}
	require.Equal(t, []string{"lost 0", "lost 1", "lost 2"}, data)
	require.True(t, cant, "no CANT_STR_ASSOC")
}

// TestManyPartialDelivery: a 4 MiB message through a 64 KiB receive
// buffer arrives in parts, in order, whole.
func TestManyPartialDelivery(t *testing.T) {
	e := newTestEnv(t, 24, Options{}, sctptest.LinkConfig{})
	srv := e.newMany(e.b)
	require.Nil(t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	srv.Endpoint().SetReceiveBufferSize(64 << 10)
	require.Nil(t, srv.Listen())
	c := e.newMany(e.a)
	c.Endpoint().SetSendBufferSize(8 << 20)
	msg := make([]byte, 4<<20)
	for i := range msg {
		msg[i] = byte(i * 7)
	}
	_, err := c.SendMsg(bytesReader(msg), []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}, SendInfo{})
	require.Nil(t, err)
	var buf bytes.Buffer
	parts := 0
	require.True(t, e.run(func() bool {
		for {
			ri, nt, _, err := srv.RecvMsg(&buf, 16<<10)
			if err != nil {
				return false
			}
			if nt != nil {
				continue
			}
			parts++
			if ri.Complete {
				return true
			}
		}
	}, 60*time.Second))
	require.Greater(t, parts, 100)
	require.True(t, bytes.Equal(msg, buf.Bytes()), "the message arrived changed")
}

// TestManyPeeloff branches an association off in the middle of a
// conversation: nothing unread is lost, and it goes on one-to-one.
func TestManyPeeloff(t *testing.T) {
	e := newTestEnv(t, 25, Options{}, sctptest.LinkConfig{})
	srv := e.newMany(e.b)
	require.Nil(t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, srv.Listen())
	c := e.newMany(e.a)
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	send := func(i int) {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(i))
		_, err := c.SendMsg(bytesReader(b[:]), to, SendInfo{})
		require.Nil(t, err)
	}
	for i := 0; i < 10; i++ {
		send(i)
	}
	g := newGot()
	require.True(t, e.run(func() bool { g.drain(t, srv); return len(g.msgs) == 1 && len(srv.AssocIDs()) == 1 }, 5*time.Second))
	id := srv.AssocIDs()[0]
	// Messages 10-19 arrive; only some are read before the peeloff.
	for i := 10; i < 20; i++ {
		send(i)
	}
	e.n.Advance(100 * time.Millisecond)
	ep, _, err := srv.Peeloff(id)
	require.Nil(t, err)
	require.Empty(t, srv.AssocIDs())
	for i := 20; i < 25; i++ {
		send(i)
	}
	seen := len(g.msgs[id])
	require.True(t, e.run(func() bool {
		for {
			var b bytes.Buffer
			_, _, err := ep.ReadMsg(&b, -1)
			if err != nil {
				return seen == 25
			}
			require.Equal(t, uint32(seen), binary.BigEndian.Uint32(b.Bytes()))
			seen++
		}
	}, 5*time.Second))
	_, err = ep.WriteMsg(bytesReader([]byte("one-to-one now")), SendInfo{})
	require.Nil(t, err)
	ep.Close()
}
