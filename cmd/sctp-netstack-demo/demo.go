package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// The default command: its flags, their checks, and the run with its
// summary and exit status.

// Defaults of the default scenario: long enough for the progress line to
// move (a fraction of a second on a laptop), with messages up to several
// packets long.
const (
	defaultStreams = 8
	defaultCount   = 500
	defaultSize    = 8192
	defaultSeed    = 1
	defaultTimeout = 20 * time.Second
	// defaultBandwidth is each link's rate: slow enough for the transfer
	// to last a second or two, long enough to watch the failover, fast
	// enough that a person does not wait.
	defaultBandwidth = 50_000_000
	// maxSize keeps a message well inside the default send and receive
	// buffers.
	maxSize = 64 << 10
)

// demoFlags holds the flags of the default command.
type demoFlags struct {
	fs   *flag.FlagSet
	cfg  Config
	pcap string
}

func newDemoFlags(out io.Writer) *demoFlags {
	f := &demoFlags{fs: flag.NewFlagSet(progName, flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(out)
	fs.Usage = f.usage
	fs.StringVar(&f.pcap, "pcap", "", "write every packet both hosts receive, on both links, to pcap `FILE` for tshark or Wireshark (packets the links lose are not in it)")
	fs.Float64Var(&f.cfg.Loss, "loss", 0, "probability in [0, 1) that a link drops a packet, each direction (e.g. 0.01)")
	fs.DurationVar(&f.cfg.Delay, "delay", 0, "one-way `delay` of each link (e.g. 5ms)")
	f.cfg.Bandwidth = defaultBandwidth
	fs.Var((*bitRate)(&f.cfg.Bandwidth), "bandwidth", "each link's `rate` each way, in bit/s or with k, M or G (e.g. 1G); 0 is unlimited")
	fs.BoolVar(&f.cfg.Outage, "failover", true, "cut link0, which carries the primary path, halfway through the transfer and heal it at three quarters (-failover=false: no cut)")
	fs.IntVar(&f.cfg.Streams, "streams", defaultStreams, "number of streams to ask for, each direction (1-65535)")
	fs.IntVar(&f.cfg.Count, "count", defaultCount, "messages to send on each stream")
	fs.IntVar(&f.cfg.Size, "size", defaultSize, fmt.Sprintf("largest message, %d to %d `bytes`; sizes are mixed up to it, and messages larger than a packet are fragmented", msgHeaderLen, maxSize))
	fs.Uint64Var(&f.cfg.Seed, "seed", defaultSeed, "seed of the link impairments, the stacks' randomness and the messages")
	fs.DurationVar(&f.cfg.Timeout, "timeout", defaultTimeout, "give up after this long")
	return f
}

// usage prints the command's help to the flag set's output.
func (f *demoFlags) usage() {
	w := f.fs.Output()
	fmt.Fprintf(w, `Usage: %s [flags]

Runs SCTP (RFC 9260) between two gVisor netstacks in this process, joined
by two simulated links: a client opens one multihomed association with an
echo server, a path over each link, sends messages of mixed sizes on every
stream, ordered and unordered, and checks that each echo comes back intact
(and, on ordered delivery, in order). Halfway through, the link of the
primary path is cut: the association fails over to the other path; later
the link is healed and the primary path comes back. Then the association
shuts down gracefully. The exit status is 0 only if every message was
verified, 1 if not, 2 for a bad command line.

Flags:
`, progName)
	f.fs.PrintDefaults()
	fmt.Fprintf(w, `
Commands (each has its own flags: %[1]s COMMAND -help):
  (none)   the default scenario above, in memory
  server   echo or discard server on real links (AF_PACKET on an interface
           such as a veth end, or a TAP device); needs root
  client   client for it: messages over several streams, every echo
           verified, exit status 1 on any loss or mismatch; needs root
  bench    bulk transfer, SCTP against gVisor's TCP, over identical
           in-memory links: both throughputs and their ratio

Examples:
  %[1]s
  %[1]s -loss 0.02 -delay 2ms -count 100 -seed 7
  %[1]s -bandwidth 0 -failover=false    # as fast as this machine goes
  %[1]s -pcap demo.pcap && tshark -r demo.pcap -o sctp.checksum:crc-32c
`, progName)
}

// check validates the flag values.
func (f *demoFlags) check() error {
	c := &f.cfg
	switch {
	case f.fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", f.fs.Arg(0))
	case c.Streams < 1 || c.Streams > 65535:
		return fmt.Errorf("-streams %d: want 1 to 65535", c.Streams)
	case c.Count < 1:
		return fmt.Errorf("-count %d: want at least 1", c.Count)
	case c.Size < msgHeaderLen || c.Size > maxSize:
		return fmt.Errorf("-size %d: want %d to %d", c.Size, msgHeaderLen, maxSize)
	case !(c.Loss >= 0 && c.Loss < 1):
		return fmt.Errorf("-loss %v: want a probability in [0, 1)", c.Loss)
	case c.Delay < 0:
		return fmt.Errorf("-delay %v: want a positive duration", c.Delay)
	case c.Timeout <= 0:
		return fmt.Errorf("-timeout %v: want a positive duration", c.Timeout)
	}
	return nil
}

// demoCommand runs the default scenario with the command line args.
func demoCommand(args []string, stdout, stderr io.Writer) int {
	f := newDemoFlags(stderr)
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // The flag package printed the error and usage.
	}
	if err := f.check(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName, err)
		fmt.Fprintf(stderr, "Run '%s -help' for the flags.\n", progName)
		return exitUsage
	}
	cfg := f.cfg
	cfg.Out = stdout
	cfg.Live = isTerminal(stdout)

	var capture *pcapFile
	if f.pcap != "" {
		var err error
		if capture, err = createPcap(f.pcap); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", progName, err)
			return exitFailed
		}
		cfg.Pcap = capture.w
	}

	r, err := Run(context.Background(), cfg)
	if capture != nil {
		// Run has closed the network: the capture is complete.
		if cerr := capture.close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if r == nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName, err)
		return exitFailed
	}
	printSummary(stdout, r, err)
	if capture != nil && err == nil {
		fmt.Fprintf(stdout, "capture:     %s (tshark -r %[1]s -o sctp.checksum:crc-32c)\n", f.pcap)
	}
	if err != nil || !r.OK() {
		return exitFailed
	}
	return exitOK
}

// pcapFile is the -pcap output: a buffered file.
type pcapFile struct {
	f *os.File
	w *bufio.Writer
}

func createPcap(name string) (*pcapFile, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return &pcapFile{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// close flushes and closes the file.
func (p *pcapFile) close() error {
	err := p.w.Flush()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("-pcap: %w", err)
	}
	return nil
}
