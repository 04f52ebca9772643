package sctp

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

var seedsFlag = flag.Int("sctp.seeds", 20, "seeds per impairment profile in TestTransferProfiles")

// impairmentProfiles are the link conditions every transfer test runs
// under.
var impairmentProfiles = []struct {
	name string
	im   sctptest.Impairments
}{
	{"clean", sctptest.Impairments{Delay: time.Millisecond}},
	{"loss1", sctptest.Impairments{Delay: time.Millisecond, Loss: 0.01}},
	{"loss5", sctptest.Impairments{Delay: time.Millisecond, Loss: 0.05}},
	{"loss20", sctptest.Impairments{Delay: time.Millisecond, Loss: 0.20}},
	{"burst", sctptest.Impairments{Delay: time.Millisecond, Burst: &sctptest.GilbertElliott{P: 0.02, R: 0.25, LossBad: 0.6}}},
	{"reorder", sctptest.Impairments{Delay: 2 * time.Millisecond, Reorder: 0.1, ReorderDelay: 4 * time.Millisecond}},
	{"dup", sctptest.Impairments{Delay: time.Millisecond, Duplicate: 0.05}},
	{"corrupt", sctptest.Impairments{Delay: time.Millisecond, Corrupt: 0.03, CorruptPayloadOnly: true}},
	{"delay50", sctptest.Impairments{Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond}},
}

// testMsg is one message of a transfer; its PPID is its index, so that
// even a 1-byte message can be identified.
type testMsg struct {
	info SendInfo
	data []byte
}

// makeTraffic returns n messages on streams 0..streams-1, a mix of ordered
// and unordered, of random sizes from 1 B to 64 KiB (mostly small), plus a
// 1 MiB one if big.
func makeTraffic(rng *rand.Rand, n, streams int, big bool) []testMsg {
	msgs := make([]testMsg, 0, n+1)
	for i := 0; i < n; i++ {
		var size int
		switch r := rng.IntN(10); {
		case r < 6:
			size = 1 + rng.IntN(1024)
		case r < 9:
			size = 1 + rng.IntN(8<<10)
		default:
			size = 1 + rng.IntN(64<<10)
		}
		if big && i == n/2 {
			size = 1 << 20
		}
		d := make([]byte, size)
		for j := range d {
			d[j] = byte(rng.Uint32())
		}
		msgs = append(msgs, testMsg{
			info: SendInfo{Stream: uint16(rng.IntN(streams)), Unordered: rng.IntN(4) == 0, PPID: uint32(len(msgs))},
			data: d,
		})
	}
	return msgs
}

// transfer sends msgs from c to s over e's network and checks that every
// message arrives exactly once, intact, in order within its stream when
// ordered. It returns the simulated time taken.
func transfer(t *testing.T, e *testEnv, c, s *Endpoint, msgs []testMsg, max time.Duration) time.Duration {
	t.Helper()
	start := e.n.Elapsed()
	next := 0
	got := make([]bool, len(msgs))
	lastOrdered := map[uint16]int{}
	received := 0
	var cur bytes.Buffer
	var r bytes.Reader
	step := func() bool {
		for next < len(msgs) {
			m := &msgs[next]
			r.Reset(m.data)
			_, err := c.WriteMsg(&r, m.info)
			if _, ok := err.(*tcpip.ErrWouldBlock); ok {
				break
			}
			require.Nil(t, err)
			next++
		}
		for {
			info, _, err := s.ReadMsg(&cur, -1)
			if _, ok := err.(*tcpip.ErrWouldBlock); ok {
				break
			}
			require.Nil(t, err)
			if !info.Complete {
				continue // partial delivery: the rest follows
			}
			id := int(info.PPID)
			require.Less(t, id, len(msgs))
			m := &msgs[id]
			require.False(t, got[id], "message %d delivered twice", id)
			got[id] = true
			require.Equal(t, m.info.Stream, info.Stream)
			require.Equal(t, m.info.Unordered, info.Unordered)
			require.True(t, bytes.Equal(m.data, cur.Bytes()), "message %d (%d bytes) corrupted: got %d bytes", id, len(m.data), cur.Len())
			if !m.info.Unordered {
				if last, ok := lastOrdered[info.Stream]; ok {
					require.Greater(t, id, last, "stream %d out of order", info.Stream)
				}
				lastOrdered[info.Stream] = id
			}
			cur.Reset()
			received++
		}
		return received == len(msgs)
	}
	ok := e.runStep(step, max, 5*time.Millisecond)
	if !ok {
		st, _ := c.Status()
		t.Fatalf("transfer incomplete: %d/%d received, %d written; status %+v; T3 timeouts %d", received, len(msgs), next, st, protoStats(e.a).Timeouts[timerT3Rtx].Value())
	}
	return e.n.Elapsed() - start
}

// TestTransferProfiles is the main reliability test: for every impairment
// profile and many seeds, 16 streams carry a mix of ordered and unordered
// messages of random sizes; all must arrive exactly once, intact and in
// order per ordered stream, and the association must then shut down
// gracefully (everything acknowledged, RFC 9260 9.2).
func TestTransferProfiles(t *testing.T) {
	seeds := *seedsFlag
	if testing.Short() {
		seeds = 3
	}
	for _, pr := range impairmentProfiles {
		t.Run(pr.name, func(t *testing.T) {
			t.Parallel()
			for seed := 1; seed <= seeds; seed++ {
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					runProfileSeed(t, pr.im, uint64(seed))
				})
			}
		})
	}
}

func runProfileSeed(t *testing.T, im sctptest.Impairments, seed uint64) {
	o := Options{RTOMin: 200 * time.Millisecond, RTOInitial: 500 * time.Millisecond, SendBufferSize: 2 << 20, OutStreams: 16}
	e := newTestEnv(t, seed, o, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000) // the handshake on a clean link
	e.link.SetImpairments(sctptest.Both, im)
	rng := rand.New(rand.NewPCG(seed, 0x5c7b))
	msgs := makeTraffic(rng, 96, 16, seed%2 == 0)
	transfer(t, e, c, s, msgs, 10*time.Minute)
	require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateClosed && e.stateOf(s) == StateClosed }, 5*time.Minute),
		"shutdown did not complete: %v / %v", e.stateOf(c), e.stateOf(s))
	require.Nil(t, c.UnsentMessages())
}
