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

// Partial reliability (RFC 3758) between two of our stacks.

// dataPPIDs returns the PPID and flags of each DATA chunk of an IP packet.
func dataPPIDs(b []byte) (ppids []uint32, flags []uint8) {
	for _, c := range wireChunks(b) {
		if c.Type() == header.ChunkData && len(c) >= header.DataChunkHeaderLen {
			ppids = append(ppids, header.DataChunk(c).PayloadProtocolIdentifier())
			flags = append(flags, c.Flags())
		}
	}
	return ppids, flags
}

// initHasFwdTSN reports whether an INIT or INIT ACK carries the
// Forward-TSN-Supported parameter.
func initHasFwdTSN(c header.Chunk) bool {
	it := header.NewParamIter(header.InitChunk(c).Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if p.Type() == header.ParamForwardTSNSupported {
			return true
		}
	}
	return false
}

// prWire records, in both directions, whether INIT and INIT ACK carried
// Forward-TSN-Supported, and counts FORWARD TSN chunks from a to b; drop
// says which a-to-b packets to lose.
type prWire struct {
	initFwd, initAckFwd bool
	fwdTSNs             []header.ForwardTSNFields
	drop                func(ppids []uint32, flags []uint8) bool
	// dropFwd loses that many packets with a FORWARD TSN from a to b.
	dropFwd int
}

func watchPR(e *testEnv) *prWire {
	w := &prWire{}
	look := func(p sctptest.Packet) sctptest.FilterVerdict {
		for _, c := range wireChunks(p.Data) {
			switch c.Type() {
			case header.ChunkInit:
				w.initFwd = initHasFwdTSN(c)
			case header.ChunkInitAck:
				w.initAckFwd = initHasFwdTSN(c)
			case header.ChunkForwardTSN:
				f := header.ForwardTSNChunk(c)
				r := header.ForwardTSNFields{NewCumulativeTSN: f.NewCumulativeTSN()}
				for i := 0; i < f.NumStreams(); i++ {
					r.Streams = append(r.Streams, f.Stream(i))
				}
				w.fwdTSNs = append(w.fwdTSNs, r)
			}
		}
		if p.Dir == sctptest.AtoB && w.dropFwd > 0 {
			for _, c := range wireChunks(p.Data) {
				if c.Type() == header.ChunkForwardTSN {
					w.dropFwd--
					return sctptest.DropPacket
				}
			}
		}
		if p.Dir == sctptest.AtoB && w.drop != nil {
			if ppids, flags := dataPPIDs(p.Data); len(ppids) > 0 && w.drop(ppids, flags) {
				return sctptest.DropPacket
			}
		}
		return sctptest.PassPacket
	}
	e.link.SetFilter(sctptest.AtoB, look)
	e.link.SetFilter(sctptest.BtoA, look)
	return w
}

// readAllMsgs reads the messages s has now, by PPID.
func readAllMsgs(s *Endpoint) (ppids []uint32, infos []RecvInfo) {
	for {
		var buf bytes.Buffer
		info, _, err := s.ReadMsg(&buf, -1)
		if err != nil {
			return ppids, infos
		}
		ppids = append(ppids, info.PPID)
		infos = append(infos, info)
	}
}

// readPPIDs reads messages from s until n have come (the test fails
// after max) and returns their PPIDs in the order read.
func readPPIDs(e *testEnv, s *Endpoint, n int, max time.Duration) []uint32 {
	e.t.Helper()
	var got []uint32
	require.True(e.t, e.run(func() bool {
		p, _ := readAllMsgs(s)
		got = append(got, p...)
		return len(got) == n
	}, max), "got %v", got)
	return got
}

func TestPRSCTPNegotiated(t *testing.T) {
	e := newTestEnv(t, 3758, Options{}, sctptest.LinkConfig{})
	w := watchPR(e)
	c, s, _ := e.connectPair(5000)
	require.True(t, w.initFwd, "INIT offers Forward-TSN-Supported")
	require.True(t, w.initAckFwd, "INIT ACK offers Forward-TSN-Supported")
	require.True(t, c.PRSCTP())
	require.True(t, s.PRSCTP(), "the passive side learns it from the State Cookie")
}

