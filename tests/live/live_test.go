package live

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tests proper: echo between two gVisor stacks over veth pairs, IPv4
// and IPv6, several streams, messages larger than a packet; a discarding
// server; a stack on two links; TAP devices; a plain Linux host refusing.

// requireOK checks that a client verified all count messages and shut down
// gracefully.
func requireOK(t *testing.T, r clientRun, count int) {
	t.Helper()
	require.Equal(t, 0, r.code, "client failed:\n%s", r.out)
	require.Contains(t, r.out, "association shut down gracefully")
	require.Regexp(t, `(?m)^OK: all \d+ messages`, r.out)
	require.Contains(t, r.out, " "+strconv.Itoa(count)+" messages")
}

// TestEcho runs a server and a client over one veth pair, IPv4 and IPv6,
// with 6 streams and messages of 3000 bytes (fragmented at MTU 1500).
func TestEcho(t *testing.T) {
	for _, tc := range []struct {
		name               string
		srvAddr, cliAddr   string
		connect            string
		streams, count, sz int
	}{
		{"IPv4", "192.0.2.1/24", "192.0.2.2/24", "192.0.2.1:5000", 6, 600, 3000},
		{"IPv6", "2001:db8::1/64", "2001:db8::2/64", "[2001:db8::1]:5000", 6, 600, 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp := newTopology(t, 1)
			startServer(t, tp.a, 1, "-iface", tp.aIfaces[0], "-addr", tc.srvAddr, "-listen", ":5000")
			pcap := filepath.Join(t.TempDir(), "client.pcap")
			r := runClient(t, tp.b, "-iface", tp.bIfaces[0], "-addr", tc.cliAddr, "-connect", tc.connect,
				"-streams", strconv.Itoa(tc.streams), "-count", strconv.Itoa(tc.count), "-size", strconv.Itoa(tc.sz),
				"-pcap", pcap)
			requireOK(t, r, tc.count)
			require.Contains(t, r.out, strconv.Itoa(tc.streams)+" streams out, "+strconv.Itoa(tc.streams)+" in")
			require.Regexp(t, `(?m)^\s+total\s.*\s`+strconv.Itoa(tc.count)+`/`+strconv.Itoa(tc.count)+`$`, r.out)
			checkPcap(t, pcap, tc.count)
		})
	}
}

// TestDiscard runs a discarding server, one stack with an IPv4 and an IPv6
// address listening on both with one dual-stack listener, and two clients, one of each family, the
// second sending messages of the largest size.
func TestDiscard(t *testing.T) {
	tp := newTopology(t, 1)
	srv := startServer(t, tp.a, 1, "-iface", tp.aIfaces[0], "-addr", "192.0.2.1/24,2001:db8::1/64", "-mode", "discard")
	r := runClient(t, tp.b, "-iface", tp.bIfaces[0], "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:5000",
		"-mode", "discard", "-streams", "3", "-count", "300")
	requireOK(t, r, 300)
	r = runClient(t, tp.b, "-iface", tp.bIfaces[0], "-addr", "2001:db8::2/64", "-connect", "[2001:db8::1]:5000",
		"-mode", "discard", "-streams", "2", "-count", "40", "-size", "65536")
	requireOK(t, r, 40)
	srv.stop(t)
	require.Contains(t, srv.out.String(), "server: 2 associations, 340 messages")
}

// TestTwoLinks puts each stack on two veth pairs with an address in a
// different subnet on each, and runs a client to both of the server's
// addresses and one to the second only: either way the association has a
// path over each link (the server lists both addresses in its INIT ACK),
// the first address given being the primary.
func TestTwoLinks(t *testing.T) {
	tp := newTopology(t, 2)
	startServer(t, tp.a, 1, "-iface", strings.Join(tp.aIfaces, ","), "-addr", "192.0.2.1/24,198.51.100.1/24")
	cli := []string{"-iface", strings.Join(tp.bIfaces, ","), "-addr", "192.0.2.2/24,198.51.100.2/24", "-streams", "4", "-count", "200"}
	for _, connect := range []string{"192.0.2.1,198.51.100.1:5000", "198.51.100.1:5000"} {
		r := runClient(t, tp.b, append(cli, "-connect", connect)...)
		requireOK(t, r, 200)
		want := strings.Split(strings.Split(connect, ",")[0], ":")[0]
		require.Contains(t, r.out, "-> "+want+":5000", "association not to the first address given")
		require.Contains(t, r.out, "paths: 2, one per server address")
	}
}

