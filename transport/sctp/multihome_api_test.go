package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The user's side of multihoming: bindx, connectx, the INIT's address
// list, heartbeats per path, the primary path and path events.

// TestBindAddrs: bindx adds addresses on the bound port, refuses foreign
// ones, and removes them again before use (RFC 6458 8.1).
func TestBindAddrs(t *testing.T) {
	e := newMHEnv(t, 11, Options{}, sctptest.LinkConfig{NoIPv6: true})
	a0, a1 := e.links[0].A().IPv4(), e.links[1].A().IPv4()
	ep, _ := e.newEP(e.a)
	require.Nil(t, ep.BindAddrs([]tcpip.FullAddress{{Addr: a0, Port: 7000}, {Addr: a1}}))
	got := ep.LocalAddrs()
	require.Equal(t, []tcpip.FullAddress{{Addr: a0, Port: 7000}, {Addr: a1, Port: 7000}}, got)
	require.IsType(t, &tcpip.ErrBadLocalAddress{}, ep.BindAddrs([]tcpip.FullAddress{{Addr: e.bAddr}}), "an address of another host")
	require.IsType(t, &tcpip.ErrBadLocalAddress{}, ep.BindAddrs([]tcpip.FullAddress{{Addr: a1, Port: 7001}}), "another port")

	// The second address's port is taken too.
	other, _ := e.newEP(e.a)
	require.IsType(t, &tcpip.ErrPortInUse{}, other.Bind(tcpip.FullAddress{Addr: a1, Port: 7000}))
	require.Nil(t, ep.UnbindAddrs([]tcpip.FullAddress{{Addr: a1}}))
	require.Nil(t, other.Bind(tcpip.FullAddress{Addr: a1, Port: 7000}))
	require.IsType(t, &tcpip.ErrBadLocalAddress{}, ep.UnbindAddrs([]tcpip.FullAddress{{Addr: a0}}), "the first address stays")
	require.Nil(t, ep.Listen(1))
	require.IsType(t, &tcpip.ErrInvalidEndpointState{}, ep.BindAddrs([]tcpip.FullAddress{{Addr: a1}}), "after listen")
	ep.Close()
	other.Close()
}

// TestInitListsAddresses: a wildcard endpoint lists its addresses in the
// INIT and the INIT ACK (RFC 9260 3.3.2.1), and each side ends with a path
// per peer address, the user's addresses confirmed at once (5.4 rule 1).
func TestInitListsAddresses(t *testing.T) {
	e := newMHEnv(t, 12, Options{}, sctptest.LinkConfig{NoIPv6: true})
	capA := e.links[0].Capture(sctptest.AtoB)
	capB := e.links[0].Capture(sctptest.BtoA)
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr, e.links[1].B().IPv4()}, 5000)
	addrsIn := func(cp *sctptest.Capture, typ header.ChunkType) []tcpip.Address {
		for _, p := range cp.Packets() {
			_, _, _, pl, err := sctptest.ParseIP(p.Data)
			require.NoError(t, err)
			it := header.NewChunkIter(pl[header.SCTPCommonHeaderLen:])
			for ch, ok := it.Next(); ok; ch, ok = it.Next() {
				if ch.Type() != typ {
					continue
				}
				var out []tcpip.Address
				pit := header.NewParamIter(header.InitChunk(ch).Params())
				for pm, ok := pit.Next(); ok; pm, ok = pit.Next() {
					if pm.Type() == header.ParamIPv4Address {
						out = append(out, tcpip.AddrFromSlice(pm.Value()))
					}
				}
				return out
			}
		}
		return nil
	}
	require.ElementsMatch(t, []tcpip.Address{e.aAddr, e.links[1].A().IPv4()}, addrsIn(capA, header.ChunkInit))
	require.ElementsMatch(t, []tcpip.Address{e.bAddr, e.links[1].B().IPv4()}, addrsIn(capB, header.ChunkInitAck))
	cps, _ := c.Paths()
	require.Len(t, cps, 2)
	for _, p := range cps {
		require.Equal(t, PathActive, p.State, "connectx addresses are confirmed (RFC 9260 5.4 rule 1)")
	}
	sps, _ := s.Paths()
	require.Len(t, sps, 2)
	require.Equal(t, PathActive, sps[0].State)
	require.True(t, e.run(func() bool { return allConfirmed(s, 2) }, 5*time.Second))
	var confirmed bool
	for _, ev := range s.PathEvents() {
		confirmed = confirmed || (ev.Type == PathAddrConfirmed && ev.Addr.Addr == e.links[1].A().IPv4())
	}
	require.True(t, confirmed, "no ADDR_CONFIRMED event: the server's second path was not confirmed by a heartbeat")
	require.Positive(t, s.getAssoc().stats.HeartbeatsSent.Value())
}

