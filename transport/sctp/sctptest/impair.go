package sctptest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// DefaultReorderDelay is the extra delay given to a reordered packet when
// Impairments.ReorderDelay is zero.
const DefaultReorderDelay = 5 * time.Millisecond

// Impairments describes what one direction of a link does to packets. The
// zero value is a perfect wire: no loss, no delay, unlimited bandwidth.
//
// Probabilities are per packet and lie in [0, 1]. A packet meets them in
// this order: Down, MTU, the bandwidth queue (QueueLimit), loss (Burst,
// then Loss), then delay, jitter, reordering, duplication and corruption.
// A lost packet has used its share of bandwidth: it is lost in transit.
type Impairments struct {
	// Loss is the probability that a packet is lost (independently).
	Loss float64
	// Burst adds correlated (bursty) loss on top of Loss. Nil disables it.
	Burst *GilbertElliott

	// Duplicate is the probability that a packet is delivered twice; the
	// copy arrives right after the original.
	Duplicate float64

	// Reorder is the probability that a packet is held back by an extra
	// ReorderDelay, letting later packets overtake it.
	Reorder float64
	// ReorderDelay is the extra delay of a reordered packet; zero means
	// DefaultReorderDelay.
	ReorderDelay time.Duration

	// Delay is the one-way propagation delay.
	Delay time.Duration
	// Jitter adds a uniformly distributed extra delay in [0, Jitter) to
	// each packet. Jitter larger than the gap between packets reorders them.
	Jitter time.Duration

	// Bandwidth, in bits per second, makes each packet occupy the wire for
	// its serialization time; packets queue behind each other (FIFO) before
	// propagation. Zero means infinite bandwidth.
	Bandwidth uint64
	// QueueLimit caps the bytes not yet serialized (queued or on the wire,
	// the new packet included) when Bandwidth is set; a packet that would
	// exceed it is tail-dropped. Zero means no cap.
	QueueLimit int

	// MTU, if non-zero, drops packets larger than MTU bytes, like a
	// middlebox with a smaller MTU than the hosts' interfaces (a path MTU
	// black hole). The interface MTU the stacks see is LinkConfig.MTU.
	MTU uint32

	// Corrupt is the probability that one bit of a packet is flipped.
	Corrupt float64
	// CorruptPayloadOnly restricts flipped bits to after the fixed IP
	// header (IPv4 header incl. options, or the 40-byte IPv6 header), so
	// corrupted packets reach the transport's checksum check.
	CorruptPayloadOnly bool

	// Down cuts this direction: every packet is silently dropped, including
	// packets already in flight when they reach the far end.
	Down bool
}

// GilbertElliott is a two-state Markov loss model. Per packet the state first
// moves (Good→Bad with probability P, Bad→Good with probability R), then the
// packet is lost with the current state's loss probability. The mean burst
// length is 1/R packets and the stationary loss rate is
// (P*LossBad + R*LossGood)/(P+R).
type GilbertElliott struct {
	P, R     float64
	LossGood float64
	LossBad  float64
}

// LossRate returns the stationary (long-run) loss rate of the model.
func (g *GilbertElliott) LossRate() float64 {
	if g.P+g.R == 0 {
		return g.LossGood
	}
	return (g.P*g.LossBad + g.R*g.LossGood) / (g.P + g.R)
}

// clone returns a copy that shares no memory with im, so a caller mutating
// its GilbertElliott cannot race with senders.
func (im Impairments) clone() Impairments {
	if im.Burst != nil {
		b := *im.Burst
		im.Burst = &b
	}
	return im
}

// validate reports the first out-of-range field.
func (im *Impairments) validate() error {
	var err error
	prob := func(name string, v float64) {
		if err == nil && !(v >= 0 && v <= 1) {
			err = fmt.Errorf("sctptest: %s = %v, want a probability in [0, 1]", name, v)
		}
	}
	prob("Loss", im.Loss)
	prob("Duplicate", im.Duplicate)
	prob("Reorder", im.Reorder)
	prob("Corrupt", im.Corrupt)
	if g := im.Burst; g != nil {
		prob("Burst.P", g.P)
		prob("Burst.R", g.R)
		prob("Burst.LossGood", g.LossGood)
		prob("Burst.LossBad", g.LossBad)
	}
	if err == nil && (im.Delay < 0 || im.Jitter < 0 || im.ReorderDelay < 0 || im.QueueLimit < 0) {
		err = fmt.Errorf("sctptest: negative Delay, Jitter, ReorderDelay or QueueLimit in %+v", *im)
	}
	return err
}

// Verdict records what a link did to one packet, as a set of flags.
type Verdict uint16

