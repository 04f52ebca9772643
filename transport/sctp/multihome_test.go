package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The multihoming tests: two stacks joined by two links, an association
// with a path over each, and links that fail under a transfer (RFC 9260
// 6.4, 8.1-8.3; RFC 7829).

// failover cuts the primary link in the middle of a transfer and checks
// that nothing is lost or duplicated, that the time from the cut to the
// next delivery is below a second, and that the healed primary gets its
// traffic back.
func failover(t *testing.T, e *mhEnv, c, s *Endpoint, primary tcpip.Address) {
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) && allConfirmed(s, 2) }, 10*time.Second), "paths not confirmed")
	st := newStream(e, c, s, 12000, 1000)
	require.True(t, st.runUntil(func() bool { return st.got >= 600 }, 30*time.Second))
	require.Zero(t, e.data[1].Load(), "data on the alternate path before the cut")

	cutAt := e.n.Elapsed()
	e.links[0].Cut()
	require.True(t, st.runUntil(func() bool { return st.got >= 1500 }, 30*time.Second), "transfer stalled after the cut")
	gap := st.gapAfter(cutAt)
	t.Logf("failover time: %v (from the cut of the primary link to the next delivery)", gap)
	require.Positive(t, gap)
	require.Less(t, gap, time.Second, "failover time")
	require.NotEqual(t, PathActive, pathState(t, c, primary), "the cut primary is still ACTIVE")
	require.Positive(t, e.data[1].Load(), "no data on the alternate path")
	// While cut, nothing brings the primary back: acknowledgements of
	// data it carried before the cut come over the other path.
	var types, alt []PathEventType
	for _, ev := range c.PathEvents() {
		if ev.Addr.Addr == primary {
			types = append(types, ev.Type)
		} else {
			alt = append(alt, ev.Type)
		}
	}
	require.Contains(t, types, PathAddrPotentiallyFailed)
	require.NotContains(t, types, PathAddrAvailable, "the cut primary came back while cut: %v", types)
	require.NotContains(t, alt, PathAddrPotentiallyFailed, "the alternate path failed while carrying the data: %v", alt)

	// Heal: heartbeats confirm the primary and data returns to it.
	e.links[0].Heal()
	require.True(t, st.runUntil(func() bool { return pathState(t, c, primary) == PathActive }, 30*time.Second), "healed primary not ACTIVE again")
	require.False(t, st.done(), "the transfer ended before the primary recovered")
	before0 := e.data[0].Load()
	require.True(t, st.runUntil(st.done, 60*time.Second), "transfer did not finish: %d/%d", st.got, st.total)
	require.Greater(t, e.data[0].Load(), before0, "the primary got no traffic back")

	types = types[:0]
	for _, ev := range c.PathEvents() {
		if ev.Addr.Addr == primary {
			types = append(types, ev.Type)
		}
	}
	require.Contains(t, types, PathAddrAvailable, "the healed primary was not reported available")
}

// TestFailoverIPv4IPv4: two IPv4 links, wildcard binds on both sides; the
// peers learn each other's second address from INIT and INIT ACK.
func TestFailoverIPv4IPv4(t *testing.T) {
	e := newMHEnv(t, 1, failoverOptions(), sctptest.LinkConfig{NoIPv6: true, Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	ps, err := c.Paths()
	require.Nil(t, err)
	require.Len(t, ps, 2)
	require.True(t, ps[0].Primary)
	require.Equal(t, e.bAddr, ps[0].Addr.Addr)
	require.Equal(t, e.links[1].B().IPv4(), ps[1].Addr.Addr)
	require.Equal(t, e.links[1].A().IPv4(), ps[1].LocalAddr, "the second path's source address")
	failover(t, e, c, s, e.bAddr)
}

// TestFailoverIPv4IPv6: an IPv4 link and an IPv6 link; dual-stack endpoints
// bound (bindx) to one address of each family.
func TestFailoverIPv4IPv6(t *testing.T) {
	e := newMHEnv(t, 2, failoverOptions(), sctptest.LinkConfig{})
	l0, l1 := e.links[0], e.links[1]
	c, s := e.pair(true,
		[]tcpip.Address{l0.A().IPv4(), l1.A().IPv6()},
		[]tcpip.Address{l0.B().IPv4(), l1.B().IPv6()},
		[]tcpip.Address{l0.B().IPv4()}, 5000)
	ps, err := s.Paths()
	require.Nil(t, err)
	require.Len(t, ps, 2)
	require.Equal(t, l1.A().IPv6(), ps[1].Addr.Addr)
	failover(t, e, c, s, l0.B().IPv4())
}

// TestFailoverOneWayCut cuts only the client's direction of the primary
// link: its SACKs would still come back, its DATA does not arrive.
func TestFailoverOneWayCut(t *testing.T) {
	e := newMHEnv(t, 3, failoverOptions(), sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) }, 10*time.Second))
	st := newStream(e, c, s, 2000, 1000)
	require.True(t, st.runUntil(func() bool { return st.got >= 300 }, 30*time.Second))
	cutAt := e.n.Elapsed()
	e.links[0].CutDir(sctptest.AtoB)
	require.True(t, st.runUntil(st.done, 60*time.Second), "transfer did not finish: %d/%d", st.got, st.total)
	gap := st.gapAfter(cutAt)
	t.Logf("failover time after a one-way cut: %v", gap)
	require.Less(t, gap, time.Second)
}

