package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestZeroChecksumAcceptableRoundTrip(t *testing.T) {
	for _, f := range []ZeroChecksumAcceptableFields{{EDMID: EDMIDDTLS}, {EDMID: 0xFFFFFFFF}} {
		p := extEncodeParam(t, 8, ParamZeroChecksumAcceptable, ZeroChecksumAcceptableParamLen, func(b []byte) int {
			return ZeroChecksumAcceptableParam(b).Encode(&f)
		})
		require.Equal(t, f, ZeroChecksumAcceptableFields{EDMID: ZeroChecksumAcceptableParam(p).ErrorDetectionMethodIdentifier()})
		// RFC 9653 4: type 0x8001, so an old receiver skips it silently.
		require.Equal(t, ActionSkip, p.Type().UnrecognizedAction())
	}
}
