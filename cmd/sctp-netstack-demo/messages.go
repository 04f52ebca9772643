package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
)

// The demo's traffic is planned up front from the seed, so the client can
// check every echo without keeping a copy of what it sent: a message's
// bytes are regenerated from its number when its echo comes back. The same
// seed gives the same messages, which makes a failing run repeatable.

// msgHeaderLen is the size of the number and length at the start of every
// message; it is also the smallest message.
const msgHeaderLen = 8

// unorderedShare is the fraction of messages sent unordered (the U bit).
const unorderedShare = 0.25

// message is one planned message.
type message struct {
	id        uint32
	stream    uint16
	unordered bool
	size      int
}

// demoPPID is the base of the demo's Payload Protocol Identifiers: "SCT"
// and the stream number in the low byte. IANA has not assigned such
// values (nor does Wireshark decode them as some upper-layer protocol,
// which would make a capture look malformed), and their four distinct
// bytes show any byte-order mistake.
const demoPPID = 0x53435400

// ppid is the Payload Protocol Identifier the message is sent with; it
// differs between streams, so the echo's metadata is checked along with
// its bytes.
func (m *message) ppid() uint32 { return demoPPID | uint32(m.stream&0xff) }

// plan is the whole traffic of a run, in sending order.
type plan struct {
	seed uint64
	msgs []message
	// ordered[s] lists the ordered messages of stream s in sending order:
	// their echoes must come back in exactly this order.
	ordered [][]uint32
}

// newPlan spreads count messages per stream over streams streams, in
// round-robin order. Sizes are mixed: a third small (up to 256 bytes), a
// third up to maxSmall (what fits in one packet) and a third up to maxSize
// (fragmented when larger than maxSmall, if maxSize allows it).
func newPlan(seed uint64, streams, count, maxSmall, maxSize int) *plan {
	rng := rand.New(rand.NewPCG(seed, 0x5c7b))
	p := &plan{seed: seed, ordered: make([][]uint32, streams)}
	maxSmall = min(maxSmall, maxSize)
	between := func(lo, hi int) int {
		lo = max(lo, msgHeaderLen)
		hi = max(hi, lo)
		return lo + rng.IntN(hi-lo+1)
	}
	for i := range streams * count {
		m := message{id: uint32(i), stream: uint16(i % streams)}
		m.unordered = rng.Float64() < unorderedShare
		switch rng.IntN(3) {
		case 0:
			m.size = between(msgHeaderLen, min(256, maxSize))
		case 1:
			m.size = between(min(257, maxSmall), maxSmall)
		default:
			m.size = between(min(maxSmall+1, maxSize), maxSize)
		}
		if !m.unordered {
			p.ordered[m.stream] = append(p.ordered[m.stream], m.id)
		}
		p.msgs = append(p.msgs, m)
	}
	return p
}

// fill writes message m's bytes into b (len(b) == m.size): its number and
// size, then bytes drawn from a generator seeded with the plan's seed and
// the number.
func (p *plan) fill(m *message, b []byte) {
	binary.BigEndian.PutUint32(b[0:], m.id)
	binary.BigEndian.PutUint32(b[4:], uint32(m.size))
	rng := rand.NewChaCha8(p.key(m.id))
	_, _ = rng.Read(b[msgHeaderLen:]) // ChaCha8.Read never fails.
}

// key derives the payload generator's key of message id.
func (p *plan) key(id uint32) [32]byte {
	var k [32]byte
	binary.LittleEndian.PutUint64(k[0:], p.seed)
	binary.LittleEndian.PutUint32(k[8:], id)
	return k
}

// identify returns the planned message an echo claims to be, from the
// number at its start.
func (p *plan) identify(b []byte) (*message, error) {
	if len(b) < msgHeaderLen {
		return nil, fmt.Errorf("echo of %d bytes is shorter than a message header", len(b))
	}
	id := binary.BigEndian.Uint32(b)
	if int(id) >= len(p.msgs) {
		return nil, fmt.Errorf("echo carries unknown message number %d", id)
	}
	return &p.msgs[id], nil
}

// newFixedPlan is the client command's traffic: count messages of exactly
// size bytes, round-robin over streams streams, about unorderedShare of
// them unordered.
func newFixedPlan(seed uint64, streams, count, size int) *plan {
	rng := rand.New(rand.NewPCG(seed, 0x5c7b))
	p := &plan{seed: seed, ordered: make([][]uint32, streams)}
	for i := range count {
		m := message{id: uint32(i), stream: uint16(i % streams), size: size}
		m.unordered = rng.Float64() < unorderedShare
		if !m.unordered {
			p.ordered[m.stream] = append(p.ordered[m.stream], m.id)
		}
		p.msgs = append(p.msgs, m)
	}
	return p
}
