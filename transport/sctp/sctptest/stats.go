package sctptest

import "sync/atomic"

// Stats counts what happened to the packets of one link direction.
type Stats struct {
	// Sent counts packets handed to the link by the sending host.
	Sent      uint64
	SentBytes uint64
	// Delivered counts copies handed to the receiving host (duplicates
	// count twice).
	Delivered      uint64
	DeliveredBytes uint64

	// DroppedLoss counts packets lost to Loss or Burst.
	DroppedLoss uint64
	// DroppedCut counts packets dropped because the direction was down when
	// they were sent or when they arrived.
	DroppedCut uint64
	// DroppedMTU counts packets larger than Impairments.MTU.
	DroppedMTU uint64
	// DroppedQueue counts packets tail-dropped by Impairments.QueueLimit.
	DroppedQueue uint64
	// DroppedOther counts copies that could not be delivered because the
	// receiving NIC was detached or the network closed.
	DroppedOther uint64
	// DroppedFilter counts copies a filter dropped (Link.SetFilter).
	DroppedFilter uint64

	// Replaced counts copies whose bytes a filter replaced; they count as
	// Delivered too.
	Replaced uint64
	// Intercepted counts copies handed to an interception (Iface.Intercept)
	// instead of the receiving stack; they count as Delivered too.
	Intercepted uint64

	// Duplicated, Reordered and Corrupted count packets so treated.
	Duplicated uint64
	Reordered  uint64
	Corrupted  uint64
}

// Dropped returns the total of all drop counters.
func (s Stats) Dropped() uint64 {
	return s.DroppedLoss + s.DroppedCut + s.DroppedMTU + s.DroppedQueue + s.DroppedOther + s.DroppedFilter
}

// InFlight returns the copies sent but neither delivered nor dropped yet.
func (s Stats) InFlight() uint64 {
	return s.Sent + s.Duplicated - s.Delivered - s.Dropped()
}

// add returns the field-wise sum of s and o.
func (s Stats) add(o Stats) Stats {
	return Stats{
		Sent:           s.Sent + o.Sent,
		SentBytes:      s.SentBytes + o.SentBytes,
		Delivered:      s.Delivered + o.Delivered,
		DeliveredBytes: s.DeliveredBytes + o.DeliveredBytes,
		DroppedLoss:    s.DroppedLoss + o.DroppedLoss,
		DroppedCut:     s.DroppedCut + o.DroppedCut,
		DroppedMTU:     s.DroppedMTU + o.DroppedMTU,
		DroppedQueue:   s.DroppedQueue + o.DroppedQueue,
		DroppedOther:   s.DroppedOther + o.DroppedOther,
		DroppedFilter:  s.DroppedFilter + o.DroppedFilter,
		Replaced:       s.Replaced + o.Replaced,
		Intercepted:    s.Intercepted + o.Intercepted,
		Duplicated:     s.Duplicated + o.Duplicated,
		Reordered:      s.Reordered + o.Reordered,
		Corrupted:      s.Corrupted + o.Corrupted,
	}
}

// counters is the live, lock-free form of Stats: senders and the delivering
// goroutine update it concurrently and tests read it at any time.
type counters struct {
	sent, sentBytes                  atomic.Uint64
	delivered, deliveredBytes        atomic.Uint64
	loss, cut, mtu, queue, other     atomic.Uint64
	filter, replaced, intercepted    atomic.Uint64
	duplicated, reordered, corrupted atomic.Uint64
}

// countVerdict updates the counters for a send-time verdict.
func (c *counters) countVerdict(v Verdict) {
	switch {
	case v&DropCut != 0:
		c.cut.Add(1)
	case v&DropMTU != 0:
		c.mtu.Add(1)
	case v&DropQueue != 0:
		c.queue.Add(1)
	case v&DropLoss != 0:
		c.loss.Add(1)
	}
	if v&Duplicated != 0 {
		c.duplicated.Add(1)
	}
	if v&Reordered != 0 {
		c.reordered.Add(1)
	}
	if v&Corrupted != 0 {
		c.corrupted.Add(1)
	}
}

func (c *counters) snapshot() Stats {
	return Stats{
		Sent:           c.sent.Load(),
		SentBytes:      c.sentBytes.Load(),
		Delivered:      c.delivered.Load(),
		DeliveredBytes: c.deliveredBytes.Load(),
		DroppedLoss:    c.loss.Load(),
		DroppedCut:     c.cut.Load(),
		DroppedMTU:     c.mtu.Load(),
		DroppedQueue:   c.queue.Load(),
		DroppedOther:   c.other.Load(),
		DroppedFilter:  c.filter.Load(),
		Replaced:       c.replaced.Load(),
		Intercepted:    c.intercepted.Load(),
		Duplicated:     c.duplicated.Load(),
		Reordered:      c.reordered.Load(),
		Corrupted:      c.corrupted.Load(),
	}
}