// TestPRSCTPDisabled: with either side's DisablePRSCTP the parameter is
// not sent, PR-SCTP is off on both, and a message with a TTL is reliable:
// lost for longer than its lifetime, it still arrives.
func TestPRSCTPDisabled(t *testing.T) {
	for _, side := range []string{"client", "server"} {
		t.Run(side, func(t *testing.T) {
			e := newTestEnv(t, 3759, Options{RTOMin: 100 * time.Millisecond, RTOInitial: 100 * time.Millisecond},
				sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
			w := watchPR(e)
			off := func(o *Options) tcpip.Error { o.DisablePRSCTP = true; return nil }
			l := e.listen(e.b, 5000)
			if side == "server" {
				require.Nil(t, l.setAssocOpt(off))
			}
			c, _ := e.newEP(e.a)
			if side == "client" {
				require.Nil(t, c.setAssocOpt(off))
			}
			require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
			s := e.accept(l, 10*time.Second)
			require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 10*time.Second))
			require.Equal(t, side == "server", w.initFwd)
			// The INIT ACK offers it only to an INIT that did (as Linux).
			require.False(t, w.initAckFwd)
			require.False(t, c.PRSCTP())
			require.False(t, s.PRSCTP())

			c.SetNoDelay(true)
			lost := 3
			w.drop = func(ppids []uint32, _ []uint8) bool {
				if ppids[0] == 1 && lost > 0 {
					lost--
					return true
				}
				return false
			}
			for i := uint32(0); i < 4; i++ {
				e.write(c, []byte("message"), SendInfo{Stream: 1, PPID: i, TTL: time.Millisecond})
			}
			got := readPPIDs(e, s, 4, 20*time.Second)
			require.Equal(t, []uint32{0, 1, 2, 3}, got)
			require.Empty(t, w.fwdTSNs)
			require.Zero(t, protoStats(e.a).AbandonedMessages.Value())
		})
	}
}

