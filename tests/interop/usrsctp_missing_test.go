//go:build !usrsctp || !cgo

package interop

import "testing"

// TestUsrsctp stands in for the usrsctp scenarios when the package is built
// without the usrsctp tag, so that a run without usrsctp says so instead of
// passing in silence.
func TestUsrsctp(t *testing.T) {
	t.Skip("usrsctp interop needs cgo and the usrsctp library: apt-get install libusrsctp-dev, then go test -tags usrsctp ./tests/interop/")
}
