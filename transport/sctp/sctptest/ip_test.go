package sctptest

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

var (
	src4 = netip.MustParseAddr("192.0.2.1")
	dst4 = netip.MustParseAddr("192.0.2.2")
	src6 = netip.MustParseAddr("2001:db8::1")
	dst6 = netip.MustParseAddr("2001:db8::2")
)

func TestBuildAndParseIP(t *testing.T) {
	payload := []byte("sctp common header and chunks")
	for _, tc := range []struct {
		src, dst netip.Addr
	}{{src4, dst4}, {src6, dst6}} {
		b := BuildIP(tc.src, tc.dst, 132, payload)
		src, dst, proto, got, err := ParseIP(b)
		require.NoError(t, err)
		assert.Equal(t, tc.src, src)
		assert.Equal(t, tc.dst, dst)
		assert.Equal(t, uint8(132), proto)
		assert.Equal(t, payload, got)

		// Bytes after the IP length (link padding) are not payload.
		_, _, _, got, err = ParseIP(append(b, 0, 0, 0))
		require.NoError(t, err)
		assert.Equal(t, payload, got)
	}

	// gVisor agrees with the headers.
	ip4 := header.IPv4(BuildIPv4(src4, dst4, 132, payload))
	assert.True(t, ip4.IsValid(len(ip4)))
	assert.True(t, ip4.IsChecksumValid())
	assert.Equal(t, uint8(DefaultTTL), ip4.TTL())
	assert.Equal(t, tcpip.TransportProtocolNumber(132), ip4.TransportProtocol())
	ip6 := header.IPv6(BuildIPv6(src6, dst6, 132, payload))
	assert.True(t, ip6.IsValid(len(ip6)))
	assert.Equal(t, uint8(DefaultTTL), ip6.HopLimit())
	assert.Equal(t, tcpip.TransportProtocolNumber(132), ip6.TransportProtocol())
	assert.Equal(t, FromNetip(dst6), ip6.DestinationAddress())

	assert.Panics(t, func() { BuildIPv4(src6, dst4, 132, nil) })
	assert.Panics(t, func() { BuildIPv6(src4, dst6, 132, nil) })
	assert.Panics(t, func() { BuildIPv4(src4, dst4, 132, make([]byte, 0xffff)) })
	assert.Panics(t, func() { BuildIPv6(src6, dst6, 132, make([]byte, 0x10000)) })
	assert.NotPanics(t, func() { BuildIPv6(src6, dst6, 132, make([]byte, 0xffff)) })
}

func TestParseIPSkipsOptionsAndExtensionHeaders(t *testing.T) {
	// IPv4 with 4 bytes of options (NOP NOP NOP EOL).
	b := BuildIPv4(src4, dst4, 132, []byte("data"))
	b = append(b[:20:20], append([]byte{1, 1, 1, 0}, b[20:]...)...)
	ip := header.IPv4(b)
	ip.SetHeaderLength(24)
	ip.SetTotalLength(uint16(len(b)))
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
	_, _, proto, payload, err := ParseIP(b)
	require.NoError(t, err)
	assert.Equal(t, uint8(132), proto)
	assert.Equal(t, []byte("data"), payload)

	// IPv6: hop-by-hop (8 bytes) then destination options (16 bytes).
	ext := []byte{
		60, 0, 1, 4, 0, 0, 0, 0, // HBH: next 60, len 0, PadN(4)
		132, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // DestOpts: next 132, len 1, PadN(12)
	}
	b = BuildIPv6(src6, dst6, 0, append(ext, "data"...))
	_, _, proto, payload, err = ParseIP(b)
	require.NoError(t, err)
	assert.Equal(t, uint8(132), proto)
	assert.Equal(t, []byte("data"), payload)

	_, _, _, _, err = ParseIP(BuildIPv6(src6, dst6, 0, ext[:5]))
	assert.ErrorContains(t, err, "truncated IPv6 extension header")
}

func TestParseIPErrors(t *testing.T) {
	good4 := BuildIPv4(src4, dst4, 132, []byte("data"))
	mod := func(b []byte, f func([]byte)) []byte {
		b = bytes.Clone(b)
		f(b)
		return b
	}
	frag6 := BuildIPv6(src6, dst6, 44, []byte{132, 0, 0, 1, 0, 0, 0, 7, 'd'})
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":          {nil, "empty"},
		"version":        {[]byte{0x50, 0, 0, 0}, "IP version 5"},
		"short v4":       {good4[:19], "short IPv4"},
		"short v6":       {BuildIPv6(src6, dst6, 132, nil)[:39], "short IPv6"},
		"v4 truncated":   {good4[:len(good4)-1], "total length"},
		"v4 ihl":         {mod(good4, func(b []byte) { b[0] = 0x44 }), "header length 16"},
		"v4 checksum":    {mod(good4, func(b []byte) { b[8]-- }), "checksum"},
		"v6 truncated":   {BuildIPv6(src6, dst6, 132, []byte("data"))[:43], "payload length 4"},
		"v4 fragment":    {fixV4(mod(good4, func(b []byte) { b[6] = 0x20 })), ErrFragment.Error()},
		"v4 frag offset": {fixV4(mod(good4, func(b []byte) { b[7] = 1 })), ErrFragment.Error()},
		"v6 fragment":    {frag6, ErrFragment.Error()},
	} {
		_, _, _, payload, err := ParseIP(tc.b)
		assert.ErrorContains(t, err, tc.want, name)
		assert.Nil(t, payload, name)
	}
	_, _, _, _, err := ParseIP(frag6)
	assert.True(t, errors.Is(err, ErrFragment))
}

// fixV4 recomputes the IPv4 header checksum of b after an edit.
func fixV4(b []byte) []byte {
	ip := header.IPv4(b)
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
	return b
}

func TestNetipConversions(t *testing.T) {
	for _, a := range []netip.Addr{src4, src6, netip.MustParseAddr("::ffff:192.0.2.1")} {
		assert.Equal(t, a, ToNetip(FromNetip(a)))
	}
	assert.Equal(t, 4, FromNetip(src4).Len())
	assert.Equal(t, 16, FromNetip(netip.MustParseAddr("::ffff:192.0.2.1")).Len())
	assert.False(t, ToNetip(tcpip.Address{}).IsValid())
	assert.Equal(t, tcpip.Address{}, FromNetip(netip.Addr{}))
	assert.Equal(t, src6, ToNetip(FromNetip(netip.MustParseAddr("2001:db8::1%eth0"))), "zone dropped")
}