// TestPRSCTPTTLAbandonsLost: messages with a short lifetime that the link
// always loses are abandoned; a FORWARD TSN tells the receiver, which
// delivers the later messages of the same stream at once (no head-of-line
// stall), in order, nothing else lost. The sender reports SEND_FAILED
// (SCTP_DATA_SENT) and counts them. With the limited retransmission
// policy (RFC 7496) the same happens at the first retransmission.
func TestPRSCTPTTLAbandonsLost(t *testing.T) {
	for _, pol := range []string{"ttl", "rtx"} {
		t.Run(pol, func(t *testing.T) {
			e := newTestEnv(t, 3760, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
			w := watchPR(e)
			c, s, _ := e.connectPair(5000)
			c.SetNoDelay(true)
			require.Nil(t, c.SetEvents(EventSendFailed))
			lost := map[uint32]bool{4: true, 5: true, 11: true}
			w.drop = func(ppids []uint32, _ []uint8) bool {
				for _, p := range ppids {
					if lost[p] {
						return true
					}
				}
				return false
			}
			start := e.n.Elapsed()
			for i := uint32(0); i < 20; i++ {
				info := SendInfo{Stream: 1, PPID: i}
				if lost[i] {
					if pol == "ttl" {
						info.TTL = time.Millisecond
					} else {
						info.PRPolicy, info.PRValue = PRRtx, 0
					}
				}
				e.write(c, []byte("partially reliable"), info)
				e.n.Advance(time.Millisecond)
			}
			got := readPPIDs(e, s, 17, 5*time.Second)
			// No stall: fast retransmit finds the losses, no T3 (1 s) needed.
			require.Less(t, e.n.Elapsed()-start, 500*time.Millisecond)
			var want []uint32
			for i := uint32(0); i < 20; i++ {
				if !lost[i] {
					want = append(want, i)
				}
			}
			require.Equal(t, want, got)
			require.NotEmpty(t, w.fwdTSNs)
			last := w.fwdTSNs[len(w.fwdTSNs)-1]
			require.Equal(t, []header.ForwardTSNStream{{StreamID: 1, SSN: 11}}, last.Streams)
			require.Equal(t, uint64(3), protoStats(e.a).AbandonedMessages.Value())
			require.Equal(t, uint64(3), protoStats(e.a).AbandonedChunks.Value())
			require.NotZero(t, protoStats(e.b).ForwardTSNsReceived.Value())
			fails := e.collect(c, time.Second, func(ns []Notification) bool { return len(ns) >= 3 })
			require.Len(t, fails, 3)
			for i, n := range fails {
				f := n.(*SendFailed)
				require.True(t, f.Sent)
				require.Equal(t, []uint32{4, 5, 11}[i], f.Info.PPID)
				require.Equal(t, "partially reliable", string(f.Data))
			}
			// Everything acknowledged: nothing outstanding, the flight
			// credited back.
			a := assocOf(t, c)
			require.True(t, e.run(func() bool {
				a.mu.Lock()
				defer a.mu.Unlock()
				return a.out.empty() && a.out.flight == 0
			}, 5*time.Second))
			transferBoth(e, c, s, "after")
		})
	}
}

// TestPRSCTPFragmentedAbandonedWhole: a message in four fragments whose
// middle fragment is always lost is abandoned whole (RFC 3758 3.5 A3): the
// receiver drops the fragments it holds and delivers the next message.
func TestPRSCTPFragmentedAbandonedWhole(t *testing.T) {
	e := newTestEnv(t, 3761, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	w := watchPR(e)
	c, s, _ := e.connectPair(5000)
	c.SetNoDelay(true)
	w.drop = func(ppids []uint32, flags []uint8) bool {
		for i, p := range ppids {
			if p == 1 && flags[i]&(header.DataFlagBeginning|header.DataFlagEnd) == 0 {
				return true
			}
		}
		return false
	}
	e.write(c, []byte("first"), SendInfo{PPID: 0})
	big := bytes.Repeat([]byte("fragment"), 700) // 5600 bytes: four fragments
	e.write(c, big, SendInfo{PPID: 1, TTL: 100 * time.Millisecond})
	for i := uint32(2); i < 6; i++ {
		e.write(c, []byte("after"), SendInfo{PPID: i})
	}
	got := readPPIDs(e, s, 5, 5*time.Second)
	require.Equal(t, []uint32{0, 2, 3, 4, 5}, got)
	require.Equal(t, uint64(1), protoStats(e.a).AbandonedMessages.Value())
	// Its B fragment was acknowledged already: three are given up.
	require.Equal(t, uint64(3), protoStats(e.a).AbandonedChunks.Value())
	sa := assocOf(t, s)
	sa.mu.Lock()
	require.Empty(t, sa.ulp.frags, "the stranded fragments are dropped")
	require.Zero(t, sa.ulp.fragBytes)
	sa.mu.Unlock()
	transferBoth(e, c, s, "after")
}

// TestPRSCTPUnsentExpired: messages whose lifetime ends before the window
// lets them go are never sent (RFC 3758 4.1 TR3); SEND_FAILED says
// SCTP_DATA_UNSENT; a FORWARD TSN covers their TSNs.
func TestPRSCTPUnsentExpired(t *testing.T) {
	e := newTestEnv(t, 3762, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 50 * time.Millisecond}})
	w := watchPR(e)
	c, s, _ := e.connectPair(5000)
	require.Nil(t, c.SetEvents(EventSendFailed))
	// Fill the initial cwnd (4 MTUs) with reliable data, then queue
	// short-lived messages behind it.
	writeExpiring(e, c, 8, 4)
	got := readPPIDs(e, s, 9, 5*time.Second)
	require.Equal(t, []uint32{0, 1, 2, 3, 4, 5, 6, 7, 12}, got)
	require.NotEmpty(t, w.fwdTSNs)
	fails := e.collect(c, time.Second, func(ns []Notification) bool { return len(ns) >= 4 })
	require.Len(t, fails, 4)
	for _, n := range fails {
		require.False(t, n.(*SendFailed).Sent, "SCTP_DATA_UNSENT")
	}
}

