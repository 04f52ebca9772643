//go:build linux

package interop

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Helpers of the real-link tests (usrsctp_veth_test.go): two network
// namespaces joined by veth pairs, "ours" where the demo's server or client
// (cmd/sctp-netstack-demo) runs a gVisor stack over fdbased, and "peer"
// where one of usrsctp's example programs runs over the namespace kernel's
// IP, reading and writing SCTP through raw IPPROTO_SCTP sockets (the
// kernel has no SCTP of its own). Every namespace, link and process is
// made by the test and removed in t.Cleanup. Documentation addresses only.
//
// The namespace and veth helpers follow tests/live/netns_test.go (another
// package, so they cannot be shared).

// usrsctpProgramsDir is where Debian's libusrsctp-examples installs
// usrsctp's example programs.
const usrsctpProgramsDir = "/usr/lib/usrsctp"

// demoPkg is the demo program, run as separate processes.
const demoPkg = "github.com/netstack-sctp/sctp/cmd/sctp-netstack-demo"

var (
	demoOnce  sync.Once
	demoDir   string
	demoBin   string
	demoErr   error
	vethCount atomic.Int32
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// demoBinary returns the demo, built (without -race: the tests check
// behaviour on the wire) on first use.
func demoBinary(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		if demoDir, demoErr = os.MkdirTemp("", "sctp-interop-veth-"); demoErr != nil {
			return
		}
		demoBin = filepath.Join(demoDir, "sctp-netstack-demo")
		if out, err := exec.Command("go", "build", "-o", demoBin, demoPkg).CombinedOutput(); err != nil {
			demoErr = fmt.Errorf("go build %s: %v\n%s", demoPkg, err, out)
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoBin
}

// usrsctpProgram returns the path of one of usrsctp's example programs,
// or skips the test when they are not installed.
func usrsctpProgram(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(usrsctpProgramsDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("usrsctp's example programs are not installed (%s missing): apt-get install libusrsctp-examples", p)
	}
	return p
}

// vethNS is a network namespace made for a test.
type vethNS struct{ name string }

// vethNet is two namespaces joined by veth pairs: link i is ours[i] in
// ns ours and peer[i] in ns peer.
type vethNet struct {
	ours, peer *vethNS
	oursIf     []string
	peerIf     []string
}

func runIP(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func newVethNS(t testing.TB, name string) *vethNS {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs root and iproute2: no ip command")
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("needs root and iproute2: ip netns add: %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	return &vethNS{name: name}
}

// exec runs a command in the namespace and fails the test if it fails.
func (n *vethNS) exec(t testing.TB, args ...string) {
	t.Helper()
	runIP(t, append([]string{"netns", "exec", n.name}, args...)...)
}

// sysctl writes a /proc/sys/net file in the namespace.
func (n *vethNS) sysctl(t testing.TB, path, value string) {
	t.Helper()
	n.exec(t, "sh", "-c", fmt.Sprintf("echo %s > /proc/sys/net/%s", value, path))
}

// newVethNet makes the two namespaces and links veth pairs, every end up
// with IPv6 off and no address. Our stack's ends stay that way (the stack
// owns its addresses, see tests/live's doc); the test gives the peer's
// ends their addresses.
func newVethNet(t testing.TB, links int) *vethNet {
	t.Helper()
	id := fmt.Sprintf("uv%d%c", os.Getpid()%100000, 'a'+vethCount.Add(1)%26)
	v := &vethNet{ours: newVethNS(t, id+"o"), peer: newVethNS(t, id+"p")}
	for i := range links {
		o, p := fmt.Sprintf("%so%d", id, i), fmt.Sprintf("%sp%d", id, i)
		t.Cleanup(func() { _ = exec.Command("ip", "link", "del", o).Run() })
		runIP(t, "link", "add", o, "type", "veth", "peer", "name", p)
		runIP(t, "link", "set", o, "netns", v.ours.name)
		runIP(t, "link", "set", p, "netns", v.peer.name)
		v.oursIf = append(v.oursIf, o)
		v.peerIf = append(v.peerIf, p)
	}
	for _, side := range []struct {
		ns  *vethNS
		ifs []string
	}{{v.ours, v.oursIf}, {v.peer, v.peerIf}} {
		side.ns.sysctl(t, "ipv6/conf/default/disable_ipv6", "1")
		for _, ifc := range side.ifs {
			side.ns.sysctl(t, "ipv6/conf/"+ifc+"/disable_ipv6", "1")
			side.ns.exec(t, "ip", "link", "set", ifc, "up")
		}
	}
	return v
}

// peerAddr gives the peer's kernel an address on link i (IPv6 turned on
// for the interface, without DAD).
func (v *vethNet) peerAddr(t testing.TB, i int, prefix string) {
	t.Helper()
	if strings.Contains(prefix, ":") {
		v.peer.sysctl(t, "ipv6/conf/"+v.peerIf[i]+"/disable_ipv6", "0")
		v.peer.exec(t, "ip", "addr", "add", prefix, "dev", v.peerIf[i], "nodad")
		return
	}
	v.peer.exec(t, "ip", "addr", "add", prefix, "dev", v.peerIf[i])
}

// procOutput collects a process's output while the test reads it.
type procOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *procOutput) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *procOutput) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// proc is a process running in a namespace.
type proc struct {
	name  string
	cmd   *exec.Cmd
	out   procOutput
	done  chan struct{}
	err   error
	start time.Time
	end   time.Time
}

// startProc starts args in ns (ip netns exec execs it, so the pid is the
// program's), with stdin (may be nil) and its output collected. It is
// ended with SIGTERM, then SIGKILL, at the end of the test at the latest,
// and the tail of its output logged.
func startProc(t *testing.T, ns *vethNS, stdin io.Reader, args ...string) *proc {
	t.Helper()
	p := &proc{name: filepath.Base(args[0]), done: make(chan struct{})}
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", ns.name}, args...)...)
	p.cmd.Stdin = stdin
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	p.start = time.Now()
	require.NoError(t, p.cmd.Start())
	go func() {
		p.err = p.cmd.Wait()
		p.end = time.Now()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		out := p.out.String()
		if len(out) > 3000 {
			out = "...\n" + out[len(out)-3000:]
		}
		t.Logf("%s (%s) output:\n%s", p.name, strings.Join(args[1:], " "), out)
	})
	return p
}

// stop ends the process if it still runs.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// wait waits for the process to exit and returns its exit code (-1 when
// it did not exit in time; it is then killed).
func (p *proc) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Logf("%s still running after %v; killed", p.name, timeout)
		_ = p.cmd.Process.Kill()
		<-p.done
		return -1
	}
	if p.err == nil {
		return 0
	}
	if ee, ok := p.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Errorf("%s: %v", p.name, p.err)
	return -1
}

