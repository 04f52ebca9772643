package sctp

// Per-stream ordering (RFC 9260 6.6): ordered messages of an inbound
// stream go to the reader in SSN order; unordered ones (U bit) as soon as
// they are complete. Each stream orders only its own messages, so a loss
// on one stream never holds back another (no head-of-line blocking across
// streams).

// streamIn is the receive side of one inbound stream.
type streamIn struct {
	nextSSN uint16
	pending map[uint16]*inMessage // complete ordered messages waiting for nextSSN
}

// stream returns inbound stream sid, growing the table on first use (a
// peer may open 65535 streams and use two). nil if sid was not negotiated.
func (q *ulpqueue) stream(sid uint16) *streamIn {
	if int32(sid) >= q.nstreams {
		return nil
	}
	if int(sid) >= len(q.streams) {
		n := max(int(sid)+1, 2*len(q.streams))
		n = min(n, int(q.nstreams))
		if n <= cap(q.streams) {
			q.streams = q.streams[:n]
		} else {
			s := make([]streamIn, n)
			copy(s, q.streams)
			q.streams = s
		}
	}
	return &q.streams[sid]
}

// complete orders a whole message: unordered ones and the next in sequence
// go to the reader, others wait for their turn (RFC 9260 6.6). It returns
// true when the reader got something.
func (q *ulpqueue) complete(m *inMessage) bool {
	s := q.stream(m.sid)
	if m.unordered || s == nil {
		q.pushReady(m)
		return true
	}
	if m.ssn != s.nextSSN {
		if s.pending == nil {
			s.pending = make(map[uint16]*inMessage)
		}
		s.pending[m.ssn] = m
		return false
	}
	q.pushReady(m)
	q.advanceStream(m.sid)
	return true
}

// advanceStream moves past the message just delivered and releases those
// that waited for it.
func (q *ulpqueue) advanceStream(sid uint16) {
	s := q.stream(sid)
	s.nextSSN++
	for {
		n, ok := s.pending[s.nextSSN]
		if !ok {
			return
		}
		delete(s.pending, s.nextSSN)
		q.pushReady(n)
		s.nextSSN++
	}
}