// TestPRSCTPExpiredBehindReliable: a message whose lifetime ended while it
// waited behind reliable ones is not sent when a round reaches it behind
// them (RFC 3758 4.1 TR3), not only when it heads the queue: the SACK at
// 300 ms lets message 4 and the expired 5 go in one round.
func TestPRSCTPExpiredBehindReliable(t *testing.T) {
	e := newTestEnv(t, 3764, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 50 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	require.Nil(t, c.SetMaxBurst(0))
	writeExpiring(e, c, 5, 3)
	got := readPPIDs(e, s, 6, 5*time.Second)
	require.Equal(t, []uint32{0, 1, 2, 3, 4, 8}, got)
	require.Equal(t, uint64(3), protoStats(e.a).AbandonedMessages.Value())
}

// writeExpiring writes reliable 1400-byte messages (PPIDs from 0), then
// expiring ones living 10 ms, then one more reliable message.
func writeExpiring(e *testEnv, c *Endpoint, reliable, expiring uint32) {
	msg := bytes.Repeat([]byte("x"), 1400)
	for i := uint32(0); i < reliable+expiring+1; i++ {
		si := SendInfo{PPID: i}
		if i >= reliable && i < reliable+expiring {
			si.TTL = 10 * time.Millisecond
		}
		e.write(c, msg, si)
	}
}

// TestPRSCTPDefaultPRInfo: SCTP_DEFAULT_PRINFO applies to messages sent
// without a policy.
func TestPRSCTPDefaultPRInfo(t *testing.T) {
	e := newTestEnv(t, 3763, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	w := watchPR(e)
	c, s, _ := e.connectPair(5000)
	c.SetNoDelay(true)
	require.Equal(t, PRInfo{}, c.DefaultPRInfo())
	require.NotNil(t, c.SetDefaultPRInfo(PRInfo{Policy: 9}))
	require.Nil(t, c.SetDefaultPRInfo(PRInfo{Policy: PRTTL, Value: 1}))
	require.Equal(t, PRInfo{Policy: PRTTL, Value: 1}, c.DefaultPRInfo())
	w.drop = func(ppids []uint32, _ []uint8) bool { return ppids[0] == 1 }
	for i := uint32(0); i < 6; i++ {
		e.write(c, []byte("default"), SendInfo{Stream: 2, PPID: i})
	}
	got := readPPIDs(e, s, 5, 5*time.Second)
	require.Equal(t, []uint32{0, 2, 3, 4, 5}, got)
}

// rawPRAssoc builds an association on b's listener from a raw peer on
// a:7000 whose INIT offers PR-SCTP when pr is set; it returns the server
// endpoint and the tag b expects. The peer's first TSN is 100.
func rawPRAssoc(t *testing.T, e *testEnv, cp *capture, pr bool, os uint16) (*Endpoint, uint32) {
	t.Helper()
	l := e.listen(e.b, 6000)
	var params []byte
	if pr {
		params = make([]byte, header.ForwardTSNSupportedParamLen)
		header.ForwardTSNSupportedParam(params).Encode()
	}
	skip := cp.count(e.bAddr)
	e.inject(6000, 0, rawInit(0xaaaa0001, 100, os, os, 65535, params))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	ia := header.InitChunk(ans[0].chunks()[0])
	require.Equal(t, pr, initHasFwdTSN(header.Chunk(ia)), "offered back only if the INIT offered it")
	var cookie []byte
	it := header.NewParamIter(ia.Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if p.Type() == header.ParamStateCookie {
			cookie = append([]byte(nil), p.Value()...)
		}
	}
	e.inject(6000, ia.InitiateTag(), rawChunk(header.ChunkCookieEcho, 0, cookie))
	n, _, err := l.Accept(nil)
	require.Nil(t, err)
	return n.(*Endpoint), ia.InitiateTag()
}

// fwdTSNChunk encodes a FORWARD TSN.
func fwdTSNChunk(cum uint32, ids ...header.ForwardTSNStream) []byte {
	b := make([]byte, header.ForwardTSNChunkLen(len(ids)))
	header.ForwardTSNChunk(b).Encode(&header.ForwardTSNFields{NewCumulativeTSN: cum, Streams: ids})
	return b
}

// lastSack returns the last SACK b sent after skip packets.
func lastSack(t *testing.T, e *testEnv, cp *capture, skip int) header.SackChunk {
	t.Helper()
	s := sacksIn(e.answers(cp, skip))
	require.NotEmpty(t, s, "no SACK")
	return s[len(s)-1]
}

// TestForwardTSNReceiver: the receiver skips the abandoned TSNs, drops the
// stranded fragments, delivers the ordered messages that waited, SACKs at
// once, and ignores (but SACKs) an old FORWARD TSN (RFC 3758 3.6).
func TestForwardTSNReceiver(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 3764, Options{}, sctptest.LinkConfig{Pcap: cp})
	e.link.A().Intercept()
	s, tag := rawPRAssoc(t, e, cp, true, 10)
	require.True(t, s.PRSCTP())
	send := func(chunks ...[]byte) { e.inject(6000, tag, chunks...) }
	// Stream 0: SSN 0 at TSN 100 delivered; SSN 1 (TSN 101) lost; SSN 2
	// at TSN 102 waits. Stream 1: the first fragment of a message (TSN
	// 103) waits for TSN 104, abandoned.
	send(dataChunk(100, 0, []byte("m0")))
	d := func(tsn uint32, sid, ssn uint16, flags uint8, p string) []byte {
		b := make([]byte, header.PaddedLen(header.DataChunkLen(len(p))))
		header.DataChunk(b).Encode(&header.DataFields{Flags: flags, TSN: tsn, StreamID: sid, SSN: ssn, Payload: []byte(p)})
		return b
	}
	send(d(102, 0, 2, 3, "m2"), d(103, 1, 0, header.DataFlagBeginning, "frag"))
	got, _ := readAllMsgs(s)
	require.Len(t, got, 1)
	a := assocOf(t, s)
	a.mu.Lock()
	require.Equal(t, uint32(100), a.in.cum)
	require.Len(t, a.ulp.frags, 1)
	a.mu.Unlock()

	skip := cp.count(e.bAddr)
	send(fwdTSNChunk(101, header.ForwardTSNStream{StreamID: 0, SSN: 1}))
	sk := lastSack(t, e, cp, skip)
	require.Equal(t, uint32(103), sk.CumulativeTSNAck(), "moved to 101, then over 102 and 103")
	require.Zero(t, sk.NumberOfGapAckBlocks())
	var buf bytes.Buffer
	info, _, err := s.ReadMsg(&buf, -1)
	require.Nil(t, err)
	require.Equal(t, "m2", buf.String(), "SSN 2 no longer waits for SSN 1")
	require.Equal(t, uint16(2), info.SSN)

	skip = cp.count(e.bAddr)
	send(fwdTSNChunk(104, header.ForwardTSNStream{StreamID: 1, SSN: 0}))
	require.Equal(t, uint32(104), lastSack(t, e, cp, skip).CumulativeTSNAck())
	a.mu.Lock()
	require.Empty(t, a.ulp.frags, "the stranded fragment is dropped")
	require.Zero(t, a.ulp.fragBytes)
	a.mu.Unlock()
	// Stream 1 now expects SSN 1.
	send(d(105, 1, 1, 3, "s1"))
	buf.Reset()
	info, _, err = s.ReadMsg(&buf, -1)
	require.Nil(t, err)
	require.Equal(t, "s1", buf.String())

	// An old FORWARD TSN changes nothing, and is SACKed.
	skip = cp.count(e.bAddr)
	send(fwdTSNChunk(102, header.ForwardTSNStream{StreamID: 1, SSN: 7}))
	e.n.Advance(time.Second)
	require.Equal(t, uint32(105), lastSack(t, e, cp, skip).CumulativeTSNAck())
	send(d(106, 1, 2, 3, "s2"))
	buf.Reset()
	_, _, err = s.ReadMsg(&buf, -1)
	require.Nil(t, err)
	require.Equal(t, "s2", buf.String(), "stream 1 did not skip to SSN 8")
}

// TestForwardTSNNotNegotiated: a FORWARD TSN on an association without
// PR-SCTP is an unrecognized chunk (RFC 3758 3.3.1): reported in an ERROR,
// skipped, the cumulative TSN unmoved.
func TestForwardTSNNotNegotiated(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 3765, Options{}, sctptest.LinkConfig{Pcap: cp})
	e.link.A().Intercept()
	s, tag := rawPRAssoc(t, e, cp, false, 10)
	require.False(t, s.PRSCTP())
	skip := cp.count(e.bAddr)
	e.inject(6000, tag, fwdTSNChunk(150), dataChunk(100, 0, []byte("after")))
	e.n.Advance(time.Second)
	var sawErr bool
	for _, p := range e.answers(cp, skip) {
		for _, c := range p.chunks() {
			if c.Type() == header.ChunkError {
				it := header.NewCauseIter(c.Value())
				cs, ok := it.Next()
				require.True(t, ok)
				require.Equal(t, header.CauseUnrecognizedChunkType, cs.Code())
				require.Equal(t, header.ChunkForwardTSN, header.Chunk(cs.Info()).Type())
				sawErr = true
			}
		}
	}
	require.True(t, sawErr)
	require.Equal(t, uint32(100), lastSack(t, e, cp, skip).CumulativeTSNAck(), "the DATA after it is taken")
	got, _ := readAllMsgs(s)
	require.Len(t, got, 1)
}

