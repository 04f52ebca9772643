package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The simulated network: two hosts, each a gVisor stack with SCTP, joined
// by sctptest links on the real clock, so that the run behaves like two
// programs on a network, only faster.

// linkCount is the number of links between the two hosts: two, ready for
// multihoming, of which the protocol uses only the first today.
const linkCount = 2

// multihoming reports whether the protocol can use more than one path per
// association. It cannot yet (transport/sctp keeps one transport per
// association), so the second link stays idle and the output says so.
const multihoming = false

// protocolOptions are the SCTP options of both stacks. The RFC's RTO.Min
// and RTO.Initial of one second suit the Internet; on these links a round
// trip takes microseconds to milliseconds, and every lost packet would
// stall the demo for a second. RTO.Min must stay above the SACK delay, or
// each delayed SACK would cause a spurious retransmission; both are lowered
// together.
func protocolOptions(cfg *Config) sctp.Options {
	return sctp.Options{
		RTOInitial:     200*time.Millisecond + 4*cfg.Delay,
		RTOMin:         50*time.Millisecond + 2*cfg.Delay,
		RTOMax:         2 * time.Second,
		DelayedAckTime: 20 * time.Millisecond,
	}
}

// world is the simulated network of a run.
type world struct {
	net            *sctptest.Network
	links          []*sctptest.Link
	client, server *sctptest.Host
}

// newWorld builds the two hosts and their links.
func newWorld(cfg *Config) (*world, error) {
	n := sctptest.New(sctptest.Options{
		Seed:               cfg.Seed,
		RealClock:          true,
		Pcap:               cfg.Pcap,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(protocolOptions(cfg))},
	})
	w := &world{net: n, client: n.AddHost("client"), server: n.AddHost("server")}
	for range linkCount {
		l, err := n.Connect(w.client, w.server, sctptest.LinkConfig{
			Impairments: sctptest.Impairments{Loss: cfg.Loss, Delay: cfg.Delay},
		})
		if err != nil {
			n.Close()
			return nil, err
		}
		w.links = append(w.links, l)
	}
	return w, nil
}

// serverAddr is where the echo server listens: its IPv4 address on the
// first link.
func (w *world) serverAddr(port uint16) netip.AddrPort {
	a := w.links[0].B().IPv4()
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return netip.AddrPortFrom(ip, port)
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
