package sctptest

import (
	"sync"
	"time"
)

// Real-clock delivery.
//
// With Options.RealClock each link direction owns a queue and one goroutine
// that delivers copies when they are due. Delivering inline from
// WritePackets instead would recurse: the receiving stack often answers from
// within packet processing (TCP ACKs, ICMP errors), which would write to the
// reverse direction and deliver again on the same stack, deep in its call
// chain and possibly under its locks. A goroutine per direction keeps each
// direction in order and costs no goroutine per packet; the goroutine drains
// every due copy per wake-up so a busy link needs one wake-up per batch.

// realtimeQueue is the per-direction delivery queue used with a real clock.
type realtimeQueue struct {
	mu sync.Mutex
	// +checklocks:mu
	q minHeap[packet]
	// +checklocks:mu
	seq uint64
	// +checklocks:mu
	stopped bool

	// wake has room for one pending signal: a sender never blocks, and a
	// signal sent after the goroutine last looked at q is never lost.
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

// enqueue queues p and, if dup.pkt is set, its duplicate right after it.
func (r *realtimeQueue) enqueue(p, dup packet) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		p.dir.c.other.Add(1)
		p.pkt.DecRef()
		if dup.pkt != nil {
			p.dir.c.other.Add(1)
			dup.pkt.DecRef()
		}
		return
	}
	p.seq = r.seq
	r.seq++
	r.q.push(p)
	if dup.pkt != nil {
		dup.seq = r.seq
		r.seq++
		r.q.push(dup)
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// startDelivery starts the direction's delivery goroutine in real-clock
// mode.
func (d *direction) startDelivery() {
	if d.net.sim != nil {
		return
	}
	d.rt.wake = make(chan struct{}, 1)
	d.rt.stop = make(chan struct{})
	d.rt.done = make(chan struct{})
	go d.runDelivery()
}

// stopDelivery stops the goroutine and drops what is still queued.
func (d *direction) stopDelivery() {
	if d.net.sim != nil {
		return
	}
	close(d.rt.stop)
	<-d.rt.done
	r := &d.rt
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	for r.q.len() > 0 {
		p := r.q.pop()
		d.c.other.Add(1)
		p.pkt.DecRef()
	}
}

// runDelivery is the direction's delivery goroutine.
func (d *direction) runDelivery() {
	defer close(d.rt.done)
	r := &d.rt
	var batch []packet
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		r.mu.Lock()
		now := d.net.Elapsed()
		for r.q.len() > 0 && r.q.peek().due <= now {
			batch = append(batch, r.q.pop())
		}
		wait := time.Duration(-1)
		if r.q.len() > 0 {
			wait = r.q.peek().due - now
		}
		r.mu.Unlock()

		if len(batch) > 0 {
			for i := range batch {
				d.deliver(&batch[i])
			}
			clear(batch)
			batch = batch[:0]
			continue // More may have become due meanwhile.
		}

		var timeout <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			timeout = timer.C
		}
		select {
		case <-r.stop:
			timer.Stop()
			return
		case <-r.wake:
		case <-timeout:
		}
		timer.Stop()
	}
}
