package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// The client command: a gVisor stack on real links opens one association
// with a server (this program's server command, or any SCTP echo server),
// sends -count messages of -size bytes round-robin over -streams streams,
// checks every echo as the default scenario does (verify.go), shuts the
// association down gracefully and exits non-zero on any loss, mismatch or
// error. With -early the first message is written before the handshake
// completes and rides in the COOKIE ECHO's packet (RFC 9260 5.1), so a
// server that sends first and closes still finds it in its socket.

// Client defaults: a second or less on a veth pair.
const (
	defaultClientCount   = 1000
	defaultClientSize    = 1000
	defaultClientTimeout = 30 * time.Second
)

type clientFlags struct {
	fs      *flag.FlagSet
	link    linkFlags
	connect string
	mode    string
	streams int
	count   int
	size    int
	seed    uint64
	timeout time.Duration
	rate    float64
	early   bool
}

func newClientFlags(out io.Writer) *clientFlags {
	f := &clientFlags{fs: flag.NewFlagSet(progName+" client", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(out)
	fs.Usage = f.usage
	f.link.register(fs)
	fs.StringVar(&f.connect, "connect", "", "the server, `IP[,IP]:PORT` (IPv6 in brackets); required. With several IPs the association has a path to each (multihoming) and fails over between them; the first is the primary")
	fs.StringVar(&f.mode, "mode", modeEcho, "echo: expect every message back and verify it; discard: the server drops them, success is every message acknowledged (graceful shutdown)")
	fs.IntVar(&f.streams, "streams", defaultStreams, "streams to ask for, each way (1-65535); messages go round-robin over those granted")
	fs.IntVar(&f.count, "count", defaultClientCount, "messages to send in all")
	fs.IntVar(&f.size, "size", defaultClientSize, fmt.Sprintf("size of every message, %d to %d `bytes`; larger than a packet means fragmented", msgHeaderLen, maxSize))
	fs.Uint64Var(&f.seed, "seed", defaultSeed, "seed of the messages' contents and ordering flags")
	fs.DurationVar(&f.timeout, "timeout", defaultClientTimeout, "give up after this long, association setup included")
	fs.Float64Var(&f.rate, "rate", 0, "send at most this many messages a second (0: as fast as the association takes them), e.g. to take a link down by hand in the middle")
	fs.BoolVar(&f.early, "early", false, "write the first message before the association is up, so it goes in the COOKIE ECHO's packet (RFC 9260 5.1): the server has it before its accept returns. Fails if the server grants fewer than -streams streams")
	return f
}

func (f *clientFlags) usage() {
	w := f.fs.Output()
	fmt.Fprintf(w, `Usage: %s client -iface NAME[,NAME2] -addr IP/PREFIX[,...] -connect IP[,IP]:PORT [flags]

Runs a gVisor netstack with SCTP on real host interfaces (needs root, or
CAP_NET_RAW and CAP_NET_ADMIN), opens one association with the server
(multihomed: a path to each address of -connect), sends -count messages of
-size bytes over -streams streams (about %.0f%% unordered), verifies every
echo (bytes, stream, PPID, ordering), shuts the association down
gracefully and prints a summary, with the path events as they happen.
Exit status: 0 if every message was verified, 1 on any loss, mismatch or
error (a refused or unanswered association included), 2 for a bad command
line.

Flags:
`, progName, unorderedShare*100)
	f.fs.PrintDefaults()
	fmt.Fprintf(w, `
Example, in the namespace at the other end of the server's veth pair:
  sysctl -w net.ipv6.conf.sctp1.disable_ipv6=1
  ip link set sctp1 up
  %[1]s client -iface sctp1 -addr 192.0.2.2/24 -connect 192.0.2.1:5000 -streams 4 -count 2000

Multihomed, with a server on two links (192.0.2.1 and 198.51.100.1): path
events are printed as they happen; take sctp1 down meanwhile and the
association fails over to sctp3:
  %[1]s client -iface sctp1,sctp3 -addr 192.0.2.2/24,198.51.100.2/24 \
      -connect 192.0.2.1,198.51.100.1:5000 -count 5000 -rate 1000
`, progName)
}

func (f *clientFlags) check() (*liveLinks, *adapter.Addr, error) {
	switch {
	case f.fs.NArg() > 0:
		return nil, nil, fmt.Errorf("unexpected argument %q", f.fs.Arg(0))
	case f.mode != modeEcho && f.mode != modeDiscard:
		return nil, nil, fmt.Errorf("-mode %q: want echo or discard", f.mode)
	case f.streams < 1 || f.streams > 65535:
		return nil, nil, fmt.Errorf("-streams %d: want 1 to 65535", f.streams)
	case f.count < 1:
		return nil, nil, fmt.Errorf("-count %d: want at least 1", f.count)
	case f.size < msgHeaderLen || f.size > maxSize:
		return nil, nil, fmt.Errorf("-size %d: want %d to %d", f.size, msgHeaderLen, maxSize)
	case f.timeout <= 0:
		return nil, nil, fmt.Errorf("-timeout %v: want a positive duration", f.timeout)
	case !(f.rate >= 0):
		return nil, nil, fmt.Errorf("-rate %v: want a positive number or 0", f.rate)
	case f.connect == "":
		return nil, nil, errors.New("-connect is required")
	}
	raddr, err := parseConnect(f.connect)
	if err != nil {
		return nil, nil, err
	}
	l, err := f.link.parse()
	return l, raddr, err
}

// clientCommand runs the client command.
func clientCommand(args []string, stdout, stderr io.Writer) int {
	f := newClientFlags(stderr)
	if code, ok := parseFlags(f.fs, args); !ok {
		return code
	}
	links, raddr, err := f.check()
	if err != nil {
		return usageError(stderr, "client", err)
	}
	h, err := newLiveHost(links, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "%s client: %v\n", progName, err)
		return exitFailed
	}
	r, err := runClient(h, f, raddr, stdout)
	if cerr := h.close(); err == nil && cerr != nil {
		err = cerr
	}
	if r == nil {
		fmt.Fprintf(stderr, "%s client: %v\n", progName, err)
		return exitFailed
	}
	fmt.Fprintln(stdout)
	if f.mode == modeDiscard {
		fmt.Fprintf(stdout, "retransmits: %d on timeout, %d fast\n", r.Retransmissions[0], r.FastRetransmits[0])
		fmt.Fprintf(stdout, "elapsed:     %v (handshake %v)\n", r.Total.Round(time.Millisecond), r.Setup.Round(10*time.Microsecond))
		if err == nil && r.Shutdown == "" {
			fmt.Fprintf(stdout, "OK: all %d messages (%s) sent and acknowledged; the server discards them, so nothing was verified\n",
				r.Messages, fmtBytes(int64(r.Messages)*int64(f.size)))
			return exitOK
		}
		fmt.Fprintf(stdout, "FAILED: %v\n", errors.Join(err, errorIf(r.Shutdown)))
		return exitFailed
	}
	printStreams(stdout, r)
	fmt.Fprintf(stdout, "retransmits: %d on timeout, %d fast\n", r.Retransmissions[0], r.FastRetransmits[0])
	fmt.Fprintf(stdout, "paths:       %d; path switches: %d; heartbeats: %d\n", len(r.Paths), r.PathSwitches[0], r.Heartbeats[0])
	printTimes(stdout, r)
	printVerdict(stdout, r, err)
	if err != nil || !r.OK() {
		return exitFailed
	}
	return exitOK
}

// runClient dials, transfers and shuts down. It returns a nil Result when
// no association came up.
func runClient(h *liveHost, f *clientFlags, raddr *adapter.Addr, out io.Writer) (*Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	start := time.Now()

	fmt.Fprintf(out, "client: connecting to %s\n", raddr)
	n := uint16(f.streams)
	d := adapter.Dialer{InitMsg: &adapter.InitMsg{OutStreams: n, MaxInStreams: n}, NoWait: f.early}
	var (
		p     *plan
		early int // messages written before the association was up
		ctr   counters
	)
	if f.early {
		// Planned before dialing, so the first write follows the INIT
		// at once: it must be queued before the INIT ACK comes back.
		p = newFixedPlan(f.seed, f.streams, f.count, f.size)
	}
	setupError := func(err error) error {
		if errors.Is(err, adapter.ErrRefused) {
			err = fmt.Errorf("%w (an ABORT, or ICMP protocol unreachable from a host without SCTP)", err)
		}
		return fmt.Errorf("after %v: %w", time.Since(start).Round(time.Millisecond), err)
	}
	conn, err := d.DialContext(ctx, h.stack, raddr)
	if err != nil {
		return nil, setupError(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if f.early {
		// RFC 9260 5.1: DATA may go with the COOKIE ECHO.
		if err := send(conn, p, &ctr, 0, 0, 1); err != nil {
			return nil, setupError(err)
		}
		early = 1
		if err := conn.WaitConnected(ctx); err != nil {
			return nil, setupError(err)
		}
	}
	r := &Result{Config: Config{Streams: f.streams, Count: f.count, Size: f.size, Seed: f.seed, Timeout: f.timeout}}
	r.Setup = time.Since(start)
	if r.Status, err = conn.Status(); err != nil {
		return nil, err
	}
	st := &r.Status
	if f.early && int(st.OutStreams) < f.streams {
		// The plan spread the messages over the streams asked for.
		return nil, fmt.Errorf("-early: %d streams asked for, the server granted %d (run without -early, or with -streams %d)",
			f.streams, st.OutStreams, st.OutStreams)
	}
	fmt.Fprintf(out, "association %d up in %v: %s -> %s, %d streams out, %d in; path MTU %d, RTO %v\n",
		st.AssocID, r.Setup.Round(10*time.Microsecond), adapter.AddrFromFullAddress(st.LocalAddr),
		adapter.AddrFromFullAddress(st.PeerAddr), st.OutStreams, st.InStreams, st.Primary.MTU, st.Primary.RTO)

	pctx, pcancel := context.WithTimeout(ctx, time.Second)
	r.Paths = waitPathsActive(pctx, conn)
	pcancel()
	describePaths(out, pathsTitle(r.Paths), r.Paths, h.linkName)
	conn.PathEvents() // The confirmations, shown in the list.

	r.MaxUnfragmented = st.Primary.MTU - header.SCTPCommonHeaderLen - header.DataChunkHeaderLen
	if p == nil {
		p = newFixedPlan(f.seed, int(st.OutStreams), f.count, f.size)
	}
	r.init(p)
	fmt.Fprintf(out, "client: sending %d messages of %d bytes over %d streams (%s)\n", r.Messages, f.size, st.OutStreams, f.mode)

	defer func() {
		s := sctp.Stats(h.stack)
		r.Retransmissions[0] = sumCounters(s.Retransmissions[:])
		r.FastRetransmits[0] = s.FastRetransmits.Value()
		r.PathSwitches[0] = s.PathSwitches.Value()
		r.Heartbeats[0] = s.ChunksSent[header.ChunkHeartbeat].Value()
		r.Total = time.Since(start)
	}()
	tr := &transferRun{conn: conn, p: p, r: r, out: out, live: isTerminal(out), sendOnly: f.mode == modeDiscard, rate: f.rate, sent: early}
	tr.ctr.sentMsgs.Store(ctr.sentMsgs.Load())
	tr.ctr.sentBytes.Store(ctr.sentBytes.Load())
	tr.paths = []*pathWatcher{newPathWatcher("client", conn, h.stack.Clock(), h.linkName)}
	err = tr.run()
	if err != nil {
		return r, err
	}
	describeEndPaths(out, conn, h.linkName)

	// Graceful shutdown: SHUTDOWN completes only once the server has
	// acknowledged all our data.
	conn.Close()
	sctx, scancel := context.WithTimeout(ctx, shutdownTimeout(&r.Config))
	r.Shutdown = waitNoAssociations(sctx, h.stack)
	scancel()
	if r.Shutdown == "" {
		r.Shutdown = abortCheck(assocStats(conn), nil)
	}
	fmt.Fprintln(out, r.shutdownLine())
	return r, nil
}

// errorIf returns an error with text msg, or nil when msg is empty.
func errorIf(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}
