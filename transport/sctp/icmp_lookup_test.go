package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestICMPFindsAssocAmongMany: an ICMP error about a packet to one of
// twelve peers that all use the same port reaches that peer's association
// (found by the quoted destination address), whatever else shares the
// port (RFC 9260 10; the lookup used to give up after eight candidates).
func TestICMPFindsAssocAmongMany(t *testing.T) {
	const peers = 12
	n := sctptest.New(sctptest.Options{Seed: 71, TransportProtocols: []stack.TransportProtocolFactory{NewProtocol}})
	t.Cleanup(n.Close)
	srv := n.AddHost("server")
	var wq waiter.Queue
	lep, terr := srv.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &wq)
	require.Nil(t, terr)
	l := lep.(*Endpoint)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, l.Listen(peers))
	var links []*sctptest.Link
	var clients []*Endpoint
	for i := 0; i < peers; i++ {
		h := n.AddHost("")
		lk, err := n.Connect(h, srv, sctptest.LinkConfig{NoIPv6: true})
		require.NoError(t, err)
		links = append(links, lk)
		ep, terr := h.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &waiter.Queue{})
		require.Nil(t, terr)
		c := ep.(*Endpoint)
		require.Nil(t, c.Bind(tcpip.FullAddress{Port: 7000}))
		require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: lk.B().IPv4(), Port: 5000}))
		clients = append(clients, c)
	}
	var accepted []*Endpoint
	require.True(t, n.RunUntil(func() bool {
		if ep, _, err := l.Accept(nil); err == nil {
			accepted = append(accepted, ep.(*Endpoint))
		}
		return len(accepted) == peers
	}, 10*time.Second))
	// The ICMP is about the last client's association, on the server.
	last := links[peers-1]
	var target *Endpoint
	for _, s := range accepted {
		ra, _ := s.GetRemoteAddress()
		if ra.Addr == last.A().IPv4() {
			target = s
		}
	}
	require.NotNil(t, target)
	a := target.getAssoc()
	a.mu.Lock()
	vtag := a.peerVtag
	a.mu.Unlock()
	quoted := rawSCTP(last.B().IPv4(), last.A().IPv4(), 5000, 7000, vtag)
	icmp := gheader.ICMPv4(make([]byte, gheader.ICMPv4MinimumSize+len(quoted)))
	icmp.SetType(gheader.ICMPv4DstUnreachable)
	icmp.SetCode(gheader.ICMPv4FragmentationNeeded)
	binary.BigEndian.PutUint16(icmp[6:], 1000)
	copy(icmp[gheader.ICMPv4MinimumSize:], quoted)
	icmp.SetChecksum(^checksum.Checksum(icmp, 0))
	last.A().WriteRaw(sctptest.BuildIPv4(sctptest.ToNetip(last.A().IPv4()), sctptest.ToNetip(last.B().IPv4()), uint8(gheader.ICMPv4ProtocolNumber), icmp))
	n.Advance(10 * time.Millisecond)
	st, err := target.Status()
	require.Nil(t, err)
	require.Equal(t, 1000-gheader.IPv4MinimumSize, st.Primary.MTU, "the ICMP missed its association")
	require.Zero(t, Stats(srv.Stack()).ICMPIgnored.Value())
	for _, c := range clients {
		c.Close()
	}
}
