package sctp

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Attacks on a listener: INIT floods, many addresses, forged, replayed and
// stale cookies. A listener keeps no state per INIT (RFC 9260 5.1.3); what
// it must build is one association per valid, fresh, unused cookie.

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// initFlooder builds spoofed INIT packets in one buffer, patching the
// source address, port and tag of each (cheap: no allocation per packet).
type initFlooder struct {
	b []byte
}

func newInitFlooder(dst tcpip.Address, dport uint16) *initFlooder {
	b := rawSCTP(tcpip.AddrFrom4([4]byte{10, 1, 0, 0}), dst, 1, dport, 0, rawInit(1, 1, 10, 10, 65535, nil))
	return &initFlooder{b: b}
}

// floodLink puts the link on 10.0.0.0/8, so that spoofed sources in it
// have a route back.
var floodLink = sctptest.LinkConfig{
	AddrsA: []tcpip.AddressWithPrefix{{Address: tcpip.AddrFrom4([4]byte{10, 0, 0, 1}), PrefixLen: 8}},
	AddrsB: []tcpip.AddressWithPrefix{{Address: tcpip.AddrFrom4([4]byte{10, 0, 0, 2}), PrefixLen: 8}},
}

// packet returns the i-th INIT: from 10.1-2.x.y (the link's subnet: there
// is a route back) or, one in four, from 172.16.x.y (no route back), with
// varying ports and tags.
func (f *initFlooder) packet(i int) []byte {
	ip := gheader.IPv4(f.b)
	var src [4]byte
	if i%4 == 3 {
		src = [4]byte{172, 16, byte(i >> 8), byte(i)}
	} else {
		src = [4]byte{10, byte(1 + i>>16), byte(i >> 8), byte(i)}
	}
	copy(f.b[12:16], src[:])
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
	s := header.SCTP(f.b[gheader.IPv4MinimumSize:])
	binary.BigEndian.PutUint16(s[0:], uint16(1+i%65535))
	binary.BigEndian.PutUint32(s[header.SCTPCommonHeaderLen+4:], uint32(i)*2654435761|1) // Initiate Tag
	s.SetChecksumCRC32c()
	return f.b
}

// TestAttackInitFlood: 100,000 INITs (40,000 under the race detector) from
// spoofed addresses and ports at a listener create no state (no
// association, no demux entry, no replay cache entry, a bounded heap); each
// is answered with one INIT ACK of bounded size when there is a route back
// (RFC 9260 5.1.3, 12.2), and a legitimate client connects and transfers
// data during and after the flood.
func TestAttackInitFlood(t *testing.T) {
	total := 100_000
	if raceEnabled {
		total = 40_000 // the same bounds, in a time the race detector allows
	}
	e := newTestEnv(t, 1400, Options{}, floodLink)
	p := attackProtoOf(e.b)
	l := e.listen(e.b, attackPort)
	// The INIT ACKs to spoofed addresses are counted and dropped before
	// host a's stack.
	var ackBytes, acks, maxAck int
	e.link.SetFilter(sctptest.BtoA, func(pk sctptest.Packet) sctptest.FilterVerdict {
		if gheader.IPv4(pk.Data).DestinationAddress() == e.aAddr {
			return sctptest.PassPacket
		}
		acks++
		ackBytes += len(pk.Data)
		maxAck = max(maxAck, len(pk.Data))
		return sctptest.DropPacket
	})
	// One association before, to warm everything up.
	c0 := e.dial(e.a, e.bAddr, attackPort)
	s0 := e.accept(l, time.Second)
	transferBoth(e, c0, s0, "before the flood")
	before := heapInUse()

	f := newInitFlooder(e.bAddr, attackPort)
	var c1, s1 *Endpoint
	for i := 0; i < total; i++ {
		e.link.A().WriteRaw(f.packet(i))
		if i%1000 == 999 {
			e.n.Advance(time.Millisecond)
		}
		switch i {
		case total / 4:
			c1 = e.dial(e.a, e.bAddr, attackPort)
		case total / 2:
			s1 = e.accept(l, time.Second)
			transferBoth(e, c1, s1, "during the flood")
		}
	}
	e.n.Advance(time.Millisecond)
	after := heapInUse()
	initsIn := int(p.stats.ChunksReceived[header.ChunkInit].Value())
	t.Logf("%d INITs in (%d B), %d taken, %d INIT ACKs out (%d B); heap %d -> %d", total, total*len(f.b), initsIn, acks, ackBytes, before, after)
	require.GreaterOrEqual(t, initsIn, total)
	routable := total - total/4
	require.GreaterOrEqual(t, acks, routable, "every INIT with a route back is answered")
	require.LessOrEqual(t, acks, routable+1)
	require.LessOrEqual(t, maxAck, 20+12+20+4+cookieLen+8, "INIT ACK size")

	// No state per INIT.
	require.EqualValues(t, 2, p.assocCount.Load(), "the two clients' associations")
	require.Equal(t, 2, demuxEntries(l))
	require.LessOrEqual(t, p.replay.n.Load(), int64(2))
	require.Less(t, int64(after)-int64(before), int64(4<<20), "heap grew by %d bytes", int64(after)-int64(before))
	// After the flood: a new client, and the old ones still work.
	c2 := e.dial(e.a, e.bAddr, attackPort)
	s2 := e.accept(l, time.Second)
	transferBoth(e, c2, s2, "after the flood")
	transferBoth(e, c0, s0, "the first, after the flood")
	transferBoth(e, c1, s1, "the second, after the flood")
}

