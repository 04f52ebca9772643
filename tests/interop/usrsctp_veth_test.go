//go:build linux

package interop

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// usrsctp over real links: usrsctp's example programs (Debian package
// libusrsctp-examples, /usr/lib/usrsctp) in namespace "peer", speaking SCTP
// over raw IPv4/IPv6 sockets of the namespace's kernel (usrsctp_init with
// UDP port 0: no UDP encapsulation), and the demo's server or client (our
// stack over fdbased) in namespace "ours", joined by veth pairs. Every
// capture (the demo's -pcap, our stack's view, and dumpcap on our veth
// ends, the wire) is decoded by tshark with -o sctp.checksum:crc-32c: no
// bad checksum, no malformed packet, no expert warning (checkWire).
//
// The programs' fixed ports: echo_server 7, discard_server 9,
// daytime_server 13, tsctp 5001.

// Addresses: the peer (usrsctp, the namespace's kernel) is .1, our stack .2.
const (
	peer4a, ours4a = "192.0.2.1", "192.0.2.2"
	peer4b, ours4b = "198.51.100.1", "198.51.100.2"
	peer6, ours6   = "2001:db8::1", "2001:db8::2"
)

// bigRawRcvbuf is the receive buffer growRawRcvbuf gives usrsctp's raw
// sockets in the tests that are not about its size.
const bigRawRcvbuf = 4 << 20

// demoTimeout bounds each demo client run.
const demoTimeout = 60 * time.Second

// requireDemoOK checks a demo client run: every message verified (echo)
// or acknowledged (discard), graceful shutdown.
func requireDemoOK(t *testing.T, r demoRun, count int) {
	t.Helper()
	require.Equal(t, 0, r.code, "demo client failed:\n%s", r.out)
	require.Contains(t, r.out, "association shut down gracefully")
	require.Regexp(t, `(?m)^OK: all `+strconv.Itoa(count)+` messages`, r.out)
}

// throughputLine returns the demo client's throughput or elapsed line.
func throughputLine(out string) string {
	for _, p := range []string{"throughput:", "elapsed:"} {
		if m := regexp.MustCompile(`(?m)^` + p + `.*$`).FindString(out); m != "" {
			return m
		}
	}
	return ""
}

// TestUsrsctpVethEcho: usrsctp's echo_server in peer, the demo client in
// ours, one veth pair; the client sends 2000 messages of 1000 bytes over
// 4 streams (a quarter unordered), checks every echo and shuts down.
func TestUsrsctpVethEcho(t *testing.T) {
	echo := usrsctpProgram(t, "echo_server")
	for _, tc := range []struct {
		name, peerPfx, oursPfx, connect string
	}{
		{"IPv4", peer4a + "/24", ours4a + "/24", peer4a + ":7"},
		{"IPv6", peer6 + "/64", ours6 + "/64", "[" + peer6 + "]:7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVethNet(t, 1)
			v.peerAddr(t, 0, tc.peerPfx)
			dir := pcapDir(t)
			wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
			es := startProc(t, v.peer, nil, echo, "0")
			waitRawSCTP(t, v.peer)
			growRawRcvbuf(t, es, bigRawRcvbuf)
			const count = 2000
			ourPcap := filepath.Join(dir, "ours.pcap")
			r := runDemoClient(t, v.ours, demoTimeout, "-iface", v.oursIf[0], "-addr", tc.oursPfx,
				"-connect", tc.connect, "-streams", "4", "-count", strconv.Itoa(count), "-size", "1000", "-pcap", ourPcap)
			wire.stop()
			t.Logf("RESULT %s: %s (raw socket drops in peer: %d)", t.Name(), throughputLine(r.out), rawDrops(v.peer))
			requireDemoOK(t, r, count)
			checkWire(t, ourPcap)
			if wire != nil {
				checkWire(t, wire.path)
			}
		})
	}
}

