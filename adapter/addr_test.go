package adapter

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
)

func TestAddrString(t *testing.T) {
	for _, tc := range []struct {
		addr *Addr
		want string
	}{
		{&Addr{IPs: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, Port: 5000}, "192.0.2.1:5000"},
		{&Addr{IPs: []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.1")}, Port: 5000}, "192.0.2.1/198.51.100.1:5000"},
		{&Addr{IPs: []netip.Addr{netip.MustParseAddr("2001:db8::1")}, Port: 5000}, "[2001:db8::1]:5000"},
		{&Addr{IPs: []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("192.0.2.1")}, Port: 1}, "[2001:db8::1]/192.0.2.1:1"},
		{&Addr{IPs: []netip.Addr{netip.MustParseAddr("fe80::1%eth0")}, Port: 9}, "[fe80::1%eth0]:9"},
		{&Addr{Port: 80}, ":80"},
		{nil, "<nil>"},
	} {
		assert.Equal(t, tc.want, tc.addr.String())
	}
	var a net.Addr = &Addr{}
	assert.Equal(t, "sctp", a.Network())
}

func TestParseAddrRoundTrip(t *testing.T) {
	for _, s := range []string{
		"192.0.2.1:5000",
		"192.0.2.1/198.51.100.1:5000",
		"[2001:db8::1]:5000",
		"[2001:db8::1]/[2001:db8::2]:65535",
		"[fe80::1%eth0]:9",
		":0",
	} {
		a, err := ParseAddr(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, a.String())
	}
	a := MustParseAddr("192.0.2.1/[2001:db8::1]:7")
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")}, a.IPs)
	assert.Equal(t, uint16(7), a.Port)
}

func TestParseAddrErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"192.0.2.1",
		"192.0.2.1:",
		"192.0.2.1:65536",
		"192.0.2.1:-1",
		"2001:db8::1:80",
		"192.0.2.1//192.0.2.2:80",
		"example.com:80",
		"[192.0.2.1:80",
	} {
		_, err := ParseAddr(s)
		var ae *AddrError
		assert.ErrorAs(t, err, &ae, "ParseAddr(%q)", s)
	}
	assert.Panics(t, func() { MustParseAddr("nope") })
}

func TestAddrConversions(t *testing.T) {
	a := AddrFrom(netip.MustParseAddrPort("192.0.2.7:99"))
	fa := a.fullAddress()
	assert.Equal(t, tcpip.AddrFrom4([4]byte{192, 0, 2, 7}), fa.Addr)
	assert.Equal(t, uint16(99), fa.Port)
	p, ok := a.netProto()
	assert.True(t, ok)
	assert.Equal(t, gheader.IPv4ProtocolNumber, p)
	assert.Equal(t, a, AddrFromFullAddress(fa))

	// A v4-mapped IPv6 address is used as IPv4.
	m := AddrFrom(netip.MustParseAddrPort("[::ffff:192.0.2.7]:99"))
	assert.Equal(t, fa, m.fullAddress())

	v6 := MustParseAddr("[2001:db8::1]:1")
	p, _ = v6.netProto()
	assert.Equal(t, gheader.IPv6ProtocolNumber, p)

	// No IP, or an unspecified one, binds to every address.
	assert.Equal(t, tcpip.FullAddress{Port: 5}, MustParseAddr(":5").fullAddress())
	assert.Equal(t, tcpip.FullAddress{Port: 5}, MustParseAddr("0.0.0.0:5").fullAddress())
	_, ok = MustParseAddr(":5").netProto()
	assert.False(t, ok)
	var nilAddr *Addr
	assert.Equal(t, tcpip.FullAddress{}, nilAddr.fullAddress())
	assert.Equal(t, &Addr{Port: 5}, AddrFromFullAddress(tcpip.FullAddress{Port: 5}))
}
