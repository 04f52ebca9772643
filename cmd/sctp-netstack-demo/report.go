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
	// StrayAborts are the ABORTs the stacks sent in answer to packets of
	// no association (RFC 9260 8.4), e.g. a late HEARTBEAT after the end.
	StrayAborts uint64
	// PathSwitches count the changes of the path new data takes, client
	// and server (RFC 9260 6.4); Heartbeats the HEARTBEATs each sent.
	PathSwitches, Heartbeats [2]uint64
	// Paths are the client's paths once all were confirmed.
	Paths []sctp.PathInfo
	// LongestPause is the longest wait for an echo during the transfer
	// (the first one included), PauseEnd when it ended.
	LongestPause, PauseEnd time.Duration
	// Outage is what the cut of the first link showed, nil without one.
	Outage *OutageResult
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
	rate := "unlimited rate"
	if cfg.Bandwidth > 0 {
		rate = fmtRate(float64(cfg.Bandwidth))
	}
	for _, l := range wd.links {
		fmt.Fprintf(w, "  link%d  %s <-> %s  MTU %d, %s, loss %g%%, delay %v\n",
			l.Index(), l.A().IPv4(), l.B().IPv4(), sctptest.DefaultMTU, rate, cfg.Loss*100, cfg.Delay)
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
	fmt.Fprintf(w, "  peer window %s, congestion window %s; SCTP packets up to %d bytes\n",
		fmtBytes(int64(st.PeerRwnd)), fmtBytes(int64(st.Primary.Cwnd)), st.Primary.MTU)
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
	var pkts, lost, cut, queue, other uint64
	var perLink []string
	for i, s := range r.Links {
		pkts += s.Sent
		lost += s.DroppedLoss
		cut += s.DroppedCut
		queue += s.DroppedQueue
		other += s.Dropped() - s.DroppedLoss - s.DroppedCut - s.DroppedQueue
		perLink = append(perLink, fmt.Sprintf("link%d %d", i, s.Sent))
	}
	fmt.Fprintf(w, "network:     %d packets sent (%s), %d lost", pkts, strings.Join(perLink, ", "), lost)
	for _, d := range []struct {
		n    uint64
		what string
	}{{cut, "on the cut link"}, {queue, "by full link queues"}, {other, "otherwise"}} {
		if d.n > 0 {
			fmt.Fprintf(w, ", %d dropped %s", d.n, d.what)
		}
	}
	if r.StrayAborts > 0 {
		fmt.Fprintf(w, "; %d ABORT answered stray packets after the association ended", r.StrayAborts)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "retransmits: client %d on timeout, %d fast; server %d on timeout, %d fast\n",
		r.Retransmissions[0], r.FastRetransmits[0], r.Retransmissions[1], r.FastRetransmits[1])
	fmt.Fprintf(w, "paths:       %d per association; path switches: client %d, server %d; heartbeats: client %d, server %d\n",
		len(r.Paths), r.PathSwitches[0], r.PathSwitches[1], r.Heartbeats[0], r.Heartbeats[1])
	if o := r.Outage; o != nil {
		fmt.Fprintf(w, "failover:    link0 cut at %s; echoes back over link1 after %s", fmtOffset(o.Cut), failoverText(o.Failover))
		if o.Healed > 0 {
			fmt.Fprintf(w, "; link1 carried %d packets until the heal at %s", o.AltPackets, fmtOffset(o.Healed))
		}
		fmt.Fprintln(w)
		if o.FalseRecoveries > 0 {
			times := "once"
			if o.FalseRecoveries > 1 {
				times = fmt.Sprintf("%d times", o.FalseRecoveries)
			}
			fmt.Fprintf(w, "             while cut, the client saw the primary path ACTIVE again %s, on acknowledgements of data\n"+
				"             sent over it before the cut, and sent new data to it until the next timeout\n", times)
		}
		switch {
		case o.Healed == 0:
			fmt.Fprintln(w, "             the transfer ended before link0 was healed")
		case o.Back > 0:
			fmt.Fprintf(w, "             the primary path was ACTIVE again %s after the heal\n", fmtMs(o.Back))
		default:
			fmt.Fprintln(w, "             the transfer ended before a heartbeat found the healed primary")
		}
	}
}

// failoverText is the failover time, or why there is none.
func failoverText(d time.Duration) string {
	if d <= 0 {
		return "- (none came before the end)"
	}
	return fmtMs(d)
}

// fmtRate formats bits per second, e.g. "50 Mbit/s".
func fmtRate(bps float64) string {
	switch {
	case bps >= 1e9:
		return fmt.Sprintf("%g Gbit/s", bps/1e9)
	case bps >= 1e6:
		return fmt.Sprintf("%g Mbit/s", bps/1e6)
	case bps >= 1e3:
		return fmt.Sprintf("%g kbit/s", bps/1e3)
	}
	return fmt.Sprintf("%g bit/s", bps)
}

// printTimes prints the throughput and the times.
func printTimes(w io.Writer, r *Result) {
	if r.Transfer > 0 {
		b := r.bytes()
		fmt.Fprintf(w, "throughput:  %s each way in %v: %s/s echoed, %.0f messages/s\n",
			fmtBytes(b), r.Transfer.Round(time.Millisecond), fmtBytes(int64(float64(b)/r.Transfer.Seconds())),
			float64(r.Verified)/r.Transfer.Seconds())
	}
	if r.LongestPause > 0 {
		fmt.Fprintf(w, "longest wait for an echo: %s, until %s\n", fmtMs(r.LongestPause), fmtOffset(r.PauseEnd))
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
