package sctp

import "gvisor.dev/gvisor/pkg/buffer"

// Small messages skip the pooled view. A message of at most outInlineMax
// bytes is read from the writer into the send scratch (sendMsg) and, when
// it fits one DATA chunk, copied into a piece of the outqueue's slab: no
// buffer.View to take from its pool, clone for the chunk and release on
// the SACK (atomics and pools crossing goroutines), which was a quarter
// of the CPU per 64-byte message. The slab is a plain block carved in
// order: one allocation per outSlabSize bytes of small messages, none at
// all while the queue keeps emptying (the block is reused whole once no
// chunk holds a piece of it), and the garbage collector frees a block
// when its last chunk goes. Packets copy payloads this small anyway
// (sharePayloadMin), so nothing else changes.

// outInlineMax is the largest message carved from the slab.
const outInlineMax = 256

// outSlabSize is the size of a slab block.
const outSlabSize = 4 << 10

// payload is the chunk's user data.
func (c *outChunk) payload() []byte {
	if c.v != nil {
		return c.v.AsSlice()
	}
	return c.own[:c.size]
}

// hasMessage reports whether c holds its whole message (on the E
// fragment, until the message is acknowledged or reported).
func (c *outChunk) hasMessage() bool { return c.msg != nil || c.inlMsg }

// message is the whole message c holds, nil if none.
func (c *outChunk) message() []byte {
	switch {
	case c.msg != nil:
		return c.msg.AsSlice()
	case c.inlMsg:
		return c.own[:c.size]
	}
	return nil
}

// dropMessage lets go of the message c holds.
func (c *outChunk) dropMessage() {
	if c.msg != nil {
		c.msg.Release()
		c.msg = nil
	}
	c.inlMsg = false
}

// toView moves an inline chunk's payload (and message) into views, for
// code that cuts payloads (refragment).
func (c *outChunk) toView() {
	if c.v != nil {
		return
	}
	c.v = buffer.NewViewWithData(append([]byte(nil), c.own[:c.size]...))
	if c.inlMsg {
		c.msg, c.inlMsg = c.v.Clone(), false
	}
}

// pushInline queues a small message as one chunk with its payload in the
// chunk's own buffer.
func (q *outqueue) pushInline(m *outMessage, ssn uint16, flags uint8) {
	n := len(m.small)
	if len(q.queue) == q.qhead && len(q.inflight) == 0 {
		q.slabOff = 0 // no chunk holds a piece of it
	}
	if q.slab == nil || outSlabSize-q.slabOff < n {
		q.slab, q.slabOff = new([outSlabSize]byte), 0
	}
	c := q.newChunk()
	c.own = q.slab[q.slabOff : q.slabOff+n : q.slabOff+n]
	q.slabOff += n
	copy(c.own, m.small)
	c.tsn, c.sid, c.ssn, c.ppid, c.flags, c.size = q.nextTSN, m.info.Stream, ssn, m.info.PPID, flags, n
	c.pin, c.ctx = m.pin, m.info.Context
	c.inlMsg, c.mstart = true, q.nextTSN
	q.enqueue(c)
	q.nextTSN++
	q.buffered += n
	q.queued += n
}
