package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// cwndScript drives one association's sender by hand: the link is cut,
// SACKs are fed straight to processSack, and transmit runs after each, so
// that cwnd and ssthresh can be traced step by step.
type cwndScript struct {
	t    *testing.T
	a    *association
	base uint32 // TSN of the first chunk of the script, minus 1
}

func newCwndScript(t *testing.T) *cwndScript {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{MTU: 1500})
	c, _, _ := e.connectPair(5000)
	e.link.Cut()
	a := c.getAssoc()
	a.mu.Lock()
	defer a.mu.Unlock()
	require.Equal(t, 1480, a.primary.pmtu)
	return &cwndScript{t: t, a: a, base: a.out.nextTSN - 1}
}

// queue writes n one-chunk messages (1452 bytes: one full packet each).
func (s *cwndScript) queue(n int) {
	for i := 0; i < n; i++ {
		var r bytesReaderT
		r.n = maxPayload(1480)
		ep := s.a.ep
		_, err := ep.WriteMsg(&r, SendInfo{})
		require.Nil(s.t, err)
	}
}

// sack feeds a SACK for cum (relative to the script's base) with gap
// blocks given as relative offsets, then lets the sender transmit.
func (s *cwndScript) sack(cum uint32, gaps ...header.GapAckBlock) {
	a := s.a
	a.mu.Lock()
	b := make([]byte, header.SackChunkLen(len(gaps), 0))
	header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: s.base + cum, ARwnd: 1 << 20, GapAckBlocks: gaps})
	a.processSack(header.Chunk(b))
	a.transmit()
	a.unlockAndFlush()
}

func (s *cwndScript) t3() {
	a := s.a
	a.mu.Lock()
	ev := event{typ: timerT3Rtx.event()}
	a.runLocked(&ev)
	a.unlockAndFlush()
}

// check asserts cwnd, ssthresh and the chunks outstanding.
func (s *cwndScript) check(step string, cwnd, ssthresh, flightChunks int) {
	s.t.Helper()
	a := s.a
	a.mu.Lock()
	defer a.mu.Unlock()
	require.Equal(s.t, cwnd, a.primary.cwnd, "%s: cwnd", step)
	require.Equal(s.t, ssthresh, a.primary.ssthresh, "%s: ssthresh", step)
	require.Equal(s.t, flightChunks*1452, a.out.flight, "%s: flight", step)
}

// bytesReaderT yields n zero bytes.
type bytesReaderT struct{ n int }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}
func (r *bytesReaderT) Len() int { return r.n }

