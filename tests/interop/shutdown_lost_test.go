package interop

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Losing the last packet of a graceful shutdown: our SHUTDOWN COMPLETE.
// Our association is gone by then, so the foreign stack's retransmitted
// SHUTDOWN ACK arrives out of the blue, and RFC 9260 8.4 (5) has us answer
// with a SHUTDOWN COMPLETE whose T bit is set and whose verification tag is
// the one of the SHUTDOWN ACK. The lossy scenarios meet this only when the
// dice say so; these tests drop the first SHUTDOWN COMPLETE on purpose.

// shutdownCompletes drops the first SHUTDOWN COMPLETE our stack sends to
// the foreign stack and records the flags and verification tag of every
// SHUTDOWN COMPLETE, and the tag of every SHUTDOWN ACK, it sends.
type shutdownCompletes struct {
	mu sync.Mutex
	// +checklocks:mu
	sent []scInfo
	// +checklocks:mu
	ackTags []uint32
}

type scInfo struct {
	flags uint8
	vtag  uint32
}

// install sets the bridge's hooks.
func (s *shutdownCompletes) install(b *bridge) {
	b.editHooks(func(h *bridgeHooks) { h.drop, h.sent = s.drop, s.recordAck })
}

// drop drops the first SHUTDOWN COMPLETE and records them all.
func (s *shutdownCompletes) drop(pkt []byte) bool {
	vtag, types := chunkTypes(pkt)
	if len(types) == 0 || types[0] != chunkShutdownDone {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, scInfo{flags: pkt[13], vtag: vtag})
	return len(s.sent) == 1
}

// recordAck notes the tag of a SHUTDOWN ACK the foreign stack sent.
func (s *shutdownCompletes) recordAck(pkt []byte) {
	vtag, types := chunkTypes(pkt)
	if len(types) > 0 && types[0] == chunkShutdownAck {
		s.mu.Lock()
		s.ackTags = append(s.ackTags, vtag)
		s.mu.Unlock()
	}
}

// check asserts that the second SHUTDOWN COMPLETE answered a retransmitted
// SHUTDOWN ACK out of the blue: T bit set, the SHUTDOWN ACK's tag.
func (s *shutdownCompletes) check(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		n := len(s.sent)
		s.mu.Unlock()
		if n >= 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !assert.GreaterOrEqual(t, len(s.sent), 2, "SHUTDOWN COMPLETEs we sent (the first was dropped)") {
		return
	}
	assert.GreaterOrEqual(t, len(s.ackTags), 2, "SHUTDOWN ACKs the peer sent (one retransmitted)")
	first, second := s.sent[0], s.sent[1]
	assert.Zero(t, first.flags&1, "T bit of the SHUTDOWN COMPLETE of the association")
	assert.Equal(t, uint8(1), second.flags&1, "T bit of the out-of-the-blue SHUTDOWN COMPLETE")
	if len(s.ackTags) > 0 {
		assert.Equal(t, s.ackTags[len(s.ackTags)-1], second.vtag, "tag of the out-of-the-blue SHUTDOWN COMPLETE: the SHUTDOWN ACK's")
	}
	t.Logf("SHUTDOWN COMPLETE: %#08x flags %d, then out of the blue %#08x flags %d", first.vtag, first.flags, second.vtag, second.flags)
}

// TestPionShutdownCompleteLost: we shut down, pion (client) acknowledges,
// our SHUTDOWN COMPLETE is lost; pion retransmits SHUTDOWN ACK and must
// close on our out-of-the-blue answer.
func TestPionShutdownCompleteLost(t *testing.T) {
	w, peer, ours := pionPair(t, nil)
	var sc shutdownCompletes
	sc.install(w.peer)
	roundTrip(t, ours)
	require.NoError(t, ours.CloseWrite())
	waitGone(t, peer, "pion after our second SHUTDOWN COMPLETE")
	sc.check(t)
}
