package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// What the demo tells a person: the setup as it happens (links,
// association, traffic plan, shutdown) and a closing summary. The numbers
// come from Result, which tests check instead of parsing the text.

// maxProblems caps the echo problems kept and printed; one is enough to
// fail the run, a flood helps nobody.
const maxProblems = 10

// streamResult is the traffic of one stream.
type streamResult struct {
	Planned, Ordered, Unordered int
	Bytes                       int64
}

// Result is the outcome of Run.
type Result struct {
	Config Config
	// Status is the client's view of the association right after it came
	// up.
	Status sctp.AssocStatus
	// MaxUnfragmented is the largest message that fits in one DATA chunk
	// on the path; larger ones are fragmented (RFC 9260 6.9).
	MaxUnfragmented int
	// Messages is the number of messages sent; Verified those whose echo
	// was intact, on the right stream, with the right PPID and, for
	// ordered ones, in order.
	Messages, Verified int
	// Fragmented counts the messages larger than MaxUnfragmented.
	Fragmented int
	Streams    []streamResult
	Problems   []string
	// Dropped problems beyond maxProblems.
	MoreProblems int
	// Shutdown is empty when the association ended gracefully, else what
	// went wrong.
	Shutdown string
	// Retransmissions are the chunks the client's and the server's stack
	// retransmitted when a timer expired (INIT, COOKIE ECHO, DATA,
	// SHUTDOWN); FastRetransmits the fast retransmissions of DATA after
	// three SACKs reported it missing (RFC 9260 7.2.4).
	Retransmissions, FastRetransmits [2]uint64
	// Links are the counters of each link, both directions.
	Links []sctptest.Stats
	// Setup is the handshake time, Transfer the time from the first
	// message sent to the last echo verified, Total the whole run.
	Setup, Transfer, Total time.Duration
}

// OK reports whether every message was verified and the association shut
// down gracefully.
func (r *Result) OK() bool {
	return r != nil && r.Messages > 0 && r.Verified == r.Messages && len(r.Problems) == 0 && r.Shutdown == ""
}

func (r *Result) init(p *plan) {
	r.Messages = len(p.msgs)
	r.Streams = make([]streamResult, len(p.ordered))
	for _, m := range p.msgs {
		r.Streams[m.stream].Planned++
		if m.size > r.MaxUnfragmented {
			r.Fragmented++
		}
	}
}

func (r *Result) verified(m *message) {
	r.Verified++
	s := &r.Streams[m.stream]
	if m.unordered {
		s.Unordered++
	} else {
		s.Ordered++
	}
	s.Bytes += int64(m.size)
}

func (r *Result) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	} else {
		r.MoreProblems++
	}
}

// bytes returns the user data verified.
func (r *Result) bytes() int64 {
	var n int64
	for _, s := range r.Streams {
		n += s.Bytes
	}
	return n
}

// describeLinks prints the simulated network.
func describeLinks(w io.Writer, wd *world, cfg *Config) {
	fmt.Fprintf(w, "network: hosts %q and %q, gVisor netstacks in this process, real clock, seed %d\n",
		wd.client.Name(), wd.server.Name(), cfg.Seed)
	for i, l := range wd.links {
		use := "association path"
		if i > 0 && !multihoming {
			use = "idle, for multihoming"
		}
		fmt.Fprintf(w, "  link%d  %s <-> %s  MTU %d, loss %g%%, delay %v  (%s)\n",
			l.Index(), l.A().IPv4(), l.B().IPv4(), sctptest.DefaultMTU, cfg.Loss*100, cfg.Delay, use)
	}
}

// describeAssoc prints what the client's Status call reports.
func describeAssoc(w io.Writer, r *Result) {
	st := &r.Status
	fmt.Fprintf(w, "association %d up in %v: %s:%d -> %s:%d, state %v\n",
		st.AssocID, r.Setup.Round(10*time.Microsecond),
		st.LocalAddr.Addr, st.LocalAddr.Port, st.PeerAddr.Addr, st.PeerAddr.Port, st.State)
	fmt.Fprintf(w, "  streams: %d out, %d in (%d asked for each way)\n", st.OutStreams, st.InStreams, r.Config.Streams)
	if int(st.OutStreams) < r.Config.Streams {
		fmt.Fprintf(w, "  the server granted %d of the %d streams asked for; sending on those\n", st.OutStreams, r.Config.Streams)
	}
	fmt.Fprintf(w, "  primary path to %s: SCTP packets up to %d bytes, cwnd %s, RTO %v; peer window %s\n",
		st.Primary.Addr.Addr, st.Primary.MTU, fmtBytes(int64(st.Primary.Cwnd)), st.Primary.RTO, fmtBytes(int64(st.PeerRwnd)))
	if !multihoming {
		fmt.Fprintln(w, "  multihoming is not available yet: the association uses one path, link1 stays idle")
	}
}