// TestHeartbeatNonceChecked: a HEARTBEAT ACK whose nonce was not sent to
// the address it names confirms nothing (RFC 9260 5.4, 8.3).
func TestHeartbeatNonceChecked(t *testing.T) {
	e := newMHEnv(t, 13, Options{}, sctptest.LinkConfig{NoIPv6: true})
	// Every HEARTBEAT ACK from b to a on link 1 gets its nonce flipped.
	e.links[1].SetFilter(sctptest.BtoA, func(p sctptest.Packet) sctptest.FilterVerdict {
		return tamperHeartbeatAck(p.Data)
	})
	c, _ := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	e.n.Advance(10 * time.Second)
	require.Equal(t, PathUnconfirmed, pathState(t, c, e.links[1].B().IPv4()))
	a := c.getAssoc()
	require.Positive(t, a.stats.HeartbeatAcksIgnored.Value())
	e.links[1].SetFilter(sctptest.BtoA, nil)
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) }, 10*time.Second), "a true ACK confirms it")
}

// tamperHeartbeatAck flips a nonce bit of a HEARTBEAT ACK in IP packet b.
func tamperHeartbeatAck(b []byte) sctptest.FilterVerdict {
	_, _, _, pl, err := sctptest.ParseIP(b)
	if err != nil || len(pl) < header.SCTPCommonHeaderLen+header.ChunkHeaderLen {
		return sctptest.PassPacket
	}
	ch := pl[header.SCTPCommonHeaderLen:]
	if header.ChunkType(ch[0]) != header.ChunkHeartbeatAck || len(ch) < header.ChunkHeaderLen+header.ParamHeaderLen+hbInfoLen {
		return sctptest.PassPacket
	}
	ch[header.ChunkHeaderLen+header.ParamHeaderLen+8] ^= 1
	h := header.SCTP(pl)
	h.SetChecksum(0)
	h.SetChecksum(header.ChecksumUpdate(0, pl))
	return sctptest.ReplacePacket(b)
}

// TestHeartbeatsOff: with heartbeats turned off, an idle confirmed path
// is not probed; RequestHeartbeatTo still probes on demand.
func TestHeartbeatsOff(t *testing.T) {
	e := newMHEnv(t, 14, Options{HeartbeatInterval: time.Second}, sctptest.LinkConfig{NoIPv6: true})
	c, _ := e.pair(false, nil, nil, []tcpip.Address{e.bAddr, e.links[1].B().IPv4()}, 5000)
	a := c.getAssoc()
	e.n.Advance(10 * time.Second)
	on := a.stats.HeartbeatsSent.Value()
	require.GreaterOrEqual(t, on, uint64(6), "idle paths are probed every HB.interval + RTO")
	require.Nil(t, c.SetPathParams(tcpip.Address{}, PathParams{HBDisable: true}))
	e.n.Advance(10 * time.Second)
	require.LessOrEqual(t, a.stats.HeartbeatsSent.Value(), on+2, "heartbeats went on after HBDisable")
	off := a.stats.HeartbeatsSent.Value()
	require.Nil(t, c.RequestHeartbeatTo(e.links[1].B().IPv4()))
	require.Equal(t, off+1, a.stats.HeartbeatsSent.Value())
	require.IsType(t, &tcpip.ErrBadAddress{}, c.RequestHeartbeatTo(e.aAddr))
	ps, _ := c.Paths()
	require.True(t, ps[0].HBDisabled)
}