// cookieOf returns the State Cookie of an INIT ACK packet and its tag.
func cookieOf(t *testing.T, p captured) (uint32, []byte) {
	t.Helper()
	ch := p.chunks()
	require.Equal(t, header.ChunkInitAck, ch[0].Type())
	ia := header.InitChunk(ch[0])
	it := header.NewParamIter(ia.Params())
	for pa, ok := it.Next(); ok; pa, ok = it.Next() {
		if pa.Type() == header.ParamStateCookie {
			return ia.InitiateTag(), append([]byte(nil), pa.Value()...)
		}
	}
	t.Fatal("no cookie")
	return 0, nil
}

// TestAttackInitManyAddresses: an INIT listing 1,000 IPv4 addresses (and
// 1,000 IPv6 ones) draws an INIT ACK no larger than for a few addresses:
// the cookie, and the association it builds, keep at most maxPeerAddrs of
// them and ignore the rest. RFC 9260 leaves the number of addresses an
// endpoint keeps to the implementation (5.1.2 "SHOULD use ... all"); 12.2
// asks for a small INIT ACK. The association works over the source address.
func TestAttackInitManyAddresses(t *testing.T) {
	e, cp := ootbEnv(t)
	e.link.A().Intercept()
	l := e.listen(e.b, 6000)
	var params []byte
	for i := 0; i < 1000; i++ {
		params = append(params, param(header.ParamIPv4Address, []byte{198, 51, byte(i >> 8), byte(i)})...)
	}
	for i := 0; i < 1000; i++ {
		a6 := make([]byte, 16)
		a6[0], a6[1], a6[14], a6[15] = 0x20, 0x01, byte(i>>8), byte(i)
		params = append(params, param(header.ParamIPv6Address, a6)...)
	}
	init := rawInit(0x77770001, 100, 10, 10, 65535, params)
	require.Greater(t, len(init), 20000)
	skip := cp.count(e.bAddr)
	e.inject(6000, 0, init)
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	require.LessOrEqual(t, len(ans[0].pkt), 12+20+4+cookieLen+cookieAddrLen*maxPeerAddrs+4)
	tag, cookie := cookieOf(t, ans[0])
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	n, _, err := l.Accept(nil)
	require.Nil(t, err)
	s := n.(*Endpoint)
	a := assocOf(t, s)
	a.mu.Lock()
	naddrs := len(a.r().peerAddrs)
	a.mu.Unlock()
	require.LessOrEqual(t, naddrs, maxPeerAddrs)
	env := &rawPeerEnv{testEnv: e, cp: cp, s: s, tag: tag, tsn: 100}
	env.deliverNext("over the source address")
}

