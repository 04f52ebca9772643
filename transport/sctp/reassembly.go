package sctp

// Reassembly (RFC 9260 6.9) and partial delivery.
//
// Fragments of a message carry consecutive TSNs from the one with the B bit
// to the one with the E bit. A fragment that does not complete a message
// waits in frags, keyed by TSN; when the last missing one arrives the run
// is linked into a message and handed to stream ordering (streams.go).
//
// A message larger than what the receive buffer can hold would never
// complete: its fragments fill the buffer and the window closes. So when
// the in-sequence fragments of the message at the cumulative TSN hold half
// the buffer, partial delivery starts: what arrived goes to the reader
// (RecvInfo.Complete false), and later fragments follow it there.

// push takes a received chunk whose TSN cum (the cumulative TSN ack point,
// after marking it) may cover. It returns true when the reader has
// something new.
func (q *ulpqueue) push(c *inChunk, cum uint32) bool {
	q.bytes += c.size()
	if c.cost == 0 {
		c.cost = c.size() + inChunkOverhead
	}
	q.mem += c.cost
	if c.begins() && c.ends() {
		m := q.newMessage()
		q.startMessage(m, c)
		m.complete = true
		return q.complete(m)
	}
	if pd := q.pd; pd != nil && !c.begins() && c.tsn == pd.lastTSN+1 && c.sid == pd.sid {
		q.extendPD(c)
		return true
	}
	if q.frags == nil {
		q.frags = make(map[uint32]*inChunk) // on the first fragment: most associations never see one
	}
	q.frags[c.tsn] = c
	q.fragBytes += c.size()
	// Walk back to the B fragment and forward to the E fragment, every
	// TSN present. A fragment that extends the run found last starts
	// where it did: walking back from every fragment of a message in
	// order cost O(fragments^2) map look-ups (990 for the 45 fragments of
	// a 64 KiB message).
	first := c.tsn
	if s := q.frags[q.runStart]; !c.begins() && c.tsn == q.runEnd+1 && s != nil && s.begins() && q.frags[q.runEnd] != nil {
		first = q.runStart
	} else {
		for f := c; !f.begins(); {
			first--
			if f = q.frags[first]; f == nil || f.ends() {
				return q.maybeStartPD(cum)
			}
		}
	}
	q.runStart, q.runEnd = first, c.tsn
	last := c.tsn
	for f := c; !f.ends(); {
		last++
		if f = q.frags[last]; f == nil || f.begins() {
			return q.maybeStartPD(cum)
		}
	}
	m := q.newMessage()
	for t := first; ; t++ {
		f := q.frags[t]
		q.unfrag(t)
		q.fragBytes -= f.size()
		if t == first {
			q.startMessage(m, f)
		} else {
			q.appendFragment(m, f)
		}
		if t == last {
			break
		}
	}
	m.complete = true
	return q.complete(m)
}

// unfrag removes fragment t from frags, and forgets the run that push
// found last: it holds only while none of its fragments has left.
func (q *ulpqueue) unfrag(t uint32) {
	delete(q.frags, t)
	q.runStart, q.runEnd = 0, 0
}

func (q *ulpqueue) startMessage(m *inMessage, c *inChunk) {
	*m = inMessage{sid: c.sid, ssn: c.ssn, ppid: c.ppid, tsn: c.tsn, unordered: c.unordered(),
		first: c, last: c, lastTSN: c.tsn, size: c.size()}
}

func (q *ulpqueue) appendFragment(m *inMessage, c *inChunk) {
	if m.last == nil {
		m.first = c
	} else {
		m.last.next = c
	}
	m.last = c
	m.lastTSN = c.tsn
	m.size += c.size()
	if c.ends() {
		m.complete = true
	}
}

// pdPoint is how many bytes of one incomplete message start partial
// delivery.
func (q *ulpqueue) pdPoint() int {
	if q.pdp > 0 && int(q.pdp) < q.rcvbuf {
		return int(q.pdp) // SCTP_PARTIAL_DELIVERY_POINT
	}
	return q.rcvbuf / 2
}

// maybeStartPD starts partial delivery of the message whose fragments run
// in sequence up to the cumulative TSN cum, if they hold pdPoint bytes and
// the message is next in its stream.
func (q *ulpqueue) maybeStartPD(cum uint32) bool {
	if q.pd != nil || q.fragBytes < q.pdPoint() {
		return false
	}
	f := q.frags[cum]
	if f == nil || f.ends() {
		return false
	}
	first, bytes := cum, f.size()
	for !f.begins() {
		first--
		if f = q.frags[first]; f == nil {
			return false
		}
		bytes += f.size()
	}
	if bytes < q.pdPoint() {
		return false
	}
	if !f.unordered() {
		s := q.stream(f.sid)
		if s == nil || s.nextSSN != f.ssn {
			return false
		}
	}
	m := q.newMessage()
	for t := first; ; t++ {
		g := q.frags[t]
		q.unfrag(t)
		q.fragBytes -= g.size()
		if t == first {
			q.startMessage(m, g)
		} else {
			q.appendFragment(m, g)
		}
		if t == cum {
			break
		}
	}
	q.pd = m
	q.pushReady(m)
	q.pullPD()
	return true
}

// extendPD adds the next fragment to the message under partial delivery,
// and any that arrived before it.
func (q *ulpqueue) extendPD(c *inChunk) {
	q.appendFragment(q.pd, c)
	q.pullPD()
}

func (q *ulpqueue) pullPD() {
	m := q.pd
	for !m.complete {
		f := q.frags[m.lastTSN+1]
		if f == nil || f.begins() || f.sid != m.sid {
			break
		}
		q.unfrag(f.tsn)
		q.fragBytes -= f.size()
		q.appendFragment(m, f)
	}
	if m.complete {
		q.pd = nil
		if !m.unordered {
			q.advanceStream(m.sid)
		}
	}
}