// TestUsrsctpVethOurServer: the demo server (echo) in ours, usrsctp's
// client program in peer. The client sends each line of its stdin as a
// message, prints what comes back, and at the end of its input shuts the
// association down (usrsctp_shutdown SHUT_WR): the SHUTDOWN comes from
// usrsctp.
//
// AfterEchoes keeps the client's input open until every echo is back.
// WhileEchoing ends it at once, so usrsctp's SHUTDOWN goes out while our
// echoes are still on their way: usrsctp, in SHUTDOWN-SENT, then answers
// each packet of our DATA with a SHUTDOWN whose Cumulative TSN Ack
// acknowledges it (RFC 9260 9.2), instead of a SACK. Lines our server
// reads after that SHUTDOWN are not echoed (writes fail with EPIPE), and
// the association still ends gracefully.
func TestUsrsctpVethOurServer(t *testing.T) {
	client := usrsctpProgram(t, "client")
	for _, whileEchoing := range []bool{false, true} {
		name := "AfterEchoes"
		if whileEchoing {
			name = "WhileEchoing"
		}
		t.Run(name, func(t *testing.T) {
			v := newVethNet(t, 1)
			v.peerAddr(t, 0, peer4a+"/24")
			dir := pcapDir(t)
			wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
			ourPcap := filepath.Join(dir, "ours.pcap")
			srv := startDemoServer(t, v.ours, "-iface", v.oursIf[0], "-addr", ours4a+"/24", "-listen", ":5000", "-pcap", ourPcap)

			const lines = 500
			var in strings.Builder
			for i := range lines {
				fmt.Fprintf(&in, "line %04d of the usrsctp client to our echo server\n", i)
			}
			pr, pw := io.Pipe()
			start := time.Now()
			cli := startProc(t, v.peer, pr, client, ours4a, "5000", "0", "0")
			go func() {
				_, _ = io.WriteString(pw, in.String())
				if !whileEchoing {
					// The last echo is back, or the client died.
					deadline := time.Now().Add(20 * time.Second)
					for !strings.Contains(cli.out.String(), fmt.Sprintf("line %04d ", lines-1)) && time.Now().Before(deadline) {
						time.Sleep(10 * time.Millisecond)
					}
				}
				pw.Close()
			}()
			code := cli.wait(t, 25*time.Second)
			elapsed := time.Since(start)
			wire.stop()
			out := cli.out.String()
			var cs []wireChunk
			if wire != nil {
				cs = checkWire(t, wire.path)
			}
			require.Equal(t, 0, code, "usrsctp client failed")
			require.Contains(t, out, "SCTP_COMM_UP")
			require.Contains(t, out, "SCTP_SHUTDOWN_COMP", "association not shut down gracefully")
			// Every echo comes back once. While echoing, those our
			// server writes after usrsctp's SHUTDOWN reached it cannot
			// go (RFC 9260 9.2: no new user data in SHUTDOWN-RECEIVED;
			// the server then reads the rest without echoing), so the
			// echoes are the first k lines, whatever k the race gives.
			echoed := 0
			for i := range lines {
				l := fmt.Sprintf("line %04d of the usrsctp client to our echo server\n", i)
				n := strings.Count(out, l)
				if n == 1 && echoed == i {
					echoed++
					continue
				}
				want := 0 // past the first missing echo, none may follow
				if !whileEchoing {
					want = 1
				}
				require.Equal(t, want, n, "echo of %q (%d lines echoed before it)", l, echoed)
			}
			require.Positive(t, echoed)
			srv.stop()
			require.Contains(t, srv.out.String(), fmt.Sprintf("server: 1 associations, %d messages", lines), "every line read")
			t.Logf("RESULT %s: %d of %d lines echoed in %v (client process, setup and shutdown included)", t.Name(), echoed, lines, elapsed.Round(time.Millisecond))
			checkWire(t, ourPcap)
			if wire != nil {
				assert.Equal(t, 1, countChunks(cs, peer4a, ctInit), "INIT from usrsctp")
				assert.GreaterOrEqual(t, countChunks(cs, peer4a, ctShutdown), 1, "SHUTDOWN from usrsctp")
				assert.GreaterOrEqual(t, countChunks(cs, ours4a, ctShutdownAck), 1, "our SHUTDOWN ACK")
				assert.GreaterOrEqual(t, countChunks(cs, peer4a, ctShutdownDone), 1, "SHUTDOWN COMPLETE from usrsctp")
				assert.Zero(t, countChunks(cs, "", ctAbort), "ABORT")
			}
		})
	}
}

