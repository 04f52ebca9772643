package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// The default scenario: an echo server and a client on the two hosts of
// world.go, one association, the planned messages of messages.go sent and
// checked (echo.go), and a graceful shutdown. Everything it needs is in
// Config, and Run returns the numbers in a Result rather than printing a
// summary (report.go does), so tests can check them.

// serverPort is the port the echo server listens on.
const serverPort = 5000

// Config is one run of the scenario.
type Config struct {
	// Streams is the number of streams asked for in each direction.
	Streams int
	// Count is the number of messages sent on each stream.
	Count int
	// Size is the largest message, in bytes; sizes are mixed up to it.
	Size int
	// Loss is the probability that a link drops a packet (each direction).
	Loss float64
	// Delay is the one-way delay of each link.
	Delay time.Duration
	// Bandwidth is each link's rate in bits per second, each direction;
	// zero is unlimited.
	Bandwidth uint64
	// Outage cuts the first link halfway through the transfer and heals
	// it at three quarters (outage.go).
	Outage bool
	// Seed drives the links' impairments, the stacks' randomness and the
	// messages.
	Seed uint64
	// Pcap, if set, receives a capture of every packet delivered on either
	// link, both directions.
	Pcap io.Writer
	// Timeout bounds the whole run.
	Timeout time.Duration

	// Out receives the narrative: the links, the association coming up,
	// progress and shutdown. Nil discards it.
	Out io.Writer
	// Live selects carriage-return progress (for a terminal) instead of
	// periodic lines.
	Live bool
}

// shutdownTimeout bounds the wait for the SHUTDOWN exchange. It takes a
// round trip when all goes well; a stuck shutdown would otherwise hold the
// demo until the stacks give up after ten SHUTDOWN retransmissions
// (Association.Max.Retrans), many seconds later.
func shutdownTimeout(cfg *Config) time.Duration {
	return 3*time.Second + 10*cfg.Delay
}

// Run runs the scenario. It returns an error when the run could not take
// place or broke off (no association, an aborted one, the timeout), with a
// nil Result when nothing was sent. Result.OK tells whether every message
// was verified and the association shut down gracefully.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	start := time.Now()

	w, err := newWorld(&cfg)
	if err != nil {
		return nil, err
	}
	defer w.net.Close()
	describeLinks(out, w, &cfg)

	// The server: listen on its addresses on both links (bindx), accept
	// one association, echo until EOF. Both ends ask for cfg.Streams
	// streams each way.
	initMsg := &adapter.InitMsg{OutStreams: uint16(cfg.Streams), MaxInStreams: uint16(cfg.Streams)}
	srvAddr := w.serverAddr(serverPort)
	lc := adapter.ListenConfig{InitMsg: initMsg}
	ln, err := lc.Listen(w.server.Stack(), srvAddr)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	defer ln.Close()
	if err := ln.SetDeadline(deadline); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "server: echoing on %s\n", srvAddr)
	label := func(pi sctp.PathInfo) string { return w.linkName(netAddr(pi.Addr.Addr)) }
	srvPaths := newPathWatcher("server", nil, w.net.Clock(), label)
	srvDone := make(chan error, 1)
	go func() { srvDone <- serve(ln, deadline, &srvPaths.conn) }()

	// The client: dial all the server's addresses (connectx) from all its
	// own, and report what the association negotiated.
	r := &Result{Config: cfg}
	setupStart := time.Now()
	d := adapter.Dialer{InitMsg: initMsg}
	conn, err := d.DialContext(ctx, w.client.Stack(), srvAddr)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	defer conn.Close()
	r.Setup = time.Since(setupStart)
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if r.Status, err = conn.Status(); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	describeAssoc(out, r)
	pctx, pcancel := context.WithTimeout(ctx, time.Second+10*cfg.Delay)
	r.Paths = waitPathsActive(pctx, conn)
	// The server confirms the client's addresses as the client does its:
	// let it finish, so that the path events shown are the transfer's.
	if sc := waitAccepted(pctx, &srvPaths.conn); sc != nil {
		waitPathsActive(pctx, sc)
		sc.PathEvents()
	}
	pcancel()
	describePaths(out, pathsTitle(r.Paths), r.Paths, label)
	conn.PathEvents() // The confirmations, shown in the list.

	// Plan the traffic now that the streams and the path MTU are known.
	r.MaxUnfragmented = r.Status.Primary.MTU - header.SCTPCommonHeaderLen - header.DataChunkHeaderLen
	p := newPlan(cfg.Seed, int(r.Status.OutStreams), cfg.Count, r.MaxUnfragmented, cfg.Size)
	r.init(p)
	describePlan(out, r)

	defer func() {
		w.collect(r)
		r.Total = time.Since(start)
	}()
	cliPaths := newPathWatcher("client", conn, w.net.Clock(), label)
	tr := &transferRun{conn: conn, p: p, r: r, out: out, live: cfg.Live, paths: []*pathWatcher{cliPaths, srvPaths}}
	var o *outage
	if cfg.Outage && len(r.Paths) > 1 {
		o = newOutage(w, &tr.ctr, len(p.msgs), cliPaths, netAddr(r.Status.PeerAddr.Addr))
		tr.begin, tr.watchers = o.start, []watcher{o.watch}
		fmt.Fprintf(out, "  link0 goes down when %.0f%% of the echoes are in and comes back at %.0f%%\n",
			cutAtShare*100, healAtShare*100)
	}
	err = tr.run()
	if o != nil {
		r.Outage = o.result()
	}
	if err != nil {
		return r, err
	}
	describeEndPaths(out, conn, label)

	// Graceful shutdown: the client closes; the server reads EOF and
	// closes; both stacks end with no association and no ABORT sent.
	conn.Close()
	var srvErr error
	select {
	case srvErr = <-srvDone:
	case <-ctx.Done():
		srvErr = errors.New("no EOF before the timeout")
	}
	sctx, scancel := context.WithTimeout(ctx, shutdownTimeout(&cfg))
	r.Shutdown = w.waitClosed(sctx)
	scancel()
	cas, sas := assocStats(conn), assocStats(srvPaths.conn.Load())
	if r.Shutdown == "" {
		r.Shutdown = abortCheck(cas, sas)
	}
	if cst, sst := w.stats(); cas != nil && sas != nil {
		r.StrayAborts = cst.AbortsSent.Value() + sst.AbortsSent.Value() - cas.AbortsSent.Value() - sas.AbortsSent.Value()
	}
	fmt.Fprintln(out, r.shutdownLine())

	if srvErr != nil {
		return r, fmt.Errorf("server: %w", srvErr)
	}
	if err := w.net.PcapError(); err != nil {
		return r, fmt.Errorf("-pcap: %w", err)
	}
	return r, nil
}