// Verdict flags. At most one Drop* flag is set. A packet dropped when sent
// has no other flags; the flags from DropFilter on are set on delivery (see
// Event) and never on EventSend.
const (
	DropCut Verdict = 1 << iota
	DropMTU
	DropQueue
	DropLoss
	Duplicated
	Reordered
	Corrupted
	// DropFilter: a filter (Link.SetFilter) dropped the copy on arrival.
	DropFilter
	// Replaced: a filter replaced the copy's bytes.
	Replaced
	// Intercepted: the copy went to an interception (Iface.Intercept)
	// instead of the receiving stack.
	Intercepted
)

const dropMask = DropCut | DropMTU | DropQueue | DropLoss | DropFilter

// Dropped reports whether the packet was dropped: when it was sent, or by a
// filter on arrival.
func (v Verdict) Dropped() bool { return v&dropMask != 0 }

var verdictNames = []string{"cut", "mtu", "queue", "loss", "dup", "reorder", "corrupt", "filter", "replaced", "intercepted"}

// String implements fmt.Stringer, e.g. "dup|reorder" or "ok".
func (v Verdict) String() string {
	if v == 0 {
		return "ok"
	}
	var parts []string
	for i, n := range verdictNames {
		if v&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// drawsPerPacket is how many random values every packet entering an impaired
// direction consumes, whatever happens to it. The fixed pattern means packet
// k's fate depends only on the seed, k, the configuration and the timing,
// never on what happened to earlier packets.
const drawsPerPacket = 8

// Indices into the per-packet draws.
const (
	drawLoss = iota
	drawBurstMove
	drawBurstLoss
	drawDup
	drawReorder
	drawJitter
	drawCorrupt
	drawCorruptBit
)

// impairState is the mutable state of one impaired direction.
type impairState struct {
	rng *rand.PCG
	// bad is the Gilbert-Elliott state.
	bad bool
	// busyUntil is when the serializer is free again (network time).
	busyUntil time.Duration
}

// decision is the outcome for one packet.
type decision struct {
	verdict Verdict
	// due is when the packet (and its duplicate) arrives.
	due time.Duration
	// bit is the flipped bit index if Corrupted.
	bit int
}

// decide applies im to a packet of size bytes sent at now. ipHeader is the
// length of the packet's IP header (for CorruptPayloadOnly).
func (s *impairState) decide(im *Impairments, now time.Duration, size, ipHeader int) decision {
	var r [drawsPerPacket]uint64
	for i := range r {
		r[i] = s.rng.Uint64()
	}
	d := decision{bit: -1}

	switch {
	case im.Down:
		d.verdict = DropCut
		return d
	case im.MTU != 0 && size > int(im.MTU):
		d.verdict = DropMTU
		return d
	}

	depart := now
	if im.Bandwidth != 0 {
		start := max(now, s.busyUntil)
		if im.QueueLimit > 0 {
			backlog := uint64(start-now) * im.Bandwidth / (8 * uint64(time.Second))
			if backlog+uint64(size) > uint64(im.QueueLimit) {
				d.verdict = DropQueue
				return d
			}
		}
		tx := time.Duration(uint64(size) * 8 * uint64(time.Second) / im.Bandwidth)
		s.busyUntil = start + tx
		depart = s.busyUntil
	}

	if g := im.Burst; g != nil {
		if s.bad {
			s.bad = !chance(r[drawBurstMove], g.R)
		} else {
			s.bad = chance(r[drawBurstMove], g.P)
		}
		p := g.LossGood
		if s.bad {
			p = g.LossBad
		}
		if chance(r[drawBurstLoss], p) {
			d.verdict = DropLoss
			return d
		}
	}
	if chance(r[drawLoss], im.Loss) {
		d.verdict = DropLoss
		return d
	}

	d.due = depart + im.Delay
	if im.Jitter > 0 {
		d.due += time.Duration(r[drawJitter] % uint64(im.Jitter))
	}
	if chance(r[drawReorder], im.Reorder) {
		d.verdict |= Reordered
		if im.ReorderDelay > 0 {
			d.due += im.ReorderDelay
		} else {
			d.due += DefaultReorderDelay
		}
	}
	if chance(r[drawDup], im.Duplicate) {
		d.verdict |= Duplicated
	}
	if im.Corrupt > 0 {
		if chance(r[drawCorrupt], im.Corrupt) {
			from := 0
			if im.CorruptPayloadOnly {
				from = ipHeader
			}
			if bits := (size - from) * 8; bits > 0 {
				d.verdict |= Corrupted
				d.bit = from*8 + int(r[drawCorruptBit]%uint64(bits))
			}
		}
	}
	return d
}

// chance reports whether an event of probability p happens, given a uniform
// random u. It uses the top 53 bits of u.
func chance(u uint64, p float64) bool {
	if p <= 0 {
		return false
	}
	return float64(u>>11)/(1<<53) < p
}
