package header

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers of the extension layouts' tests, beside wire_helpers_test.go's.

// extEncodeParam runs encode (of a parameter) as wireItem does, checks
// that the parameter has type want and passes ValidateParam, and returns
// it.
func extEncodeParam(t *testing.T, size int, want ParamType, wantLen int, encode func(b []byte) int) Param {
	t.Helper()
	p := Param(wireItem(t, size, wantLen, encode))
	require.Equal(t, want, p.Type())
	require.NoError(t, ValidateParam(p))
	return p
}

// extParams collects an iterator's parameters, failing on an error.
func extParams(t *testing.T, it ParamIter) []Param {
	t.Helper()
	var ps []Param
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		ps = append(ps, p)
	}
	require.NoError(t, it.Err())
	return ps
}

// extWithLength returns a copy of item (a chunk, parameter or cause, whose
// length field is at offset 2) with its length field set to l.
func extWithLength(item []byte, l int) []byte {
	b := append([]byte(nil), item...)
	b[2] = byte(l >> 8)
	b[3] = byte(l)
	return b
}