// TestUsrsctpVethBulk measures throughput each way with usrsctp's tsctp:
// tsctp's client sends 1452-byte messages (one full packet each) to the
// demo server in discard mode and ends with SCTP_EOF (a SHUTDOWN from
// usrsctp); the demo client in discard mode sends to tsctp's server.
func TestUsrsctpVethBulk(t *testing.T) {
	tsctp := usrsctpProgram(t, "tsctp")
	const count, size = 20000, 1452
	t.Run("UsrsctpToOurs", func(t *testing.T) {
		v := newVethNet(t, 1)
		v.peerAddr(t, 0, peer4a+"/24")
		dir := pcapDir(t)
		wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
		srv := startDemoServer(t, v.ours, "-iface", v.oursIf[0], "-addr", ours4a+"/24", "-listen", ":5001", "-mode", "discard")
		cli := startProc(t, v.peer, nil, tsctp, "-E", "0", "-n", strconv.Itoa(count), "-l", strconv.Itoa(size), "-p", "5001", ours4a)
		code := cli.wait(t, 90*time.Second)
		elapsed := cli.end.Sub(cli.start)
		require.Equal(t, 0, code, "tsctp client failed")
		srv.waitFor(t, "shut down by the peer", 10*time.Second)
		srv.stop()
		require.Contains(t, srv.out.String(), fmt.Sprintf("server: 1 associations, %d messages", count))
		tl := regexp.MustCompile(`Throughput was ([0-9.]+) Byte/sec`).FindStringSubmatch(cli.out.String())
		mbs := float64(count*size) / elapsed.Seconds() / 1e6
		t.Logf("RESULT %s: %d x %d bytes in %v: %.1f MB/s over the process's life (tsctp's own figure, until its close: %v B/s)",
			t.Name(), count, size, elapsed.Round(time.Millisecond), mbs, tl)
		wire.stop()
		if wire != nil {
			cs := checkWire(t, wire.path)
			assert.GreaterOrEqual(t, countChunks(cs, peer4a, ctShutdown), 1, "SHUTDOWN from usrsctp")
			assert.Zero(t, countChunks(cs, "", ctAbort), "ABORT")
		}
	})
	t.Run("OursToUsrsctp", func(t *testing.T) {
		v := newVethNet(t, 1)
		v.peerAddr(t, 0, peer4a+"/24")
		dir := pcapDir(t)
		wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
		srv := startProc(t, v.peer, nil, tsctp, "-E", "0", "-p", "5001")
		waitRawSCTP(t, v.peer)
		growRawRcvbuf(t, srv, bigRawRcvbuf)
		ourPcap := filepath.Join(dir, "ours.pcap")
		r := runDemoClient(t, v.ours, demoTimeout, "-iface", v.oursIf[0], "-addr", ours4a+"/24", "-connect", peer4a+":5001",
			"-mode", "discard", "-streams", "1", "-count", strconv.Itoa(count), "-size", strconv.Itoa(size), "-pcap", ourPcap)
		wire.stop()
		t.Logf("RESULT %s: %d x %d bytes, %s (raw socket drops in peer: %d)", t.Name(), count, size, throughputLine(r.out), rawDrops(v.peer))
		requireDemoOK(t, r, count)
		// tsctp's server prints: length, messages, recv calls, bytes,
		// seconds, throughput, notifications.
		srv.waitFor(t, fmt.Sprintf("%d, %d, ", size, count), 10*time.Second)
		checkWire(t, ourPcap)
		if wire != nil {
			checkWire(t, wire.path)
		}
	})
}

// TestUsrsctpVethAbortByPeer: usrsctp's daytime_server accepts, sends the
// time and closes its socket; the demo client's messages find the socket
// gone, or unread in its buffer at close, and usrsctp aborts the
// association: the ABORT comes from usrsctp. The client runs with -early:
// its first message rides in the COOKIE ECHO's packet (RFC 9260 5.1), so it
// is in usrsctp's socket before accept returns and the close is always an
// ABORT. Without it usrsctp often closed before our first DATA arrived
// (our SACK of its time came at once, RFC 9260 5.1) and shut down
// gracefully instead.
func TestUsrsctpVethAbortByPeer(t *testing.T) {
	daytime := usrsctpProgram(t, "daytime_server")
	v := newVethNet(t, 1)
	v.peerAddr(t, 0, peer4a+"/24")
	dir := pcapDir(t)
	wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
	proc := startProc(t, v.peer, nil, daytime, "0")
	waitRawSCTP(t, v.peer)
	ourPcap := filepath.Join(dir, "ours.pcap")
	r := runDemoClient(t, v.ours, 10*time.Second, "-iface", v.oursIf[0], "-addr", ours4a+"/24", "-connect", peer4a+":13",
		"-early", "-streams", "1", "-count", "20", "-size", "200", "-pcap", ourPcap)
	wire.stop()
	proc.stop()
	require.Equal(t, 1, r.code, "demo client did not fail")
	require.Regexp(t, `connection reset by peer|aborted`, r.out, "usrsctp did not abort")
	checkWire(t, ourPcap)
	if wire == nil {
		return
	}
	cs := checkWire(t, wire.path)
	require.Zero(t, countChunks(cs, ours4a, ctAbort), "ABORT from us")
	require.Equal(t, 1, countChunks(cs, peer4a, ctAbort), "one ABORT from usrsctp")
	// -early: our COOKIE ECHO's frame carries DATA too.
	echoFrame, bundled := 0, false
	for _, c := range cs {
		switch {
		case c.src != ours4a:
		case c.chunk == ctCookieEcho && echoFrame == 0:
			echoFrame = c.frame
		case c.chunk == ctData && c.frame == echoFrame:
			bundled = true
		}
	}
	require.NotZero(t, echoFrame, "no COOKIE ECHO from us")
	require.True(t, bundled, "no DATA in our COOKIE ECHO's frame %d", echoFrame)
	for _, c := range cs {
		if c.chunk == ctAbort {
			t.Logf("RESULT %s: usrsctp's ABORT in frame %d at %.3fs (T bit %v)", t.Name(), c.frame, c.time, c.abortTB)
		}
	}
}