// TestForwardTSNHostile: a FORWARD TSN far ahead is dropped; one listing
// hundreds of streams, unknown or not, with any SSNs, holds no memory
// beyond the stream table the negotiated streams allow; a short one is a
// protocol violation. The association keeps working.
func TestForwardTSNHostile(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 3766, Options{}, sctptest.LinkConfig{Pcap: cp})
	e.link.A().Intercept()
	s, tag := rawPRAssoc(t, e, cp, true, 1000)
	send := func(chunks ...[]byte) { e.inject(6000, tag, chunks...) }
	a := assocOf(t, s)

	skip := cp.count(e.bAddr)
	send(fwdTSNChunk(100 + 1<<20))
	a.mu.Lock()
	require.Equal(t, uint32(99), a.in.cum, "far ahead: dropped")
	a.mu.Unlock()
	require.Equal(t, uint32(99), lastSack(t, e, cp, skip).CumulativeTSNAck())

	var ids []header.ForwardTSNStream
	for i := 0; i < 360; i++ {
		ids = append(ids, header.ForwardTSNStream{StreamID: uint16(i * 181), SSN: uint16(i * 7919)})
	}
	send(fwdTSNChunk(100+60000, ids...))
	a.mu.Lock()
	require.Equal(t, uint32(100+60000), a.in.cum)
	require.LessOrEqual(t, len(a.ulp.streams), 1000)
	require.Zero(t, a.ulp.mem)
	a.mu.Unlock()
	// The association still takes data, on a skipped stream too.
	d := make([]byte, header.PaddedLen(header.DataChunkLen(2)))
	header.DataChunk(d).Encode(&header.DataFields{Flags: 3, TSN: 100 + 60001, StreamID: 181, SSN: 7920, Payload: []byte("ok")})
	send(d)
	got, _ := readAllMsgs(s)
	require.Len(t, got, 1)

	// Shorter than its header: ABORT, Protocol Violation.
	send(rawChunk(header.ChunkForwardTSN, 0, []byte{1, 2}))
	require.Equal(t, StateClosed, e.stateOf(s))
}

