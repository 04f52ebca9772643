package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// The server command: a gVisor stack on real links, listening for SCTP
// associations and echoing (or discarding) their messages until a signal
// or -duration ends it. Each association is served on its own goroutine,
// so several clients may come at once.

// Server modes.
const (
	modeEcho    = "echo"
	modeDiscard = "discard"
)

// defaultServerStreams is the number of streams the server offers each
// way: more than a client asks for by default, so the client's request
// decides.
const defaultServerStreams = 100

type serverFlags struct {
	fs       *flag.FlagSet
	link     linkFlags
	listen   string
	mode     string
	streams  int
	duration time.Duration
}

func newServerFlags(out io.Writer) *serverFlags {
	f := &serverFlags{fs: flag.NewFlagSet(progName+" server", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(out)
	fs.Usage = f.usage
	f.link.register(fs)
	fs.StringVar(&f.listen, "listen", ":5000", "where to listen, `[IP]:PORT`; without IP on every address of the stack (one listener per IP family of -addr)")
	fs.StringVar(&f.mode, "mode", modeEcho, "echo: send each message back on its stream with its PPID and ordering; discard: read and drop")
	fs.IntVar(&f.streams, "streams", defaultServerStreams, "streams offered each way (1-65535); an association gets the fewer of this and what the client asks")
	fs.DurationVar(&f.duration, "duration", 0, "stop after this long (0: run until SIGINT or SIGTERM)")
	return f
}

func (f *serverFlags) usage() {
	w := f.fs.Output()
	fmt.Fprintf(w, `Usage: %s server -iface NAME[,NAME2] -addr IP/PREFIX[,...] [flags]

Runs a gVisor netstack with SCTP on real host interfaces (needs root, or
CAP_NET_RAW and CAP_NET_ADMIN) and serves SCTP associations: it echoes
every message (or discards it with -mode discard) until SIGINT, SIGTERM or
-duration, then prints a summary. The stack has its own MAC and IP
addresses and answers ARP and IPv6 neighbour discovery for them; give the
host interface no address of its own in the same subnet (bring it up with
'ip link set NAME up' and nothing else).

Flags:
`, progName)
	f.fs.PrintDefaults()
	fmt.Fprintf(w, `
Example, with a veth pair whose other end is in namespace "peer":
  ip link add sctp0 type veth peer name sctp1 netns peer
  sysctl -w net.ipv6.conf.sctp0.disable_ipv6=1   # keep the kernel off the link
  ip link set sctp0 up
  %[1]s server -iface sctp0 -addr 192.0.2.1/24,2001:db8::1/64
`, progName)
}

func (f *serverFlags) check() (*liveLinks, netip.Addr, uint16, error) {
	if f.fs.NArg() > 0 {
		return nil, netip.Addr{}, 0, fmt.Errorf("unexpected argument %q", f.fs.Arg(0))
	}
	if f.mode != modeEcho && f.mode != modeDiscard {
		return nil, netip.Addr{}, 0, fmt.Errorf("-mode %q: want echo or discard", f.mode)
	}
	if f.streams < 1 || f.streams > 65535 {
		return nil, netip.Addr{}, 0, fmt.Errorf("-streams %d: want 1 to 65535", f.streams)
	}
	if f.duration < 0 {
		return nil, netip.Addr{}, 0, fmt.Errorf("-duration %v: want a positive duration or 0", f.duration)
	}
	ip, port, err := parseListen(f.listen)
	if err != nil {
		return nil, netip.Addr{}, 0, err
	}
	l, err := f.link.parse()
	return l, ip, port, err
}

// serverCommand runs the server command.
func serverCommand(args []string, stdout, stderr io.Writer) int {
	f := newServerFlags(stderr)
	if code, ok := parseFlags(f.fs, args); !ok {
		return code
	}
	links, ip, port, err := f.check()
	if err != nil {
		return usageError(stderr, "server", err)
	}
	h, err := newLiveHost(links, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "%s server: %v\n", progName, err)
		return exitFailed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.duration)
		defer cancel()
	}
	err = serveLive(ctx, h, f, listenAddrs(ip, port, links), stdout)
	if cerr := h.close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s server: %v\n", progName, err)
		return exitFailed
	}
	return exitOK
}

