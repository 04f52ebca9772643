package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestNagleFullPackets: under the Nagle-like rule, what is left of a burst
// rides in the packet being built only if it fits there; it never starts a
// part-full packet while data is outstanding. 41 messages of 64 bytes
// (80-byte chunks, 18 to a packet): the first goes alone, the next 22
// wait for a full packet's worth, one packet of 18 goes (the 4 left wait,
// and the I bit asks for the SACK that frees them), then 18 and 4 more.
func TestNagleFullPackets(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	capt := e.link.Capture(sctptest.AtoB)
	msg := make([]byte, 64)
	for i := 0; i < 41; i++ {
		e.write(c, msg, SendInfo{PPID: uint32(i)})
	}
	for i := 0; i < 41; i++ {
		_, info, err := e.readMsg(s, time.Second)
		require.Nil(t, err)
		require.Equal(t, uint32(i), info.PPID)
	}
	var per []int
	for _, p := range capt.Packets() {
		if n := len(dataStreams(p.Data)); n > 0 {
			per = append(per, n)
		}
	}
	require.Equal(t, []int{1, 18, 18, 4}, per, "DATA chunks per packet")
}

// TestNoDelayFlushes: turning SetNoDelay on sends at once what the
// coalescing held back, without waiting for the SACK of the data before
// it (as TCP_NODELAY does on Linux).
func TestNoDelayFlushes(t *testing.T) {
	e := newTestEnv(t, 1, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
	c, _, _ := e.connectPair(5000)
	data := func() uint64 { return c.Stats().(*AssocStats).ChunksSent.Of(header.ChunkData).Value() }
	e.write(c, []byte("first"), SendInfo{})
	e.write(c, []byte("held"), SendInfo{})
	require.Equal(t, uint64(1), data(), "the second waits for the first's SACK")
	c.SetNoDelay(true)
	require.Equal(t, uint64(2), data(), "flushed at once, time not having moved")
}

// TestChunkCounts: the per-association counters keep types 0 to 15 apart
// and share one for the rest.
func TestChunkCounts(t *testing.T) {
	var cc ChunkCounts
	cc.Of(header.ChunkData).Increment()
	cc.Of(header.ChunkSack).IncrementBy(2)
	cc.Of(header.ChunkAuth).Increment()
	cc.Of(header.ChunkForwardTSN).Increment()
	cc.Of(header.ChunkPad).Increment()
	require.Equal(t, uint64(1), cc.Of(header.ChunkData).Value())
	require.Equal(t, uint64(2), cc.Of(header.ChunkSack).Value())
	require.Equal(t, uint64(1), cc.Of(header.ChunkAuth).Value())
	require.Equal(t, uint64(2), cc.Other().Value())
	require.Same(t, cc.Other(), cc.Of(header.ChunkIData))
}
