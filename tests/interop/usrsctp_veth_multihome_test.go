//go:build linux

package interop

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Multihoming against usrsctp over two veth pairs, and what a multihomed
// or overloaded usrsctp does that a single-homed idle one does not.

// TestUsrsctpVethMultihoming: two veth pairs, usrsctp with an address on
// each (192.0.2.1, 198.51.100.1), our stack too (.2 on each). The demo
// client connects to both of usrsctp's addresses and sends.
//
// BothUp keeps both links up: the association must use both (each side
// confirms the other's second address with HEARTBEATs, and each side
// answers the other's), and end gracefully. In Echo and Discard the link
// of the primary path (the first address) is taken down on usrsctp's side
// half a second into the transfer, and the transfer must finish over the
// other link. Echo runs data both ways (usrsctp's echoes must fail over
// too), Discard (tsctp's server) data one way.
func TestUsrsctpVethMultihoming(t *testing.T) {
	for _, tc := range []struct {
		name, prog, port, mode string
		args                   []string
		count                  int
		linkDown               bool
		timeout                time.Duration
	}{
		{"BothUp", "echo_server", "7", "echo", []string{"0"}, 3000, false, demoTimeout},
		{"Echo", "echo_server", "7", "echo", []string{"0"}, 15000, true, 150 * time.Second},
		{"Discard", "tsctp", "5001", "discard", []string{"-E", "0", "-p", "5001"}, 60000, true, 120 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := usrsctpProgram(t, tc.prog)
			demoBinary(t)
			v := newVethNet(t, 2)
			v.peerAddr(t, 0, peer4a+"/24")
			v.peerAddr(t, 1, peer4b+"/24")
			dir := pcapDir(t)
			wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf...)
			p := startProc(t, v.peer, nil, append([]string{prog}, tc.args...)...)
			waitRawSCTP(t, v.peer)
			growRawRcvbuf(t, p, bigRawRcvbuf)

			ourPcap := filepath.Join(dir, "ours.pcap")
			cli := startDemoClient(t, v.ours, tc.timeout, "-iface", strings.Join(v.oursIf, ","),
				"-addr", ours4a+"/24,"+ours4b+"/24", "-connect", peer4a+","+peer4b+":"+tc.port,
				"-mode", tc.mode, "-streams", "4", "-count", strconv.Itoa(tc.count), "-size", "1000", "-pcap", ourPcap)
			var downAt time.Time
			if tc.linkDown {
				cli.waitFor(t, "client: sending", 10*time.Second)
				time.Sleep(500 * time.Millisecond)
				select {
				case <-cli.done:
					t.Fatalf("transfer over before the link went down; make it longer:\n%s", cli.out.String())
				default:
				}
				downAt = time.Now()
				v.peer.exec(t, "ip", "link", "set", v.peerIf[0], "down")
				t.Logf("link %s (%s) down at %s", v.peerIf[0], peer4a, downAt.Format("15:04:05.000"))
			}
			r := cli.result(t, tc.timeout)
			wire.stop()
			t.Logf("RESULT %s: %s", t.Name(), throughputLine(r.out))
			// Our path to usrsctp's second address must leave by the
			// second link, from our second address.
			wrong := regexp.MustCompile(regexp.QuoteMeta(peer4b) + `\s+\S+\s+over ` + regexp.QuoteMeta(v.oursIf[0]) + `, from ` + regexp.QuoteMeta(ours4a))
			require.False(t, wrong.MatchString(r.out), "our path to %s must leave by %s from %s: %q", peer4b, v.oursIf[1], ours4b, wrong.FindString(r.out))
			checkWire(t, ourPcap)
			var cs []wireChunk
			if wire != nil {
				cs = checkWire(t, wire.path)
			}
			// -connect names both of usrsctp's addresses, so ours are
			// confirmed (RFC 9260 5.4 rule 1) and need no HEARTBEAT
			// before the 30 s interval; usrsctp must confirm our second
			// address (rule 3) and we must answer.
			if wire != nil {
				assert.NotZero(t, countChunks(cs, peer4b, ctHeartbeat)+countChunks(cs, peer4a, ctHeartbeat), "no HEARTBEAT from usrsctp")
				assert.NotZero(t, countChunks(cs, ours4b, ctHeartbeatAck), "no HEARTBEAT ACK from %s", ours4b)
			}
			requireDemoOK(t, r, tc.count)
			assert.Zero(t, countChunks(cs, "", ctAbort), "ABORT")
			if !tc.linkDown || wire == nil {
				return
			}
			down := float64(downAt.UnixNano()) / 1e9
			var before, after, peerAfter int
			for _, c := range cs {
				if c.chunk != ctData {
					continue
				}
				switch {
				case c.src != ours4a && c.src != ours4b:
					if c.time > down+0.5 && c.src == peer4b {
						peerAfter++
					}
				case c.time < down:
					before++
				case c.dst == peer4b:
					after++
				}
			}
			t.Logf("our DATA chunks: %d before the link went down, %d after it to %s; usrsctp's after it from %s: %d",
				before, after, peer4b, peer4b, peerAfter)
			assert.NotZero(t, before, "no DATA before the link went down")
			assert.NotZero(t, after, "no DATA to %s after the link went down", peer4b)
			if tc.mode == "echo" {
				assert.NotZero(t, peerAfter, "no echo DATA from %s after the link went down", peer4b)
			}
		})
	}
}

// TestUsrsctpVethInitAckFromOtherAddress: usrsctp with two addresses on
// one link, our stack connecting to the first one only. usrsctp (over raw
// sockets it has no route lookup) sends its INIT ACK from its other
// address, listing both in IPv4 Address parameters. RFC 9260 5.1.2 makes
// the INIT ACK's source one of the peer's transport addresses; the INIT
// ACK carries our tag, so it belongs to our association in COOKIE-WAIT.
func TestUsrsctpVethInitAckFromOtherAddress(t *testing.T) {
	echo := usrsctpProgram(t, "echo_server")
	v := newVethNet(t, 1)
	v.peerAddr(t, 0, peer4a+"/24")
	v.peerAddr(t, 0, peer4b+"/24")
	dir := pcapDir(t)
	wire := startCapture(t, v.ours, filepath.Join(dir, "wire.pcapng"), v.oursIf[0])
	startProc(t, v.peer, nil, echo, "0")
	waitRawSCTP(t, v.peer)
	ourPcap := filepath.Join(dir, "ours.pcap")
	r := runDemoClient(t, v.ours, 5*time.Second, "-iface", v.oursIf[0], "-addr", ours4a+"/24",
		"-connect", peer4a+":7", "-streams", "2", "-count", "100", "-size", "500", "-pcap", ourPcap)
	wire.stop()
	checkWire(t, ourPcap)
	var cs []wireChunk
	if wire != nil {
		cs = checkWire(t, wire.path)
	}
	for _, c := range cs {
		require.False(t, c.chunk == ctAbort && c.src == ours4a, "we aborted (frame %d): the INIT ACK from usrsctp's other address must belong to the association", c.frame)
	}
	requireDemoOK(t, r, 100)
}
