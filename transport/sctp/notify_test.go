package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Notifications (RFC 6458 6.1) on one-to-one endpoints and the options
// that drive them: SCTP_EVENT, SCTP_ADAPTATION_LAYER, SCTP_CONTEXT,
// REMOTE_ERROR and SENDER_DRY.

// notes reads every notification ep has now (skipping messages).
func notes(ep *Endpoint) []Notification {
	var out []Notification
	for {
		var w sliceWriter
		_, nt, _, err := ep.RecvMsg(&w, -1)
		if err != nil {
			return out
		}
		if nt != nil {
			out = append(out, nt)
		}
	}
}

// collect runs the network until cond holds on everything read from ep.
func (e *testEnv) collect(ep *Endpoint, max time.Duration, cond func([]Notification) bool) []Notification {
	e.t.Helper()
	var all []Notification
	e.run(func() bool {
		all = append(all, notes(ep)...)
		return cond(all)
	}, max)
	return all
}

func hasType(ns []Notification, m EventMask) bool {
	for _, n := range ns {
		if n.Type() == m {
			return true
		}
	}
	return false
}

func types(ns []Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = noteName(n)
	}
	return out
}

// TestOptionAdaptationLayer: each side's SCTP_ADAPTATION_LAYER reaches the
// other as an ADAPTATION_INDICATION, whether it was set on the active
// side (INIT) or the passive one (INIT ACK); a side that sets none sends
// none; it cannot be set once the association exists.
func TestOptionAdaptationLayer(t *testing.T) {
	e := newTestEnv(t, 130, Options{}, sctptest.LinkConfig{})
	l, _ := e.newEP(e.b)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	_, ok := l.AdaptationLayer()
	require.False(t, ok)
	require.Nil(t, l.SetAdaptationLayer(0xa0b0c0d0))
	v, ok := l.AdaptationLayer()
	require.True(t, ok)
	require.Equal(t, uint32(0xa0b0c0d0), v)
	require.Nil(t, l.SetEvents(EventAdaptation|EventAssocChange))
	require.Nil(t, l.Listen(4))
	c, _ := e.newEP(e.a)
	require.Nil(t, c.SetAdaptationLayer(0x01020304))
	require.Nil(t, c.SetEvents(EventAdaptation|EventAssocChange))
	require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	s := e.accept(l, 5*time.Second)
	want := func(ep *Endpoint, ind uint32) {
		t.Helper()
		ns := e.collect(ep, 5*time.Second, func(ns []Notification) bool { return hasType(ns, EventAdaptation) })
		require.Equal(t, []string{"COMM_UP", "ADAPTATION"}, types(ns), "RFC 6458 6.1.6: after COMM_UP")
		ai := ns[1].(*AdaptationIndication)
		require.Equal(t, ind, ai.Indication)
		st, _ := ep.Status()
		require.Equal(t, st.AssocID, ai.ID)
	}
	want(c, 0xa0b0c0d0) // the passive side's, from the INIT ACK
	want(s, 0x01020304) // the active side's, from the INIT
	require.IsType(t, &tcpip.ErrInvalidEndpointState{}, c.SetAdaptationLayer(5))

	// Neither side sets it: no indication.
	c2, s2, _ := func() (*Endpoint, *Endpoint, *Endpoint) {
		l, _ := e.newEP(e.b)
		require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5001}))
		require.Nil(t, l.SetEvents(EventAll))
		require.Nil(t, l.Listen(4))
		c, _ := e.newEP(e.a)
		require.Nil(t, c.SetEvents(EventAll))
		require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5001}))
		return c, e.accept(l, 5*time.Second), l
	}()
	e.n.Advance(time.Second)
	require.False(t, hasType(notes(c2), EventAdaptation))
	require.False(t, hasType(notes(s2), EventAdaptation))
}

// TestOptionEvents: only the subscribed notification types arrive; the
// subscription is read back; unknown bits are refused. The same close
// is seen by two clients, one subscribed to ASSOC_CHANGE only, the other
// to SHUTDOWN_EVENT and SENDER_DRY only.
func TestOptionEvents(t *testing.T) {
	e := newTestEnv(t, 131, Options{}, sctptest.LinkConfig{})
	l := e.listen(e.b, 5000)
	run := func(m EventMask) []string {
		c := e.dial(e.a, e.bAddr, 5000)
		require.Nil(t, c.SetEvents(m))
		require.Equal(t, m, c.Events())
		s := e.accept(l, 5*time.Second)
		require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 5*time.Second))
		e.write(c, []byte("data"), SendInfo{})
		_, _, err := e.readMsg(s, time.Second)
		require.Nil(t, err)
		e.n.Advance(time.Second) // SACKed: the sender is dry
		s.Close()                // the server shuts down
		ns := e.collect(c, 5*time.Second, func([]Notification) bool { return e.stateOf(c) == StateClosed })
		return types(ns)
	}
	require.Equal(t, []string{"COMM_UP", "SHUTDOWN_COMP"}, run(EventAssocChange))
	require.Equal(t, []string{"SENDER_DRY", "SHUTDOWN_EVENT"}, run(EventShutdown|EventSenderDry))
	require.Empty(t, run(0))

	ep, _ := e.newEP(e.a)
	require.Zero(t, ep.Events(), "all off by default")
	requireBadOption(t, ep.SetEvents(EventAll+1), "an unknown type")
	requireBadOption(t, ep.SetEvents(1<<15), "an unknown type")
	require.Nil(t, ep.SetEvents(EventAll))
	require.Equal(t, EventAll, ep.Events())
}

