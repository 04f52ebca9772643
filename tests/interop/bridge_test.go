package interop

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// sctpProto is SCTP's IP protocol number.
const sctpProto = 132

// bridge is a net.Conn that carries the bare SCTP packets of a foreign stack
// (pion, usrsctp's AF_CONN) over one side of an sctptest link. Write wraps a
// packet in an IPv4 header and injects it from the intercepted interface;
// Read returns the SCTP payload of the IP packets the link delivers there.
//
// Delivered packets are picked up by a filter rather than by polling the
// interception's Capture: with the real clock Capture.Next polls once per
// network step, which would add a millisecond to every packet. The
// interception is still installed, so that our stack's packets never reach
// the raw host's stack (which would answer protocol unreachable) and so that
// the pcap records them as delivered.
type bridge struct {
	ifc        *sctptest.Iface
	capture    *sctptest.Capture
	self, peer netip.Addr

	// chunks counts the chunk types crossing the bridge both ways.
	chunks chunkCounter

	mu sync.Mutex
	// hooks are the tests' hooks (see editHooks).
	//
	// +checklocks:mu
	hooks bridgeHooks
	// queue holds the SCTP packets delivered and not read yet.
	//
	// +checklocks:mu
	queue [][]byte
	// wake is closed and replaced whenever something a blocked Read waits
	// for changes: a packet, Close, or a new read deadline.
	//
	// +checklocks:mu
	wake chan struct{}
	// +checklocks:mu
	closed bool
	// +checklocks:mu
	rdl time.Time
}

var _ net.Conn = (*bridge)(nil)

// bridgeHooks let a test see or change what crosses the bridge. Each may be
// nil.
type bridgeHooks struct {
	// rewrite may return a replacement for an SCTP packet on its way to
	// the foreign stack (nil keeps it). The replacement is what the pcap
	// records. Only for working around a foreign stack's bug, each use
	// saying which.
	rewrite func(pkt []byte) []byte
	// drop may drop an SCTP packet on its way to the foreign stack, for
	// tests that need a given packet lost.
	drop func(pkt []byte) bool
	// sent sees each SCTP packet the foreign stack sends.
	sent func(pkt []byte)
	// dropSent may drop an SCTP packet the foreign stack sends before it
	// reaches the link (and the pcap). Only for keeping a foreign stack's
	// bug from ending a test at random, each use saying which.
	dropSent func(pkt []byte) bool
}

// editHooks lets f change the hooks.
func (b *bridge) editHooks(f func(h *bridgeHooks)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(&b.hooks)
}

// newBridge intercepts ifc (the foreign stack's side of a link) and returns
// the conn the foreign stack reads and writes.
func newBridge(ifc *sctptest.Iface) *bridge {
	b := &bridge{
		ifc:  ifc,
		self: sctptest.ToNetip(ifc.IPv4()),
		peer: sctptest.ToNetip(ifc.Peer().IPv4()),
		wake: make(chan struct{}),
	}
	b.capture = ifc.Intercept()
	ifc.Link().SetFilter(ifc.Peer().Out(), b.filter)
	return b
}

// filter runs on the link's delivery goroutine for each packet arriving at
// the intercepted side and queues its SCTP payload. It never drops: the
// packet goes on to the interception and the pcap, unless a hook drops or
// rewrites it.
func (b *bridge) filter(p sctptest.Packet) sctptest.FilterVerdict {
	src, dst, proto, payload, err := sctptest.ParseIP(p.Data)
	if err != nil || proto != sctpProto || dst != b.self {
		return sctptest.PassPacket
	}
	verdict := sctptest.PassPacket
	pkt := append([]byte(nil), payload...)
	b.mu.Lock()
	h := b.hooks
	b.mu.Unlock()
	if h.drop != nil && h.drop(pkt) {
		return sctptest.DropPacket
	}
	if h.rewrite != nil {
		if np := h.rewrite(pkt); np != nil {
			pkt = np
			verdict = sctptest.ReplacePacket(sctptest.BuildIPv4(src, dst, sctpProto, np))
		}
	}
	b.chunks.add(true, pkt)
	b.mu.Lock()
	if !b.closed {
		b.queue = append(b.queue, pkt)
		b.broadcastLocked()
	}
	b.mu.Unlock()
	return verdict
}

// +checklocks:b.mu
func (b *bridge) broadcastLocked() {
	close(b.wake)
	b.wake = make(chan struct{})
}

// Read returns one SCTP packet. A packet longer than p is truncated, as a
// datagram socket would do.
func (b *bridge) Read(p []byte) (int, error) {
	for {
		b.mu.Lock()
		if len(b.queue) > 0 {
			pkt := b.queue[0]
			b.queue[0] = nil
			b.queue = b.queue[1:]
			b.mu.Unlock()
			// The interception's own copies are not needed: drop them
			// so that a long transfer does not accumulate them.
			b.capture.Clear()
			return copy(p, pkt), nil
		}
		if b.closed {
			b.mu.Unlock()
			return 0, net.ErrClosed
		}
		dl, wake := b.rdl, b.wake
		b.mu.Unlock()
		if dl.IsZero() {
			<-wake
			continue
		}
		d := time.Until(dl)
		if d <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		t := time.NewTimer(d)
		select {
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Write sends one SCTP packet to our stack. It never blocks: the link
// queues or drops like a network.
func (b *bridge) Write(p []byte) (int, error) {
	b.mu.Lock()
	closed, h := b.closed, b.hooks
	b.mu.Unlock()
	if closed {
		return 0, net.ErrClosed
	}
	if h.sent != nil {
		h.sent(p)
	}
	if h.dropSent != nil && h.dropSent(p) {
		return len(p), nil
	}
	b.chunks.add(false, p)
	b.ifc.WriteRaw(sctptest.BuildIPv4(b.self, b.peer, sctpProto, p))
	return len(p), nil
}

// Close stops the bridge; a blocked Read returns net.ErrClosed. The
// interception stays: packets for the closed peer vanish, as they would
// for an application that stopped reading its socket, instead of reaching
// the raw host's stack, whose ICMP protocol unreachable would be a test
// artefact.
func (b *bridge) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return net.ErrClosed
	}
	b.closed = true
	b.queue = nil
	b.broadcastLocked()
	return nil
}

func (b *bridge) LocalAddr() net.Addr  { return &net.IPAddr{IP: b.self.AsSlice()} }
func (b *bridge) RemoteAddr() net.Addr { return &net.IPAddr{IP: b.peer.AsSlice()} }

func (b *bridge) SetDeadline(t time.Time) error {
	return b.SetReadDeadline(t)
}

// SetReadDeadline makes a blocked Read return os.ErrDeadlineExceeded at t
// (pion uses this to stop its read loop on Abort).
func (b *bridge) SetReadDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rdl = t
	b.broadcastLocked()
	return nil
}

// SetWriteDeadline is accepted and ignored: Write never blocks.
func (b *bridge) SetWriteDeadline(time.Time) error { return nil }
