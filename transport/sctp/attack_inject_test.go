package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// rawSack encodes a SACK.
func rawSack(cum, arwnd uint32, gaps []header.GapAckBlock, dups []uint32) []byte {
	b := make([]byte, header.SackChunkLen(len(gaps), len(dups)))
	header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: cum, ARwnd: arwnd, GapAckBlocks: gaps, DuplicateTSNs: dups})
	return b
}

// heartbeatChunk encodes a HEARTBEAT or HEARTBEAT ACK with info.
func heartbeatChunk(t header.ChunkType, info []byte) []byte {
	return rawChunk(t, 0, param(header.ParamHeartbeatInfo, info))
}

// TestAttackBlindInjection: an off-path attacker who knows the addresses
// and ports but not the verification tags injects every chunk that could
// hurt an established association. RFC 9260 8.5 (and 8.5.1 B, C for ABORT
// and SHUTDOWN COMPLETE) makes each a silent discard: no answer, no state
// change, and the association still carries data afterwards.
func TestAttackBlindInjection(t *testing.T) {
	e := newAttackEnv(t, 1101, Options{})
	mine, peer := e.sTags()
	wrong := []uint32{mine ^ 1, mine + 0x10000, peer, 0xdeadbeef, 0}
	// Chunks that would each do damage if taken.
	var shutdownCum [4]byte
	binary.BigEndian.PutUint32(shutdownCum[:], 12345)
	attacks := []struct {
		name  string
		chunk []byte
		tbit  bool // the tag must then be the peer's
	}{
		{name: "DATA", chunk: dataChunk(0x7000_0000, 0, []byte("injected"))},
		{name: "SACK", chunk: rawSack(0x1234_5678, 0, []header.GapAckBlock{{Start: 1, End: 5}}, nil)},
		{name: "ABORT", chunk: rawChunk(header.ChunkAbort, 0, nil)},
		{name: "ABORT T", chunk: rawChunk(header.ChunkAbort, header.ChunkFlagT, nil), tbit: true},
		{name: "SHUTDOWN", chunk: rawChunk(header.ChunkShutdown, 0, shutdownCum[:])},
		{name: "SHUTDOWN ACK", chunk: rawChunk(header.ChunkShutdownAck, 0, nil)},
		{name: "SHUTDOWN COMPLETE", chunk: rawChunk(header.ChunkShutdownComplete, 0, nil)},
		{name: "SHUTDOWN COMPLETE T", chunk: rawChunk(header.ChunkShutdownComplete, header.ChunkFlagT, nil), tbit: true},
		{name: "HEARTBEAT", chunk: heartbeatChunk(header.ChunkHeartbeat, []byte("probe"))},
		{name: "HEARTBEAT ACK", chunk: heartbeatChunk(header.ChunkHeartbeatAck, make([]byte, 16))},
		{name: "ERROR", chunk: rawChunk(header.ChunkError, 0, []byte{0, 1, 0, 8, 0, 0, 0, 1})},
		{name: "COOKIE ACK", chunk: rawChunk(header.ChunkCookieAck, 0, nil)},
		{name: "INIT ACK", chunk: func() []byte { b := rawInit(99, 1, 1, 1, 65535, nil); b[0] = byte(header.ChunkInitAck); return b }()},
		{name: "unknown, report", chunk: rawChunk(0xC5, 0, []byte{1, 2, 3, 4})},
	}
	drops := protoStats(e.b).VerificationTagDrops.Value()
	for _, at := range attacks {
		for _, tag := range wrong {
			if at.tbit && tag == peer {
				continue // the peer's tag with T set is the right one
			}
			skip := e.cp.count(e.bAddr)
			e.spoof(tag, at.chunk)
			require.Empty(t, e.fromServer(skip), "%s with tag %#x drew an answer", at.name, tag)
			require.Equal(t, StateEstablished, e.stateOf(e.s), "%s with tag %#x", at.name, tag)
			require.Equal(t, StateEstablished, e.stateOf(e.c), "%s with tag %#x", at.name, tag)
		}
	}
	require.Greater(t, protoStats(e.b).VerificationTagDrops.Value(), drops)
	// Nothing injected reached the reader.
	_, _, err := e.s.ReadMsg(new(nopWriter), -1)
	require.NotNil(t, err, "injected DATA was delivered")
	// The same chunks bundled behind a chunk with a wrong tag: one packet
	// is judged by its one tag.
	skip := e.cp.count(e.bAddr)
	e.spoof(mine^0x8000, attacks[0].chunk, attacks[2].chunk, attacks[4].chunk)
	require.Empty(t, e.fromServer(skip))
	e.transfer("after blind injection")
	require.Zero(t, assocOf(t, e.s).stats.AbortsReceived.Value())
}

// nopWriter discards what is written.
type nopWriter struct{}

