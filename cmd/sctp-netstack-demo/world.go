package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The simulated network: two hosts, each a gVisor stack with SCTP, joined
// by sctptest links on the real clock, so that the run behaves like two
// programs on a network, only faster.

// linkCount is the number of links between the two hosts: each host has
// an address on each, and the association a path over each (multihoming,
// RFC 9260 6.4).
const linkCount = 2

// protocolOptions are the SCTP options of both stacks. The RFC's RTO.Min
// and RTO.Initial of one second suit the Internet; on these links a round
// trip takes microseconds to milliseconds, and every lost packet would
// stall the demo for a second. RTO.Min must stay above the SACK delay, or
// each delayed SACK would cause a spurious retransmission; both are lowered
// together. RTO.Min is also about how long a failover takes (the first
// timeout on a cut path moves the data), and must leave room for a busy
// machine's scheduling delays, which would otherwise look like a failing
// path: 100 ms.
func protocolOptions(cfg *Config) sctp.Options {
	o := sctp.Options{
		RTOInitial:     200*time.Millisecond + 4*cfg.Delay,
		RTOMin:         100*time.Millisecond + 2*cfg.Delay,
		RTOMax:         2 * time.Second,
		DelayedAckTime: 20 * time.Millisecond,
		// A path whose retransmission timer expires once is left at once
		// for the other (RFC 7829 Potentially Failed, the default
		// PotentiallyFailedMaxRetrans 0) and probed every RTO until it
		// answers; idle paths are probed every second rather than every 30.
		HeartbeatInterval: time.Second,
	}
	if cfg.Bandwidth > 0 {
		o.ReceiveBufferSize = linkBuffer(cfg)
	}
	return o
}

// world is the simulated network of a run.
type world struct {
	net            *sctptest.Network
	links          []*sctptest.Link
	client, server *sctptest.Host
}

// newWorld builds the two hosts and their links. Each link has an IPv4
// address at each end (and IPv6 ones, unused: the association is IPv4).
func newWorld(cfg *Config) (*world, error) {
	n := sctptest.New(sctptest.Options{
		Seed:               cfg.Seed,
		RealClock:          true,
		Pcap:               cfg.Pcap,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(protocolOptions(cfg))},
	})
	w := &world{net: n, client: n.AddHost("client"), server: n.AddHost("server")}
	im := sctptest.Impairments{Loss: cfg.Loss, Delay: cfg.Delay, Bandwidth: cfg.Bandwidth}
	if cfg.Bandwidth > 0 {
		im.QueueLimit = 2 * linkBuffer(cfg)
	}
	for range linkCount {
		l, err := n.Connect(w.client, w.server, sctptest.LinkConfig{Impairments: im})
		if err != nil {
			n.Close()
			return nil, err
		}
		w.links = append(w.links, l)
	}
	return w, nil
}

// linkBuffer bounds what a rate-limited link holds: the stacks' receive
// buffers, which bound the data in flight each way (the peer's window),
// are set to it, and the link queues twice as much before dropping. A
// sender then fills the link without overflowing its queue, and the
// queueing delay, which the RTO and thus the failover time follow, stays
// near 20 ms at 50 Mbit/s. It is at least twice the bandwidth-delay
// product, and 128 KiB.
func linkBuffer(cfg *Config) int {
	bdp := float64(cfg.Bandwidth) / 8 * (2 * cfg.Delay).Seconds()
	return max(128<<10, 2*int(min(bdp, 1<<30)))
}

// serverAddr is where the echo server is reached: its IPv4 addresses on
// every link, the first link's first, so that it carries the primary path.
func (w *world) serverAddr(port uint16) *adapter.Addr {
	a := &adapter.Addr{Port: port}
	for _, l := range w.links {
		a.IPs = append(a.IPs, netAddr(l.B().IPv4()))
	}
	return a
}

// linkName names the link an address of either host is on, e.g. "link1",
// or returns "" for an address of no link.
func (w *world) linkName(ip netip.Addr) string {
	for i, l := range w.links {
		for _, ifc := range []*sctptest.Iface{l.A(), l.B()} {
			if ip == netAddr(ifc.IPv4()) || ip == netAddr(ifc.IPv6()) {
				return fmt.Sprintf("link%d", i)
			}
		}
	}
	return ""
}

// netAddr converts a netstack address.
func netAddr(a tcpip.Address) netip.Addr {
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}

// stats returns the SCTP counters of the client's and the server's stack.
func (w *world) stats() (client, server *sctp.ProtocolStats) {
	return sctp.Stats(w.client.Stack()), sctp.Stats(w.server.Stack())
}

// collect copies the protocols' and the links' counters into r.
func (w *world) collect(r *Result) {
	cst, sst := w.stats()
	r.Retransmissions = [2]uint64{sumCounters(cst.Retransmissions[:]), sumCounters(sst.Retransmissions[:])}
	r.FastRetransmits = [2]uint64{cst.FastRetransmits.Value(), sst.FastRetransmits.Value()}
	r.PathSwitches = [2]uint64{cst.PathSwitches.Value(), sst.PathSwitches.Value()}
	r.Heartbeats = [2]uint64{cst.ChunksSent[header.ChunkHeartbeat].Value(), sst.ChunksSent[header.ChunkHeartbeat].Value()}
	r.Links = r.Links[:0]
	for _, l := range w.links {
		r.Links = append(r.Links, l.Stats(sctptest.Both))
	}
}

// waitClosed waits until neither stack has an association left and
// returns "" then, or, when ctx ends first, which are left in which state.
func (w *world) waitClosed(ctx context.Context) string {
	start := time.Now()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		var open []string
		for _, h := range []*sctptest.Host{w.client, w.server} {
			s := sctp.Stats(h.Stack())
			for st := range s.AssociationsByState {
				if s.AssociationsByState[st].Value() > 0 {
					open = append(open, fmt.Sprintf("%s in %v", h.Name(), sctp.State(st)))
				}
			}
		}
		if len(open) == 0 {
			return ""
		}
		select {
		case <-ctx.Done():
			return fmt.Sprintf("after %v the %s", time.Since(start).Round(time.Millisecond), strings.Join(open, ", the "))
		case <-t.C:
		}
	}
}

// sumCounters adds up a group of counters, e.g. retransmissions by timer.
func sumCounters(cs []tcpip.StatCounter) uint64 {
	var n uint64
	for i := range cs {
		n += cs[i].Value()
	}
	return n
}