// TestFailover runs one multihomed association over two veth pairs, the
// client pacing its messages so the transfer lasts five seconds, takes
// the primary path's veth down in the client's namespace (ip link set
// down) a moment into it and brings it up again 600 ms later: the
// association must carry on over the other pair, every message come back
// verified, and heartbeats must have found the primary path ACTIVE again
// by the end (a failing path is probed every RTO, which backs off to
// RTO.Max, 2 s, hence the long transfer).
func TestFailover(t *testing.T) {
	tp := newTopology(t, 2)
	startServer(t, tp.a, 1, "-iface", strings.Join(tp.aIfaces, ","), "-addr", "192.0.2.1/24,198.51.100.1/24")
	const count = 7500
	c := startClient(t, tp.b, "-iface", strings.Join(tp.bIfaces, ","), "-addr", "192.0.2.2/24,198.51.100.2/24",
		"-connect", "192.0.2.1,198.51.100.1:5000", "-streams", "4", "-count", strconv.Itoa(count), "-size", "1000",
		"-rate", "1500")
	c.waitLine(t, "client: sending ", 10*time.Second)
	time.Sleep(700 * time.Millisecond)
	tp.b.exec(t, "ip", "link", "set", tp.bIfaces[0], "down")
	time.Sleep(600 * time.Millisecond)
	tp.b.exec(t, "ip", "link", "set", tp.bIfaces[0], "up")
	r := c.wait(t)
	requireOK(t, r, count)
	primary, alt := tp.bIfaces[0], tp.bIfaces[1]
	require.Contains(t, r.out, "paths: 2, one per server address")
	require.Regexp(t, `(?m)^\s+192\.0\.2\.1\s+ACTIVE\s+over `+primary+`, from 192\.0\.2\.2, primary`, r.out)
	require.Regexp(t, `(?m)^\s+198\.51\.100\.1\s+ACTIVE\s+over `+alt+`, from 198\.51\.100\.2;`, r.out)
	require.Contains(t, r.out, "client: path to 192.0.2.1 ("+primary+") POTENTIALLY-FAILED", "no failure seen")
	require.Contains(t, r.out, "client: new data now goes to 198.51.100.1 ("+alt+")", "no failover")
	// The interface came back and a heartbeat found the primary path.
	// (Whether the stack saw a read error and read the interface again,
	// "link: ...: read error", depends on whether its reader or its
	// writer was told of ENETDOWN; see live_relink_linux.go.)
	require.Regexp(t, `paths after the transfer:\n\s+192\.0\.2\.1\s+ACTIVE\s+over `+primary+`, from 192\.0\.2\.2, primary`, r.out)
	require.Less(t, r.elapsed, clientTimeout, "the transfer took too long")
}

// TestPlainLinuxHost points a client at the kernel of the other namespace,
// which has the address but no SCTP (this kernel has no SCTP module, and
// no gVisor server runs there): the kernel answers the INIT with ICMP
// Protocol Unreachable, which the core must turn into a refused
// association at once rather than retransmitting INIT until it gives up.
func TestPlainLinuxHost(t *testing.T) {
	tp := newTopology(t, 1)
	tp.a.exec(t, "ip", "addr", "add", "192.0.2.1/24", "dev", tp.aIfaces[0])
	r := runClient(t, tp.b, "-iface", tp.bIfaces[0], "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:5000")
	require.Equal(t, 1, r.code, "client did not fail:\n%s", r.out)
	require.Less(t, r.elapsed, 5*time.Second, "client took too long to fail")
	require.Contains(t, r.out, "connection refused")
	require.Contains(t, r.out, "ICMP protocol unreachable")
}

// TestTAP runs server and client on TAP devices (-link tap) joined by a
// bridge in the namespace's kernel.
func TestTAP(t *testing.T) {
	ns, taps := newTapBridge(t)
	startServer(t, ns, 1, "-link", "tap", "-iface", taps[0], "-addr", "192.0.2.1/24")
	r := runClient(t, ns, "-link", "tap", "-iface", taps[1], "-addr", "192.0.2.2/24", "-connect", "192.0.2.1:5000",
		"-streams", "3", "-count", "300", "-size", "5000")
	requireOK(t, r, 300)
}

// checkPcap has tshark read the client's capture (written by gVisor's
// sniffer as the stack sends and receives): every SCTP packet must have a
// good CRC32c and none may be malformed, and there must be at least one
// per message each way. Without tshark the capture is not checked.
func checkPcap(t *testing.T, name string, msgs int) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Log("tshark not installed (Debian package tshark); capture not checked")
		return
	}
	out, err := exec.Command(tshark, "-r", name, "-o", "sctp.checksum:crc-32c", "-Y", "sctp",
		"-T", "fields", "-e", "sctp.checksum.status", "-e", "_ws.malformed").Output()
	require.NoError(t, err, "tshark")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Greater(t, len(lines), 2*msgs, "too few SCTP packets in the capture")
	for i, line := range lines {
		status, malformed, _ := strings.Cut(line, "\t")
		require.Equal(t, "1", status, "SCTP packet %d: checksum status %q (want 1, good)", i+1, status)
		require.Empty(t, malformed, "SCTP packet %d is malformed", i+1)
	}
}
