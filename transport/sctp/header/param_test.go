package header

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddressParams(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		wantHex string
	}{
		{"192.0.2.1", "00050008c0000201"},
		{"::ffff:192.0.2.1", "00050008c0000201"}, // RFC 9260 3.3.2.1.2: IPv4-mapped goes as IPv4
		{"2001:db8::1", "0006001420010db8000000000000000000000001"},
		{"fe80::1%eth0", "00060014fe800000000000000000000000000001"},
	} {
		a := netip.MustParseAddr(tc.addr)
		p := wireItem(t, 24, AddressParamLen(a), func(b []byte) int { return EncodeAddressParam(b, a) })
		assert.Equal(t, tc.wantHex, hex.EncodeToString(p), tc.addr)
		require.NoError(t, ValidateParam(p))
		got, ok := AddressFromParam(p)
		require.True(t, ok)
		assert.Equal(t, a.Unmap().WithZone(""), got)
	}
	v4 := wireItem(t, 8, IPv4AddressParamLen, func(b []byte) int {
		return IPv4AddressParam(b).Encode(&IPv4AddressFields{Address: [4]byte{10, 1, 2, 3}})
	})
	assert.Equal(t, netip.MustParseAddr("10.1.2.3"), IPv4AddressParam(v4).Address())
	v6 := wireItem(t, 20, IPv6AddressParamLen, func(b []byte) int {
		return IPv6AddressParam(b).Encode(&IPv6AddressFields{Address: netip.MustParseAddr("::1").As16()})
	})
	assert.Equal(t, netip.IPv6Loopback(), IPv6AddressParam(v6).Address())

	// Not an address, or a wrong length.
	for _, p := range [][]byte{
		wireParam(ParamStateCookie, make([]byte, 4)),
		wireParam(ParamIPv4Address, make([]byte, 5)),
		wireParam(ParamIPv6Address, make([]byte, 4)),
	} {
		_, ok := AddressFromParam(p)
		assert.False(t, ok)
	}
}

func TestHostNameAddressParam(t *testing.T) {
	p := wireItem(t, 20, HostNameAddressParamLen(11), func(b []byte) int {
		return HostNameAddressParam(b).Encode(&HostNameAddressFields{HostName: []byte("example.com")})
	})
	assert.Equal(t, "000b0010"+hex.EncodeToString([]byte("example.com"))+"00", hex.EncodeToString(p))
	assert.Equal(t, []byte("example.com"), HostNameAddressParam(p).HostName())
	// Without a null terminator the whole value is the name.
	assert.Equal(t, []byte("ab"), HostNameAddressParam(wireParam(ParamHostNameAddress, []byte("ab"))).HostName())
}

func TestSupportedAddressTypesParam(t *testing.T) {
	for _, types := range [][]ParamType{nil, {ParamIPv4Address}, {ParamIPv4Address, ParamIPv6Address}, {5, 6, 11}} {
		l := SupportedAddressTypesParamLen(len(types))
		p := SupportedAddressTypesParam(wireItem(t, 16, l, func(b []byte) int {
			return SupportedAddressTypesParam(b).Encode(&SupportedAddressTypesFields{Types: types})
		}))
		require.NoError(t, ValidateParam(Param(p)))
		require.Equal(t, len(types), p.NumAddressTypes())
		for i, ty := range types {
			assert.Equal(t, ty, p.AddressType(i))
			assert.True(t, p.Supports(ty))
		}
		assert.False(t, p.Supports(ParamStateCookie))
	}
}

func TestCookieParams(t *testing.T) {
	p := wireItem(t, 12, StateCookieParamLen(6), func(b []byte) int {
		return StateCookieParam(b).Encode(&StateCookieFields{Cookie: []byte("cookie")})
	})
	assert.Equal(t, []byte("cookie"), StateCookieParam(p).Cookie())
	assert.Equal(t, ParamStateCookie, Param(p).Type())

	p = wireItem(t, 8, CookiePreservativeParamLen, func(b []byte) int {
		return CookiePreservativeParam(b).Encode(&CookiePreservativeFields{LifeSpanIncrement: 30000})
	})
	assert.Equal(t, "0009000800007530", hex.EncodeToString(p))
	assert.Equal(t, uint32(30000), CookiePreservativeParam(p).SuggestedCookieLifeSpanIncrement())
}