// TestSetPrimary moves new data to another path at once, and a primary
// that is cut and heals gets its data back (RFC 9260 6.4).
func TestSetPrimary(t *testing.T) {
	e := newMHEnv(t, 15, failoverOptions(), sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr, e.links[1].B().IPv4()}, 5000)
	st := newStream(e, c, s, 3000, 1000)
	require.True(t, st.runUntil(func() bool { return st.got >= 200 }, 10*time.Second))
	require.Zero(t, e.data[1].Load())
	require.Nil(t, c.SetPrimary(e.links[1].B().IPv4()))
	mark := e.data[0].Load()
	require.True(t, st.runUntil(func() bool { return st.got >= 1000 }, 10*time.Second))
	require.Positive(t, e.data[1].Load())
	require.LessOrEqual(t, e.data[0].Load(), mark+8, "data kept going to the old primary")
	ps, _ := c.Paths()
	require.Equal(t, e.links[1].B().IPv4(), ps[0].Addr.Addr)
	require.True(t, ps[0].Primary)
	var made bool
	for _, ev := range c.PathEvents() {
		made = made || ev.Type == PathAddrMadePrimary
	}
	require.True(t, made, "no ADDR_MADE_PRIM event")
	require.IsType(t, &tcpip.ErrBadAddress{}, c.SetPrimary(e.aAddr))
	// The stream checks every sequence number: nothing lost or doubled.
	require.True(t, st.runUntil(st.done, 30*time.Second))
}

// TestPathRouteWithDefaultRoute: with a default route on the first NIC,
// the path to the peer's second address still leaves through the NIC
// that reaches it, from that NIC's address (RFC 9260 6.4: each path its
// own source address and NIC).
func TestPathRouteWithDefaultRoute(t *testing.T) {
	e := newMHEnv(t, 16, Options{}, sctptest.LinkConfig{NoIPv6: true})
	a0 := e.links[0].A()
	e.a.Stack().AddRoute(tcpip.Route{Destination: gheader.IPv4EmptySubnet, NIC: a0.NICID()})
	c, _ := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	ps, err := c.Paths()
	require.Nil(t, err)
	require.Len(t, ps, 2)
	require.Equal(t, e.links[1].A().IPv4(), ps[1].LocalAddr, "source address of the second path")
	require.Equal(t, e.links[1].A().NICID(), ps[1].NIC, "NIC of the second path")
}

// TestInitAckFromOtherAddress: a multihomed peer may answer our INIT from
// another of its addresses (usrsctp does); the INIT ACK lists that
// address, carries our tag, and belongs to the association.
func TestInitAckFromOtherAddress(t *testing.T) {
	e := newMHEnv(t, 17, Options{}, sctptest.LinkConfig{NoIPv6: true})
	other := e.links[1].B().IPv4()
	e.links[0].SetFilter(sctptest.BtoA, func(p sctptest.Packet) sctptest.FilterVerdict {
		if countChunks(p.Data, header.ChunkInitAck) == 0 {
			return sctptest.PassPacket
		}
		ip := gheader.IPv4(p.Data)
		ip.SetSourceAddress(other)
		ip.SetChecksum(0)
		ip.SetChecksum(^ip.CalculateChecksum())
		return sctptest.ReplacePacket(p.Data)
	})
	c, _ := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	require.Nil(t, c.LastError())
	ps, err := c.Paths()
	require.Nil(t, err)
	require.Len(t, ps, 2)
	require.Zero(t, Stats(e.a.Stack()).AbortsSent.Value(), "the INIT ACK was taken for out of the blue")
}

// TestMaxPeerAddresses: Options.MaxPeerAddresses bounds the paths an
// association keeps; the peer's further addresses are ignored and the
// association works over the one it has.
func TestMaxPeerAddresses(t *testing.T) {
	e := newMHEnv(t, 18, Options{MaxPeerAddresses: 1}, sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	for _, ep := range []*Endpoint{c, s} {
		ps, err := ep.Paths()
		require.Nil(t, err)
		require.Len(t, ps, 1)
	}
	st := newStream(e, c, s, 100, 500)
	require.True(t, st.runUntil(st.done, 10*time.Second))
	require.Equal(t, maxPeerAddrs, DefaultOptions().MaxPeerAddresses)
	o := Options{MaxPeerAddresses: 100}
	o.fill()
	require.Equal(t, maxPeerAddrs, o.MaxPeerAddresses, "capped by the cookie's room")
}
