package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The bench command: one bulk transfer over SCTP (one association, one
// stream) and one over gVisor's TCP, each between two fresh stacks joined
// by the same kind of sctptest link (in memory, real clock, MTU 1500, no
// impairment), with the same 64 KiB writes, the stacks' default buffers
// and nothing tuned for either. A transfer is timed from its first write
// to the receiver reading the end of the data (the graceful close), so
// both numbers are delivered bytes. Both transfers run in this process on
// the machine's cores, so they measure the stacks' CPU cost as much as
// anything: compare the ratio, not the absolute rates, between machines.

const (
	benchWrite        = 64 << 10
	defaultBenchBytes = 256 << 20
	benchPort         = 5001
)

type benchFlags struct {
	fs       *flag.FlagSet
	bytes    int64
	duration time.Duration
	timeout  time.Duration
}

func newBenchFlags(out io.Writer) *benchFlags {
	f := &benchFlags{fs: flag.NewFlagSet(progName+" bench", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(out)
	fs.Usage = f.usage
	f.bytes = defaultBenchBytes
	fs.Var((*byteSize)(&f.bytes), "bytes", "`amount` to send with each protocol, in bytes or with a unit: 64KiB, 100MiB, 1GiB (ignored with -duration)")
	fs.DurationVar(&f.duration, "duration", 0, "send for this long with each protocol instead of -bytes")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up on a protocol whose transfer takes longer")
	return f
}

func (f *benchFlags) usage() {
	w := f.fs.Output()
	fmt.Fprintf(w, `Usage: %s bench [flags]

Bulk transfer, SCTP against gVisor's TCP, in this process: two fresh gVisor
stacks joined by an in-memory link (package sctptest, real clock, MTU %d,
no loss) for each protocol; one SCTP association with one stream, or one
TCP connection; %d KiB writes; default buffers. Prints progress, then both
throughputs and the ratio SCTP/TCP. Exit status 1 if a transfer fails.

Flags:
`, progName, sctptest.DefaultMTU, benchWrite>>10)
	f.fs.PrintDefaults()
	fmt.Fprintf(w, `
Examples:
  %[1]s bench
  %[1]s bench -duration 5s
`, progName)
}

// benchResult is one protocol's transfer.
type benchResult struct {
	name    string
	bytes   int64
	elapsed time.Duration
}

func (r *benchResult) rate() float64 { return float64(r.bytes) / max(r.elapsed.Seconds(), 1e-9) }

// benchCommand runs the bench command.
func benchCommand(args []string, stdout, stderr io.Writer) int {
	f := newBenchFlags(stderr)
	if code, ok := parseFlags(f.fs, args); !ok {
		return code
	}
	switch {
	case f.fs.NArg() > 0:
		return usageError(stderr, "bench", fmt.Errorf("unexpected argument %q", f.fs.Arg(0)))
	case f.duration < 0:
		return usageError(stderr, "bench", fmt.Errorf("-duration %v: want a positive duration", f.duration))
	case f.duration == 0 && f.bytes < benchWrite:
		return usageError(stderr, "bench", fmt.Errorf("-bytes %d: want at least %d", f.bytes, benchWrite))
	case f.timeout <= 0:
		return usageError(stderr, "bench", fmt.Errorf("-timeout %v: want a positive duration", f.timeout))
	}
	what := fmtBytes(f.bytes)
	if f.duration > 0 {
		what = fmt.Sprintf("for %v", f.duration)
	}
	fmt.Fprintf(stdout, "bench: bulk transfer %s each, %d KiB writes, in-memory link, MTU %d, no loss, real clock\n",
		what, benchWrite>>10, sctptest.DefaultMTU)
	var results []*benchResult
	for _, p := range []struct {
		name  string
		conns func(*sctptest.Network, tcpip.FullAddress) (client, server net.Conn, err error)
	}{
		{"SCTP", sctpBenchConns},
		{"TCP", tcpBenchConns},
	} {
		r, err := benchOne(p.name, p.conns, f, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "%s bench: %s: %v\n", progName, p.name, err)
			return exitFailed
		}
		results = append(results, r)
	}
	fmt.Fprintln(stdout)
	for _, r := range results {
		fmt.Fprintf(stdout, "%-5s %s in %v: %s/s\n", r.name+":", fmtBytes(r.bytes), r.elapsed.Round(time.Millisecond), fmtBytes(int64(r.rate())))
	}
	fmt.Fprintf(stdout, "ratio SCTP/TCP: %.2f\n", results[0].rate()/results[1].rate())
	return exitOK
}

// benchNetwork is the same for both protocols: two hosts with SCTP and
// TCP, one link with the defaults.
func benchNetwork() (*sctptest.Network, tcpip.FullAddress, error) {
	n := sctptest.New(sctptest.Options{
		Seed:      1,
		RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{
			sctp.NewProtocolWithOptions(protocolOptions(&Config{})), tcp.NewProtocol,
		},
	})
	a, b := n.AddHost("client"), n.AddHost("server")
	l, err := n.Connect(a, b, sctptest.LinkConfig{})
	if err != nil {
		n.Close()
		return nil, tcpip.FullAddress{}, err
	}
	return n, tcpip.FullAddress{Addr: l.B().IPv4(), Port: benchPort}, nil
}

// sctpBenchConns opens one association with one stream each way.
func sctpBenchConns(n *sctptest.Network, addr tcpip.FullAddress) (net.Conn, net.Conn, error) {
	hosts := n.Hosts()
	one := &adapter.InitMsg{OutStreams: 1, MaxInStreams: 1}
	lc := adapter.ListenConfig{InitMsg: one}
	ln, err := lc.Listen(hosts[1].Stack(), adapter.AddrFromFullAddress(addr))
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	d := adapter.Dialer{InitMsg: one, Timeout: 10 * time.Second}
	return acceptDial(ln, func() (net.Conn, error) {
		return d.DialContext(context.Background(), hosts[0].Stack(), adapter.AddrFromFullAddress(addr))
	})
}

// tcpBenchConns opens one TCP connection with gonet.
func tcpBenchConns(n *sctptest.Network, addr tcpip.FullAddress) (net.Conn, net.Conn, error) {
	hosts := n.Hosts()
	ln, err := gonet.ListenTCP(hosts[1].Stack(), addr, ipv4.ProtocolNumber)
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	return acceptDial(ln, func() (net.Conn, error) { return gonet.DialTCP(hosts[0].Stack(), addr, ipv4.ProtocolNumber) })
}

// acceptDial dials while accepting on ln and returns both ends.
func acceptDial(ln net.Listener, dial func() (net.Conn, error)) (net.Conn, net.Conn, error) {
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	client, err := dial()
	if err != nil {
		ln.Close() // Ends the Accept.
		<-ch
		return nil, nil, err
	}
	a := <-ch
	if a.err != nil {
		client.Close()
		return nil, nil, a.err
	}
	return client, a.c, nil
}

// benchOne runs one protocol's transfer on a fresh network.
func benchOne(name string, conns func(*sctptest.Network, tcpip.FullAddress) (net.Conn, net.Conn, error), f *benchFlags, out io.Writer) (*benchResult, error) {
	n, addr, err := benchNetwork()
	if err != nil {
		return nil, err
	}
	defer n.Close()
	client, server, err := conns(n, addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer client.Close()
	defer server.Close()
	deadline := time.Now().Add(f.timeout)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)

	var received atomic.Int64
	recvErr := make(chan error, 1)
	go func() {
		buf := make([]byte, benchWrite)
		for {
			k, err := server.Read(buf)
			received.Add(int64(k))
			if err == io.EOF {
				recvErr <- nil
				return
			}
			if err != nil {
				recvErr <- err
				return
			}
		}
	}()

	start := time.Now()
	stopProgress := benchProgress(name, &received, f, start, out)
	buf := make([]byte, benchWrite)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	var sent int64
	var sendErr error
	for {
		if f.duration > 0 && time.Since(start) >= f.duration || f.duration == 0 && sent >= f.bytes {
			break
		}
		b := buf
		if f.duration == 0 {
			b = b[:min(int64(len(b)), f.bytes-sent)]
		}
		k, err := client.Write(b)
		sent += int64(k)
		if err != nil {
			sendErr = err
			break
		}
	}
	if sendErr == nil {
		// The graceful close (SHUTDOWN, FIN) ends the receiver's reads
		// once everything arrived.
		sendErr = client.Close()
	}
	err = <-recvErr
	elapsed := time.Since(start)
	stopProgress()
	if err = errors.Join(sendErr, err); err != nil {
		return nil, err
	}
	if got := received.Load(); got != sent {
		return nil, fmt.Errorf("sent %d bytes, received %d", sent, got)
	}
	return &benchResult{name: name, bytes: sent, elapsed: elapsed}, nil
}

// benchProgress prints the bytes received periodically, as the default
// scenario's progress does (live on a terminal, a line a second
// elsewhere), until the returned function is called.
func benchProgress(name string, received *atomic.Int64, f *benchFlags, start time.Time, out io.Writer) func() {
	live := isTerminal(out)
	interval := plainInterval
	if live {
		interval = liveInterval
	}
	line := func() string {
		el := time.Since(start)
		got := received.Load()
		s := fmt.Sprintf("  %-4s %s", name, fmtBytes(got))
		if f.duration == 0 {
			s += fmt.Sprintf("/%s (%3.0f%%)", fmtBytes(f.bytes), 100*float64(got)/float64(f.bytes))
		}
		return s + fmt.Sprintf(", %s/s, %v", fmtBytes(int64(float64(got)/max(el.Seconds(), 1e-9))), el.Round(10*time.Millisecond))
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				if live {
					fmt.Fprintf(out, "\r%s%s\n", line(), eraseLine)
				} else {
					fmt.Fprintln(out, line())
				}
				return
			case <-t.C:
				if live {
					fmt.Fprintf(out, "\r%s%s", line(), eraseLine)
				} else {
					fmt.Fprintln(out, line())
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

// byteSize is a flag value in bytes that also takes KiB, MiB and GiB.
type byteSize int64

func (b *byteSize) String() string { return fmtBytes(int64(*b)) }

func (b *byteSize) Set(s string) error {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return errors.New("want a number of bytes, optionally with KiB, MiB or GiB")
	}
	*b = byteSize(n * mult)
	return nil
}

// bitRate is a flag value in bits per second, with an optional k, M or G.
type bitRate uint64

func (b *bitRate) String() string {
	if *b == 0 {
		return "0"
	}
	return strings.ReplaceAll(strings.TrimSuffix(fmtRate(float64(*b)), "bit/s"), " ", "")
}

func (b *bitRate) Set(s string) error {
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"k", 1e3}, {"M", 1e6}, {"G", 1e9}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0) || v*mult > 1e12 {
		return errors.New("want bits per second, optionally with k, M or G (e.g. 50M)")
	}
	*b = bitRate(v * mult)
	return nil
}
