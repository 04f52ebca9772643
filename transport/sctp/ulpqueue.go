package sctp

import (
	"io"
)

// inChunk is one received DATA chunk, its user data copied once out of the
// packet buffer.
type inChunk struct {
	tsn   uint32
	sid   uint16
	ssn   uint16
	ppid  uint32
	flags uint8
	data  []byte
}

// inMessage is a reassembled user message waiting for the reader.
type inMessage struct {
	sid, ssn  uint16
	ppid, tsn uint32
	unordered bool
	parts     [][]byte
	size      int
	read      int // bytes already handed to the reader
}

// streamIn is the receive side of one inbound stream.
type streamIn struct {
	nextSSN uint16
	pending map[uint16]*inMessage // complete ordered messages waiting for nextSSN
}

// ulpqueue is the smart pipe that turns received DATA chunks into user
// messages (paper 5.2.2): reassembly of fragments (RFC 9260 6.9), ordered
// delivery per stream (6.6) and the receive window it implies. The reader
// pulls messages with read.
//
// Guarded by the association's mu.
type ulpqueue struct {
	frags   map[uint32]*inChunk // fragments of incomplete messages, by TSN
	streams []streamIn
	ready   []*inMessage
	head    int
	// bytes counts user data held: fragments, waiting and ready messages.
	bytes  int
	rcvbuf int
}

func (q *ulpqueue) init(inStreams uint16, rcvbuf int) {
	q.frags = make(map[uint32]*inChunk)
	q.streams = make([]streamIn, inStreams)
	q.rcvbuf = rcvbuf
}

// rwnd is the receive window to advertise (RFC 9260 6.2).
func (q *ulpqueue) rwnd() uint32 {
	if q.bytes >= q.rcvbuf {
		return 0
	}
	return uint32(q.rcvbuf - q.bytes)
}

// push takes a received chunk. It returns true when a message became ready
// for the reader.
func (q *ulpqueue) push(c *inChunk) bool {
	q.bytes += len(c.data)
	const be = 0x3 // B and E bits
	if c.flags&be == be {
		return q.complete(&inMessage{sid: c.sid, ssn: c.ssn, ppid: c.ppid, tsn: c.tsn,
			unordered: c.flags&0x4 != 0, parts: [][]byte{c.data}, size: len(c.data)})
	}
	q.frags[c.tsn] = c
	// Find the first fragment: walk back to a B bit.
	first := c.tsn
	for {
		f := q.frags[first]
		if f == nil || (first != c.tsn && f.flags&0x1 != 0) {
			return false // a gap, or the end of another message
		}
		if f.flags&0x2 != 0 {
			break
		}
		first--
	}
	// And forward to an E bit, every TSN present.
	last := c.tsn
	for {
		f := q.frags[last]
		if f == nil || (last != c.tsn && f.flags&0x2 != 0) {
			return false // a gap, or the start of another message
		}
		if f.flags&0x1 != 0 {
			break
		}
		last++
	}
	head := q.frags[first]
	m := &inMessage{sid: head.sid, ssn: head.ssn, ppid: head.ppid, tsn: head.tsn, unordered: head.flags&0x4 != 0}
	for t := first; ; t++ {
		f := q.frags[t]
		m.parts = append(m.parts, f.data)
		m.size += len(f.data)
		delete(q.frags, t)
		if t == last {
			break
		}
	}
	return q.complete(m)
}

// complete orders a whole message: unordered ones and the next in sequence
// go to the reader, others wait for their turn (RFC 9260 6.6).
func (q *ulpqueue) complete(m *inMessage) bool {
	if m.unordered || int(m.sid) >= len(q.streams) {
		q.ready = append(q.ready, m)
		return true
	}
	s := &q.streams[m.sid]
	if m.ssn != s.nextSSN {
		if s.pending == nil {
			s.pending = make(map[uint16]*inMessage)
		}
		s.pending[m.ssn] = m
		return false
	}
	q.ready = append(q.ready, m)
	s.nextSSN++
	for {
		n, ok := s.pending[s.nextSSN]
		if !ok {
			break
		}
		delete(s.pending, s.nextSSN)
		q.ready = append(q.ready, n)
		s.nextSSN++
	}
	return true
}

// readable reports whether a message is ready.
func (q *ulpqueue) readable() bool { return q.head < len(q.ready) }

// peek returns the message the reader gets next.
func (q *ulpqueue) peek() *inMessage {
	if q.head < len(q.ready) {
		return q.ready[q.head]
	}
	return nil
}

// read copies up to count bytes of the next message into dst. It returns
// the message, the bytes copied and whether the message's end was reached
// (it is then removed, unless peek). count < 0 means no limit.
func (q *ulpqueue) read(dst io.Writer, count int, peek bool) (*inMessage, int, bool, error) {
	m := q.peek()
	if m == nil {
		return nil, 0, false, nil
	}
	want := m.size - m.read
	if count >= 0 && count < want {
		want = count
	}
	done := 0
	off := m.read
	for _, p := range m.parts {
		if want == 0 {
			break
		}
		if off >= len(p) {
			off -= len(p)
			continue
		}
		chunk := p[off:]
		off = 0
		if len(chunk) > want {
			chunk = chunk[:want]
		}
		n, err := dst.Write(chunk)
		done += n
		want -= n
		if err != nil {
			if !peek {
				m.read += done
				q.bytes -= done
			}
			return m, done, false, err
		}
	}
	if peek {
		return m, done, m.read+done == m.size, nil
	}
	m.read += done
	q.bytes -= done
	if m.read < m.size {
		return m, done, false, nil
	}
	q.ready[q.head] = nil
	q.head++
	if q.head == len(q.ready) {
		q.ready = q.ready[:0]
		q.head = 0
	}
	return m, done, true, nil
}
