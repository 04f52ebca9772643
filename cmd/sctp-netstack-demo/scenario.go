package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
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

	// The server: listen, accept one association, echo until EOF. Both
	// ends ask for cfg.Streams streams each way.
	initMsg := &adapter.InitMsg{OutStreams: uint16(cfg.Streams), MaxInStreams: uint16(cfg.Streams)}
	srvAddr := adapter.AddrFrom(w.serverAddr(serverPort))
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
	srvDone := make(chan error, 1)
	go func() { srvDone <- serve(ln, deadline) }()

	// The client: dial, and report what the association negotiated.
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

	// Plan the traffic now that the streams and the path MTU are known.
	r.MaxUnfragmented = r.Status.Primary.MTU - header.SCTPCommonHeaderLen - header.DataChunkHeaderLen
	p := newPlan(cfg.Seed, int(r.Status.OutStreams), cfg.Count, r.MaxUnfragmented, cfg.Size)
	r.init(p)
	describePlan(out, r)

	defer func() {
		w.collect(r)
		r.Total = time.Since(start)
	}()
	if err := transfer(conn, p, r, out, cfg.Live); err != nil {
		return r, err
	}

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
	if cst, sst := w.stats(); r.Shutdown == "" && cst.AbortsSent.Value()+sst.AbortsSent.Value() > 0 {
		r.Shutdown = "an ABORT was sent"
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

// transfer sends the planned messages and checks their echoes, with the
// progress line running meanwhile.
func transfer(conn *adapter.Conn, p *plan, r *Result, out io.Writer, live bool) error {
	var ctr counters
	prog := startProgress(out, live, &ctr, int64(len(p.msgs)))
	start := time.Now()
	sendErr := make(chan error, 1)
	go func() { sendErr <- send(conn, p, &ctr) }()
	err := receive(conn, p, r, &ctr)
	r.Transfer = time.Since(start)
	prog.stop()
	if err != nil {
		// The echoes stopped: abort, which also wakes a blocked sender.
		conn.Abort()
	}
	if serr := <-sendErr; serr != nil && err == nil {
		err = fmt.Errorf("client: send: %w", serr)
	}
	return err
}