// TestForwardTSNAbortsPartialDelivery: a FORWARD TSN over the missing
// fragments of a message under partial delivery ends it (RFC 3758 3.6):
// the reader's last part is not Complete, SCTP_PARTIAL_DELIVERY_EVENT
// follows, and the next message comes whole.
func TestForwardTSNAbortsPartialDelivery(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 3767, Options{PartialDeliveryPoint: 1000}, sctptest.LinkConfig{Pcap: cp})
	e.link.A().Intercept()
	s, tag := rawPRAssoc(t, e, cp, true, 10)
	require.Nil(t, s.SetEvents(EventPartialDelivery))
	send := func(chunks ...[]byte) { e.inject(6000, tag, chunks...) }
	big := bytes.Repeat([]byte("p"), 800)
	send(dataChunkFlags(100, 0, header.DataFlagBeginning, big), dataChunkFlags(101, 0, 0, big))
	var buf bytes.Buffer
	info, n, err := s.ReadMsg(&buf, -1)
	require.Nil(t, err)
	require.Equal(t, 1600, n)
	require.False(t, info.Complete)
	send(fwdTSNChunk(103, header.ForwardTSNStream{StreamID: 0, SSN: 0}))
	var w sliceWriter
	ri, nt, _, rerr := s.RecvMsg(&w, -1)
	require.Nil(t, rerr)
	require.Nil(t, nt)
	require.False(t, ri.Complete, "the message ends incomplete")
	nts := notes(s)
	require.Len(t, nts, 1)
	pd := nts[0].(*PartialDeliveryEvent)
	require.Equal(t, uint16(0), pd.Stream)
	next := make([]byte, header.PaddedLen(header.DataChunkLen(4)))
	header.DataChunk(next).Encode(&header.DataFields{Flags: 3, TSN: 104, SSN: 1, Payload: []byte("next")})
	send(next)
	buf.Reset()
	info, _, err = s.ReadMsg(&buf, -1)
	require.Nil(t, err)
	require.Equal(t, "next", buf.String())
	require.True(t, info.Complete)
	require.Equal(t, uint16(1), info.SSN)
}

