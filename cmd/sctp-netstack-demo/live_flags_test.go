package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLinkFlags checks how addresses and MAC addresses are spread over
// the interfaces.
func TestLinkFlags(t *testing.T) {
	f := linkFlags{link: linkFdbased, ifaces: "v0,v1", addrs: "192.0.2.1/24,198.51.100.1/24,2001:db8::1/64", mac: "02:00:5e:00:53:10"}
	l, err := f.parse()
	require.NoError(t, err)
	require.Equal(t, []string{"v0", "v1"}, l.ifaces)
	require.Equal(t, [][]netip.Prefix{
		{netip.MustParsePrefix("192.0.2.1/24"), netip.MustParsePrefix("2001:db8::1/64")},
		{netip.MustParsePrefix("198.51.100.1/24")},
	}, l.addrs)
	require.Equal(t, "02:00:5e:00:53:10", l.macs[0].String())
	require.Equal(t, "02:00:5e:00:53:11", l.macs[1].String())

	// A generated MAC is unicast, locally administered, and not the
	// same twice.
	f = linkFlags{link: linkTap, ifaces: "tap0", addrs: "192.0.2.1/24"}
	l, err = f.parse()
	require.NoError(t, err)
	m := l.macs[0]
	require.Equal(t, byte(2), m[0]&3, "MAC %s: want unicast, locally administered", m)
	l2, err := f.parse()
	require.NoError(t, err)
	require.NotEqual(t, m, l2.macs[0])

	for _, bad := range []linkFlags{
		{link: linkTap, ifaces: "a,b", addrs: "192.0.2.1/24,198.51.100.1/24"},
		{link: linkFdbased, ifaces: "v0", addrs: "224.0.0.1/4"},
		{link: linkFdbased, ifaces: "v0", addrs: "192.0.2.1/24", mac: "01:00:5e:00:00:01"},
		{link: linkFdbased, ifaces: "a-name-longer-than-15", addrs: "192.0.2.1/24"},
	} {
		_, err := bad.parse()
		require.Error(t, err, "%+v", bad)
	}
}

// TestParseConnect checks the -connect forms.
func TestParseConnect(t *testing.T) {
	a, err := parseConnect("192.0.2.1,198.51.100.1:5000")
	require.NoError(t, err)
	require.Equal(t, "192.0.2.1/198.51.100.1:5000", a.String())
	a, err = parseConnect("[2001:db8::1],[2001:db8:1::1]:7")
	require.NoError(t, err)
	require.Equal(t, "[2001:db8::1]/[2001:db8:1::1]:7", a.String())
	for _, bad := range []string{"192.0.2.1", ":5000", "192.0.2.1:0", "192.0.2.1,2001:db8::1:5", "host:80"} {
		_, err := parseConnect(bad)
		require.Error(t, err, bad)
	}
}

// TestParseListen checks the -listen forms.
func TestParseListen(t *testing.T) {
	ip, port, err := parseListen(":5000")
	require.NoError(t, err)
	require.False(t, ip.IsValid())
	require.Equal(t, uint16(5000), port)
	ip, port, err = parseListen("[2001:db8::1]:9")
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("2001:db8::1"), ip)
	require.Equal(t, uint16(9), port)
	for _, bad := range []string{"5000", ":0", "x:1"} {
		_, _, err := parseListen(bad)
		require.Error(t, err, bad)
	}
}
