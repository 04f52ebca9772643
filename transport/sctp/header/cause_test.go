package header

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireCause encodes a cause and checks it against ValidateCause and its
// code.
func wireCause(t *testing.T, code CauseCode, wantLen int, encode func(b []byte) int) Cause {
	t.Helper()
	c := Cause(wireItem(t, 40, wantLen, encode))
	require.Equal(t, code, c.Code())
	require.NoError(t, ValidateCause(c))
	return c
}

func TestCauses(t *testing.T) {
	c := wireCause(t, CauseInvalidStreamIdentifier, InvalidStreamIdentifierCauseLen, func(b []byte) int {
		return InvalidStreamIdentifierCause(b).Encode(&InvalidStreamIdentifierFields{StreamID: 0xabcd})
	})
	assert.Equal(t, "00010008abcd0000", hex.EncodeToString(c)) // reserved zeroed
	assert.Equal(t, uint16(0xabcd), InvalidStreamIdentifierCause(c).StreamIdentifier())

	types := []ParamType{ParamStateCookie, ParamIPv4Address, ParamIPv6Address}
	c = wireCause(t, CauseMissingMandatoryParameter, MissingMandatoryParameterCauseLen(3), func(b []byte) int {
		return MissingMandatoryParameterCause(b).Encode(&MissingMandatoryParameterFields{Types: types})
	})
	assert.Equal(t, "0002000e"+"00000003"+"000700050006", hex.EncodeToString(c))
	m := MissingMandatoryParameterCause(c)
	require.Equal(t, uint32(3), m.NumberOfMissingParams())
	for i, ty := range types {
		assert.Equal(t, ty, m.MissingParamType(i))
	}

	c = wireCause(t, CauseStaleCookie, StaleCookieCauseLen, func(b []byte) int {
		return StaleCookieCause(b).Encode(&StaleCookieFields{Staleness: 123456})
	})
	assert.Equal(t, uint32(123456), StaleCookieCause(c).MeasureOfStaleness())

	c = wireCause(t, CauseOutOfResource, OutOfResourceCauseLen, func(b []byte) int { return OutOfResourceCause(b).Encode() })
	assert.Equal(t, "00040004", hex.EncodeToString(c))

	addr := wireParam(ParamIPv4Address, []byte{192, 0, 2, 9})
	c = wireCause(t, CauseUnresolvableAddress, UnresolvableAddressCauseLen(len(addr)), func(b []byte) int {
		return UnresolvableAddressCause(b).Encode(&UnresolvableAddressFields{Address: addr})
	})
	assert.Equal(t, Param(addr), UnresolvableAddressCause(c).UnresolvableAddress())

	chunk := wireRaw(0x7f, 3, []byte{1, 2})
	c = wireCause(t, CauseUnrecognizedChunkType, UnrecognizedChunkTypeCauseLen(len(chunk)), func(b []byte) int {
		return UnrecognizedChunkTypeCause(b).Encode(&UnrecognizedChunkTypeFields{Chunk: chunk})
	})
	assert.Equal(t, Chunk(chunk), UnrecognizedChunkTypeCause(c).UnrecognizedChunk())
	assert.Equal(t, ChunkType(0x7f), UnrecognizedChunkTypeCause(c).UnrecognizedChunk().Type())

	c = wireCause(t, CauseInvalidMandatoryParameter, InvalidMandatoryParameterCauseLen, func(b []byte) int {
		return InvalidMandatoryParameterCause(b).Encode()
	})
	assert.Equal(t, "00070004", hex.EncodeToString(c))

	params := wireList(wireParam(0x8077, []byte{1}), wireParam(0xC077, []byte{1, 2}))
	c = wireCause(t, CauseUnrecognizedParameters, UnrecognizedParametersCauseLen(params), func(b []byte) int {
		return UnrecognizedParametersCause(b).Encode(&UnrecognizedParametersFields{Params: params})
	})
	assert.Equal(t, CauseHeaderLen+8+6, int(c.Length()))
	assert.Equal(t, params[:14], UnrecognizedParametersCause(c).Params())

	c = wireCause(t, CauseNoUserData, NoUserDataCauseLen, func(b []byte) int {
		return NoUserDataCause(b).Encode(&NoUserDataFields{TSN: 0xfffffffe})
	})
	assert.Equal(t, uint32(0xfffffffe), NoUserDataCause(c).TSN())

	c = wireCause(t, CauseCookieWhileShuttingDown, CookieWhileShuttingDownCauseLen, func(b []byte) int {
		return CookieWhileShuttingDownCause(b).Encode()
	})
	assert.Equal(t, "000a0004", hex.EncodeToString(c))

	addrs := wireList(addr, wireParam(ParamIPv6Address, make([]byte, 16)))
	c = wireCause(t, CauseRestartWithNewAddresses, RestartWithNewAddressesCauseLen(addrs), func(b []byte) int {
		return RestartWithNewAddressesCause(b).Encode(&RestartWithNewAddressesFields{Addresses: addrs})
	})
	assert.Equal(t, addrs, RestartWithNewAddressesCause(c).NewAddresses())

	c = wireCause(t, CauseUserInitiatedAbort, UserInitiatedAbortCauseLen(5), func(b []byte) int {
		return UserInitiatedAbortCause(b).Encode(&UserInitiatedAbortFields{Reason: []byte("close")})
	})
	assert.Equal(t, []byte("close"), UserInitiatedAbortCause(c).UpperLayerAbortReason())

	c = wireCause(t, CauseProtocolViolation, ProtocolViolationCauseLen(3), func(b []byte) int {
		return ProtocolViolationCause(b).Encode(&ProtocolViolationFields{Info: []byte("why")})
	})
	assert.Equal(t, []byte("why"), ProtocolViolationCause(c).AdditionalInformation())

	c = wireCause(t, 0x1234, 6, func(b []byte) int { return Cause(b).Encode(&CauseFields{Code: 0x1234, Info: []byte{1, 2}}) })
	assert.Equal(t, []byte{1, 2}, c.Info())
}

