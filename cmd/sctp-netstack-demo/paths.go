package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Multihoming as the application sees it: the association's paths (one
// per peer address) and the path events the stack reports as peer
// addresses fail and recover (RFC 6458 6.1.2 SCTP_PEER_ADDR_CHANGE), shown
// as they happen, with the path new data takes (RFC 9260 6.4).

// pathWatcher follows one end's association for the progress line.
type pathWatcher struct {
	who string // "client" or "server"
	// conn is the association, nil until the server has accepted it.
	conn atomic.Pointer[adapter.Conn]
	// clock is the stack's; ref its reading when the progress started,
	// to place the events' times.
	clock tcpip.Clock
	ref   tcpip.MonotonicTime
	// label names the link of a path ("link1", "veth1"), or "".
	label func(sctp.PathInfo) string
	// via is the peer address new data went to at the last poll.
	via netip.Addr
	// labels remembers each address's label for the events.
	labels map[netip.Addr]string
	// events are all the events seen, for the summary.
	events []timedEvent
}

// timedEvent is a path event at a time since the progress started.
type timedEvent struct {
	sctp.PathEvent
	at time.Duration
}

func newPathWatcher(who string, c *adapter.Conn, clock tcpip.Clock, label func(sctp.PathInfo) string) *pathWatcher {
	pw := &pathWatcher{who: who, clock: clock, label: label, labels: map[netip.Addr]string{}}
	if c != nil {
		pw.conn.Store(c)
	}
	return pw
}

// start marks the start of the progress: event times count from here.
func (pw *pathWatcher) start() { pw.ref = pw.clock.NowMonotonic() }

// poll prints the events since the last poll and a change of the path new
// data takes.
func (pw *pathWatcher) poll(p *progress) {
	c := pw.conn.Load()
	if c == nil {
		return
	}
	ps, err := c.Paths()
	if err == nil {
		for _, pi := range ps {
			pw.labels[netAddr(pi.Addr.Addr)] = pw.label(pi)
		}
	}
	for _, ev := range c.PathEvents() {
		at := ev.At.Sub(pw.ref)
		if at < 0 {
			continue // Setup, before the transfer.
		}
		pw.events = append(pw.events, timedEvent{ev, at})
		p.event(at, "%s: path to %s %s", pw.who, pw.name(netAddr(ev.Addr.Addr)), describeEvent(ev))
	}
	if err != nil {
		return
	}
	if via := dataPath(ps); via.IsValid() && via != pw.via {
		if pw.via.IsValid() {
			p.event(p.elapsed(), "%s: new data now goes to %s", pw.who, pw.name(via))
		}
		pw.via = via
	}
}

// status is the path data takes, for the progress line.
func (pw *pathWatcher) status() string {
	if !pw.via.IsValid() {
		return ""
	}
	if l := pw.labels[pw.via]; l != "" {
		return "data via " + l
	}
	return "data via " + pw.via.String()
}

// name is an address with its link, e.g. "192.0.2.2 (link0)".
func (pw *pathWatcher) name(ip netip.Addr) string {
	if l := pw.labels[ip]; l != "" {
		return fmt.Sprintf("%s (%s)", ip, l)
	}
	return ip.String()
}

// firstEvent returns the first event of type typ for address ip at or
// after at.
func (pw *pathWatcher) firstEvent(ip netip.Addr, typ sctp.PathEventType, at time.Duration) (time.Duration, bool) {
	for _, ev := range pw.events {
		if ev.Type == typ && netAddr(ev.Addr.Addr) == ip && ev.at >= at {
			return ev.at, true
		}
	}
	return 0, false
}

// describeEvent says what a path event means.
func describeEvent(ev sctp.PathEvent) string {
	switch ev.Type {
	case sctp.PathAddrPotentiallyFailed:
		return "POTENTIALLY-FAILED: a retransmission timeout went unanswered"
	case sctp.PathAddrUnreachable:
		return fmt.Sprintf("INACTIVE: %d errors in a row, more than Path.Max.Retrans", ev.Error)
	case sctp.PathAddrAvailable:
		return "ACTIVE again: the peer acknowledged a heartbeat or data sent over it"
	case sctp.PathAddrConfirmed:
		return "confirmed: it answered a heartbeat"
	case sctp.PathAddrMadePrimary:
		return "made primary"
	case sctp.PathAddrAdded:
		return "added"
	}
	return fmt.Sprintf("%v, now %v", ev.Type, ev.State)
}

