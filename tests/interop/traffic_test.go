package interop

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
)

// Test messages and their bookkeeping, shared by every peer's scenarios.
//
// A message names itself: stream, per-stream sequence number and length in
// a 16-byte header, then bytes derived from those, then a CRC32 of it all.
// A message that arrives truncated, merged with another, on the wrong
// stream or corrupted (the SCTP checksum notwithstanding) fails checkMsg.

const msgHeaderLen = 16

// ppidBase + stream is the Payload Protocol Identifier of a test message,
// so that the PPID is checked end to end too.
const ppidBase = 1000

// workload is what an initiator sends: messages on streams 0..Streams-1,
// PerStream on each, their sizes cycling through Sizes. Odd streams are
// unordered (U bit), even streams ordered.
type workload struct {
	Streams   int
	PerStream int
	Sizes     []int
}

// unordered reports whether stream s carries unordered messages.
func unordered(s uint16) bool { return s%2 == 1 }

// size is the size of message seq on stream s.
func (w workload) size(s uint16, seq uint32) int {
	return w.Sizes[(int(s)+int(seq))%len(w.Sizes)]
}

// total is the number of messages of the workload.
func (w workload) total() int { return w.Streams * w.PerStream }

// bytes is the number of payload bytes of the workload.
func (w workload) bytes() int {
	n := 0
	for s := range w.Streams {
		for q := range w.PerStream {
			n += w.size(uint16(s), uint32(q))
		}
	}
	return n
}

// order is the send order: round robin over the streams, so that the
// streams' messages interleave on the wire.
func (w workload) order() [][2]int {
	var o [][2]int
	for q := range w.PerStream {
		for s := range w.Streams {
			o = append(o, [2]int{s, q})
		}
	}
	return o
}

// makeMsg builds message seq of stream s, size bytes long (at least
// msgHeaderLen+4).
func makeMsg(s uint16, seq uint32, size int) []byte {
	size = max(size, msgHeaderLen+4)
	b := make([]byte, size)
	binary.BigEndian.PutUint32(b[0:], 0x5c7b1e57)
	binary.BigEndian.PutUint16(b[4:], s)
	binary.BigEndian.PutUint32(b[8:], seq)
	binary.BigEndian.PutUint32(b[12:], uint32(size))
	x := uint32(s)<<20 ^ seq*2654435761
	for i := msgHeaderLen; i < size-4; i++ {
		x = x*1103515245 + 12345
		b[i] = byte(x >> 16)
	}
	binary.BigEndian.PutUint32(b[size-4:], crc32.ChecksumIEEE(b[:size-4]))
	return b
}

// checkMsg validates a received message and returns its stream and
// sequence number.
func checkMsg(b []byte) (s uint16, seq uint32, err error) {
	if len(b) < msgHeaderLen+4 || binary.BigEndian.Uint32(b) != 0x5c7b1e57 {
		return 0, 0, fmt.Errorf("%d-byte message without the test header", len(b))
	}
	s, seq = binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint32(b[8:])
	if n := binary.BigEndian.Uint32(b[12:]); int(n) != len(b) {
		return s, seq, fmt.Errorf("message %d/%d: %d bytes, header says %d", s, seq, len(b), n)
	}
	if crc32.ChecksumIEEE(b[:len(b)-4]) != binary.BigEndian.Uint32(b[len(b)-4:]) {
		return s, seq, fmt.Errorf("message %d/%d: content corrupted", s, seq)
	}
	return s, seq, nil
}

// tally checks the messages an initiator gets back: each exactly once, on
// the stream it was sent on, with its PPID and U bit, and in order on
// ordered streams. It is safe for concurrent use (one reader per stream on
// pion's side).
type tally struct {
	w workload

	mu sync.Mutex
	// +checklocks:mu
	next []uint32 // next sequence number expected per ordered stream
	// +checklocks:mu
	seen map[[2]uint32]bool
	// +checklocks:mu
	errs []error
	// done is closed when every message has arrived.
	done chan struct{}
}

func newTally(w workload) *tally {
	return &tally{w: w, next: make([]uint32, w.Streams), seen: map[[2]uint32]bool{}, done: make(chan struct{})}
}

// add records one received message. stream, ppid and unord are what the
// receiving API reported; unord < 0 means the API does not tell (pion).
func (t *tally) add(b []byte, stream uint16, ppid uint32, unord int) {
	s, seq, err := checkMsg(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	fail := func(format string, args ...any) {
		t.errs = append(t.errs, fmt.Errorf(format, args...))
	}
	switch {
	case err != nil:
		fail("%v", err)
		return
	case s != stream:
		fail("message %d/%d arrived on stream %d", s, seq, stream)
	case int(s) >= t.w.Streams || int(seq) >= t.w.PerStream:
		fail("message %d/%d was never sent", s, seq)
		return
	case ppid != ppidBase+uint32(s):
		fail("message %d/%d: PPID %d, want %d", s, seq, ppid, ppidBase+uint32(s))
	case unord >= 0 && (unord == 1) != unordered(s):
		fail("message %d/%d: unordered=%v, want %v", s, seq, unord == 1, unordered(s))
	case len(b) != max(t.w.size(s, seq), msgHeaderLen+4):
		fail("message %d/%d: %d bytes, want %d", s, seq, len(b), t.w.size(s, seq))
	}
	k := [2]uint32{uint32(s), seq}
	if t.seen[k] {
		fail("message %d/%d delivered twice", s, seq)
		return
	}
	t.seen[k] = true
	if !unordered(s) {
		if seq != t.next[s] {
			fail("ordered stream %d: message %d arrived, expected %d", s, seq, t.next[s])
		}
		t.next[s] = seq + 1
	}
	if len(t.seen) == t.w.total() {
		close(t.done)
	}
}

// errors returns the problems found so far.
func (t *tally) errors() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]error(nil), t.errs...)
}

// count returns the number of distinct messages received.
func (t *tally) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.seen)
}