// TestFailoverFlapping cuts and heals the primary link again and again
// under a transfer: every message arrives once, in order.
func TestFailoverFlapping(t *testing.T) {
	e := newMHEnv(t, 4, failoverOptions(), sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) }, 10*time.Second))
	st := newStream(e, c, s, 12000, 800)
	next, up := e.n.Elapsed()+300*time.Millisecond, true
	flaps := 0
	require.True(t, st.runUntil(func() bool {
		if e.n.Elapsed() >= next && flaps < 16 {
			if up {
				e.links[0].Cut()
			} else {
				e.links[0].Heal()
			}
			up = !up
			flaps++
			next = e.n.Elapsed() + 250*time.Millisecond + time.Duration(flaps%3)*100*time.Millisecond
		}
		return st.done()
	}, 120*time.Second), "transfer did not finish: %d/%d", st.got, st.total)
	require.Equal(t, 16, flaps, "the transfer ended before the flapping did")
	require.Nil(t, c.LastError())
}

// TestFailoverAllLinksCut cuts every link: the association fails after
// Association.Max.Retrans, reports communication lost, and leaves nothing
// behind.
func TestFailoverAllLinksCut(t *testing.T) {
	o := failoverOptions()
	o.RTOMax = time.Second
	e := newMHEnv(t, 5, o, sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) }, 10*time.Second))
	st := newStream(e, c, s, 1000, 1000)
	require.True(t, st.runUntil(func() bool { return st.got >= 200 }, 30*time.Second))
	e.links[0].Cut()
	e.links[1].Cut()
	var lastErr tcpip.Error
	require.True(t, st.runUntil(func() bool {
		lastErr = c.LastError()
		return lastErr != nil
	}, 120*time.Second), "the association did not fail")
	cp := e.a.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	require.IsType(t, &tcpip.ErrTimeout{}, lastErr, "communication lost")
	failing := map[tcpip.Address]bool{}
	evs := c.PathEvents()
	for _, ev := range evs {
		if ev.Type == PathAddrUnreachable || ev.Type == PathAddrPotentiallyFailed {
			failing[ev.Addr.Addr] = true
		}
	}
	require.Len(t, failing, 2, "both paths reported failing: %v", evs)
	_, _, err := c.ReadMsg(&sliceWriter{}, -1)
	require.NotNil(t, err)
	c.Close()
	s.Abort()
	e.n.Advance(time.Second)
	require.Zero(t, cp.assocCount.Load(), "association leaked")
	require.Zero(t, cp.stats.TimersActive.Value(), "timer leaked")
}

// TestUnansweredPeerAddress: the server announces an address that never
// answers. It stays UNCONFIRMED and carries no DATA (RFC 9260 5.4), while
// heartbeats keep probing it.
func TestUnansweredPeerAddress(t *testing.T) {
	e := newMHEnv(t, 6, failoverOptions(), sctptest.LinkConfig{NoIPv6: true})
	e.links[1].Cut()
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr}, 5000)
	st := newStream(e, c, s, 1000, 1000)
	require.True(t, st.runUntil(st.done, 60*time.Second))
	require.Equal(t, PathUnconfirmed, pathState(t, c, e.links[1].B().IPv4()))
	require.Zero(t, e.data[1].Load(), "DATA sent to an unconfirmed address")
	require.Positive(t, e.links[1].Stats(sctptest.AtoB).DroppedCut, "the unconfirmed address was never probed")
}

// TestOneSideMultihomed: a single-homed client (bound to one address)
// against a multihomed server.
func TestOneSideMultihomed(t *testing.T) {
	e := newMHEnv(t, 7, failoverOptions(), sctptest.LinkConfig{NoIPv6: true})
	c, s := e.pair(false, []tcpip.Address{e.aAddr}, nil, []tcpip.Address{e.bAddr}, 5000)
	sp, err := s.Paths()
	require.Nil(t, err)
	require.Len(t, sp, 1, "the server knows one client address")
	cp, err := c.Paths()
	require.Nil(t, err)
	require.Len(t, cp, 2, "the client knows both server addresses")
	st := newStream(e, c, s, 1500, 1000)
	require.True(t, st.runUntil(func() bool { return st.got >= 500 }, 30*time.Second))
	e.links[1].Cut()
	require.True(t, st.runUntil(st.done, 60*time.Second))
	require.Nil(t, c.LastError())
}