// TestPRSCTPForwardTSNRetransmitted: a lost FORWARD TSN goes again when
// T3-rtx expires while the peer has not acknowledged it (RFC 3758 3.5 A5,
// C5), and an unordered abandoned message adds no stream to it (C4).
func TestPRSCTPForwardTSNRetransmitted(t *testing.T) {
	e := newTestEnv(t, 3768, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	w := watchPR(e)
	c, s, _ := e.connectPair(5000)
	c.SetNoDelay(true)
	w.drop = func(ppids []uint32, _ []uint8) bool { return ppids[0] == 1 }
	w.dropFwd = 1
	for i := uint32(0); i < 6; i++ {
		e.write(c, []byte("unordered"), SendInfo{PPID: i, Unordered: true, TTL: time.Millisecond})
		e.n.Advance(time.Millisecond)
	}
	got := readPPIDs(e, s, 5, 5*time.Second)
	require.ElementsMatch(t, []uint32{0, 2, 3, 4, 5}, got)
	a := assocOf(t, c)
	require.True(t, e.run(func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.out.empty()
	}, 10*time.Second), "the FORWARD TSN went again and was acknowledged")
	require.Len(t, w.fwdTSNs, 2, "one lost, one on T3-rtx expiry")
	require.Empty(t, w.fwdTSNs[1].Streams, "unordered: no stream/SSN pair")
	require.Equal(t, w.fwdTSNs[0].NewCumulativeTSN, w.fwdTSNs[1].NewCumulativeTSN)
}