// TestOptionContext: the context of SCTP_DEFAULT_SNDINFO (SCTP_CONTEXT)
// comes back in the SEND_FAILED of a message Write sent with it, with the
// message's data; one written with WriteMsg carries its own.
func TestOptionContext(t *testing.T) {
	e := newTestEnv(t, 132, Options{RTOMax: 2 * time.Second, AssociationMaxRetrans: 3}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	require.Nil(t, c.SetEvents(EventSendFailed|EventAssocChange))
	require.Nil(t, c.SetDefaultSendInfo(SendInfo{Context: 0xc0ffee, PPID: 3}))
	require.Equal(t, uint32(0xc0ffee), c.DefaultSendInfo().Context)
	notes(c) // COMM_UP
	e.link.Cut()
	_, err := c.Write(bytesReader([]byte("with the default context")), tcpip.WriteOptions{})
	require.Nil(t, err)
	e.write(c, []byte("with its own"), SendInfo{Context: 42})
	ns := e.collect(c, 5*time.Minute, func(ns []Notification) bool { return hasType(ns, EventAssocChange) })
	require.Equal(t, []string{"SEND_FAILED", "SEND_FAILED", "COMM_LOST"}, types(ns))
	f0, f1 := ns[0].(*SendFailed), ns[1].(*SendFailed)
	require.Equal(t, uint32(0xc0ffee), f0.Info.Context)
	require.Equal(t, uint32(3), f0.Info.PPID)
	require.Equal(t, "with the default context", string(f0.Data))
	require.True(t, f0.Sent, "it went on the wire")
	require.Equal(t, uint32(42), f1.Info.Context)
	require.Equal(t, "with its own", string(f1.Data))
}

// TestNotifyRemoteError: an ERROR chunk from the peer is reported as
// REMOTE_ERROR with its cause, when subscribed. The client's DATA is made
// to use a stream the server does not have, which the server answers with
// an Invalid Stream Identifier ERROR (RFC 9260 6.5).
func TestNotifyRemoteError(t *testing.T) {
	e := newTestEnv(t, 133, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	require.Nil(t, c.SetEvents(EventRemoteError))
	e.link.SetFilter(sctptest.AtoB, func(p sctptest.Packet) sctptest.FilterVerdict {
		_, _, _, pl, err := sctptest.ParseIP(p.Data)
		if err != nil || len(pl) < header.SCTPCommonHeaderLen+header.DataChunkHeaderLen {
			return sctptest.PassPacket
		}
		ch := pl[header.SCTPCommonHeaderLen:]
		if header.ChunkType(ch[0]) != header.ChunkData {
			return sctptest.PassPacket
		}
		binary.BigEndian.PutUint16(ch[8:], 77) // the stream identifier
		h := header.SCTP(pl)
		h.SetChecksum(0)
		h.SetChecksum(header.ChecksumUpdate(0, pl))
		return sctptest.ReplacePacket(p.Data)
	})
	e.write(c, []byte("on stream 77"), SendInfo{Stream: 1})
	ns := e.collect(c, 5*time.Second, func(ns []Notification) bool { return len(ns) > 0 })
	require.Len(t, ns, 1)
	re, ok := ns[0].(*RemoteError)
	require.True(t, ok, "%T", ns[0])
	require.Equal(t, header.CauseInvalidStreamIdentifier, re.Cause)
	require.Equal(t, uint16(77), binary.BigEndian.Uint16(re.Info))
	st, _ := c.Status()
	require.Equal(t, st.AssocID, re.ID)
	_, _, err := s.ReadMsg(&sliceWriter{}, -1)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err, "the data was dropped")

	// Not subscribed: nothing.
	require.Nil(t, c.SetEvents(EventAll&^EventRemoteError))
	notes(c)
	e.write(c, []byte("again"), SendInfo{Stream: 1})
	e.n.Advance(time.Second)
	require.False(t, hasType(notes(c), EventRemoteError))
}

// TestNotifySenderDry: SENDER_DRY comes once everything written is
// acknowledged, once per dry spell, and at once when subscribed while
// dry (RFC 6458 6.1.9).
func TestNotifySenderDry(t *testing.T) {
	e := newTestEnv(t, 134, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 20 * time.Millisecond}})
	c, _, _ := e.connectPair(5000)
	require.Empty(t, notes(c))
	require.Nil(t, c.SetEvents(EventSenderDry))
	ns := notes(c)
	require.Equal(t, []string{"SENDER_DRY"}, types(ns), "subscribed while dry: at once")

	for i := 0; i < 5; i++ {
		e.write(c, make([]byte, 2000), SendInfo{})
	}
	e.n.Advance(5 * time.Millisecond)
	require.Empty(t, notes(c), "data in flight: not dry")
	var at time.Duration
	ns = e.collect(c, 5*time.Second, func(ns []Notification) bool { at = e.n.Elapsed(); return len(ns) > 0 })
	require.Equal(t, []string{"SENDER_DRY"}, types(ns))
	st, _ := c.Status()
	require.Zero(t, st.Unacked+st.Pending, "dry means nothing queued or unacknowledged")
	require.Greater(t, at, 40*time.Millisecond, "not before a round trip")
	e.n.Advance(5 * time.Second)
	require.Empty(t, notes(c), "once per spell")
}
