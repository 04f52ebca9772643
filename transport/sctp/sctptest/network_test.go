package sctptest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
)

// docNets are the documentation ranges links may use.
var docNets = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("2001:db8::/32"),
}

func inDocRange(a tcpip.Address) bool {
	ip, ok := netip.AddrFromSlice(a.AsSlice())
	if !ok {
		return false
	}
	for _, p := range docNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func TestAddressesRoutesAndQuietLinks(t *testing.T) {
	n := New(Options{TransportProtocols: allTransports})
	defer n.Close()
	hs := n.AddHosts(3)
	var links []*Link
	// Two links between h0 and h1 (multihoming) and one h1-h2.
	for _, p := range [][2]int{{0, 1}, {0, 1}, {1, 2}} {
		l, err := n.Connect(hs[p[0]], hs[p[1]], LinkConfig{})
		require.NoError(t, err)
		links = append(links, l)
	}
	assert.Equal(t, "192.0.2.1", links[0].A().IPv4().String())
	assert.Equal(t, "192.0.2.2", links[0].B().IPv4().String())
	assert.Equal(t, "192.0.2.5", links[1].A().IPv4().String())
	assert.Equal(t, "2001:db8:0:1::2", links[1].B().IPv6().String())
	assert.Equal(t, tcpip.NICID(2), links[1].A().NICID())
	assert.Equal(t, tcpip.NICID(1), links[2].B().NICID())
	assert.Len(t, hs[1].Ifaces(), 3)

	seen := map[tcpip.Subnet]bool{}
	for _, l := range links {
		for _, ifc := range []*Iface{l.A(), l.B()} {
			for _, a := range ifc.Addrs() {
				assert.True(t, inDocRange(a.Address), "%s", a)
				if ifc == l.A() {
					assert.False(t, seen[a.Subnet()], "subnet %s reused", a.Subnet())
					seen[a.Subnet()] = true
				}
			}
		}
		// Each side routes the peer's addresses through this link.
		for _, pair := range [][2]*Iface{{l.A(), l.B()}, {l.B(), l.A()}} {
			from, to := pair[0], pair[1]
			for _, a := range []tcpip.Address{to.IPv4(), to.IPv6()} {
				proto := ipv4.ProtocolNumber
				if a.Len() == 16 {
					proto = ipv6.ProtocolNumber
				}
				r, err := from.Host().Stack().FindRoute(0, tcpip.Address{}, a, proto, false)
				require.Nil(t, err, "%s -> %s", from.Host(), a)
				assert.Equal(t, from.NICID(), r.NICID())
				r.Release()
			}
		}
	}

	// The default protocols send nothing on their own (no DAD, RS, MLD).
	n.Advance(time.Minute)
	for _, l := range links {
		assert.Zero(t, l.Stats(Both).Sent, "%s", l)
	}
}

func TestLinkConfigOverrides(t *testing.T) {
	n := New(Options{})
	defer n.Close()
	a, b := n.AddHost("x"), n.AddHost("")
	assert.Equal(t, "h1", b.Name())
	custom := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4([4]byte{203, 0, 113, 9}), PrefixLen: 24}
	l, err := n.Connect(a, b, LinkConfig{NoIPv6: true, AddrsB: []tcpip.AddressWithPrefix{custom}, MTU: 9000})
	require.NoError(t, err)
	assert.Len(t, l.A().Addrs(), 1)
	assert.Equal(t, tcpip.Address{}, l.A().IPv6())
	assert.Equal(t, custom.Address, l.B().IPv4())
	assert.Equal(t, l.B(), l.A().Peer())
	assert.Equal(t, uint32(9000), l.A().ep.MTU())
	l.SetMTU(1280)
	assert.Equal(t, uint32(1280), l.B().ep.MTU())

	_, err = n.Connect(a, b, LinkConfig{Impairments: Impairments{Loss: 1.5}})
	assert.Error(t, err)
	assert.Panics(t, func() { l.SetImpairments(AtoB, Impairments{Duplicate: -1}) })
}

func TestUDPBothFamilies(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 10 * time.Millisecond}})
	a, b := l.A(), l.B()
	for _, fam := range []struct {
		src, dst tcpip.Address
	}{{a.IPv4(), b.IPv4()}, {a.IPv6(), b.IPv6()}} {
		tx := newUDPSocket(t, a.Host(), fam.src, 0)
		rx := newUDPSocket(t, b.Host(), fam.dst, 7)
		tx.sendTo(t, fam.dst, 7, []byte("hello"))
		n.Advance(9 * time.Millisecond)
		assert.Empty(t, rx.recv(), "delivered before the delay elapsed")
		n.Advance(time.Millisecond)
		assert.Equal(t, [][]byte{[]byte("hello")}, rx.recv())
	}
	assert.Equal(t, 20*time.Millisecond, n.Elapsed())
	st := l.Stats(AtoB)
	assert.Equal(t, uint64(2), st.Sent)
	assert.Equal(t, uint64(2), st.Delivered)
}

func TestMultihomedPathsAreIndependent(t *testing.T) {
	n := New(Options{TransportProtocols: allTransports})
	defer n.Close()
	a, b := n.AddHost("a"), n.AddHost("b")
	var links [2]*Link
	for i := range links {
		l, err := n.Connect(a, b, LinkConfig{})
		require.NoError(t, err)
		links[i] = l
	}
	tx := newUDPSocket(t, a, tcpip.Address{}, 0)
	var rx [2]*udpSocket
	for i, l := range links {
		rx[i] = newUDPSocket(t, b, l.B().IPv4(), 7)
	}
	links[0].Cut()
	for _, l := range links {
		tx.sendTo(t, l.B().IPv4(), 7, []byte("x"))
	}
	n.Advance(time.Millisecond)
	assert.Empty(t, rx[0].recv(), "path 0 is cut")
	assert.Len(t, rx[1].recv(), 1, "path 1 still works")
	assert.Equal(t, uint64(1), links[0].Stats(AtoB).DroppedCut)
	assert.Equal(t, uint64(1), links[1].Stats(AtoB).Delivered)
}

func TestCloseReleasesPacketsInFlight(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: time.Second}})
	for i := range 10 {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, uint32(i)))
	}
	assert.Equal(t, 10, n.InFlight())
	n.Close()
	assert.Zero(t, n.InFlight())
	assert.Equal(t, uint64(10), l.Stats(AtoB).DroppedOther)
	n.Close() // Idempotent.
}
