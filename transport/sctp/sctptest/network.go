package sctptest

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// DefaultStep is the default time step of RunUntil and auto-advance.
const DefaultStep = time.Millisecond

// DefaultMaxDeliveriesPerInstant is the default guard against zero-delay
// packet loops in Advance.
const DefaultMaxDeliveriesPerInstant = 1 << 22

// Options configures a Network. The zero value is usable: seed 0, manual
// clock, IPv4 and IPv6, and no transport protocols.
type Options struct {
	// Seed determines every random choice: the links' impairment
	// decisions and the stacks' RandSource and SecureRNG.
	Seed uint64

	// TransportProtocols are installed in every host's stack, e.g.
	// tcp.NewProtocol, udp.NewProtocol or the SCTP protocol factory.
	TransportProtocols []stack.TransportProtocolFactory
	// NetworkProtocols replaces the default ipv4.NewProtocol and
	// ipv6.NewProtocol. The defaults send no unsolicited packets (no DAD,
	// router solicitation, MLD or IGMP), so links carry only test traffic.
	NetworkProtocols []stack.NetworkProtocolFactory
	// StackOptions, if set, may adjust each host's stack.Options before the
	// stack is created (host is the host's index). It must keep Clock,
	// RandSource and SecureRNG, or time and determinism break.
	StackOptions func(host int, opts *stack.Options)

	// RealClock runs the stacks on tcpip.NewStdClock instead of the manual
	// clock. Each link direction then delivers packets on its own goroutine
	// as soon as they are due; Advance only sleeps. Meant for benchmarks.
	RealClock bool

	// Pcap, if set, receives a capture of every packet delivered on any
	// link. See LinkConfig.Pcap for per-link captures.
	Pcap io.Writer

	// Trace, if set, is called for every decision and delivery (see
	// Event). Send events of one direction are reported in order under
	// that direction's lock, so Trace must not call back into the Network
	// and must be safe for concurrent use when several goroutines send.
	Trace func(Event)

	// Step is the default step of RunUntil and auto-advance (DefaultStep
	// if zero).
	Step time.Duration
	// MaxDeliveriesPerInstant makes Advance panic if more packets than
	// this are delivered without simulated time moving, which indicates a
	// zero-delay loop (DefaultMaxDeliveriesPerInstant if zero).
	MaxDeliveriesPerInstant int
}

// Network is a set of simulated hosts (gVisor stacks) joined by point-to-point
// links, all driven by one clock.
type Network struct {
	opts Options

	// clock is given to every stack; sim is the same clock in manual mode
	// and nil with Options.RealClock.
	clock tcpip.Clock
	sim   *simClock
	// start is the clock reading at creation; network time counts from it.
	start tcpip.MonotonicTime

	pcap *pcapWriter

	// sends and deliveries count packets written to and delivered by any
	// link; Settle watches them.
	sends      atomic.Uint64
	deliveries atomic.Uint64
	// settled is the activity count at the end of the last Settle.
	settled atomic.Uint64
	// closed is set by Close; later sends are dropped.
	closed atomic.Bool

	// mu guards hosts and links. Connect holds it while configuring the
	// stacks; nothing called from a stack takes it.
	mu sync.Mutex
	// +checklocks:mu
	hosts []*Host
	// +checklocks:mu
	links []*Link

	// qmu guards the manual-mode delivery queue. Lock order: a direction's
	// mu before qmu.
	qmu sync.Mutex
	// +checklocks:qmu
	queue minHeap[packet]
	// +checklocks:qmu
	seq uint64

	// advMu serializes Advance callers (a test and the auto-advancer).
	advMu sync.Mutex

	autoMu sync.Mutex
	// +checklocks:autoMu
	autoStop chan struct{}
	// +checklocks:autoMu
	autoDone chan struct{}
}

