package sctp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Forged SACKs with the right tag (an on-path attacker, or a broken peer)
// against a sender with data outstanding.

// inFlight has s write n messages of 1000 bytes that the client does not
// get yet (the B>A direction is cut), and returns them and the first and
// last TSN sent (cwnd lets only the first few go).
func (e *attackEnv) inFlight(n int) (msgs [][]byte, first, last uint32) {
	e.t.Helper()
	e.link.CutDir(sctptest.BtoA)
	for i := 0; i < n; i++ {
		m := bytes.Repeat([]byte{byte('a' + i%26)}, 1000)
		binary.BigEndian.PutUint32(m, uint32(i))
		e.write(e.s, m, SendInfo{})
		msgs = append(msgs, m)
	}
	e.n.Advance(10 * time.Millisecond)
	a := assocOf(e.t, e.s)
	a.mu.Lock()
	defer a.mu.Unlock()
	require.NotEmpty(e.t, a.out.inflight)
	return msgs, a.out.inflight[0].tsn, a.out.highestSent()
}

// deliverAll heals the link and checks that the client gets msgs, in
// order and intact.
func (e *attackEnv) deliverAll(msgs [][]byte) {
	e.t.Helper()
	e.link.HealDir(sctptest.BtoA)
	for i, m := range msgs {
		got, _, err := e.readMsg(e.c, time.Minute)
		require.Nil(e.t, err, "message %d", i)
		require.Equal(e.t, m, got, "message %d", i)
	}
}

// abortedWith checks that the server answered with one ABORT carrying
// cause, T bit clear and the client's tag, and that both users see the
// association reset.
func (e *attackEnv) abortedWith(skip int, cause header.CauseCode, what string) {
	e.t.Helper()
	_, peer := e.sTags()
	var abort captured
	for _, p := range e.fromServer(skip) {
		if p.chunks()[0].Type() == header.ChunkAbort {
			require.Nil(e.t, abort.pkt, "%s: more than one ABORT", what)
			abort = p
		}
	}
	require.NotNil(e.t, abort.pkt, "%s: no ABORT", what)
	require.Equal(e.t, peer, abort.pkt.VerificationTag(), what)
	ch := abort.chunks()[0]
	require.Zero(e.t, ch.Flags()&header.ChunkFlagT, what)
	_, ok := hasCause(ch, cause)
	require.True(e.t, ok, "%s: cause %v", what, cause)
	for _, ep := range []*Endpoint{e.s, e.c} {
		var err tcpip.Error
		require.True(e.t, e.run(func() bool {
			_, _, err = ep.ReadMsg(new(nopWriter), -1)
			_, wb := err.(*tcpip.ErrWouldBlock)
			return !wb
		}, time.Second), what)
		require.IsType(e.t, &tcpip.ErrConnectionReset{}, err, what)
	}
}

// TestAttackSackUnsentTSN: a SACK that acknowledges a TSN not yet sent,
// by its Cumulative TSN Ack or by a Gap Ack Block, aborts the association
// with Protocol Violation (RFC 9260 12.2 ("MUST abort the association if it
// receives a SACK chunk acknowledging a TSN that has not been sent"),
// 6.2.1, 3.3.10.13). So does one whose declared gap and duplicate counts
// run past its length (3.3.4).
func TestAttackSackUnsentTSN(t *testing.T) {
	for i, tc := range []struct {
		name string
		sack func(cumAck, last uint32) []byte
	}{
		{"cum is the next TSN", func(cumAck, last uint32) []byte { return rawSack(last+1, 65535, nil, nil) }},
		{"cum far ahead", func(cumAck, last uint32) []byte { return rawSack(last+1_000_000, 65535, nil, nil) }},
		{"cum ahead, nothing in flight", nil},
		{"gap block ends past the highest TSN sent", func(cumAck, last uint32) []byte {
			return rawSack(cumAck, 65535, []header.GapAckBlock{{Start: 2, End: uint16(last - cumAck + 1)}}, nil)
		}},
		{"gap block at the 16-bit limit", func(cumAck, last uint32) []byte {
			return rawSack(cumAck, 65535, []header.GapAckBlock{{Start: 2, End: 3}, {Start: 65000, End: 65535}}, nil)
		}},
		{"counts past the length", func(cumAck, last uint32) []byte {
			b := rawSack(cumAck, 65535, []header.GapAckBlock{{Start: 2, End: 3}}, nil)
			binary.BigEndian.PutUint16(b[12:], 5000) // Number of Gap Ack Blocks
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAttackEnv(t, 1200+uint64(i), Options{})
			mine, _ := e.sTags()
			var chunk []byte
			if tc.sack == nil {
				// Nothing outstanding: any cum above the last TSN sent.
				a := assocOf(t, e.s)
				a.mu.Lock()
				last := a.out.highestSent()
				a.mu.Unlock()
				chunk = rawSack(last+1, 65535, nil, nil)
			} else {
				_, first, last := e.inFlight(5)
				chunk = tc.sack(first-1, last)
				e.link.HealDir(sctptest.BtoA) // to see the ABORT
			}
			skip := e.cp.count(e.bAddr)
			e.spoof(mine, chunk)
			cause := header.CauseProtocolViolation
			e.abortedWith(skip, cause, tc.name)
		})
	}
}