// listenAddrs returns the addresses to listen on: ip, or the unspecified
// address of each family the stack has an address of.
func listenAddrs(ip netip.Addr, port uint16, l *liveLinks) []*adapter.Addr {
	if ip.IsValid() {
		return []*adapter.Addr{{IPs: []netip.Addr{ip}, Port: port}}
	}
	var has4, has6 bool
	for _, ps := range l.addrs {
		for _, p := range ps {
			has4 = has4 || p.Addr().Is4()
			has6 = has6 || p.Addr().Is6()
		}
	}
	// An IPv6 wildcard listener is dual-stack: it takes IPv4 too, and its
	// associations use every address of both families (multihoming).
	if has6 {
		return []*adapter.Addr{{IPs: []netip.Addr{netip.IPv6Unspecified()}, Port: port}}
	}
	if has4 {
		return []*adapter.Addr{{IPs: []netip.Addr{netip.IPv4Unspecified()}, Port: port}}
	}
	return nil
}

// serverTotals are the server's counters over all associations.
type serverTotals struct {
	assocs, msgs, bytes atomic.Int64
}

// serveLive listens on addrs and serves associations until ctx ends.
func serveLive(ctx context.Context, h *liveHost, f *serverFlags, addrs []*adapter.Addr, out io.Writer) error {
	out = &syncWriter{w: out}
	n := uint16(f.streams)
	lc := adapter.ListenConfig{InitMsg: &adapter.InitMsg{OutStreams: n, MaxInStreams: n}}
	var lns []*adapter.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for _, a := range addrs {
		ln, err := lc.Listen(h.stack, a)
		if err != nil {
			return err
		}
		lns = append(lns, ln)
	}
	for _, a := range addrs {
		fmt.Fprintf(out, "server: listening on %s (%s)\n", a, f.mode)
	}

	var (
		tot   serverTotals
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[*adapter.Conn]bool{}
	)
	for _, ln := range lns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.AcceptSCTP()
				if err != nil {
					if !errors.Is(err, adapter.ErrClosed) {
						fmt.Fprintf(out, "server: accept: %v\n", err)
					}
					return
				}
				id := tot.assocs.Add(1)
				mu.Lock()
				conns[c] = true
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					serveAssoc(c, id, f.mode, &tot, out, h.linkName)
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
				}()
			}
		}()
	}

	<-ctx.Done()
	why := "SIGINT or SIGTERM"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = "-duration passed"
	}
	fmt.Fprintf(out, "server: stopping (%s)\n", why)
	for _, ln := range lns {
		ln.Close()
	}
	// Shut the associations still open down gracefully, then give them a
	// moment to finish.
	mu.Lock()
	for c := range conns {
		c.Close()
	}
	mu.Unlock()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		fmt.Fprintln(out, "server: associations still open after 3s; leaving them")
	}
	fmt.Fprintf(out, "server: %d associations, %d messages, %s received\n",
		tot.assocs.Load(), tot.msgs.Load(), fmtBytes(tot.bytes.Load()))
	return nil
}

// serveAssoc serves one association until the peer shuts it down (or it
// fails) and prints one line about it.
func serveAssoc(c *adapter.Conn, id int64, mode string, tot *serverTotals, out io.Writer, label func(sctp.PathInfo) string) {
	defer c.Close()
	peer := c.RemoteAddr()
	if st, err := c.Status(); err == nil {
		fmt.Fprintf(out, "server: association %d from %s: %d streams in, %d out\n", id, peer, st.InStreams, st.OutStreams)
	}
	stop := make(chan struct{})
	defer close(stop)
	go watchPaths(c, fmt.Sprintf("server: association %d", id), label, out, stop)
	var msgs, bytes int64
	err := echoMessages(c, mode == modeEcho, func(n int) {
		msgs++
		bytes += int64(n)
		tot.msgs.Add(1)
		tot.bytes.Add(int64(n))
	})
	end := "shut down by the peer"
	if err != nil {
		end = err.Error()
	}
	verb := "echoed"
	if mode == modeDiscard {
		verb = "discarded"
	}
	fmt.Fprintf(out, "server: association %d from %s: %d messages, %s %s; %s\n", id, peer, msgs, fmtBytes(bytes), verb, end)
}

// syncWriter serializes the lines the server's goroutines print.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

// watchPaths prints the association's path events, prefixed with who,
// until stop is closed.
func watchPaths(c *adapter.Conn, who string, label func(sctp.PathInfo) string, out io.Writer, stop <-chan struct{}) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	labels := map[netip.Addr]string{}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if ps, err := c.Paths(); err == nil {
			for _, p := range ps {
				if l := label(p); l != "" {
					labels[netAddr(p.Addr.Addr)] = " (" + l + ")"
				}
			}
		}
		for _, ev := range c.PathEvents() {
			a := netAddr(ev.Addr.Addr)
			fmt.Fprintf(out, "%s: path to %s%s %s\n", who, a, labels[a], describeEvent(ev))
		}
	}
}
