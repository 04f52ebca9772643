package sctp

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

func dataChunkFlags(tsn uint32, sid uint16, flags uint8, payload []byte) []byte {
	b := make([]byte, header.PaddedLen(header.DataChunkLen(len(payload))))
	header.DataChunk(b).Encode(&header.DataFields{Flags: flags, TSN: tsn, StreamID: sid, Payload: payload})
	return b
}

// sacksIn returns the SACK chunks among packets.
func sacksIn(pkts []captured) []header.SackChunk {
	var out []header.SackChunk
	for _, p := range pkts {
		for _, c := range p.chunks() {
			if c.Type() == header.ChunkSack {
				out = append(out, header.SackChunk(c))
			}
		}
	}
	return out
}

// TestSackRules checks the receiver's acknowledgement rules (RFC 9260 6.2,
// 6.7) against a raw peer: the association's first DATA at once (5.1), a
// lone packet after SACK.Delay, every second packet at once, gaps and
// duplicates at once (with their Gap Ack Blocks and Duplicate TSNs), the I
// bit at once; and a SACK due goes first in a packet with DATA (6.1).
func TestSackRules(t *testing.T) {
	e, cp := ootbEnv(t)
	s, tag := rawAssoc(t, e, cp)
	// Host a's stack must not see b's packets: it would answer them as
	// out of the blue with an ABORT.
	e.link.A().Intercept()
	skip := cp.count(e.bAddr)
	x := []byte("x")
	// The association's first DATA chunk: SACKed at once (RFC 9260 5.1).
	e.inject(6000, tag, dataChunk(100, 0, x))
	sk := sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint32(100), sk[0].CumulativeTSNAck())
	skip = cp.count(e.bAddr)
	// One packet: the SACK waits for the delayed-ack timer (200 ms).
	e.inject(6000, tag, dataChunk(101, 0, x))
	require.Empty(t, sacksIn(e.answers(cp, skip)))
	e.n.Advance(150 * time.Millisecond)
	require.Empty(t, sacksIn(e.answers(cp, skip)))
	e.n.Advance(50 * time.Millisecond)
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint32(101), sk[0].CumulativeTSNAck())
	skip = cp.count(e.bAddr)

	// Every second packet: at once.
	e.inject(6000, tag, dataChunk(102, 0, x))
	require.Empty(t, sacksIn(e.answers(cp, skip)))
	e.inject(6000, tag, dataChunk(103, 0, x))
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint32(103), sk[0].CumulativeTSNAck())
	skip = cp.count(e.bAddr)

	// A gap: at once, with a Gap Ack Block for 105.
	e.inject(6000, tag, dataChunk(105, 0, x))
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint32(103), sk[0].CumulativeTSNAck())
	require.Equal(t, uint16(1), sk[0].NumberOfGapAckBlocks())
	require.Equal(t, header.GapAckBlock{Start: 2, End: 2}, sk[0].GapAckBlock(0))
	skip = cp.count(e.bAddr)

	// A duplicate: at once, reported.
	e.inject(6000, tag, dataChunk(105, 0, x))
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint16(1), sk[0].NumberOfDuplicateTSNs())
	require.Equal(t, uint32(105), sk[0].DuplicateTSN(0))
	skip = cp.count(e.bAddr)

	// The I bit: at once (the gap is filled too).
	e.inject(6000, tag, dataChunkFlags(104, 0, 3|header.DataFlagImmediate, x))
	sk = sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1)
	require.Equal(t, uint32(105), sk[0].CumulativeTSNAck())
	require.Zero(t, sk[0].NumberOfGapAckBlocks())
	skip = cp.count(e.bAddr)

	// A SACK due is bundled ahead of outgoing DATA.
	e.inject(6000, tag, dataChunk(106, 0, x))
	e.write(s, []byte("reply"), SendInfo{})
	e.n.Advance(10 * time.Millisecond)
	ans := e.answers(cp, skip)
	require.NotEmpty(t, ans)
	cs := ans[0].chunks()
	require.GreaterOrEqual(t, len(cs), 2)
	require.Equal(t, header.ChunkSack, cs[0].Type())
	require.Equal(t, uint32(106), header.SackChunk(cs[0]).CumulativeTSNAck())
	require.Equal(t, header.ChunkData, cs[1].Type())
}

// TestDataFarOutsideWindowDropped: a TSN beyond what a SACK could report
// is dropped, not held, and the SACK shows only what was accepted.
func TestDataFarOutsideWindowDropped(t *testing.T) {
	e, cp := ootbEnv(t)
	_, tag := rawAssoc(t, e, cp)
	e.link.A().Intercept()
	skip := cp.count(e.bAddr)
	e.inject(6000, tag, dataChunk(100+200000, 0, []byte("far")))
	sk := sacksIn(e.answers(cp, skip))
	require.Len(t, sk, 1, "dropped data is answered at once")
	require.Equal(t, uint32(99), sk[0].CumulativeTSNAck())
	require.Zero(t, sk[0].NumberOfGapAckBlocks())
	require.NotZero(t, protoStats(e.b).DataDropped.Value())
}

// TestNoDelayedSackStalls: neither request/response traffic (with the
// Nagle-like default on) nor a window-limited bulk transfer waits on the
// peer's delayed-SACK timer: replies carry the SACK, and a sender that
// fills its window sets the I bit (RFC 9260 6.1, 6.2).
func TestNoDelayedSackStalls(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	start := e.n.Elapsed()
	for i := 0; i < 20; i++ {
		e.write(c, []byte("request"), SendInfo{})
		_, _, err := e.readMsgStep(s, time.Second)
		require.Nil(t, err)
		e.write(s, []byte("response"), SendInfo{})
		_, _, err = e.readMsgStep(c, time.Second)
		require.Nil(t, err)
	}
	took := e.n.Elapsed() - start
	require.Less(t, took, 200*time.Millisecond, "20 round trips of 2 ms took %v", took)
	// Bulk: the receiver's delayed-SACK timer never has to fire.
	before := protoStats(e.b).Timeouts[timerSack].Value()
	data := make([]byte, 1400)
	sent, got := 0, 0
	require.True(t, e.runStep(func() bool {
		for sent < 2000 {
			var r bytes.Reader
			r.Reset(data)
			if _, err := c.WriteMsg(&r, SendInfo{}); err != nil {
				break
			}
			sent++
		}
		for {
			var b bytes.Buffer
			if _, _, err := s.ReadMsg(&b, -1); err != nil {
				break
			}
			got++
		}
		return got == 2000
	}, time.Minute, time.Millisecond))
	require.Equal(t, before, protoStats(e.b).Timeouts[timerSack].Value())
}

// readMsgStep is readMsg in 1 ms steps.
func (e *testEnv) readMsgStep(ep *Endpoint, max time.Duration) ([]byte, RecvInfo, tcpip.Error) {
	e.t.Helper()
	var buf bytes.Buffer
	var info RecvInfo
	var err tcpip.Error
	e.runStep(func() bool {
		info, _, err = ep.ReadMsg(&buf, -1)
		_, wb := err.(*tcpip.ErrWouldBlock)
		return !wb
	}, max, time.Millisecond)
	return buf.Bytes(), info, err
}