func TestHeartbeatInfoAndUnrecognizedParams(t *testing.T) {
	p := wireItem(t, 8, HeartbeatInfoParamLen(1), func(b []byte) int {
		return HeartbeatInfoParam(b).Encode(&HeartbeatInfoFields{Info: []byte{7}})
	})
	assert.Equal(t, "0001000507000000", hex.EncodeToString(wireList(p)))
	assert.Equal(t, []byte{7}, HeartbeatInfoParam(p).SenderSpecificInfo())

	inner := wireParam(0xC00F, []byte{1, 2, 3})
	u := wireItem(t, 16, UnrecognizedParameterParamLen(len(inner)), func(b []byte) int {
		return UnrecognizedParameterParam(b).Encode(&UnrecognizedParameterFields{Param: inner})
	})
	// The wrapped parameter travels padded, and the outer length counts
	// that padding (RFC 9260 3.2.1).
	assert.Equal(t, "0008000c"+"c00f0007010203"+"00", hex.EncodeToString(wireList(u)))
	assert.Equal(t, Param(inner), UnrecognizedParameterParam(u).Param())
}

func TestGenericParamAndUnknownTypes(t *testing.T) {
	p := wireItem(t, 8, 5, func(b []byte) int { return Param(b).Encode(&ParamFields{Type: 0xFFFF, Value: []byte{1}}) })
	assert.Equal(t, ParamType(0xFFFF), Param(p).Type())
	assert.Equal(t, []byte{1}, Param(p).Value())
	assert.Equal(t, ActionSkipAndReport, ParamType(0xFFFF).UnrecognizedAction())
	assert.Equal(t, ActionSkip, ParamType(0x8000).UnrecognizedAction())
	assert.Equal(t, ActionStopAndReport, ParamType(0x4000).UnrecognizedAction())
	assert.Equal(t, ActionStop, ParamType(0x3FFF).UnrecognizedAction())
}

func TestValidateParam(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    []byte
		err  error
	}{
		{"ipv4", wireParam(ParamIPv4Address, make([]byte, 4)), nil},
		{"ipv4 long", wireParam(ParamIPv4Address, make([]byte, 8)), ErrParamBadLength},
		{"ipv6", wireParam(ParamIPv6Address, make([]byte, 16)), nil},
		{"ipv6 short", wireParam(ParamIPv6Address, make([]byte, 15)), ErrParamBadLength},
		{"preservative", wireParam(ParamCookiePreservative, make([]byte, 4)), nil},
		{"preservative short", wireParam(ParamCookiePreservative, nil), ErrParamBadLength},
		{"address types odd", wireParam(ParamSupportedAddressTypes, []byte{0}), ErrParamBadLength},
		{"address types empty", wireParam(ParamSupportedAddressTypes, nil), nil},
		{"unrecognized empty", wireParam(ParamUnrecognizedParameter, nil), ErrParamBadLength},
		{"unrecognized", wireParam(ParamUnrecognizedParameter, make([]byte, 4)), nil},
		{"cookie empty", wireParam(ParamStateCookie, nil), nil},
		{"heartbeat info empty", wireParam(ParamHeartbeatInfo, nil), nil},
		{"host name empty", wireParam(ParamHostNameAddress, nil), nil},
		{"unknown", wireParam(0x7777, []byte{1}), nil},
		{"truncated", []byte{0, 5, 0}, ErrTruncated},
		{"length below 4", []byte{0, 5, 0, 3}, ErrParamTooShort},
		{"overrun", []byte{0, 5, 0, 8, 1, 2, 3}, ErrParamOverrun},
	} {
		if tc.err == nil {
			assert.NoError(t, ValidateParam(tc.p), tc.name)
		} else {
			assert.ErrorIs(t, ValidateParam(tc.p), tc.err, tc.name)
		}
	}
}

func TestEncodedListLen(t *testing.T) {
	a := wireParam(1, []byte{1})       // 5, padded 8
	b := wireParam(2, []byte{1, 2, 3}) // 7, padded 8
	assert.Equal(t, 0, encodedListLen(nil))
	assert.Equal(t, 5, encodedListLen(wireList(a)))
	assert.Equal(t, 5, encodedListLen(a))
	assert.Equal(t, 15, encodedListLen(wireList(a, b)))
	assert.Equal(t, 15, encodedListLen(wireList(a, b)[:15]))
	// Not a list: the whole.
	assert.Equal(t, 3, encodedListLen([]byte{1, 2, 3}))
	assert.Equal(t, 10, encodedListLen(append(wireList(a), 0, 0)))
	assert.Equal(t, 12, encodedListLen(append(wireList(a), 0, 0, 0, 0)))
}
