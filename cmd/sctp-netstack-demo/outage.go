package main

import (
	"fmt"
	"math"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The outage of the default scenario: halfway through the transfer the
// first link, which carries the primary path, is cut in both directions;
// when three quarters of the echoes are in it is healed. The association
// must carry on over the second link meanwhile (failover, RFC 9260 6.4
// and RFC 7829) and take the primary back once a heartbeat gets through.

// Outage points, as fractions of the echoes received.
const (
	cutAtShare  = 0.5
	healAtShare = 0.75
)

// OutageResult is what the outage showed. Times count from the start of
// the transfer.
type OutageResult struct {
	// Cut and Healed are when the link went down and came back; Healed
	// is zero if the transfer ended first.
	Cut, Healed time.Duration
	// Failover is the time from the cut to the first echo arriving over
	// the second link: how long the application waited.
	Failover time.Duration
	// Back is the time from the heal until the client saw the primary
	// path ACTIVE again; zero if it did not before the transfer ended.
	Back time.Duration
	// AltPackets is what the second link carried from the cut to the
	// heal, both directions.
	AltPackets uint64
	// FalseRecoveries counts the times the client saw the cut primary
	// path ACTIVE again before the heal: acknowledgements of data sent
	// over it before the cut, arriving over the other link, vouch for it
	// (RFC 9260 8.2), and new data goes back to it until the next
	// timeout.
	FalseRecoveries int
}

// outage cuts and heals the world's first link at the planned points of
// the transfer; its watch method runs on the progress goroutine.
type outage struct {
	w        *world
	ctr      *counters
	cutAt    int64 // echoes received before the cut
	healAt   int64
	client   *pathWatcher
	primary  netip.Addr
	res      OutageResult
	cutNet   time.Duration // network time of the cut
	netStart time.Duration // network time when the transfer started
	// altEcho is the network time of the first DATA delivered to the
	// client over the second link after the cut, plus one; 0 until then.
	altEcho   atomic.Int64
	altBefore uint64
	// state: 0 before the cut, 1 cut, 2 healed, 3 primary back.
	state int
}

func newOutage(w *world, ctr *counters, total int, client *pathWatcher, primary netip.Addr) *outage {
	return &outage{w: w, ctr: ctr, client: client, primary: primary,
		cutAt: int64(float64(total) * cutAtShare), healAt: int64(float64(total) * healAtShare)}
}

// start marks the start of the transfer.
func (o *outage) start() { o.netStart = o.w.net.Elapsed() }

// watch is the outage's watcher.
func (o *outage) watch(p *progress) {
	link0, link1 := o.w.links[0], o.w.links[1]
	echoed := o.ctr.echoedMsgs.Load()
	switch o.state {
	case 0:
		if echoed < o.cutAt {
			return
		}
		// Time the failover: the filter notes the first DATA delivered to
		// the client over the second link (B to A: the server's echoes).
		link1.SetFilter(sctptest.BtoA, func(pk sctptest.Packet) sctptest.FilterVerdict {
			if o.altEcho.Load() == 0 && hasData(pk.Data) {
				o.altEcho.Store(int64(pk.At) + 1)
			}
			return sctptest.PassPacket
		})
		o.altBefore = link1.Stats(sctptest.Both).Sent
		link0.Cut()
		o.cutNet = o.w.net.Elapsed()
		o.res.Cut = o.cutNet - o.netStart
		o.state = 1
		p.event(o.res.Cut, "link0 cut, both directions (%d of %d echoes in)", echoed, p.total)
	case 1:
		if at := o.altEcho.Load(); at != 0 && o.res.Failover == 0 {
			o.res.Failover = time.Duration(at-1) - o.cutNet
			link1.SetFilter(sctptest.BtoA, nil)
			p.event(time.Duration(at-1)-o.netStart, "echoes arrive over link1: failover took %v", fmtMs(o.res.Failover))
		}
		if echoed < o.healAt || o.res.Failover == 0 {
			return
		}
		link0.Heal()
		o.res.Healed = o.w.net.Elapsed() - o.netStart
		o.res.AltPackets = link1.Stats(sctptest.Both).Sent - o.altBefore
		o.state = 2
		p.event(o.res.Healed, "link0 healed (%d of %d echoes in)", echoed, p.total)
	case 2:
		if at, ok := o.client.firstEvent(o.primary, sctp.PathAddrAvailable, o.res.Healed); ok {
			o.res.Back = max(at-o.res.Healed, time.Microsecond)
			o.state = 3
		}
	}
}

// result returns the outcome; the progress must have stopped.
func (o *outage) result() *OutageResult {
	if o.state == 0 {
		return nil
	}
	r := o.res
	end := r.Healed
	if end == 0 {
		end = math.MaxInt64
	}
	for _, ev := range o.client.events {
		if ev.Type == sctp.PathAddrAvailable && netAddr(ev.Addr.Addr) == o.primary && ev.at >= r.Cut && ev.at < end {
			r.FalseRecoveries++
		}
	}
	if o.state == 1 {
		// The transfer ended during the outage: heal for the shutdown.
		o.w.links[0].Heal()
		r.AltPackets = o.w.links[1].Stats(sctptest.Both).Sent - o.altBefore
	}
	return &r
}

// hasData reports whether IP packet b is SCTP with a DATA chunk.
func hasData(b []byte) bool {
	_, _, proto, payload, err := sctptest.ParseIP(b)
	if err != nil || proto != uint8(sctp.ProtocolNumber) || len(payload) < header.SCTPCommonHeaderLen {
		return false
	}
	it := header.NewChunkIter(payload[header.SCTPCommonHeaderLen:])
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if c.Type() == header.ChunkData {
			return true
		}
	}
	return false
}

// fmtMs formats a duration in milliseconds, e.g. "57.3 ms".
func fmtMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