// TestCwndTrace traces cwnd and ssthresh through slow start, a fast
// retransmit with Fast Recovery, its exit, Max.Burst, a T3-rtx timeout
// and congestion avoidance, checking each against the arithmetic of RFC
// 9260 7.2 with PMTU 1480 (1452-byte chunks; bytes counted as user data).
func TestCwndTrace(t *testing.T) {
	const P = 1480
	const high = 1 << 30
	s := newCwndScript(t)
	s.check("initial", 4404, high, 0) // 7.2.1: min(4*PMTU, max(2*PMTU, 4404))
	s.queue(60)
	// Rule B of 6.1: send while flight < cwnd, so the last packet may
	// overbook by less than one PMTU: 4 chunks (5808 bytes).
	s.check("first flight", 4404, high, 4)

	// 7.2.1 slow start: a SACK acking 2904 bytes of a full window adds
	// min(2904, PMTU).
	s.sack(2)
	s.check("ss 1", 4404+P, high, 5) // 5884; 3 more sent
	s.sack(4)
	s.check("ss 2", 5884+P, high, 6) // 7364; TSN 5..10 out

	// TSN 5 is lost: SACKs report 6, 6-7, 6-8 by gap blocks. Gap acks
	// are new acknowledgements: slow start goes on (RFC 9260 7.2.1 no
	// longer requires the cum to advance) by min(1452, PMTU).
	s.sack(4, header.GapAckBlock{Start: 2, End: 2})
	s.check("gap 1", 7364+1452, high, 7)
	s.sack(4, header.GapAckBlock{Start: 2, End: 3})
	s.check("gap 2", 8816+1452, high, 8)
	// Third miss indication for TSN 5 (7.2.4): cwnd grows for chunk 8
	// first (to 11720), then 7.2.3: ssthresh = max(cwnd/2, 4*PMTU) =
	// max(5860, 5920), cwnd = ssthresh. TSN 5 goes again at once
	// regardless of cwnd (7.2.4 step 3); nothing new (flight > cwnd).
	s.sack(4, header.GapAckBlock{Start: 2, End: 4})
	s.check("fast retransmit", 4*P, 4*P, 7)
	s.a.mu.Lock()
	require.True(t, s.a.out.fastRecovery)
	exit := s.a.out.frExit - s.base
	s.a.mu.Unlock()
	require.Equal(t, uint32(14), exit) // the highest TSN sent (7.2.4 step 6)

	// In Fast Recovery cwnd does not move (7.2.1, 7.2.4 step 6).
	s.sack(8)
	s.check("in fast recovery", 4*P, 4*P, 6)
	// The exit point acknowledged: Fast Recovery ends (6.2.1 D iv) and
	// slow start resumes (cwnd <= ssthresh): + min(8712, PMTU). Then
	// Max.Burst (6.1 D): flight 0 + 4*PMTU = 5920 < cwnd 7400 bounds
	// this round to 5 chunks (the fifth overbooks).
	s.sack(14)
	s.a.mu.Lock()
	require.False(t, s.a.out.fastRecovery)
	s.a.mu.Unlock()
	s.check("fast recovery exit + max burst", 4*P+P, 4*P, 5)

	// T3-rtx (7.2.3): ssthresh = max(7400/2, 4*PMTU) = 5920, cwnd = PMTU,
	// and one packet (one chunk) in flight.
	s.t3()
	s.check("T3", P, 4*P, 1)
	// Slow start again: + min(1452, PMTU); the marked chunks go as cwnd
	// allows (rule C): 3 of them.
	s.sack(15)
	s.check("after T3 1", P+1452, 4*P, 3)
	s.sack(18)
	s.check("after T3 2", 2932+P, 4*P, 4) // 4412: chunk 19 again + 3 new
	s.sack(22)
	s.check("after T3 3", 4412+P, 4*P, 5) // 5892 <= ssthresh: still slow start
	s.sack(27)
	// 7372 > ssthresh. Max.Burst allows 4 PMTU beyond the 5 chunks this
	// SACK acknowledged (5920 + 7260 > cwnd): cwnd binds, 6 chunks (the
	// sixth overbooks). Without that allowance a peer that acknowledges
	// a burst at once would starve the pipe.
	s.check("after T3 4", 5892+P, 4*P, 6)

	// 7.2.2: partial_bytes_acked gathers acked bytes while the window is
	// full; when it reaches cwnd, cwnd += PMTU and pba -= cwnd.
	s.a.mu.Lock()
	require.Equal(t, 0, s.a.primary.pba)
	s.a.mu.Unlock()
	s.sack(30) // 3 chunks: pba 4356 < 7372
	s.a.mu.Lock()
	require.Equal(t, 3*1452, s.a.primary.pba)
	require.Equal(t, 7372, s.a.primary.cwnd)
	s.a.mu.Unlock()
	s.sack(33) // pba 8712 >= 7372: cwnd 8852, pba 1340
	s.a.mu.Lock()
	require.Equal(t, 7372+P, s.a.primary.cwnd)
	require.Equal(t, 6*1452-7372, s.a.primary.pba)
	s.a.mu.Unlock()
}

// TestCwndIdleDecay: a path that sends nothing halves cwnd, down to
// 4*PMTU, once per RTO, ssthresh taking cwnd first (RFC 9260 7.2.1).
func TestCwndIdleDecay(t *testing.T) {
	var p transport
	p.pmtu = 1000
	p.rto = time.Second
	p.cwnd, p.ssthresh = 64000, 1<<30
	start := tcpip.MonotonicTime{}.Add(time.Hour)
	p.lastSend = start
	p.decayIdle(start.Add(500 * time.Millisecond))
	require.Equal(t, 64000, p.cwnd, "less than an RTO: unchanged")
	p.decayIdle(start.Add(3500 * time.Millisecond))
	require.Equal(t, 8000, p.cwnd, "three RTOs: halved three times")
	require.Equal(t, 64000, p.ssthresh)
	p.lastSend = start.Add(3500 * time.Millisecond)
	p.decayIdle(start.Add(13500 * time.Millisecond))
	require.Equal(t, 4000, p.cwnd, "never below 4*PMTU")
}

// TestCwndAvoidancePartialWindow: in congestion avoidance
// partial_bytes_acked counts a SACK's bytes also when the window was not
// full before it; only the increase needs a full window (RFC 9260 7.2.2).
func TestCwndAvoidancePartialWindow(t *testing.T) {
	var p transport
	p.pmtu, p.cwnd, p.ssthresh = 1480, 7372, 5920
	p.onSackCwnd(3*1452, 7260, false) // flight 7260 < cwnd 7372
	require.Equal(t, 3*1452, p.pba)
	require.Equal(t, 7372, p.cwnd)
	p.onSackCwnd(3*1452, 7260, false) // pba 8712 >= cwnd, window not full
	require.Equal(t, 7372, p.cwnd, "no increase without a full window")
	require.Equal(t, 7372, p.pba)
	p.onSackCwnd(1452, 8712, false) // full: cwnd += PMTU, pba -= cwnd
	require.Equal(t, 7372+1480, p.cwnd)
	require.Equal(t, 7372+1452-7372, p.pba)
}
