package live

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Building the demo once and running its server and client commands in
// the namespaces.

const demoPkg = "github.com/netstack-sctp/sctp/cmd/sctp-netstack-demo"

// Time limits. The server's -duration is a safety net only: the test stops
// it with SIGTERM, but a server whose test died still ends by itself.
const (
	serverStartTimeout = 10 * time.Second
	serverSafetyNet    = 2 * time.Minute
	clientTimeout      = 20 * time.Second
)

var (
	buildOnce sync.Once
	binDir    string
	demoBin   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// demo returns the demo binary, built on first use. It is built without
// -race even when the tests run with it: the tests check the programs'
// behaviour, and an instrumented build would only make them slower.
func demo(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "sctp-live-"); buildErr != nil {
			return
		}
		demoBin = filepath.Join(binDir, "sctp-netstack-demo")
		cmd := exec.Command("go", "build", "-o", demoBin, demoPkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build %s: %v\n%s", demoPkg, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return demoBin
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// server is a running server command.
type server struct {
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
	err  error
}

// startServer starts the server command in ns with args (after
// "server") and waits until it listens on listeners addresses. It is
// stopped with SIGTERM at the end of the test at the latest.
func startServer(t *testing.T, ns *netns, listeners int, args ...string) *server {
	t.Helper()
	bin := demo(t)
	args = append([]string{"netns", "exec", ns.name, bin, "server", "-duration", serverSafetyNet.String()}, args...)
	s := &server{cmd: exec.Command("ip", args...), done: make(chan struct{})}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	listening := make(chan struct{})
	go func() {
		n := 0
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintln(&s.out, sc.Text())
			if strings.HasPrefix(sc.Text(), "server: listening on ") {
				if n++; n == listeners {
					close(listening)
				}
			}
		}
		pr.Close()
	}()
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop(t)
		t.Logf("server output:\n%s", s.out.String())
	})
	select {
	case <-listening:
	case <-s.done:
		t.Fatalf("server exited before listening: %v\n%s", s.err, s.out.String())
	case <-time.After(serverStartTimeout):
		t.Fatalf("server not listening after %v\n%s", serverStartTimeout, s.out.String())
	}
	return s
}

// stop ends the server with SIGTERM (ip netns exec has exec'ed it, so the
// pid is the server's) and checks that it exited cleanly.
func (s *server) stop(t *testing.T) {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("server: %v", s.err)
		}
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("server ignored SIGTERM for 10s; killed")
	}
}

// clientRun is the outcome of one client command.
type clientRun struct {
	out     string
	code    int
	elapsed time.Duration
}

// runClient runs the client command in ns with args (after "client").
func runClient(t *testing.T, ns *netns, args ...string) clientRun {
	t.Helper()
	return startClient(t, ns, args...).wait(t)
}

// runningClient is a client command started by startClient.
type runningClient struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	args   []string
	out    lockedBuffer
	start  time.Time
	// lines receives each line of output as it comes; it is closed at
	// the end of the output.
	lines chan string
	read  chan struct{}
}

// startClient starts the client command in ns with args (after
// "client"); wait collects its outcome.
func startClient(t *testing.T, ns *netns, args ...string) *runningClient {
	t.Helper()
	bin := demo(t)
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout+10*time.Second)
	args = append([]string{"netns", "exec", ns.name, bin, "client", "-timeout", clientTimeout.String()}, args...)
	c := &runningClient{cmd: exec.CommandContext(ctx, "ip", args...), cancel: cancel, args: args[5:],
		lines: make(chan string, 1024), read: make(chan struct{})}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stdout, c.cmd.Stderr = pw, pw
	c.start = time.Now()
	if err := c.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	pw.Close()
	go func() {
		defer close(c.read)
		defer close(c.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintln(&c.out, sc.Text())
			select {
			case c.lines <- sc.Text():
			default: // Nobody is looking for lines.
			}
		}
		pr.Close()
	}()
	return c
}

// waitLine waits until the client prints a line starting with prefix,
// and fails the test if it exits first or takes longer than timeout.
func (c *runningClient) waitLine(t *testing.T, prefix string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("client ended before printing %q:\n%s", prefix, c.out.String())
			}
			if strings.HasPrefix(line, prefix) {
				return
			}
		case <-deadline:
			t.Fatalf("client did not print %q in %v:\n%s", prefix, timeout, c.out.String())
		}
	}
}

// wait waits for the client to exit and returns its outcome.
func (c *runningClient) wait(t *testing.T) clientRun {
	t.Helper()
	defer c.cancel()
	err := c.cmd.Wait()
	<-c.read
	r := clientRun{out: c.out.String(), elapsed: time.Since(c.start)}
	t.Logf("client %s (%v):\n%s", strings.Join(c.args, " "), r.elapsed.Round(time.Millisecond), r.out)
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("client: %v", err)
		}
		r.code = ee.ExitCode()
	}
	return r
}
