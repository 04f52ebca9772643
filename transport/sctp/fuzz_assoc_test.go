package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Fuzz targets that play a hostile peer against a live association and a
// listener, through the whole receive path (IP, checksum, demux, state
// machine). Each input is a script of packets; after it, nothing may have
// panicked, memory must be within the association's bounds, and a clean
// association on the same stacks must still carry data (no deadlock, no
// corrupted shared state). Seeds are in testdata/fuzz/<Name>/.

// fuzzOp is one step of a fuzz script: a control byte, then a packet body
// of chunks. Control bits 0-1 choose the verification tag (the right one,
// 0, the peer's, or the body's first four bytes), bit 2 makes DATA, SACK
// and FORWARD TSN TSNs relative to the receiver's state (plausible), bit 3
// advances 1 s instead of 10 ms (timers fire), bit 4 has the user write a
// message, bit
// 5 has the user read.
type fuzzOp struct {
	ctl  byte
	body []byte
}

// fuzzScript splits an input into at most 64 steps: control byte, 16-bit
// length, body.
func fuzzScript(data []byte) []fuzzOp {
	var ops []fuzzOp
	for len(data) >= 3 && len(ops) < 64 {
		n := min(int(binary.BigEndian.Uint16(data[1:])), len(data)-3, 1400)
		ops = append(ops, fuzzOp{ctl: data[0], body: data[3 : 3+n]})
		data = data[3+n:]
	}
	return ops
}

// fuzzTag picks the verification tag of a step.
func fuzzTag(op fuzzOp, mine, peer uint32) uint32 {
	switch op.ctl & 3 {
	case 0:
		return mine
	case 1:
		return 0
	case 2:
		return peer
	}
	if len(op.body) >= 4 {
		return binary.BigEndian.Uint32(op.body)
	}
	return mine ^ 1
}

// relativeTSNs rewrites, in a copy of body, the TSN of each DATA chunk and
// the cumulative TSN of each SACK and SHUTDOWN as offsets (their low byte,
// signed) from what the receiver expects, so that the fuzzer reaches the
// paths behind the window checks.
func relativeTSNs(body []byte, nextIn, cumOut uint32) []byte {
	body = append([]byte(nil), body...)
	it := header.NewChunkIter(body)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		switch {
		case c.Type() == header.ChunkData && len(c) >= header.DataChunkHeaderLen:
			binary.BigEndian.PutUint32(c[4:], nextIn+uint32(int8(c[7])))
		case c.Type() == header.ChunkForwardTSN && len(c) >= 8:
			// PR-SCTP is negotiated between our stacks: a new
			// cumulative TSN near ours reaches the skipping code.
			binary.BigEndian.PutUint32(c[4:], nextIn+uint32(int8(c[7])))
		case (c.Type() == header.ChunkSack || c.Type() == header.ChunkShutdown) && len(c) >= 8:
			binary.BigEndian.PutUint32(c[4:], cumOut+uint32(int8(c[7])))
		}
	}
	return body
}

// fuzzEnv is the fixed part of both targets: a victim association or
// listener on b, and a bystander association (c2, s2) on another port of
// the same hosts that must come out unharmed.
func fuzzBystander(t *testing.T, e *testEnv) (c2, s2 *Endpoint) {
	c2, s2, _ = e.connectPair(attackPort + 1)
	return c2, s2
}

// checkBounds checks what the association on ep holds against its bounds.
func checkBounds(t *testing.T, ep *Endpoint) {
	a := ep.getAssoc()
	if a == nil {
		return
	}
	a.mu.Lock()
	mem, rcvbuf, above, dups := a.ulp.mem, a.ulp.rcvbuf, len(a.in.above), len(a.in.dups)
	a.mu.Unlock()
	require.LessOrEqual(t, mem, memLimit(rcvbuf)+inChunkOverhead)
	require.LessOrEqual(t, above, maxTSNAhead)
	require.LessOrEqual(t, dups, maxDupReport)
}

// drain reads whatever ep has for the reader.
func drain(ep *Endpoint) {
	for i := 0; i < 1000; i++ {
		if _, _, err := ep.ReadMsg(new(nopWriter), -1); err != nil {
			return
		}
	}
}

// FuzzAssoc plays the client's side of an established association: the
// script's packets come from the client's address and port to the server.
func FuzzAssoc(f *testing.F) {
	f.Add(fuzzSeedData())
	f.Fuzz(func(t *testing.T, data []byte) {
		e := newTestEnv(t, 2000, Options{ReceiveBufferSize: 16 << 10}, floodLinkCfg())
		c, s, _ := e.connectPair(attackPort)
		c2, s2 := fuzzBystander(t, e)
		la, _ := c.GetLocalAddress()
		a := s.getAssoc()
		for _, op := range fuzzScript(data) {
			a.mu.Lock()
			mine, peer, nextIn, cumOut := a.myVtag, a.peerVtag, a.in.cum+1, a.out.cumAck
			a.mu.Unlock()
			body := op.body
			if op.ctl&4 != 0 {
				body = relativeTSNs(body, nextIn, cumOut)
			}
			if len(body) >= header.ChunkHeaderLen {
				e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, la.Port, attackPort, fuzzTag(op, mine, peer), body))
			}
			if op.ctl&16 != 0 {
				var r tcpip.Error
				_, r = s.WriteMsg(bytesReader(body), SendInfo{Stream: uint16(op.ctl >> 6)})
				_ = r
			}
			if op.ctl&32 != 0 {
				drain(s)
			}
			if op.ctl&8 != 0 {
				e.n.Advance(time.Second)
			} else {
				e.n.Advance(10 * time.Millisecond)
			}
			checkBounds(t, s)
		}
		drain(s)
		drain(c)
		require.LessOrEqual(t, attackProtoOf(e.b).assocCount.Load(), int64(3))
		transferBoth(e, c2, s2, "bystander")
	})
}