// pcapDir is where a test's captures go: $INTEROP_PCAP_DIR/<test> or a
// temporary directory.
func pcapDir(t *testing.T) string {
	t.Helper()
	p := pcapPathFor(t)
	dir := strings.TrimSuffix(p, ".pcap")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// TestUsrsctpVethHeartbeats: the demo server in ours, usrsctp's client in
// peer, one message echoed, then the association idles for 36 s, more
// than both sides' heartbeat interval (30 s plus RTO and jitter, RFC 9260
// 8.3, on both): each side must heartbeat the other and answer the
// other's HEARTBEAT, and nothing else may happen (no retransmission, no
// ERROR, no ABORT) until usrsctp shuts the association down.
func TestUsrsctpVethHeartbeats(t *testing.T) {
	if testing.Short() {
		t.Skip("idles for 36 s")
	}
	client := usrsctpProgram(t, "client")
	v := newVethNet(t, 1)
	v.peerAddr(t, 0, peer4a+"/24")
	dir := pcapDir(t)
	wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
	ourPcap := filepath.Join(dir, "ours.pcap")
	srv := startDemoServer(t, v.ours, "-iface", v.oursIf[0], "-addr", ours4a+"/24", "-listen", ":5000", "-pcap", ourPcap)
	pr, pw := io.Pipe()
	cli := startProc(t, v.peer, pr, client, ours4a, "5000", "0", "0")
	_, _ = io.WriteString(pw, "one line before the silence\n")
	cli.waitFor(t, "one line before the silence\n", 10*time.Second)
	time.Sleep(36 * time.Second)
	pw.Close()
	code := cli.wait(t, 20*time.Second)
	wire.stop()
	require.Equal(t, 0, code, "usrsctp client failed")
	require.Contains(t, cli.out.String(), "SCTP_SHUTDOWN_COMP")
	srv.stop() // flushes the capture
	checkWire(t, ourPcap)
	if wire == nil {
		return
	}
	cs := checkWire(t, wire.path)
	first := map[string]float64{}
	for _, c := range cs {
		if c.chunk == ctHeartbeat && first[c.src] == 0 {
			first[c.src] = c.time - cs[0].time
		}
	}
	t.Logf("RESULT %s: HEARTBEAT/ACK from us %d/%d (first after %.1fs), from usrsctp %d/%d (first after %.1fs)", t.Name(),
		countChunks(cs, ours4a, ctHeartbeat), countChunks(cs, ours4a, ctHeartbeatAck), first[ours4a],
		countChunks(cs, peer4a, ctHeartbeat), countChunks(cs, peer4a, ctHeartbeatAck), first[peer4a])
	assert.NotZero(t, countChunks(cs, ours4a, ctHeartbeat), "no HEARTBEAT from us")
	assert.NotZero(t, countChunks(cs, peer4a, ctHeartbeatAck), "no HEARTBEAT ACK from usrsctp")
	assert.NotZero(t, countChunks(cs, peer4a, ctHeartbeat), "no HEARTBEAT from usrsctp")
	assert.NotZero(t, countChunks(cs, ours4a, ctHeartbeatAck), "no HEARTBEAT ACK from us")
	assert.Zero(t, countChunks(cs, "", ctAbort), "ABORT")
	assert.Zero(t, countChunks(cs, "", 9), "ERROR")
}
