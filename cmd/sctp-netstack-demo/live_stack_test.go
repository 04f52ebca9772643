package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPcapSink checks that the sink keeps one file header for several
// sniffers and only IP packets.
func TestPcapSink(t *testing.T) {
	name := filepath.Join(t.TempDir(), "x.pcap")
	p, err := newPcapSink(name)
	require.NoError(t, err)
	w0, w1 := p.writer(false), p.writer(true)
	header := make([]byte, 24)
	header[0] = 0xd4
	rec := func(first byte) []byte {
		b := make([]byte, pcapRecordHeaderLen+20)
		b[pcapRecordHeaderLen] = first
		return b
	}
	for _, wr := range []struct {
		w interface{ Write([]byte) (int, error) }
		b []byte
	}{
		{w0, header}, {w1, header}, // one header kept
		{w0, rec(0x45)}, {w1, rec(0x60)}, // IPv4 and IPv6 kept
		{w1, rec(0x00)}, // ARP dropped
	} {
		n, err := wr.w.Write(wr.b)
		require.NoError(t, err)
		require.Equal(t, len(wr.b), n)
	}
	require.NoError(t, p.close())
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	require.Len(t, b, 24+2*(pcapRecordHeaderLen+20))
	require.Equal(t, byte(0x45), b[24+pcapRecordHeaderLen])
	require.Equal(t, byte(0x60), b[24+2*pcapRecordHeaderLen+20])
}
