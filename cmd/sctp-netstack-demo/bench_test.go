package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBench runs a short bench and checks that both protocols moved every
// byte and the ratio is printed.
func TestBench(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := benchCommand([]string{"-bytes", "4MiB"}, &stdout, &stderr)
	t.Log("\n" + stdout.String() + stderr.String())
	require.Equal(t, exitOK, code)
	require.Regexp(t, `(?m)^SCTP: 4\.0 MiB in .*/s$`, stdout.String())
	require.Regexp(t, `(?m)^TCP:  4\.0 MiB in .*/s$`, stdout.String())
	require.Regexp(t, `(?m)^ratio SCTP/TCP: \d+\.\d\d$`, stdout.String())
}

// TestByteSize checks the -bytes units.
func TestByteSize(t *testing.T) {
	for s, want := range map[string]int64{"100": 100, "64KiB": 64 << 10, "256MiB": 256 << 20, "1GiB": 1 << 30, "7B": 7} {
		var b byteSize
		require.NoError(t, b.Set(s), s)
		require.Equal(t, want, int64(b), s)
	}
	for _, s := range []string{"", "1x", "-1", "KiB", "99999999999GiB"} {
		var b byteSize
		require.Error(t, b.Set(s), s)
	}
}

// TestBitRate checks the -bandwidth values.
func TestBitRate(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "50M": 50e6, "1.5G": 1.5e9, "64k": 64e3, "1000": 1000} {
		var b bitRate
		require.NoError(t, b.Set(in), in)
		require.Equal(t, want, uint64(b), in)
	}
	b := bitRate(50e6)
	require.Equal(t, "50M", b.String())
	for _, bad := range []string{"", "fast", "-1", "10T", "NaN"} {
		var b bitRate
		require.Error(t, b.Set(bad), bad)
	}
}