// TestAttackCookieForged: COOKIE ECHOs an attacker made up (a well-formed
// body with its own tags and a guessed MAC, wrong sizes, a genuine cookie
// from another peer address or port) build nothing and draw no answer
// (RFC 9260 5.1.5 steps 1-2: silently discard), even by the thousand.
func TestAttackCookieForged(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	p := attackProtoOf(e.b)
	tag, genuine := getCookie(t, e, cp, 6000, 0x12340001)
	// A body the attacker can write itself, its MAC guessed.
	cd := cookieData{created: e.b.Stack().Clock().Now().UnixNano(), lifeMS: 60000, localTag: 0xa1, peerTag: 0xb2,
		localTSN: 1, peerTSN: 1, peerRwnd: 65535, outStreams: 10, inStreams: 10, localPort: 6000, peerPort: 7000,
		netProto: 0x0800, localAddr: e.bAddr, peerAddr: e.aAddr}
	made := make([]byte, cookieLen)
	cd.encode(made[:cookieBodyLen])
	for name, c := range map[string]struct {
		tag    uint32
		cookie []byte
	}{
		"made-up body":   {0xa1, made},
		"empty":          {tag, nil},
		"short":          {tag, genuine[:cookieLen-1]},
		"long":           {tag, append(append([]byte(nil), genuine...), make([]byte, 4)...)},
		"huge":           {tag, make([]byte, 8000)},
		"MAC moved":      {tag, append(append([]byte(nil), genuine[cookieBodyLen:]...), genuine[:cookieBodyLen]...)},
		"genuine, 0 tag": {0, genuine},
	} {
		skip := cp.count(e.bAddr)
		rejected := p.stats.CookiesRejected.Value()
		e.inject(6000, c.tag, rawChunk(header.ChunkCookieEcho, 0, c.cookie))
		require.Empty(t, e.answers(cp, skip), name)
		_, _, err := l.Accept(nil)
		require.IsType(t, &tcpip.ErrWouldBlock{}, err, name)
		if c.tag != 0 {
			require.Equal(t, rejected+1, p.stats.CookiesRejected.Value(), name)
		}
	}
	// The genuine cookie from another address or port.
	other := rawSCTP(tcpip.AddrFrom4([4]byte{192, 0, 2, 77}), e.bAddr, 7000, 6000, tag, rawChunk(header.ChunkCookieEcho, 0, genuine))
	e.link.A().WriteRaw(other)
	e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, 7001, 6000, tag, rawChunk(header.ChunkCookieEcho, 0, genuine)))
	e.n.Advance(10 * time.Millisecond)
	// A flood of forged cookies keeps nothing.
	before, captured := heapInUse(), cp.buf.Cap()
	for i := 0; i < 5000; i++ {
		binary.BigEndian.PutUint32(made[16:], uint32(i))
		e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, uint16(1000+i), 6000, uint32(i), rawChunk(header.ChunkCookieEcho, 0, made)))
		if i%500 == 0 {
			e.n.Advance(time.Millisecond)
		}
	}
	e.n.Advance(10 * time.Millisecond)
	grown := int64(heapInUse()) - int64(before) - int64(cp.buf.Cap()-captured) // the capture keeps the packets
	require.Less(t, grown, int64(256<<10))
	require.Zero(t, p.assocCount.Load())
	require.Zero(t, demuxEntries(l))
	require.Zero(t, p.stats.AbortsSent.Value())
	// The genuine one still works.
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, genuine))
	_, _, err := l.Accept(nil)
	require.Nil(t, err)
}