func TestValidateCause(t *testing.T) {
	cause := func(code CauseCode, info ...byte) []byte {
		b := make([]byte, PaddedLen(CauseHeaderLen+len(info)))
		Cause(b).Encode(&CauseFields{Code: code, Info: info})
		return b[:CauseHeaderLen+len(info)]
	}
	for _, tc := range []struct {
		name string
		c    []byte
		err  error
	}{
		{"stream id short", cause(CauseInvalidStreamIdentifier, 0, 1), ErrCauseBadLength},
		{"missing none", cause(CauseMissingMandatoryParameter, 0, 0, 0, 0), nil},
		{"missing short", cause(CauseMissingMandatoryParameter, 0, 0, 0), ErrCauseBadLength},
		{"missing count over", cause(CauseMissingMandatoryParameter, 0, 0, 0, 2, 0, 7), ErrCauseBadLength},
		{"missing count huge", cause(CauseMissingMandatoryParameter, 0xff, 0xff, 0xff, 0xff, 0, 7), ErrCauseBadLength},
		{"missing odd extra", cause(CauseMissingMandatoryParameter, 0, 0, 0, 1, 0, 7, 9), nil},
		{"stale short", cause(CauseStaleCookie), ErrCauseBadLength},
		{"unresolvable short", cause(CauseUnresolvableAddress, 0, 5, 0), ErrCauseBadLength},
		{"unrecognized chunk short", cause(CauseUnrecognizedChunkType, 0x7f, 0, 0), ErrCauseBadLength},
		{"no user data short", cause(CauseNoUserData, 0, 0, 1), ErrCauseBadLength},
		{"out of resource", cause(CauseOutOfResource), nil},
		{"unknown", cause(0x4444, 1, 2, 3), nil},
		{"truncated", []byte{0, 1}, ErrTruncated},
		{"length below 4", []byte{0, 1, 0, 0}, ErrCauseTooShort},
		{"overrun", []byte{0, 1, 0, 8, 0, 0}, ErrCauseOverrun},
	} {
		if tc.err == nil {
			assert.NoError(t, ValidateCause(tc.c), tc.name)
		} else {
			assert.ErrorIs(t, ValidateCause(tc.c), tc.err, tc.name)
		}
	}
}
