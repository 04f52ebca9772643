package interop

import (
	"encoding/binary"
	"sync"
)

// SCTP chunk types the scenarios look for (RFC 9260 3.2).
const (
	chunkData         = 0
	chunkSack         = 3
	chunkHeartbeat    = 4
	chunkHeartbeatAck = 5
	chunkAbort        = 6
	chunkShutdown     = 7
	chunkShutdownAck  = 8
	chunkError        = 9
	chunkShutdownDone = 14
)

// chunkTypes returns the types of the chunks in an SCTP packet, in order,
// and the packet's verification tag. It stops at the first malformed chunk.
func chunkTypes(pkt []byte) (vtag uint32, types []uint8) {
	if len(pkt) < 12 {
		return 0, nil
	}
	vtag = binary.BigEndian.Uint32(pkt[4:])
	for b := pkt[12:]; len(b) >= 4; {
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 {
			break
		}
		types = append(types, b[0])
		n = (n + 3) &^ 3
		if n >= len(b) {
			break
		}
		b = b[n:]
	}
	return vtag, types
}

// chunkCounter counts chunk types by direction: what the foreign stack sent
// (toUs) and what was delivered to it (toPeer).
type chunkCounter struct {
	mu sync.Mutex
	// +checklocks:mu
	toUs [256]int
	// +checklocks:mu
	toPeer [256]int
	// +checklocks:mu
	peerTag uint32 // the verification tag of the last packet to the peer
}

func (c *chunkCounter) add(toPeer bool, pkt []byte) {
	vtag, types := chunkTypes(pkt)
	c.mu.Lock()
	defer c.mu.Unlock()
	if toPeer && len(types) > 0 && types[0] != 1 { // not INIT, whose tag is 0
		c.peerTag = vtag
	}
	for _, t := range types {
		if toPeer {
			c.toPeer[t]++
		} else {
			c.toUs[t]++
		}
	}
}

// sent returns how many chunks of type typ the foreign stack sent.
func (c *chunkCounter) sent(typ uint8) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.toUs[typ]
}

// got returns how many chunks of type typ reached the foreign stack.
func (c *chunkCounter) got(typ uint8) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.toPeer[typ]
}

// tagToPeer returns the verification tag our stack last put on a packet to
// the foreign stack: the tag the foreign stack must require (RFC 9260 8.5).
func (c *chunkCounter) tagToPeer() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peerTag
}