// TestAttackSackAbsurdGapBlocks: Gap Ack Blocks that cover no TSN (start
// after end, start 0: RFC 9260 3.3.4 makes the offsets start at 1), thousands
// of them in one SACK, and a thousand duplicate TSNs acknowledge nothing:
// the association goes on, nothing is taken for acknowledged, and every
// message still reaches the peer. An old SACK (cum below the Cumulative
// TSN Ack Point) is ignored (6.2.1 D i).
func TestAttackSackAbsurdGapBlocks(t *testing.T) {
	e := newAttackEnv(t, 1210, Options{})
	mine, _ := e.sTags()
	msgs, first, _ := e.inFlight(10)
	cum := first - 1
	a := assocOf(t, e.s)
	a.mu.Lock()
	flight, n := a.out.flight, len(a.out.inflight)
	a.mu.Unlock()
	inverted := make([]header.GapAckBlock, 4000)
	for i := range inverted {
		inverted[i] = header.GapAckBlock{Start: uint16(100 - i%8), End: uint16(1 + i%8)}
	}
	dups := make([]uint32, 1000)
	for i := range dups {
		dups[i] = cum - uint32(i)
	}
	for name, c := range map[string][]byte{
		"start after end":    rawSack(cum, 65535, []header.GapAckBlock{{Start: 5, End: 2}}, nil),
		"start 0":            rawSack(cum, 65535, []header.GapAckBlock{{Start: 0, End: 0}}, nil),
		"4000 inverted":      rawSack(cum, 65535, inverted, nil),
		"1000 duplicates":    rawSack(cum, 65535, nil, dups),
		"old cum, gaps":      rawSack(cum-10, 65535, []header.GapAckBlock{{Start: 5, End: 12}}, nil),
		"old cum, far below": rawSack(cum-1_000_000, 65535, nil, nil),
	} {
		skip := e.cp.count(e.bAddr)
		e.spoof(mine, c)
		for _, p := range e.fromServer(skip) {
			require.NotEqual(t, header.ChunkAbort, p.chunks()[0].Type(), name)
		}
		require.Equal(t, StateEstablished, e.stateOf(e.s), name)
		a.mu.Lock()
		ngap, cumAck, fl, nin := a.out.ngap, a.out.cumAck, a.out.flight, len(a.out.inflight)
		a.mu.Unlock()
		require.Zero(t, ngap, "%s: something counted as gap-acked", name)
		require.Equal(t, cum, cumAck, name)
		require.Equal(t, flight, fl, name)
		require.Equal(t, n, nin, name)
	}
	e.deliverAll(msgs)
	e.transfer("after absurd gap blocks")
}

// TestAttackSackForgedAcks: SACKs that claim, by Gap Ack Blocks, TSNs the
// peer never got, and close its window, are believed (they are within what
// was sent) but lose no data: the peer's own SACKs then report the TSNs
// missing, which is reneging (RFC 9260 6.2.1 D iii), and they are sent
// again. The window reopens with the peer's next SACK.
func TestAttackSackForgedAcks(t *testing.T) {
	e := newAttackEnv(t, 1220, Options{})
	mine, _ := e.sTags()
	msgs, first, last := e.inFlight(20)
	cum := first - 1
	var gaps []header.GapAckBlock
	for k := uint16(2); cum+uint32(k) <= last; k += 2 {
		gaps = append(gaps, header.GapAckBlock{Start: k, End: k})
	}
	for i := 0; i < 5; i++ {
		e.spoof(mine, rawSack(cum, 0, gaps, nil))
	}
	a := assocOf(t, e.s)
	a.mu.Lock()
	ngap, arwnd := a.out.ngap, a.out.arwnd
	a.mu.Unlock()
	require.Equal(t, len(gaps), ngap, "the forged gap acks are taken")
	require.Zero(t, arwnd)
	require.Equal(t, StateEstablished, e.stateOf(e.s))
	e.deliverAll(msgs)
	for i := 0; i < 5; i++ {
		e.transfer(fmt.Sprintf("after forged acks %d", i))
	}
}