// describePlan prints the traffic about to be sent.
func describePlan(w io.Writer, r *Result) {
	sizes := fmt.Sprintf("%d to %d bytes", msgHeaderLen, r.Config.Size)
	if r.Config.Size == msgHeaderLen {
		sizes = fmt.Sprintf("%d bytes", msgHeaderLen)
	}
	fmt.Fprintf(w, "client: sending %d messages, %d on each stream, of %s, about %.0f%% unordered\n",
		r.Messages, r.Config.Count, sizes, unorderedShare*100)
	if r.Fragmented > 0 {
		fmt.Fprintf(w, "  %d messages are larger than the %d bytes of user data a packet holds and go fragmented\n",
			r.Fragmented, r.MaxUnfragmented)
	}
}

func (r *Result) shutdownLine() string {
	if r.Shutdown == "" {
		return "association shut down gracefully (SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE; no ABORT)"
	}
	return "association did not shut down gracefully: " + r.Shutdown
}

// printSummary prints the closing summary: a table per stream, the
// totals, the network's and the protocol's counters, and the verdict. err
// is Run's error, if any.
func printSummary(w io.Writer, r *Result, err error) {
	fmt.Fprintln(w)
	printStreams(w, r)
	printNetwork(w, r)
	printTimes(w, r)
	printVerdict(w, r, err)
}

// printStreams prints the table of streams and the problems found.
func printStreams(w io.Writer, r *Result) {
	if len(r.Streams) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "stream\tordered\tunordered\tbytes\tverified\t")
		for i, s := range r.Streams {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%d/%d\t\n", i, s.Ordered, s.Unordered, fmtBytes(s.Bytes), s.Ordered+s.Unordered, s.Planned)
		}
		var ord, unord int
		for _, s := range r.Streams {
			ord += s.Ordered
			unord += s.Unordered
		}
		fmt.Fprintf(tw, "total\t%d\t%d\t%s\t%d/%d\t\n", ord, unord, fmtBytes(r.bytes()), r.Verified, r.Messages)
		tw.Flush()
		fmt.Fprintln(w)
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "problem:", p)
	}
	if r.MoreProblems > 0 {
		fmt.Fprintf(w, "problem: ... and %d more\n", r.MoreProblems)
	}
}

// printNetwork prints the links' and the protocol's counters.
func printNetwork(w io.Writer, r *Result) {
	var pkts, lost, other uint64
	var perLink []string
	for i, s := range r.Links {
		pkts += s.Sent
		lost += s.DroppedLoss
		other += s.Dropped() - s.DroppedLoss
		perLink = append(perLink, fmt.Sprintf("link%d %d", i, s.Sent))
	}
	fmt.Fprintf(w, "network:     %d packets sent (%s), %d lost", pkts, strings.Join(perLink, ", "), lost)
	if other > 0 {
		fmt.Fprintf(w, ", %d dropped otherwise", other)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "retransmits: client %d on timeout, %d fast; server %d on timeout, %d fast\n",
		r.Retransmissions[0], r.FastRetransmits[0], r.Retransmissions[1], r.FastRetransmits[1])
}

// printTimes prints the throughput and the times.
func printTimes(w io.Writer, r *Result) {
	if r.Transfer > 0 {
		b := r.bytes()
		fmt.Fprintf(w, "throughput:  %s each way in %v: %s/s echoed, %.0f messages/s\n",
			fmtBytes(b), r.Transfer.Round(time.Millisecond), fmtBytes(int64(float64(b)/r.Transfer.Seconds())),
			float64(r.Verified)/r.Transfer.Seconds())
	}
	fmt.Fprintf(w, "elapsed:     %v (handshake %v)\n", r.Total.Round(time.Millisecond), r.Setup.Round(10*time.Microsecond))
}

// printVerdict prints the closing OK or FAILED line.
func printVerdict(w io.Writer, r *Result, err error) {
	var verdict []string
	if r.Verified < r.Messages {
		verdict = append(verdict, fmt.Sprintf("%d of %d messages not verified", r.Messages-r.Verified, r.Messages))
	}
	if r.Shutdown != "" {
		verdict = append(verdict, "no graceful shutdown")
	}
	if err != nil {
		verdict = append(verdict, err.Error())
	}
	if r.OK() && err == nil {
		fmt.Fprintf(w, "OK: all %d messages verified\n", r.Messages)
	} else {
		fmt.Fprintf(w, "FAILED: %s\n", strings.Join(verdict, "; "))
	}
}

// fmtBytes formats a byte count with a binary unit.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
