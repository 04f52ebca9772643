package sctp

import (
	"io"

	"gvisor.dev/gvisor/pkg/buffer"
)

// inChunk is one received DATA chunk. Its user data is either a view (of
// the received packet's memory, or a pooled copy), which the reader's copy
// releases, or, when small, a copy in the chunk's own inline buffer.
// inChunks are recycled through the ULP queue's free list with their
// inline buffers, so that the receive path allocates nothing per chunk in
// steady state.
type inChunk struct {
	tsn   uint32
	sid   uint16
	ssn   uint16
	ppid  uint32
	flags uint8
	v     *buffer.View
	inl   []byte   // the user data when v is nil: a slice of own
	own   []byte   // the inline buffer, kept across recycling
	cost  int      // what it is charged in ulpqueue.mem
	next  *inChunk // the following fragment of the same message
}

// inlineMax is the largest payload kept in a chunk's inline buffer. A
// pooled view costs a sync.Pool round trip each way, and the pools'
// per-CPU caches miss when the link's goroutine takes views and the
// reader's gives them back; for small messages that was a fifth of the
// receive path.
const inlineMax = 128

// maxFreeInline bounds the recycled chunks that keep their inline buffer
// (half a megabyte).
const maxFreeInline = 4096

// setInline copies data into c's inline buffer.
func (c *inChunk) setInline(data []byte) {
	if c.own == nil {
		c.own = make([]byte, inlineMax)
	}
	c.inl = c.own[:copy(c.own, data)]
}

// size is the chunk's user data length.
func (c *inChunk) size() int {
	if c.v != nil {
		return c.v.Size()
	}
	return len(c.inl)
}

// data is the chunk's user data.
func (c *inChunk) data() []byte {
	if c.v != nil {
		return c.v.AsSlice()
	}
	return c.inl
}

func (c *inChunk) begins() bool    { return c.flags&0x2 != 0 }
func (c *inChunk) ends() bool      { return c.flags&0x1 != 0 }
func (c *inChunk) unordered() bool { return c.flags&0x4 != 0 }

// inChunkOverhead is what the receive buffer charges for each chunk held
// besides its user data, so that a peer sending tiny chunks cannot make us
// hold more memory than the buffer size says.
const inChunkOverhead = 64

// inMessage is a user message (or, under partial delivery, the part of it
// received so far) on its way to the reader: a list of fragments.
type inMessage struct {
	sid, ssn  uint16
	ppid, tsn uint32
	unordered bool
	first     *inChunk
	last      *inChunk
	lastTSN   uint32
	size      int  // bytes of user data in the list, read ones included
	read      int  // bytes already handed to the reader
	complete  bool // the E fragment is in
	aborted   bool // partial delivery ended without it (RFC 3758 3.6)
	off       int  // bytes of first already read
}

// ulpqueue is the smart pipe that turns received DATA chunks into user
// messages (paper 5.2.2): reassembly of fragments (RFC 9260 6.9,
// reassembly.go), ordered delivery per stream (6.6, streams.go), partial
// delivery of messages larger than the receive buffer, and the receive
// window all of that implies (6.2). The reader pulls messages with read.
//
// Guarded by the association's mu.
type ulpqueue struct {
	frags     map[uint32]*inChunk // fragments of incomplete messages, by TSN
	fragBytes int
	streams   []streamIn // grown on demand up to the negotiated count
	nstreams  int32
	// runStart..runEnd is the run of fragments in frags, from a B
	// fragment on, that push found last (reassembly.go).
	runStart, runEnd uint32
	pdp              int32 // the user's partial delivery point, 0 for the default
	ready            []*inMessage
	head             int
	// pd is the message under partial delivery, if any: it is in ready
	// and grows as its fragments arrive.
	pd *inMessage
	// bytes counts the user data held, not yet read: the receive window
	// is the buffer less this (RFC 9260 6.2). mem adds inChunkOverhead per
	// chunk held, for the hard bound on memory (see admit).
	bytes  int
	mem    int
	rcvbuf int

	freeChunks []*inChunk
	freeMsgs   []*inMessage

	// enqueued and dequeued count the messages handed to the reader and
	// read to their end, to order notifications among them (notify.go).
	enqueued, dequeued uint64
}

// pushReady hands message m to the reader.
func (q *ulpqueue) pushReady(m *inMessage) {
	q.ready = append(q.ready, m)
	q.enqueued++
}

func (q *ulpqueue) init(inStreams uint16, rcvbuf int) {
	q.release()
	q.streams = q.streams[:0]
	q.nstreams = int32(inStreams)
	q.rcvbuf = rcvbuf
}

// release drops everything held (the association is gone or restarts).
func (q *ulpqueue) release() {
	for t, c := range q.frags {
		q.freeChunk(c)
		q.unfrag(t)
	}
	for _, m := range q.ready[q.head:] {
		q.freeMessage(m)
	}
	for i := range q.streams {
		for k, m := range q.streams[i].pending {
			q.freeMessage(m)
			delete(q.streams[i].pending, k)
		}
	}
	clear(q.ready)
	q.ready, q.head, q.pd = q.ready[:0], 0, nil
	q.dequeued = q.enqueued
	q.bytes, q.mem, q.fragBytes = 0, 0, 0
}

// rwnd is the receive window to advertise (RFC 9260 6.2 a_rwnd): the
// buffer less what it holds.
func (q *ulpqueue) rwnd() uint32 {
	if q.bytes >= q.rcvbuf {
		return 0
	}
	return uint32(q.rcvbuf - q.bytes)
}

func (q *ulpqueue) newChunk() *inChunk {
	if n := len(q.freeChunks); n > 0 {
		c := q.freeChunks[n-1]
		q.freeChunks = q.freeChunks[:n-1]
		return c
	}
	return new(inChunk)
}