// New creates an empty network.
func New(opts Options) *Network {
	if opts.Step <= 0 {
		opts.Step = DefaultStep
	}
	if opts.MaxDeliveriesPerInstant <= 0 {
		opts.MaxDeliveriesPerInstant = DefaultMaxDeliveriesPerInstant
	}
	if opts.NetworkProtocols == nil {
		opts.NetworkProtocols = []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol}
	}
	n := &Network{opts: opts}
	if opts.RealClock {
		n.clock = tcpip.NewStdClock()
	} else {
		n.sim = newSimClock()
		n.clock = n.sim
	}
	n.start = n.clock.NowMonotonic()
	if opts.Pcap != nil {
		n.pcap = newPcapWriter(opts.Pcap)
	}
	return n
}

// Clock returns the clock every stack runs on. Application timers created
// with it are tracked like the stacks' own (see Advance). In manual mode it
// is backed by a faketime.ManualClock starting at the Unix epoch; only
// Network.Advance may move it.
func (n *Network) Clock() tcpip.Clock { return n.clock }

// Elapsed returns the network time: the time since New on the network's
// clock.
func (n *Network) Elapsed() time.Duration {
	if n.sim != nil {
		return n.sim.elapsed()
	}
	return n.clock.NowMonotonic().Sub(n.start)
}

// Seed returns the seed the network was created with.
func (n *Network) Seed() uint64 { return n.opts.Seed }

// AddHost creates a host with a new stack. An empty name becomes "h<index>".
func (n *Network) AddHost(name string) *Host {
	return n.addHost(name, n.opts.TransportProtocols)
}

// AddRawHost creates a host whose stack has the network protocols but no
// transport protocol at all. It answers ICMP echo, and ICMP "protocol
// unreachable" to any transport packet, like a machine without SCTP. To
// script a peer byte by byte, intercept its interface (Iface.Intercept).
func (n *Network) AddRawHost(name string) *Host {
	return n.addHost(name, nil)
}

func (n *Network) addHost(name string, transports []stack.TransportProtocolFactory) *Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	idx := len(n.hosts)
	if name == "" {
		name = fmt.Sprintf("h%d", idx)
	}
	so := stack.Options{
		NetworkProtocols:   n.opts.NetworkProtocols,
		TransportProtocols: transports,
		Clock:              n.clock,
		HandleLocal:        true,
		RandSource:         &lockedSource{pcg: newPCG(n.opts.Seed, "stack-rand", uint64(idx))},
		SecureRNG:          newLockedReader(n.opts.Seed, "stack-secure", uint64(idx)),
	}
	if n.opts.StackOptions != nil {
		n.opts.StackOptions(idx, &so)
	}
	h := &Host{net: n, index: idx, name: name, stack: stack.New(so)}
	n.hosts = append(n.hosts, h)
	return h
}

// AddHosts creates count hosts with default names.
func (n *Network) AddHosts(count int) []*Host {
	hs := make([]*Host, count)
	for i := range hs {
		hs[i] = n.AddHost("")
	}
	return hs
}

// Hosts returns the hosts in creation order.
func (n *Network) Hosts() []*Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Host(nil), n.hosts...)
}

// Links returns the links in creation order.
func (n *Network) Links() []*Link {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Link(nil), n.links...)
}

// PcapError returns the first error from writing any capture, if any.
func (n *Network) PcapError() error {
	if n.pcap != nil {
		if err := n.pcap.error(); err != nil {
			return err
		}
	}
	for _, l := range n.Links() {
		if l.pcap != nil {
			if err := l.pcap.error(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close stops auto-advance and the delivery goroutines, destroys every
// stack and releases packets still in flight. The network must not be used
// afterwards.
func (n *Network) Close() {
	n.StopAutoAdvance()
	if n.closed.Swap(true) {
		return
	}
	links := n.Links()
	for _, l := range links {
		for _, d := range l.dirs {
			d.stopDelivery()
		}
	}
	for _, h := range n.Hosts() {
		h.stack.Destroy()
	}
	n.qmu.Lock()
	for n.queue.len() > 0 {
		p := n.queue.pop()
		p.dir.c.other.Add(1)
		p.pkt.DecRef()
	}
	n.qmu.Unlock()
}
