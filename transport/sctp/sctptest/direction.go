package sctptest

import (
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// packet is a copy in flight on a link direction.
type packet struct {
	// due is the network time at which the copy arrives.
	due time.Duration
	// seq breaks ties between copies due at the same time: send order.
	seq   uint64
	pkt   *stack.PacketBuffer
	dir   *direction
	proto tcpip.NetworkProtocolNumber
	index uint64
	// dup marks the second copy of a duplicated packet.
	dup bool
}

func (p packet) less(o packet) bool {
	return p.due < o.due || (p.due == o.due && p.seq < o.seq)
}

// direction is one direction of a link: it decides each packet's fate when
// it is sent and hands surviving copies to the receiving endpoint when due.
type direction struct {
	net  *Network
	link *Link
	dir  Dir
	// to is the receiving endpoint.
	to *endpoint

	c counters
	// down mirrors imp.Down so deliveries can check it without mu.
	down atomic.Bool

	// mu serializes sends, so decisions are made in send order.
	mu sync.Mutex
	// +checklocks:mu
	imp Impairments
	// clean is true when imp is the zero value: the fast path skips the
	// random draws entirely.
	//
	// +checklocks:mu
	clean bool
	// +checklocks:mu
	st impairState
	// index numbers the packets sent, for the trace.
	//
	// +checklocks:mu
	index uint64

	// rt is the real-clock delivery state (see realtime.go); unused with
	// the manual clock.
	rt realtimeQueue

	// hooks is nil unless a filter, capture or interception is installed
	// (see filter.go); hs guards changes to it.
	hooks atomic.Pointer[hooks]
	hs    hookState
}

func newDirection(l *Link, d Dir, to *endpoint, im Impairments) *direction {
	dir := &direction{net: l.net, link: l, dir: d, to: to}
	dir.st.rng = newPCG(l.net.opts.Seed, "link", uint64(l.index), uint64(d))
	dir.imp = im.clone()
	dir.clean = im == Impairments{}
	dir.down.Store(im.Down)
	return dir
}

// update edits the impairments under the lock.
func (d *direction) update(f func(*Impairments)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	im := d.imp.clone()
	f(&im)
	if err := im.validate(); err != nil {
		panic(err)
	}
	// Clone again: f may have installed a Burst the caller keeps.
	d.imp = im.clone()
	d.clean = im == Impairments{}
	d.down.Store(im.Down)
}

// send decides the fate of pkt, which the caller keeps ownership of, and
// queues the surviving copies for delivery.
func (d *direction) send(pkt *stack.PacketBuffer) {
	n := d.net
	size := pkt.Size()
	n.sends.Add(1)
	d.c.sent.Add(1)
	d.c.sentBytes.Add(uint64(size))
	if n.closed.Load() {
		d.c.other.Add(1)
		return
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	index := d.index
	d.index++
	now := n.Elapsed()
	dec := decision{due: now, bit: -1}
	if !d.clean {
		hdr := 0
		if d.imp.CorruptPayloadOnly {
			hdr = ipHeaderLen(pkt)
		}
		dec = d.st.decide(&d.imp, now, size, hdr)
		d.c.countVerdict(dec.verdict)
	}
	if tr := n.opts.Trace; tr != nil {
		tr(Event{Kind: EventSend, At: now, Link: d.link.index, Dir: d.dir, Index: index, Size: size, Verdict: dec.verdict, Due: dec.due, Bit: dec.bit})
	}
	if dec.verdict.Dropped() {
		return
	}
	p := packet{due: dec.due, pkt: inboundCopy(pkt, dec.bit), dir: d, proto: pkt.NetworkProtocolNumber, index: index}
	var dup packet
	if dec.verdict&Duplicated != 0 {
		dup = p
		dup.pkt = stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: p.pkt.ToBuffer()})
		dup.dup = true
	}
	if n.sim == nil {
		d.rt.enqueue(p, dup)
		return
	}
	n.qmu.Lock()
	if n.closed.Load() {
		// Close has drained the queue already (under qmu).
		n.qmu.Unlock()
		for _, c := range []*stack.PacketBuffer{p.pkt, dup.pkt} {
			if c != nil {
				d.c.other.Add(1)
				c.DecRef()
			}
		}
		return
	}
	p.seq = n.seq
	n.seq++
	n.queue.push(p)
	if dup.pkt != nil {
		dup.seq = n.seq
		n.seq++
		n.queue.push(dup)
	}
	n.qmu.Unlock()
}

// deliver hands a due copy to the receiving stack, or drops it if the
// direction was cut meanwhile, a filter drops it, or the receiving NIC is
// gone. An intercepted copy goes to the intercepting Capture instead of the
// stack. It consumes the copy's reference.
func (d *direction) deliver(p *packet) {
	n := d.net
	kind := EventDeliver
	var v Verdict
	if p.dup {
		v = Duplicated
	}
	h := d.hooks.Load()
	var target stack.NetworkDispatcher
	switch {
	case d.down.Load():
		d.c.cut.Add(1)
		kind = EventDrop
	case n.closed.Load():
		d.c.other.Add(1)
		kind = EventDrop
	case h != nil && h.intercept != nil:
		v |= Intercepted
	default:
		if target = d.to.deliveryTarget(); target == nil {
			d.c.other.Add(1)
			kind = EventDrop
		}
	}
	if kind == EventDeliver && h != nil {
		switch v |= d.runHooks(p, h); {
		case v&DropFilter != 0:
			d.c.filter.Add(1)
			kind = EventDrop
		case v&Replaced != 0:
			d.c.replaced.Add(1)
		}
	}
	size := p.pkt.Size()
	if tr := n.opts.Trace; tr != nil {
		tr(Event{Kind: kind, At: n.Elapsed(), Link: d.link.index, Dir: d.dir, Index: p.index, Size: size, Verdict: v, Due: p.due, Bit: -1})
	}
	if kind == EventDeliver {
		n.deliveries.Add(1)
		d.c.delivered.Add(1)
		d.c.deliveredBytes.Add(uint64(size))
		if n.pcap != nil || d.link.pcap != nil {
			ts := n.clock.Now()
			if n.pcap != nil {
				n.pcap.write(ts, p.pkt)
			}
			if d.link.pcap != nil {
				d.link.pcap.write(ts, p.pkt)
			}
		}
		if h != nil {
			d.record(p, h)
		}
		if v&Intercepted != 0 {
			d.c.intercepted.Add(1)
		} else {
			target.DeliverNetworkPacket(p.proto, p.pkt)
		}
	}
	p.pkt.DecRef()
	p.pkt = nil
}
