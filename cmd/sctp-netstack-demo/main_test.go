package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The scenario must stay a few seconds even under -race: small counts,
// a timeout well below the test binary's.
const testTimeout = 15 * time.Second

// TestScenario runs the scenario in-process and checks that every message
// was verified and the association shut down gracefully.
func TestScenario(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"perfect", Config{Streams: 8, Count: 25, Size: 6000}},
		{"loss and delay", Config{Streams: 4, Count: 25, Size: 3000, Loss: 0.02, Delay: time.Millisecond}},
		{"one stream, small", Config{Streams: 1, Count: 30, Size: msgHeaderLen}},
		{"failover", Config{Streams: 8, Count: 40, Size: 6000, Bandwidth: 50e6, Outage: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Seed = 3
			cfg.Timeout = testTimeout
			var out bytes.Buffer
			cfg.Out = &out
			r, err := Run(context.Background(), cfg)
			t.Log("\n" + out.String())
			require.NoError(t, err)
			require.True(t, r.OK(), "problems %q, shutdown %q", r.Problems, r.Shutdown)
			require.Equal(t, cfg.Streams*cfg.Count, r.Verified)
			require.Len(t, r.Streams, cfg.Streams)
			for i, s := range r.Streams {
				require.Equal(t, cfg.Count, s.Ordered+s.Unordered, "stream %d", i)
			}
			if cfg.Size > r.MaxUnfragmented {
				require.Positive(t, r.Fragmented, "no message larger than a packet was sent")
			}
			require.Len(t, r.Paths, linkCount, "a path over each link")
			if !cfg.Outage {
				require.Nil(t, r.Outage)
				return
			}
			// The cut link's path failed over to the other link, which
			// carried echoes, and the link was healed before the end.
			o := r.Outage
			require.NotNil(t, o)
			require.Positive(t, o.Failover, "no echo over link1 after the cut")
			require.Less(t, o.Failover, 2*time.Second)
			require.Positive(t, o.Healed, "the transfer ended before the heal")
			require.Positive(t, o.AltPackets)
			require.Positive(t, r.PathSwitches[0]+r.PathSwitches[1], "new data never changed paths")
			// The end with data in flight at the cut sees the timeout: the
			// server with its echoes, and the client unless it had sent
			// everything already.
			require.Regexp(t, `(client: path to 192\.0\.2\.2|server: path to 192\.0\.2\.1) \(link0\) POTENTIALLY-FAILED`, out.String())
			require.Contains(t, out.String(), "link0 healed")
		})
	}
}

// TestPcap runs the command with -pcap and has tshark check that every
// SCTP packet of the capture has a good CRC32c and none is malformed.
func TestPcap(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "demo.pcap")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-count", "10", "-size", "4000", "-pcap", pcap}, &stdout, &stderr)
	t.Log("\n" + stdout.String() + stderr.String())
	require.Equal(t, exitOK, code)

	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed (Debian package tshark); capture not checked")
	}
	cmd := exec.Command(tshark, "-r", pcap, "-o", "sctp.checksum:crc-32c",
		"-T", "fields", "-e", "sctp.checksum.status", "-e", "_ws.malformed")
	var tout, terr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &tout, &terr
	require.NoError(t, cmd.Run(), "tshark: %s", terr.String())

	lines := strings.Split(strings.TrimSpace(tout.String()), "\n")
	require.Greater(t, len(lines), 20, "too few packets in the capture")
	for i, line := range lines {
		status, malformed, _ := strings.Cut(line, "\t")
		// sctp.checksum.status: 0 bad, 1 good, 2 unverified; empty when
		// the packet is not SCTP.
		require.Equal(t, "1", status, "packet %d: checksum status %q (want 1, good)", i+1, status)
		require.Empty(t, malformed, "packet %d is malformed", i+1)
	}
}

// TestCommandLine checks the exit statuses of the command line handling.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-help"}, exitOK, "-pcap FILE"},
		{[]string{"help"}, exitOK, "Usage:"},
		{[]string{"nosuch"}, exitUsage, `unknown command "nosuch"`},
		{[]string{"-help"}, exitOK, "server   echo or discard server"},
		{[]string{"server", "-help"}, exitOK, "-mode string"},
		{[]string{"client", "-help"}, exitOK, "-connect IP[,IP]:PORT"},
		{[]string{"bench", "-help"}, exitOK, "ratio SCTP/TCP"},
		{[]string{"server"}, exitUsage, "-iface is required"},
		{[]string{"server", "-iface", "x0"}, exitUsage, "-addr is required"},
		{[]string{"server", "-iface", "x0", "-addr", "192.0.2.1/24", "-mode", "reverse"}, exitUsage, `-mode "reverse"`},
		{[]string{"server", "-iface", "x0", "-addr", "192.0.2.1/24", "-link", "pipe"}, exitUsage, `-link "pipe"`},
		{[]string{"server", "-iface", "x0", "-addr", "192.0.2.1", "-listen", ":1"}, exitUsage, "not IP/PREFIX"},
		{[]string{"client", "-iface", "x0", "-addr", "192.0.2.2/24"}, exitUsage, "-connect is required"},
		{[]string{"client", "-iface", "x0", "-addr", "192.0.2.2/24", "-connect", "192.0.2.1"}, exitUsage, "-connect"},
		{[]string{"client", "-iface", "x0", "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:1", "-size", "1"}, exitUsage, "-size 1"},
		{[]string{"client", "-iface", "x0,x1", "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:1"}, exitUsage, "2 interfaces"},
		{[]string{"client", "-iface", "no-such-if0", "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:1"}, exitFailed, "no-such-if0"},
		{[]string{"bench", "-bytes", "1x"}, exitUsage, "-bytes"},
		{[]string{"-streams", "0"}, exitUsage, "-streams 0"},
		{[]string{"-size", "1"}, exitUsage, "-size 1"},
		{[]string{"-loss", "1"}, exitUsage, "-loss 1"},
		{[]string{"-bandwidth", "fast"}, exitUsage, "-bandwidth"},
		{[]string{"client", "-iface", "x0", "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:1", "-rate", "-1"}, exitUsage, "-rate -1"},
		{[]string{"-nosuchflag"}, exitUsage, "-nosuchflag"},
		{[]string{"-count", "1", "extra"}, exitUsage, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		require.Equal(t, tc.code, code, "%q", tc.args)
		require.Contains(t, stdout.String()+stderr.String(), tc.want, "%q", tc.args)
	}
}
