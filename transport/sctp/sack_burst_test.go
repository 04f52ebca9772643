package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// TestSackAtBurstEnd: packets that arrive together get one SACK when the
// last of them has been processed, not one per second packet; a burst
// longer than sackBurstMax packets gets one every sackBurstMax; a gap is
// still reported at once (RFC 9260 6.2, 6.7).
func TestSackAtBurstEnd(t *testing.T) {
	e, cp := ootbEnv(t)
	_, tag := rawAssoc(t, e, cp)
	e.link.A().Intercept()
	x := []byte("x")
	e.inject(6000, tag, dataChunk(100, 0, x)) // the first: SACKed at once
	skip := cp.count(e.bAddr)

	burst := func(first, n uint32) {
		for tsn := first; tsn < first+n; tsn++ {
			e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, 7000, 6000, tag, dataChunk(tsn, 0, x)))
		}
		e.n.Advance(10 * time.Millisecond)
	}
	before := protoStats(e.b).BurstSacks.Value()
	burst(101, 10)
	sk := sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1, "one SACK for the burst of 10")
	require.Equal(t, uint32(110), sk[0].CumulativeTSNAck())
	require.Equal(t, before+1, protoStats(e.b).BurstSacks.Value())
	require.Zero(t, protoStats(e.b).Timeouts[timerSack].Value(), "not SACK.Delay")
	skip = cp.count(e.bAddr)

	// A long burst (the link spaces it out, so its packets arrive in
	// runs): never more than sackBurstMax packets per SACK, and far fewer
	// SACKs than one per second packet.
	const long = 2*sackBurstMax + 2
	burst(111, long)
	sk = sacksIn(e.answers(cp, skip))
	require.GreaterOrEqual(t, len(sk), 3)
	require.Less(t, len(sk), long/4)
	cum := uint32(110)
	for _, s := range sk {
		require.LessOrEqual(t, s.CumulativeTSNAck()-cum, uint32(sackBurstMax))
		cum = s.CumulativeTSNAck()
	}
	require.Equal(t, uint32(110+long), cum)
	skip = cp.count(e.bAddr)

	// A gap inside a burst: reported by the packet that shows it.
	next := uint32(111 + long)
	for _, tsn := range []uint32{next, next + 2, next + 3} {
		e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, 7000, 6000, tag, dataChunk(tsn, 0, x)))
	}
	e.n.Advance(10 * time.Millisecond)
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 2, "at once for each packet after the gap")
	require.Equal(t, next, sk[0].CumulativeTSNAck())
	require.Equal(t, header.GapAckBlock{Start: 2, End: 2}, sk[0].GapAckBlock(0))
	require.Equal(t, header.GapAckBlock{Start: 2, End: 3}, sk[1].GapAckBlock(0))
}