// FuzzListener plays strangers against a listener: the script's packets
// come from 10.9.x.y (a different address per step, with a route back) to
// the listening port. A fresh, genuine State Cookie for the first address
// is offered to the fuzzer: a step whose body starts with the byte 0xCE
// has the cookie spliced in as a COOKIE ECHO in its place.
func FuzzListener(f *testing.F) {
	f.Add(fuzzSeedData())
	f.Fuzz(func(t *testing.T, data []byte) {
		e := newTestEnv(t, 2001, Options{ReceiveBufferSize: 16 << 10}, floodLinkCfg())
		l := e.listen(e.b, attackPort)
		c2, s2 := fuzzBystander(t, e)
		src := tcpip.AddrFrom4([4]byte{10, 9, 0, 1})
		cookieTag, cookie := listenerCookie(t, e, src)
		ops := fuzzScript(data)
		for i, op := range ops {
			from := src
			if op.ctl&0x80 != 0 {
				from = tcpip.AddrFrom4([4]byte{10, 9, byte(i >> 8), byte(i + 2)})
			}
			body := op.body
			tag := fuzzTag(op, cookieTag, 0x11223344)
			if len(body) > 0 && body[0] == 0xCE {
				body = append(rawChunk(header.ChunkCookieEcho, 0, cookie), body[1:]...)
				tag = cookieTag
			}
			if len(body) >= header.ChunkHeaderLen {
				e.link.A().WriteRaw(rawSCTP(from, e.bAddr, 7000, attackPort, tag, body))
			}
			if op.ctl&8 != 0 {
				e.n.Advance(time.Second)
			} else {
				e.n.Advance(10 * time.Millisecond)
			}
			for {
				n, _, err := l.Accept(nil)
				if err != nil {
					break
				}
				ep := n.(*Endpoint)
				checkBounds(t, ep)
				ep.Abort()
			}
		}
		// Only the genuine cookie can build anything: at most one
		// association besides the bystander's.
		require.LessOrEqual(t, attackProtoOf(e.b).assocCount.Load(), int64(2))
		require.LessOrEqual(t, demuxEntries(l), 1)
		transferBoth(e, c2, s2, "bystander")
		c := e.dial(e.a, e.bAddr, attackPort)
		s := e.accept(l, 10*time.Second)
		transferBoth(e, c, s, "new client")
	})
}

// floodLinkCfg is floodLink (10.0.0.0/8 on the link) without sharing its
// slices between tests.
func floodLinkCfg() sctptest.LinkConfig {
	cfg := floodLink
	cfg.AddrsA = append([]tcpip.AddressWithPrefix(nil), floodLink.AddrsA...)
	cfg.AddrsB = append([]tcpip.AddressWithPrefix(nil), floodLink.AddrsB...)
	return cfg
}

// listenerCookie plays an INIT from src:7000 and returns the INIT ACK's tag
// and cookie; the INIT ACK itself goes to host a, which drops it.
func listenerCookie(t *testing.T, e *testEnv, src tcpip.Address) (uint32, []byte) {
	var got []byte
	e.link.SetFilter(sctptest.BtoA, func(p sctptest.Packet) sctptest.FilterVerdict {
		if got == nil {
			got = append([]byte(nil), p.Data...)
		}
		return sctptest.DropPacket
	})
	e.link.A().WriteRaw(rawSCTP(src, e.bAddr, 7000, attackPort, 0, rawInit(0xF00D, 1, 10, 10, 65535, nil)))
	e.n.Advance(10 * time.Millisecond)
	e.link.SetFilter(sctptest.BtoA, nil)
	require.NotNil(t, got)
	return cookieOf(t, captured{pkt: header.SCTP(got[20:])})
}

// fuzzSeedData is a script that exercises the main paths: in-window DATA,
// a SACK, a HEARTBEAT, an unknown chunk, a user write and read, and time.
func fuzzSeedData() []byte {
	var out []byte
	step := func(ctl byte, chunks ...[]byte) {
		var body []byte
		for _, c := range chunks {
			body = append(body, c...)
		}
		out = append(out, ctl, byte(len(body)>>8), byte(len(body)))
		out = append(out, body...)
	}
	step(4, dataChunk(0, 0, []byte("hello")))
	step(4|16, rawSack(0, 65535, nil, nil))
	step(0, heartbeatChunk(header.ChunkHeartbeat, []byte("hb")))
	step(4|32, dataChunk(2, 1, []byte("gap")), dataChunk(1, 1, []byte("fill")))
	step(8, rawChunk(0xC5, 0, []byte{1, 2, 3, 4}))
	step(0, []byte{0xCE})
	return out
}
