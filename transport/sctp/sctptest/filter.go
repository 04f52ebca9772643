package sctptest

import (
	"fmt"
	"sync"
	"time"
)

// Filters, captures and interception.
//
// Protocol tests need to see the exact bytes a stack put on the wire and to
// tamper with them: drop the third packet, flip the verification tag of a
// COOKIE ECHO, answer an INIT by hand. These hooks run where a packet is
// delivered (after the direction's impairments, on the goroutine that calls
// Network.Advance, or on the direction's goroutine with Options.RealClock), so
// they see exactly what the receiver would get, at the network time it gets
// it, in the deterministic delivery order. A direction without hooks pays one
// atomic pointer load per packet.

// Packet is a packet being delivered on a link direction, as seen by a
// filter or recorded by a Capture.
type Packet struct {
	// At is the network time (see Network.Elapsed) of the delivery.
	At   time.Duration
	Link *Link
	Dir  Dir
	// Index is the packet's send index on its direction, as in Event.
	Index uint64
	// Dup marks the second copy of a duplicated packet.
	Dup bool
	// Data holds the IP packet (IPv4 or IPv6 header first). In a filter
	// it is a scratch copy valid only during the call: the filter may
	// modify it and return ReplacePacket(p.Data), and must Clone the
	// packet to keep it. Packets from a Capture are already copies.
	Data []byte
}

// Clone returns a copy of p whose Data does not alias p's.
func (p Packet) Clone() Packet {
	p.Data = append([]byte(nil), p.Data...)
	return p
}

// String implements fmt.Stringer, e.g. "1.5ms link0/A>B #3 84B".
func (p Packet) String() string {
	link := -1
	if p.Link != nil {
		link = p.Link.Index()
	}
	s := fmt.Sprintf("%v link%d/%v #%d %dB", p.At, link, p.Dir, p.Index, len(p.Data))
	if p.Dup {
		s += " dup"
	}
	return s
}

// FilterVerdict is what a filter decides for a packet. The zero value is
// PassPacket.
type FilterVerdict struct {
	drop bool
	// replace, if non-nil, is the replacement (copied by ReplacePacket).
	replace []byte
}

// PassPacket delivers the packet unchanged.
var PassPacket = FilterVerdict{}

// DropPacket drops the packet; it counts in Stats.DroppedFilter.
var DropPacket = FilterVerdict{drop: true}

// ReplacePacket delivers b instead of the packet (counted in
// Stats.Replaced). b must be a whole IPv4 or IPv6 packet and is copied, so
// it may be the filter's p.Data modified in place. Replacing with a packet
// of the other IP family is allowed.
func ReplacePacket(b []byte) FilterVerdict {
	return FilterVerdict{replace: append(make([]byte, 0, len(b)), b...)}
}

// String implements fmt.Stringer.
func (v FilterVerdict) String() string {
	switch {
	case v.drop:
		return "drop"
	case v.replace != nil:
		return fmt.Sprintf("replace(%dB)", len(v.replace))
	}
	return "pass"
}

// Filter is a function deciding the fate of each packet delivered on a
// link direction. It must not call Network.Advance (or anything that
// advances time: RunUntil, Capture.Next), which would deadlock; it may send
// packets (Iface.WriteRaw, sockets), which are delivered after it returns.
type Filter func(p Packet) FilterVerdict

// hooks is the immutable set of hooks of a direction, replaced as a whole
// (copy on write) so delivery reads it with one atomic load.
type hooks struct {
	filter Filter
	// taps record delivered packets, in attachment order.
	taps []*Capture
	// intercept, if set, receives the packets instead of the host.
	intercept *Capture
}

// empty reports whether h does nothing, so it can be uninstalled.
func (h *hooks) empty() bool {
	return h.filter == nil && len(h.taps) == 0 && h.intercept == nil
}

// hookState is a direction's hook set and the scratch buffer it uses.
type hookState struct {
	// mu serializes changes of the hook set; delivery does not take it.
	mu sync.Mutex
	// scratch holds the bytes of the packet being delivered. Deliveries
	// of one direction never run concurrently (Advance is serialized, and
	// a real-clock direction has one goroutine), so one buffer suffices.
	scratch []byte
}

// editHooks replaces d's hook set with the result of f applied to a copy.
func (d *direction) editHooks(f func(h *hooks)) {
	d.hs.mu.Lock()
	defer d.hs.mu.Unlock()
	var h hooks
	if old := d.hooks.Load(); old != nil {
		h = *old
		h.taps = append([]*Capture(nil), old.taps...)
	}
	f(&h)
	if h.empty() {
		d.hooks.Store(nil)
	} else {
		d.hooks.Store(&h)
	}
}

// SetFilter installs f on direction d (AtoB, BtoA or Both), replacing any
// filter there; nil removes it. f is called for every packet about to be
// delivered on d, after the impairments (so it sees corrupted bytes,
// duplicates and the arrival time) and before captures and pcap, which
// record what f let through. It runs on the delivering goroutine, one
// packet at a time per direction.
func (l *Link) SetFilter(d Dir, f Filter) {
	for _, dir := range l.dirList(d) {
		dir.editHooks(func(h *hooks) { h.filter = f })
	}
}

// runHooks applies the filter to p, replacing p.pkt if asked, and returns
// the resulting flags (DropFilter, Replaced). It leaves the bytes finally
// delivered in d.hs.scratch.
func (d *direction) runHooks(p *packet, h *hooks) Verdict {
	s := d.hs.scratch[:0]
	views, off := p.pkt.AsViewList()
	for v := views.Front(); v != nil; v = v.Next() {
		b := v.AsSlice()
		if off >= len(b) {
			off -= len(b)
			continue
		}
		s = append(s, b[off:]...)
		off = 0
	}
	d.hs.scratch = s
	if h.filter == nil {
		return 0
	}
	fv := h.filter(d.hookPacket(p))
	switch {
	case fv.drop:
		return DropFilter
	case fv.replace != nil:
		d.hs.scratch = append(d.hs.scratch[:0], fv.replace...)
		p.pkt.DecRef()
		p.pkt = rawPacket(fv.replace)
		p.proto = p.pkt.NetworkProtocolNumber
		return Replaced
	}
	return 0
}

// hookPacket describes p with the bytes in scratch.
func (d *direction) hookPacket(p *packet) Packet {
	return Packet{At: d.net.Elapsed(), Link: d.link, Dir: d.dir, Index: p.index, Dup: p.dup, Data: d.hs.scratch}
}