func (*nopWriter) Write(b []byte) (int, error) { return len(b), nil }

// TestAttackHeartbeatAckForged: a HEARTBEAT ACK whose Heartbeat Info is not
// the one we sent (wrong nonce, wrong length, no probe outstanding) proves
// nothing about the path: it does not clear the error counter, does not
// end the outstanding probe and gives no RTT sample (RFC 9260 8.3: the
// nonce must match). The genuine echo still does all three.
func TestAttackHeartbeatAckForged(t *testing.T) {
	e := newAttackEnv(t, 1102, Options{})
	mine, _ := e.sTags()
	a := assocOf(t, e.s)
	// A forged ACK with no probe outstanding.
	e.spoof(mine, heartbeatChunk(header.ChunkHeartbeatAck, make([]byte, 16)))

	// s probes; the probe and its echo are held so that we choose what
	// comes back.
	var probe []byte
	e.link.SetFilter(sctptest.BtoA, func(p sctptest.Packet) sctptest.FilterVerdict { return holdHeartbeats(p, &probe) })
	require.Nil(t, e.s.RequestHeartbeat())
	e.n.Advance(10 * time.Millisecond)
	require.NotNil(t, probe, "no HEARTBEAT seen")
	a.mu.Lock()
	outstanding := a.primary.hbOutstanding
	a.primary.errorCount = 3 // as after missed probes
	srtt, rto := a.primary.srtt, a.primary.rto
	a.mu.Unlock()
	require.True(t, outstanding)
	e.n.Advance(100 * time.Millisecond) // an RTT sample would now differ

	info := append([]byte(nil), header.HeartbeatChunk(probe).Info().SenderSpecificInfo()...)
	require.Len(t, info, hbInfoLen)
	badNonce := append([]byte(nil), info...)
	badNonce[15] ^= 1
	badTime := append([]byte(nil), info...)
	binary.BigEndian.PutUint64(badTime, 1) // an ancient send time, wrong nonce
	badTime[8] ^= 0x80
	for name, forged := range map[string][]byte{
		"wrong nonce":     badNonce,
		"forged time":     badTime,
		"short info":      info[:8],
		"long info":       append(append([]byte(nil), info...), 0, 0, 0, 0),
		"empty info":      nil,
		"all zero":        make([]byte, hbInfoLen),
		"nonce not first": append(info[8:], info[:8]...),
	} {
		e.spoof(mine, heartbeatChunk(header.ChunkHeartbeatAck, forged))
		h := hbState(a)
		require.True(t, h.outstanding, name)
		require.Equal(t, 3, h.errors, name)
		require.Equal(t, srtt, h.srtt, name)
		require.Equal(t, rto, h.rto, name)
		require.Equal(t, StateEstablished, e.stateOf(e.s), name)
	}
	// The genuine echo confirms the path.
	e.spoof(mine, heartbeatChunk(header.ChunkHeartbeatAck, info))
	h := hbState(a)
	require.False(t, h.outstanding)
	require.Zero(t, h.errors)
	require.NotEqual(t, srtt, h.srtt, "the genuine echo is an RTT sample")
	// A replay of the genuine echo is no second sample.
	a.mu.Lock()
	a.primary.errorCount = 2
	a.mu.Unlock()
	e.n.Advance(time.Second)
	e.spoof(mine, heartbeatChunk(header.ChunkHeartbeatAck, info))
	h2 := hbState(a)
	require.Equal(t, h.srtt, h2.srtt, "a replayed echo is no RTT sample")
	require.Equal(t, 2, h2.errors, "a replayed echo clears no error")
	e.link.SetFilter(sctptest.BtoA, nil)
	e.transfer("after forged heartbeat acks")
}

// holdHeartbeats is a filter that drops the packets carrying a HEARTBEAT,
// keeping a copy of the last such chunk in *probe.
func holdHeartbeats(p sctptest.Packet, probe *[]byte) sctptest.FilterVerdict {
	_, _, proto, payload, err := sctptest.ParseIP(p.Data)
	if err != nil || proto != uint8(ProtocolNumber) || len(payload) < header.SCTPCommonHeaderLen {
		return sctptest.PassPacket
	}
	it := header.NewChunkIter(header.SCTP(payload).Chunks())
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if c.Type() == header.ChunkHeartbeat {
			*probe = append([]byte(nil), c...)
			return sctptest.DropPacket
		}
	}
	return sctptest.PassPacket
}

// hbSnap is what a HEARTBEAT ACK may change.
type hbSnap struct {
	outstanding bool
	errors      int
	srtt, rto   time.Duration
}

func hbState(a *association) hbSnap {
	a.mu.Lock()
	defer a.mu.Unlock()
	return hbSnap{a.primary.hbOutstanding, int(a.primary.errorCount), a.primary.srtt, a.primary.rto}
}
