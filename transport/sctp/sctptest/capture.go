package sctptest

import (
	"sync"
	"time"
)

// Capture records copies of the packets delivered on one or both directions
// of a link, in delivery order, for a test to inspect or wait for. A Capture
// made by Iface.Intercept also keeps the packets from the receiving host:
// the test plays that host (see Iface.Intercept).
//
// Packets are recorded after the direction's filter, so a capture holds
// what the receiver got (the same packets as a pcap of the link). All
// methods are safe for concurrent use.
type Capture struct {
	net *Network
	// detach removes the capture from its directions.
	detach func()

	mu sync.Mutex
	// +checklocks:mu
	pkts []Packet
	// read is the index of the first packet Next has not returned.
	//
	// +checklocks:mu
	read int
	// +checklocks:mu
	stopped bool
}

// Capture starts recording the packets delivered on d (AtoB, BtoA or Both)
// from now on, until Stop. With Both, the packets of the two directions
// are interleaved in delivery order.
func (l *Link) Capture(d Dir) *Capture {
	dirs := l.dirList(d)
	c := &Capture{net: l.net}
	for _, dir := range dirs {
		dir.editHooks(func(h *hooks) { h.taps = append(h.taps, c) })
	}
	c.detach = func() {
		for _, dir := range dirs {
			dir.editHooks(func(h *hooks) {
				for i, t := range h.taps {
					if t == c {
						h.taps = append(h.taps[:i], h.taps[i+1:]...)
						break
					}
				}
			})
		}
	}
	return c
}

// Intercept turns i into a raw peer: from now on every packet arriving at
// i is recorded in the returned Capture and not delivered to i's host. The
// test then stands in for that host: it reads what the other side sends
// (Capture.Next, ParseIP) and answers with Iface.WriteRaw (BuildIPv4,
// BuildIPv6), with no protocol stack of its own involved. The host behind
// i can be any host (see Network.AddRawHost); its stack simply never sees
// the packets. Packets still pass the link's impairments and filter first,
// and count as Delivered (and Intercepted) in Stats.
//
// Stop on the returned Capture ends the interception. Intercepting an
// interface that is already intercepted replaces the earlier Capture,
// which stops receiving packets.
func (i *Iface) Intercept() *Capture {
	dir := i.link.dirs[i.Peer().side]
	c := &Capture{net: i.link.net}
	dir.editHooks(func(h *hooks) {
		if h.intercept != nil {
			h.intercept.markStopped()
		}
		h.intercept = c
	})
	c.detach = func() {
		dir.editHooks(func(h *hooks) {
			if h.intercept == c {
				h.intercept = nil
			}
		})
	}
	return c
}

// record hands a delivered copy, whose final bytes are in d.hs.scratch, to
// the direction's captures. Each gets its own copy of the bytes.
func (d *direction) record(p *packet, h *hooks) {
	pk := d.hookPacket(p)
	for _, c := range h.taps {
		c.add(pk.Clone())
	}
	if h.intercept != nil {
		h.intercept.add(pk.Clone())
	}
}

func (c *Capture) add(p Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stopped {
		c.pkts = append(c.pkts, p)
	}
}

func (c *Capture) markStopped() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
}

// Stop ends the recording (and the interception, for a Capture from
// Iface.Intercept). The packets recorded so far stay readable. Stop is
// idempotent.
func (c *Capture) Stop() {
	c.markStopped()
	c.detach()
}

// Packets returns the packets recorded so far (since the last Clear), read
// or not. The slice is the caller's; the packets' Data is shared with the
// Capture and must not be modified.
func (c *Capture) Packets() []Packet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Packet(nil), c.pkts...)
}

// Len returns the number of packets recorded since the last Clear.
func (c *Capture) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pkts)
}

// Unread returns the number of recorded packets Next has not returned yet.
func (c *Capture) Unread() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pkts) - c.read
}

// Clear discards every recorded packet; Next then waits for new ones.
func (c *Capture) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pkts, c.read = nil, 0
}

// take returns the next unread packet, if any.
func (c *Capture) take() (Packet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read == len(c.pkts) {
		return Packet{}, false
	}
	p := c.pkts[c.read]
	c.read++
	return p, true
}

// Next returns the oldest packet not yet returned by Next. If there is none,
// it advances the network (Network.AdvanceUntil) until one is recorded,
// stopping at the very instant it arrives, or until maxTime of network time
// has passed, in which case it returns false. It must not be called from a
// filter or timer callback.
func (c *Capture) Next(maxTime time.Duration) (Packet, bool) {
	if p, ok := c.take(); ok {
		return p, true
	}
	var p Packet
	var ok bool
	c.net.AdvanceUntil(func() bool {
		p, ok = c.take()
		return ok
	}, maxTime)
	return p, ok
}