// transferRun is the transfer of a plan over an association: messages
// sent and echoes checked, with the progress line, path events and any
// other watchers running meanwhile.
type transferRun struct {
	conn  *adapter.Conn
	p     *plan
	r     *Result
	out   io.Writer
	live  bool
	paths []*pathWatcher
	// begin, if set, is called as the first message goes out; watchers
	// run with the progress line.
	begin    func()
	watchers []watcher
	ctr      counters
	// sendOnly sends without waiting for echoes (the discard mode).
	sendOnly bool
	// rate, if positive, paces the messages: at most rate a second.
	rate float64
	// sent is how many of the plan's first messages were written before
	// run (the client's -early); run sends the rest.
	sent int
}

// run sends the planned messages and checks their echoes (unless
// sendOnly), with the progress line running meanwhile.
func (t *transferRun) run() error {
	ws := make([]watcher, 0, len(t.paths)+len(t.watchers))
	for _, pw := range t.paths {
		pw.start()
		ws = append(ws, pw.poll)
	}
	var status func() string
	if len(t.paths) > 0 {
		status = t.paths[0].status
	}
	ws = append(ws, t.watchers...)
	if t.begin != nil {
		t.begin()
	}
	prog := startProgress(t.out, t.live, &t.ctr, int64(len(t.p.msgs)), status, ws...)
	start := time.Now()
	if t.sendOnly {
		err := send(t.conn, t.p, &t.ctr, t.rate, t.sent, len(t.p.msgs))
		t.r.Transfer = time.Since(start)
		prog.stop()
		if err != nil {
			return fmt.Errorf("client: send: %w", err)
		}
		return nil
	}
	sendErr := make(chan error, 1)
	go func() { sendErr <- send(t.conn, t.p, &t.ctr, t.rate, t.sent, len(t.p.msgs)) }()
	err := receive(t.conn, t.p, t.r, &t.ctr)
	t.r.Transfer = time.Since(start)
	prog.stop()
	if err != nil && !errors.Is(err, io.EOF) {
		// The echoes stopped: abort, which also wakes a blocked sender.
		// Not when the peer shut down gracefully (EOF): its SHUTDOWN
		// already fails the sender's writes, and an ABORT would race
		// the SHUTDOWN COMPLETE on its way.
		t.conn.Abort()
	}
	if serr := <-sendErr; serr != nil && err == nil {
		err = fmt.Errorf("client: send: %w", serr)
	}
	return err
}
