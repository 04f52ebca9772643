package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestICMPv6ParamProblemRefuses: an INIT over IPv6 to a host without SCTP
// draws an ICMPv6 Parameter Problem (unrecognized Next Header, RFC 4443
// 3.4), which ends the set-up at once as protocol unreachable does over
// IPv4 (RFC 9260 10 item 8), instead of after T1's retransmissions.
func TestICMPv6ParamProblemRefuses(t *testing.T) {
	n := sctptest.New(sctptest.Options{
		Seed:               41,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocol, icmp.NewProtocol6},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddRawHost("b")
	l, err := n.Connect(a, b, sctptest.LinkConfig{})
	require.NoError(t, err)
	var wq waiter.Queue
	ep, terr := a.Stack().NewEndpoint(ProtocolNumber, ipv6.ProtocolNumber, &wq)
	require.Nil(t, terr)
	c := ep.(*Endpoint)
	require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: l.B().IPv6(), Port: 5000}))
	var got tcpip.Error
	require.True(t, n.RunUntil(func() bool {
		got = c.LastError()
		return got != nil
	}, 10*time.Second), "no error")
	require.IsType(t, &tcpip.ErrConnectionRefused{}, got)
	require.Less(t, n.Elapsed(), 500*time.Millisecond, "refused only after T1 (RTO.Initial is 1 s)")
	require.Positive(t, Stats(a.Stack()).ICMPErrors.Value())
	c.Close()
}
