package sctp

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestMany1000Associations: one server endpoint, 1,000 client
// associations, each sending messages on several streams that the server
// echoes; then every client shuts down with EOF. Every message is
// accounted for per association, and each association's notifications
// come in order: COMM_UP before data, SHUTDOWN_EVENT before SHUTDOWN_COMP.
func TestMany1000Associations(t *testing.T) {
	const clients, perClient, streams = 1000, 6, 3
	e := newTestEnv(t, 26, Options{}, sctptest.LinkConfig{})
	srv := e.newMany(e.b)
	require.Nil(t, srv.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, srv.Endpoint().SetEvents(EventAssocChange|EventShutdown))
	require.Nil(t, srv.Endpoint().SetInitMsg(streams, streams, 0, 0))
	require.Nil(t, srv.Listen())
	to := []tcpip.FullAddress{{Addr: e.bAddr, Port: 5000}}
	cs := make([]*ManyEndpoint, clients)
	for i := range cs {
		cs[i] = e.newMany(e.a)
		require.Nil(t, cs[i].Endpoint().SetInitMsg(streams, streams, 0, 0))
		for j := 0; j < perClient; j++ {
			var b [8]byte
			binary.BigEndian.PutUint32(b[:], uint32(i))
			binary.BigEndian.PutUint32(b[4:], uint32(j))
			_, err := cs[i].SendMsg(bytesReader(b[:]), to, SendInfo{Stream: uint16(j % streams)})
			require.Nil(t, err)
		}
	}
	// The server echoes every message on its association and stream.
	g := newGot()
	clientOf := map[AssocID]uint32{}
	echoed := 0
	serve := func() {
		for {
			var b bytes.Buffer
			ri, nt, _, err := srv.RecvMsg(&b, -1)
			if err != nil {
				return
			}
			if nt != nil {
				g.order[nt.Assoc()] = append(g.order[nt.Assoc()], noteName(nt))
				continue
			}
			g.order[ri.AssocID] = append(g.order[ri.AssocID], "data")
			c := binary.BigEndian.Uint32(b.Bytes())
			if old, ok := clientOf[ri.AssocID]; ok {
				require.Equal(t, old, c, "messages of two clients on one association")
			}
			clientOf[ri.AssocID] = c
			_, err = srv.SendMsg(&b, nil, SendInfo{AssocID: ri.AssocID, Stream: ri.Stream})
			require.Nil(t, err)
			echoed++
		}
	}
	back := make([]int, clients)
	total := 0
	collect := func() {
		for i, c := range cs {
			for {
				var b bytes.Buffer
				_, nt, _, err := c.RecvMsg(&b, -1)
				if err != nil {
					break
				}
				if nt != nil {
					continue
				}
				require.Equal(t, uint32(i), binary.BigEndian.Uint32(b.Bytes()), "an echo reached the wrong client")
				back[i]++
				total++
			}
		}
	}
	require.True(t, e.runStep(func() bool {
		serve()
		collect()
		return total == clients*perClient
	}, 60*time.Second, 5*time.Millisecond), "echoes: %d of %d", total, clients*perClient)
	require.Len(t, srv.AssocIDs(), clients)
	for i, n := range back {
		require.Equal(t, perClient, n, "client %d", i)
	}
	for _, c := range cs {
		_, err := c.SendMsg(bytesReader(nil), nil, SendInfo{AssocID: c.AssocIDs()[0], EOF: true})
		require.Nil(t, err)
	}
	require.True(t, e.runStep(func() bool {
		serve()
		return len(srv.AssocIDs()) == 0
	}, 60*time.Second, 5*time.Millisecond), "associations left: %d", len(srv.AssocIDs()))
	require.Len(t, g.order, clients)
	for id, o := range g.order {
		n := 0
		for _, s := range o {
			if s == "data" {
				n++
			}
		}
		require.Equal(t, perClient, n, "association %d: %v", id, o)
		require.Equal(t, []string{"COMM_UP"}, o[:1], "association %d: %v", id, o)
		require.Equal(t, []string{"SHUTDOWN_EVENT", "SHUTDOWN_COMP"}, o[len(o)-2:], "association %d: %v", id, o)
	}
	require.Equal(t, clients*perClient, echoed)
}