// waitFor waits until the output contains s.
func (p *proc) waitFor(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.out.String(), s) {
		select {
		case <-p.done:
			t.Fatalf("%s exited (%v) before printing %q:\n%s", p.name, p.err, s, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q in %v:\n%s", p.name, s, timeout, p.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitRawSCTP waits until a raw IPPROTO_SCTP socket is open in ns: a
// usrsctp program is then ready to receive (it opens its raw sockets in
// usrsctp_init, before binding and listening, which follow at once).
func waitRawSCTP(t testing.TB, ns *vethNS) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, _ := exec.Command("ip", "netns", "exec", ns.name, "cat", "/proc/net/raw").Output()
		// local_address 00000000:0084, protocol 132 in hex.
		if bytes.Contains(out, []byte(":0084 ")) {
			time.Sleep(100 * time.Millisecond) // bind and listen
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no raw SCTP socket in %s after 5s", ns.name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rawDrops returns the receive drops of the raw SCTP sockets in ns
// (the last column of /proc/net/raw and raw6), or -1.
func rawDrops(ns *vethNS) int {
	out, err := exec.Command("ip", "netns", "exec", ns.name, "cat", "/proc/net/raw", "/proc/net/raw6").Output()
	if err != nil {
		return -1
	}
	total := 0
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && strings.HasSuffix(f[1], ":0084") {
			n, _ := strconv.Atoi(f[len(f)-1])
			total += n
		}
	}
	return total
}

// demoRun is the outcome of one demo client command.
type demoRun struct {
	out     string
	code    int
	elapsed time.Duration
}

// runDemoClient runs the demo's client command in ns.
func runDemoClient(t *testing.T, ns *vethNS, timeout time.Duration, args ...string) demoRun {
	t.Helper()
	bin := demoBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout+15*time.Second)
	defer cancel()
	args = append([]string{"netns", "exec", ns.name, bin, "client", "-timeout", timeout.String()}, args...)
	cmd := exec.CommandContext(ctx, "ip", args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := demoRun{out: string(out), elapsed: time.Since(start)}
	t.Logf("demo client %s (%v):\n%s", strings.Join(args[5:], " "), r.elapsed.Round(time.Millisecond), out)
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("demo client: %v", err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// startDemoClient starts the demo's client command in ns without waiting
// for it; result waits for it and returns its outcome.
func startDemoClient(t *testing.T, ns *vethNS, timeout time.Duration, args ...string) *proc {
	t.Helper()
	bin := demoBinary(t)
	return startProc(t, ns, nil, append([]string{bin, "client", "-timeout", timeout.String()}, args...)...)
}

// result waits for a demo client started by startDemoClient.
func (p *proc) result(t *testing.T, timeout time.Duration) demoRun {
	t.Helper()
	code := p.wait(t, timeout+15*time.Second)
	r := demoRun{out: p.out.String(), code: code, elapsed: p.end.Sub(p.start)}
	t.Logf("demo client (%v):\n%s", r.elapsed.Round(time.Millisecond), r.out)
	return r
}

// startDemoServer starts the demo's server command in ns and waits until
// it listens.
func startDemoServer(t *testing.T, ns *vethNS, args ...string) *proc {
	t.Helper()
	bin := demoBinary(t)
	p := startProc(t, ns, nil, append([]string{bin, "server", "-duration", "3m"}, args...)...)
	p.waitFor(t, "server: listening on ", 10*time.Second)
	return p
}

// capture is dumpcap writing what crosses some interfaces (the wire, as
// the namespace's kernel sees it) to a pcapng file.
type capture struct {
	path string
	p    *proc
}

// startCapture starts dumpcap on ifaces of ns, or returns nil (logged)
// when dumpcap is not installed.
func startCapture(t *testing.T, ns *vethNS, path string, ifaces ...string) *capture {
	t.Helper()
	dumpcap, err := exec.LookPath("dumpcap")
	if err != nil {
		t.Logf("dumpcap not installed (Debian package tshark pulls it in): wire not captured")
		return nil
	}
	args := []string{dumpcap}
	for _, i := range ifaces {
		args = append(args, "-i", i)
	}
	args = append(args, "-w", path)
	c := &capture{path: path, p: startProc(t, ns, nil, args...)}
	c.p.waitFor(t, "Capturing on", 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	return c
}

// stop ends the capture (SIGTERM makes dumpcap finish the file). It first
// waits longer than dumpcap's 250 ms read timeout: libpcap's TPACKET_V3
// ring hands packets over a block at a time, a block only when full or
// that old, and dumpcap drops a block still open at SIGTERM. With 200 ms
// a capture of a few packets right before stop came out empty in about a
// third of the runs (so did TestUsrsctpVethAbortByPeer's).
func (c *capture) stop() {
	if c != nil {
		time.Sleep(600 * time.Millisecond)
		c.p.stop()
	}
}

// Expert info severities as tshark prints _ws.expert.severity.
const (
	expertWarn = 0x00600000
)

// checkWire has tshark decode a capture (pcap or pcapng, Ethernet or raw
// IP) and fails t for any SCTP packet whose CRC32c is not Good, any
// malformed packet and any expert info of severity warning or error, in
// any protocol. It returns the SCTP chunks of the capture (those inside
// ICMP errors left out), in order, from the same tshark run (tshark takes
// seconds to start on a loaded machine). It logs and returns nil when
// tshark is not installed.
func checkWire(t *testing.T, path string) []wireChunk {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Logf("pcap %s not checked: tshark not found; install the Debian package tshark", path)
		return nil
	}
	args := []string{"-r", path, "-o", "sctp.checksum:crc-32c", "-T", "fields", "-E", "separator=|",
		"-e", "frame.number", "-e", "frame.protocols", "-e", "sctp.checksum.status",
		"-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.message",
		"-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
		"-e", "sctp.chunk_type", "-e", "sctp.abort_t_bit"}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tshark, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("tshark %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		return nil
	}
	var cs []wireChunk
	frames, sctpFrames, bad := 0, 0, 0
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		for len(f) < 13 {
			f = append(f, "")
		}
		frames++
		var why []string
		isSCTP := strings.Contains(f[1], ":sctp")
		if isSCTP {
			sctpFrames++
			for _, s := range strings.Split(f[2], ",") {
				if s != checksumGood {
					why = append(why, "CRC32c status "+f[2])
					break
				}
			}
		}
		if f[3] != "" {
			why = append(why, "malformed")
		}
		for _, s := range strings.Split(f[4], ",") {
			if n, err := strconv.ParseInt(s, 0, 64); err == nil && n >= expertWarn {
				why = append(why, "expert "+f[5])
				break
			}
		}
		if len(why) > 0 {
			bad++
			if bad <= 10 {
				t.Errorf("pcap %s frame %s (%s): %s", filepath.Base(path), f[0], f[1], strings.Join(why, "; "))
			}
		}
		if !isSCTP || strings.Contains(f[1], "icmp") {
			continue
		}
		n, _ := strconv.Atoi(f[0])
		tm, _ := strconv.ParseFloat(f[6], 64)
		src, dst := f[7]+f[8], f[9]+f[10]
		for _, c := range strings.Split(f[11], ",") {
			ct, err := strconv.Atoi(c)
			if err != nil {
				continue
			}
			cs = append(cs, wireChunk{frame: n, time: tm, src: src, dst: dst, chunk: ct, abortTB: ct == ctAbort && f[12] == "1"})
		}
	}
	if bad > 0 {
		t.Errorf("pcap %s: %d of %d frames bad", path, bad, frames)
	}
	if sctpFrames == 0 {
		t.Errorf("pcap %s: no SCTP frames", path)
	}
	t.Logf("pcap %s: %d frames, %d SCTP, %d bad", filepath.Base(path), frames, sctpFrames, bad)
	return cs
}

// wireChunk is one chunk in a capture: who sent it and its type.
type wireChunk struct {
	frame int
	// time is the capture time, seconds since the epoch.
	time     float64
	src, dst string
	chunk    int
	abortTB  bool // ABORT with the T bit
}

// Chunk types.
const (
	ctData         = 0
	ctInit         = 1
	ctInitAck      = 2
	ctSack         = 3
	ctHeartbeat    = 4
	ctHeartbeatAck = 5
	ctAbort        = 6
	ctShutdown     = 7
	ctShutdownAck  = 8
	ctCookieEcho   = 10
	ctShutdownDone = 14
)

// countChunks counts the chunks of type ct sent from src (any source if
// src is empty).
func countChunks(cs []wireChunk, src string, ct int) int {
	n := 0
	for _, c := range cs {
		if c.chunk == ct && (src == "" || c.src == src) {
			n++
		}
	}
	return n
}

// growRawRcvbuf enlarges the receive buffers of the raw sockets of a
// running usrsctp program to size bytes. usrsctp sets 128 KiB on its raw
// IPPROTO_SCTP sockets (SO_RCVBUF, so 256 KiB of truesize, about 110
// full-sized packets); since Linux 6.10 a raw socket whose receive queue
// is full no longer counts as a receiver, so the kernel answers the
// packet it drops with ICMP Protocol Unreachable (IPv4) or Parameter
// Problem (IPv6), and RFC 9260 appendix C (ICMP7) has us treat that as an
// ABORT. The scenario tests that are about something else give usrsctp
// room; TestUsrsctpVethRawBufferOverflow keeps usrsctp's own size.
//
// The sockets are reached with pidfd_getfd(2): the copy shares the
// socket with the program, so setting the option on it sets it for the
// program.
func growRawRcvbuf(t testing.TB, p *proc, size int) {
	t.Helper()
	pid := p.cmd.Process.Pid
	pidfd, err := unix.PidfdOpen(pid, 0)
	require.NoError(t, err, "pidfd_open")
	defer unix.Close(pidfd)
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	require.NoError(t, err)
	grown := 0
	for _, e := range ents {
		target, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fd, err := unix.PidfdGetfd(pidfd, target, 0)
		if err != nil {
			continue
		}
		typ, err1 := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
		proto, err2 := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
		if err1 == nil && err2 == nil && typ == unix.SOCK_RAW && proto == unix.IPPROTO_SCTP {
			require.NoError(t, unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size), "SO_RCVBUFFORCE")
			grown++
		}
		unix.Close(fd)
	}
	require.NotZero(t, grown, "no raw SCTP socket in process %d", pid)
}