func (q *ulpqueue) freeChunk(c *inChunk) {
	q.bytes -= c.size()
	if c.v != nil {
		c.v.Release()
	}
	q.mem -= c.cost
	*c = inChunk{own: c.own}
	if n := len(q.freeChunks); n < 1<<16 {
		if n >= maxFreeInline {
			// Only the top maxFreeInline free chunks, the next to be
			// taken (the list is a stack), keep their inline buffers:
			// the one leaving that window lets its buffer go. Bare
			// chunks on top instead (stripped as they were freed)
			// meant a new buffer for nearly every small message after
			// the reader drained a backlog.
			q.freeChunks[n-maxFreeInline].own = nil
		}
		q.freeChunks = append(q.freeChunks, c)
	}
}

// maxFreeMsgs bounds the free list of messages. Small messages pile up
// by the thousand when the reader lags (a 4 MiB buffer holds 32768 of 64
// bytes); with room for only a few hundred, nearly every message was
// allocated afresh. The bound keeps what an association that once had
// such a backlog holds to 4096 of them (about 400 KiB).
const maxFreeMsgs = 4096

func (q *ulpqueue) newMessage() *inMessage {
	if n := len(q.freeMsgs); n > 0 {
		m := q.freeMsgs[n-1]
		q.freeMsgs = q.freeMsgs[:n-1]
		return m
	}
	return new(inMessage)
}

// freeMessage frees a message and the fragments it still holds, unread
// bytes included.
func (q *ulpqueue) freeMessage(m *inMessage) {
	for c := m.first; c != nil; {
		n := c.next
		q.freeChunk(c)
		c = n
	}
	*m = inMessage{}
	if len(q.freeMsgs) < maxFreeMsgs {
		q.freeMsgs = append(q.freeMsgs, m)
	}
}

// readable reports whether the reader has something to read.
func (q *ulpqueue) readable() bool {
	m := q.peek()
	return m != nil && (m.read < m.size || m.complete)
}

// peek returns the message the reader gets next.
func (q *ulpqueue) peek() *inMessage {
	if q.head < len(q.ready) {
		return q.ready[q.head]
	}
	return nil
}

// readInfo is what read reports of the message it read from.
type readMsgInfo struct {
	sid, ssn  uint16
	ppid, tsn uint32
	unordered bool
	aborted   bool // the message ends incomplete (RFC 3758 3.6)
}

// read copies up to count bytes of the next message into dst (count < 0:
// no limit). It returns what message it was, the bytes copied and whether
// the message's end was reached; a message is removed once read to its
// end (unless peek). Under partial delivery the end of what arrived so far
// is not the end of the message.
func (q *ulpqueue) read(dst io.Writer, count int, peek bool) (readMsgInfo, int, bool, error) {
	m := q.peek()
	if m == nil {
		return readMsgInfo{}, 0, false, nil
	}
	info := readMsgInfo{sid: m.sid, ssn: m.ssn, ppid: m.ppid, tsn: m.tsn, unordered: m.unordered, aborted: m.aborted}
	want := m.size - m.read
	if count >= 0 && count < want {
		want = count
	}
	done := 0
	off := m.off
	var err error
	for c := m.first; c != nil && want > 0; c = c.next {
		p := c.data()[off:]
		off = 0
		if len(p) > want {
			p = p[:want]
		}
		var n int
		n, err = dst.Write(p)
		done += n
		want -= n
		if err != nil {
			break
		}
	}
	if peek {
		return info, done, err == nil && m.complete && m.read+done == m.size, err
	}
	m.read += done
	q.bytes -= done
	// Give back the fragments read to their end.
	adv := m.off + done
	for m.first != nil && adv >= m.first.size() && (m.first.next != nil || m.read == m.size) {
		c := m.first
		adv -= c.size()
		m.first = c.next
		q.bytes += c.size() // counted as read already
		q.freeChunk(c)
	}
	if m.first == nil {
		m.last = nil
	}
	m.off = adv
	end := m.complete && m.read == m.size
	if end {
		q.ready[q.head] = nil
		q.head++
		q.dequeued++
		if q.head == len(q.ready) {
			q.ready = q.ready[:0]
			q.head = 0
		}
		if q.pd == m {
			q.pd = nil
		}
		q.freeMessage(m)
	}
	return info, done, end, err
}

// keepReadyOnly drops everything but the messages ready for the reader
// (an association restart, RFC 9260 5.2.4 A).
func (q *ulpqueue) keepReadyOnly() {
	for t, c := range q.frags {
		q.freeChunk(c)
		q.unfrag(t)
	}
	q.fragBytes = 0
	for i := range q.streams {
		for k, m := range q.streams[i].pending {
			q.freeMessage(m)
			delete(q.streams[i].pending, k)
		}
		q.streams[i].nextSSN = 0
	}
	if q.pd != nil {
		q.pd.complete = true // what arrived is all there will be
		q.pd = nil
	}
}

// headFragment finds the first fragment of a message that is next in line
// for the reader (unordered, or ordered with its stream's next SSN) but not
// yet complete: the message whose delivery is under way from the peer's
// point of view. Of several, the one of the lowest TSN.
func (q *ulpqueue) headFragment() (sid, ssn uint16, ok bool) {
	var best uint32
	for tsn, c := range q.frags {
		if !c.begins() || (ok && int32(tsn-best) > 0) {
			continue
		}
		if !c.unordered() {
			next := uint16(0) // a stream not grown yet expects SSN 0
			if int(c.sid) < len(q.streams) {
				next = q.streams[c.sid].nextSSN
			}
			if next != c.ssn {
				continue
			}
		}
		best, sid, ssn, ok = tsn, c.sid, c.ssn, true
	}
	return sid, ssn, ok
}
