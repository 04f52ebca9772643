package sctp

import (
	"encoding/binary"
	"math/rand"
	"testing"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// randomChunks returns a packet body of 1-3 chunks of random known or
// unknown types, flags, lengths and contents, sometimes with lying length
// fields: what a hostile peer may send.
func randomChunks(r *rand.Rand) []byte {
	types := []header.ChunkType{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 0x3f, 0x7f, 0xbf, 0xff}
	var b []byte
	for i := 0; i < 1+r.Intn(3); i++ {
		n := r.Intn(48)
		if r.Intn(4) == 0 {
			n = r.Intn(8)
		}
		v := make([]byte, n)
		r.Read(v)
		// Make some values plausible: small parameter/cause lengths.
		if n >= 4 && r.Intn(2) == 0 {
			binary.BigEndian.PutUint16(v[2:], uint16(4+r.Intn(n)))
		}
		c := rawChunk(types[r.Intn(len(types))], uint8(r.Intn(256)), v)
		if r.Intn(8) == 0 {
			binary.BigEndian.PutUint16(c[2:], uint16(r.Intn(len(c)+1)))
		}
		b = append(b, c...)
	}
	return b
}

// TestOOTBRandomChunksNoPanic throws random chunks at a listener (CLOSED)
// and at an established association, with the right tag, tag 0 and a
// random tag. Nothing may panic; every answer is the state machine's.
func TestOOTBRandomChunksNoPanic(t *testing.T) {
	e := newTestEnv(t, 100, Options{}, sctptest.LinkConfig{})
	port := uint16(5000)
	c, _, l := e.connectPair(port)
	a := c.getAssoc()
	p := a.p
	r := rand.New(rand.NewSource(1))
	la, _ := c.GetLocalAddress()
	restarts := 0
	for i := 0; i < 20000; i++ {
		body := randomChunks(r)
		a.mu.Lock()
		tag := []uint32{a.myVtag, 0, r.Uint32()}[r.Intn(3)]
		dead := a.dead
		a.mu.Unlock()
		if dead {
			// A fresh association to torment, in whatever state it is in.
			restarts++
			port++
			l.Close()
			c, _, l = e.connectPair(port)
			a = c.getAssoc()
			la, _ = c.GetLocalAddress()
			continue
		}
		pi := packetInfo{vtag: tag, srcPort: port, dstPort: la.Port, srcAddr: e.bAddr, dstAddr: e.aAddr, netProto: 0x0800, nicID: 1}
		if it := header.NewChunkIter(body); true {
			n := 0
			for _, ok := it.Next(); ok; _, ok = it.Next() {
				n++
			}
			if it.Err() != nil || n == 0 {
				continue // parsePacket drops these
			}
			pi.singleton = n == 1
		}
		switch r.Intn(3) {
		case 0, 1:
			a.mu.Lock()
			a.handleChunks(&pi, body, e.n.Elapsed().Nanoseconds())
			a.unlockAndFlush()
		default:
			// The listener's side: CLOSED with a listener.
			pi2 := pi
			pi2.srcAddr, pi2.dstAddr, pi2.srcPort, pi2.dstPort = e.aAddr, e.bAddr, la.Port+1, port
			lp := l.p
			lp.handleClosed(l.dmx, &pi2, body, e.n.Elapsed().Nanoseconds())
		}
		if i%100 == 0 {
			e.n.Advance(10 * time.Millisecond)
		}
	}
	t.Logf("%d associations torn down by random chunks", restarts)
	_ = p
}