// dataPath returns the peer address new data goes to, as RFC 9260 6.4
// has it: the primary while it is active, else another active path.
func dataPath(ps []sctp.PathInfo) netip.Addr {
	var primary netip.Addr
	for _, p := range ps {
		if p.Primary {
			if p.State == sctp.PathActive {
				return netAddr(p.Addr.Addr)
			}
			primary = netAddr(p.Addr.Addr)
		}
	}
	for _, p := range ps {
		if p.State == sctp.PathActive {
			return netAddr(p.Addr.Addr)
		}
	}
	return primary
}

// waitPathsActive waits until every path of c is ACTIVE, which takes a
// heartbeat round trip for the addresses beyond the one the association
// was set up on (RFC 9260 5.4), or until ctx ends.
func waitPathsActive(ctx context.Context, c *adapter.Conn) []sctp.PathInfo {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		ps, err := c.Paths()
		if err != nil {
			return nil
		}
		all := true
		for _, p := range ps {
			all = all && p.State == sctp.PathActive
		}
		if all {
			return ps
		}
		select {
		case <-ctx.Done():
			return ps
		case <-t.C:
		}
	}
}

// pathsTitle heads the list of paths when the association comes up.
func pathsTitle(ps []sctp.PathInfo) string {
	return fmt.Sprintf("paths: %d, one per server address (multihoming)", len(ps))
}

// describeEndPaths prints the paths of c after the transfer.
func describeEndPaths(w io.Writer, c *adapter.Conn, label func(sctp.PathInfo) string) {
	if ps, err := c.Paths(); err == nil {
		describePaths(w, "paths after the transfer:", ps, label)
	}
}

// waitAccepted waits until the server has stored its association in c,
// and returns it, or nil if ctx ends first.
func waitAccepted(ctx context.Context, c *atomic.Pointer[adapter.Conn]) *adapter.Conn {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for c.Load() == nil {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
	return c.Load()
}

// assocStats returns the counters of c's association, which stay
// readable after it ended, or nil.
func assocStats(c *adapter.Conn) *sctp.AssocStats {
	if c == nil {
		return nil
	}
	st, _ := c.Endpoint().Stats().(*sctp.AssocStats)
	return st
}

// abortCheck returns "" if neither the client's nor the server's
// association (either may be nil) sent or received an ABORT, else what
// happened. An ABORT the stack sends in answer to a stray packet after the
// association ended (RFC 9260 8.4: a late HEARTBEAT over a link just
// healed, say) is not the association's and does not count.
func abortCheck(client, server *sctp.AssocStats) string {
	var what []string
	for _, e := range []struct {
		who string
		st  *sctp.AssocStats
	}{{"client", client}, {"server", server}} {
		if e.st == nil {
			continue
		}
		if n := e.st.AbortsSent.Value(); n > 0 {
			what = append(what, fmt.Sprintf("the %s's association sent %d ABORT", e.who, n))
		}
		if n := e.st.AbortsReceived.Value(); n > 0 {
			what = append(what, fmt.Sprintf("the %s's association received %d ABORT", e.who, n))
		}
	}
	return strings.Join(what, ", ")
}

// describePaths prints the association's paths under title.
func describePaths(w io.Writer, title string, ps []sctp.PathInfo, label func(sctp.PathInfo) string) {
	fmt.Fprintf(w, "  %s\n", title)
	for _, p := range ps {
		var notes []string
		if l := label(p); l != "" {
			notes = append(notes, "over "+l)
		}
		notes = append(notes, fmt.Sprintf("from %s", netAddr(p.LocalAddr)))
		if p.Primary {
			notes = append(notes, "primary")
		}
		if p.SRTT > 0 {
			notes = append(notes, fmt.Sprintf("SRTT %v", p.SRTT.Round(10*time.Microsecond)))
		}
		fmt.Fprintf(w, "    %-15s %-18v %s; MTU %d, RTO %v\n", netAddr(p.Addr.Addr), p.State,
			strings.Join(notes, ", "), p.MTU, p.RTO)
	}
}
