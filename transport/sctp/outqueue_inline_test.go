package sctp

import (
	"bytes"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestSmallMessagesFromSlab: messages up to outInlineMax bytes travel in
// pieces of the outqueue's slab, larger ones in views; a mix of both over
// a lossy, reordering link arrives whole and in order (retransmissions
// read the slab after other chunks' pieces were reused), and messages
// still held when the association fails come back whole from
// UnsentMessages.
func TestSmallMessagesFromSlab(t *testing.T) {
	e := newTestEnv(t, 141, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{
		Loss: 0.05, Reorder: 0.05, Delay: 2 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	rng := rand.New(rand.NewSource(141))
	const count = 3000
	msgs := make([][]byte, count)
	for i := range msgs {
		n := 1 + rng.Intn(outInlineMax+200)
		if i%50 == 0 {
			n = outSlabSize + 100 // fragments, from a view
		}
		m := make([]byte, n)
		rng.Read(m)
		msgs[i] = m
	}
	sent, got := 0, 0
	next := [3]int{0, 1, 2} // the next message index each stream delivers
	require.True(t, e.run(func() bool {
		for sent < count {
			r := bytes.NewReader(msgs[sent])
			if _, err := c.WriteMsg(r, SendInfo{Stream: uint16(sent % 3)}); err != nil {
				require.IsType(t, &tcpip.ErrWouldBlock{}, err)
				break
			}
			sent++
		}
		for {
			var buf bytes.Buffer
			ri, _, err := s.ReadMsg(&buf, -1)
			if err != nil {
				require.IsType(t, &tcpip.ErrWouldBlock{}, err)
				break
			}
			require.True(t, ri.Complete)
			require.Equal(t, msgs[next[ri.Stream]], buf.Bytes(), "message %d", next[ri.Stream])
			next[ri.Stream] += 3
			got++
		}
		return got == count
	}, 2*time.Minute), "received %d of %d", got, count)

	// Held messages come back whole when the association fails.
	e.n.Advance(time.Second) // the last SACKs
	e.link.Cut()
	for i := 0; i < 5; i++ {
		e.write(c, msgs[i+1], SendInfo{})
	}
	c.Abort()
	un := c.UnsentMessages()
	require.Equal(t, 5, len(un))
	for i, m := range un {
		require.True(t, bytes.Equal(msgs[i+1], m.Data), "message %d", i)
	}
}

// TestOutqueueNeverEmptyStaysSmall: a queue whose head keeps being sent
// while new chunks arrive behind it, and which never empties, reuses its
// slice rather than growing it without end; the chunks keep their order.
func TestOutqueueNeverEmptyStaysSmall(t *testing.T) {
	var q outqueue
	q.nstreams = 1
	var next uint32
	first := q.nextTSN
	for i := 0; i < 100000; i++ {
		q.push(&outMessage{small: []byte{byte(i)}}, 1500)
		if len(q.queue)-q.qhead > 8 {
			c := q.queue[q.qhead]
			require.Equal(t, first+next, c.tsn)
			require.Equal(t, byte(next), c.own[0])
			q.queue[q.qhead] = nil
			q.qhead++
			next++
		}
	}
	require.Less(t, cap(q.queue), 64)
}