// TestAttackCookieReplay: the COOKIE ECHO of a real handshake, replayed by
// an attacker while the association lives, is a duplicate (RFC 9260 5.2.4
// D: COOKIE ACK, nothing changes, the client ignores the COOKIE ACK, 5.2.5);
// replayed after the association closed (gracefully, or aborted) it builds
// nothing, as the cookie was used; replayed after its lifetime it draws a
// Stale Cookie ERROR.
func TestAttackCookieReplay(t *testing.T) {
	for _, how := range []string{"shutdown", "abort"} {
		t.Run(how, func(t *testing.T) {
			cp := &capture{}
			e := newTestEnv(t, 1410, Options{}, sctptest.LinkConfig{Pcap: cp})
			p := attackProtoOf(e.b)
			c, s, l := e.connectPair(attackPort)
			la, _ := c.GetLocalAddress()
			var echo captured
			for _, pk := range cp.from(e.aAddr, 0) {
				if pk.chunks()[0].Type() == header.ChunkCookieEcho {
					echo = pk
				}
			}
			require.NotNil(t, echo.pkt)
			replay := func() int {
				skip := cp.count(e.bAddr)
				e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, la.Port, attackPort, echo.pkt.VerificationTag(), echo.chunks()[0]))
				e.n.Advance(10 * time.Millisecond)
				return skip
			}
			// While it lives.
			skip := replay()
			ans := cp.from(e.bAddr, skip)
			require.Len(t, ans, 1)
			require.Equal(t, header.ChunkCookieAck, ans[0].chunks()[0].Type())
			_, _, err := l.Accept(nil)
			require.IsType(t, &tcpip.ErrWouldBlock{}, err)
			transferBoth(e, c, s, "after a replay")
			require.Equal(t, 2, int(p.assocCount.Load())+int(attackProtoOf(e.a).assocCount.Load()))

			// After it is gone.
			if how == "shutdown" {
				require.Nil(t, c.Shutdown(tcpip.ShutdownWrite))
				require.Nil(t, s.Shutdown(tcpip.ShutdownWrite))
			} else {
				s.Abort()
			}
			c.Close()
			s.Close()
			require.True(t, e.run(func() bool { return p.assocCount.Load() == 0 }, 10*time.Second))
			skip = replay()
			for _, pk := range cp.from(e.bAddr, skip) {
				require.NotEqual(t, header.ChunkCookieAck, pk.chunks()[0].Type())
			}
			_, _, err = l.Accept(nil)
			require.IsType(t, &tcpip.ErrWouldBlock{}, err)
			require.Zero(t, p.assocCount.Load())
			require.Zero(t, demuxEntries(l))

			// After its lifetime: stale.
			e.n.Advance(DefaultOptions().ValidCookieLife)
			skip = replay()
			ans = cp.from(e.bAddr, skip)
			require.Len(t, ans, 1)
			_, ok := hasCause(ans[0].chunks()[0], header.CauseStaleCookie)
			require.True(t, ok)
			require.Zero(t, p.assocCount.Load())
		})
	}
}

// TestAttackCookieStale: a cookie echoed after its lifetime draws an ERROR
// with Stale Cookie whose Measure of Staleness is the time past the
// lifetime in microseconds (RFC 9260 5.1.5 step 3, 3.3.10.3), with the
// peer's tag; nothing is built. Just within the lifetime, it builds the
// association.
func TestAttackCookieStale(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	life := DefaultOptions().ValidCookieLife
	for _, late := range []time.Duration{time.Millisecond, 1500 * time.Millisecond, time.Hour} {
		t0 := e.n.Elapsed()
		tag, cookie := getCookie(t, e, cp, 6000, 0x5a5a0001)
		e.n.Advance(t0 + life + late - e.n.Elapsed())
		skip := cp.count(e.bAddr)
		e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
		ans := e.answers(cp, skip)
		require.Len(t, ans, 1, "late by %v", late)
		require.Equal(t, uint32(0x5a5a0001), ans[0].pkt.VerificationTag())
		ch := ans[0].chunks()
		require.Equal(t, header.ChunkError, ch[0].Type())
		cs, ok := hasCause(ch[0], header.CauseStaleCookie)
		require.True(t, ok)
		require.Equal(t, uint32(late/time.Microsecond), binary.BigEndian.Uint32(cs.Info()), "late by %v", late)
		_, _, err := l.Accept(nil)
		require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	}
	require.Zero(t, attackProtoOf(e.b).assocCount.Load())
	// Echoed at the last moment of its life, the cookie is good.
	t0 := e.n.Elapsed()
	tag, cookie := getCookie(t, e, cp, 6000, 0x5a5a0002)
	e.n.Advance(t0 + life - e.n.Elapsed())
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	_, _, err := l.Accept(nil)
	require.Nil(t, err)
}
