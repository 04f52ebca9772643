package sctp

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Socket options of RFC 6458 8 (issue 6): each is set, read back, shown
// to have its effect on the wire or on the clock, and refused with
// ErrInvalidOptionValue when its value is bad.

// wireChunks returns the chunks of IP packet b that are SCTP.
func wireChunks(b []byte) []header.Chunk {
	_, _, proto, payload, err := sctptest.ParseIP(b)
	if err != nil || proto != uint8(ProtocolNumber) || len(payload) < header.SCTPCommonHeaderLen {
		return nil
	}
	var out []header.Chunk
	it := header.NewChunkIter(payload[header.SCTPCommonHeaderLen:])
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		out = append(out, c)
	}
	return out
}

// wireLog records, per packet of one link direction, the chunk types and
// the user data length of each DATA chunk, with the time; drop, when set,
// drops packets after recording them.
type wireLog struct {
	mu   sync.Mutex
	pkts []wirePkt
	drop func(p sctptest.Packet, chunks []header.Chunk) bool
}

type wirePkt struct {
	at    time.Duration
	types []header.ChunkType
	data  []int // user data bytes of each DATA chunk
}

func logWire(l *sctptest.Link, d sctptest.Dir) *wireLog {
	w := &wireLog{}
	l.SetFilter(d, func(p sctptest.Packet) sctptest.FilterVerdict {
		chunks := wireChunks(p.Data)
		wp := wirePkt{at: p.At}
		for _, c := range chunks {
			wp.types = append(wp.types, c.Type())
			if c.Type() == header.ChunkData {
				wp.data = append(wp.data, len(header.DataChunk(c).UserData()))
			}
		}
		w.mu.Lock()
		w.pkts = append(w.pkts, wp)
		drop := w.drop
		w.mu.Unlock()
		if drop != nil && drop(p, chunks) {
			return sctptest.DropPacket
		}
		return sctptest.PassPacket
	})
	return w
}

func (w *wireLog) setDrop(f func(p sctptest.Packet, chunks []header.Chunk) bool) {
	w.mu.Lock()
	w.drop = f
	w.mu.Unlock()
}

func (w *wireLog) reset() {
	w.mu.Lock()
	w.pkts = nil
	w.mu.Unlock()
}

// count returns the chunks of type typ seen, and the times of the packets
// that had one.
func (w *wireLog) count(typ header.ChunkType) (int, []time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	var at []time.Duration
	for _, p := range w.pkts {
		k := 0
		for _, t := range p.types {
			if t == typ {
				k++
			}
		}
		if k > 0 {
			n += k
			at = append(at, p.at)
		}
	}
	return n, at
}

// dataPerPacket returns the number of DATA chunks of each packet that had
// any, and the largest DATA chunk's user data.
func (w *wireLog) dataPerPacket() (per []int, largest int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.pkts {
		if len(p.data) > 0 {
			per = append(per, len(p.data))
		}
		for _, n := range p.data {
			largest = max(largest, n)
		}
	}
	return per, largest
}

func requireBadOption(t *testing.T, err tcpip.Error, what string) {
	t.Helper()
	require.IsType(t, &tcpip.ErrInvalidOptionValue{}, err, "%s must be refused", what)
}

// failed reports whether ep's association has failed, with its error.
func failed(ep *Endpoint) (bool, tcpip.Error) {
	var w sliceWriter
	_, _, err := ep.ReadMsg(&w, -1)
	if err == nil {
		return false, nil
	}
	if _, wb := err.(*tcpip.ErrWouldBlock); wb {
		return false, nil
	}
	return true, err
}

// timeToFail sets an association up, lets setup change the client's
// options, then drops every packet from the client, writes one message
// and returns the network time until the client declares the association
// failed, and the number of times the message's DATA went out.
func timeToFail(t *testing.T, seed uint64, setup func(c *Endpoint)) (time.Duration, int) {
	e := newTestEnv(t, seed, Options{}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	setup(c)
	w := logWire(e.link, sctptest.AtoB)
	w.setDrop(func(sctptest.Packet, []header.Chunk) bool { return true })
	start := e.n.Elapsed()
	e.write(c, []byte("into the void"), SendInfo{})
	var err tcpip.Error
	require.True(t, e.runStep(func() bool {
		var f bool
		f, err = failed(c)
		return f
	}, time.Hour, 50*time.Millisecond), "the association never failed")
	require.IsType(t, &tcpip.ErrTimeout{}, err)
	n, _ := w.count(header.ChunkData)
	return e.n.Elapsed() - start, n
}

// TestOptionRTOInfo: SCTP_RTOINFO is read back; Min above Max, Initial
// outside them and negative values are refused; a shorter RTO.Max
// detects a dead peer sooner (the backed-off timeouts stop growing
// there).
func TestOptionRTOInfo(t *testing.T) {
	e := newTestEnv(t, 101, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	def := ep.RTOInfo()
	require.Equal(t, RTOInfo{Initial: time.Second, Min: time.Second, Max: 60 * time.Second}, def, "RFC 9260 16 defaults")
	require.Nil(t, ep.SetRTOInfo(RTOInfo{Initial: 2 * time.Second, Min: 500 * time.Millisecond, Max: 10 * time.Second}))
	require.Equal(t, RTOInfo{Initial: 2 * time.Second, Min: 500 * time.Millisecond, Max: 10 * time.Second}, ep.RTOInfo())
	require.Nil(t, ep.SetRTOInfo(RTOInfo{Max: 20 * time.Second}), "zero fields are left alone")
	require.Equal(t, RTOInfo{Initial: 2 * time.Second, Min: 500 * time.Millisecond, Max: 20 * time.Second}, ep.RTOInfo())
	requireBadOption(t, ep.SetRTOInfo(RTOInfo{Min: 30 * time.Second}), "Min above Max")
	requireBadOption(t, ep.SetRTOInfo(RTOInfo{Initial: 100 * time.Millisecond}), "Initial below Min")
	requireBadOption(t, ep.SetRTOInfo(RTOInfo{Initial: time.Minute}), "Initial above Max")
	requireBadOption(t, ep.SetRTOInfo(RTOInfo{Max: -time.Second}), "negative Max")
	require.Equal(t, RTOInfo{Initial: 2 * time.Second, Min: 500 * time.Millisecond, Max: 20 * time.Second}, ep.RTOInfo(), "a refused value changes nothing")

	long, _ := timeToFail(t, 102, func(*Endpoint) {})
	short, _ := timeToFail(t, 102, func(c *Endpoint) {
		require.Nil(t, c.SetRTOInfo(RTOInfo{Max: 2 * time.Second}))
		require.Equal(t, 2*time.Second, c.RTOInfo().Max, "set on an association, read back from it")
	})
	t.Logf("failure detected after %v with RTO.Max 60 s, %v with RTO.Max 2 s", long, short)
	// 1+2+4+8+16+32+60*5 s against 1+2*10 s.
	require.Greater(t, long, 300*time.Second)
	require.Less(t, short, 30*time.Second)
}

// TestOptionAssocInfo: SCTP_ASSOCINFO reads back Association.Max.Retrans
// and the cookie life, reports the number of peer addresses and the
// windows; a smaller Association.Max.Retrans gives up after fewer
// retransmissions.
func TestOptionAssocInfo(t *testing.T) {
	e := newTestEnv(t, 103, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	ap := ep.AssocInfo()
	require.Equal(t, 10, ap.AssocMaxRetrans)
	require.Equal(t, 60*time.Second, ap.CookieLife)
	require.Zero(t, ap.NumPeerDests, "no association yet")
	require.Nil(t, ep.SetAssocInfo(AssocParams{AssocMaxRetrans: 4, CookieLife: 30 * time.Second}))
	ap = ep.AssocInfo()
	require.Equal(t, 4, ap.AssocMaxRetrans)
	require.Equal(t, 30*time.Second, ap.CookieLife)
	requireBadOption(t, ep.SetAssocInfo(AssocParams{AssocMaxRetrans: -1}), "negative Association.Max.Retrans")
	requireBadOption(t, ep.SetAssocInfo(AssocParams{CookieLife: -time.Second}), "negative cookie life")
	require.Equal(t, 4, ep.AssocInfo().AssocMaxRetrans)

	c, s, _ := e.connectPair(5000)
	for _, x := range []*Endpoint{c, s} {
		ap := x.AssocInfo()
		require.Equal(t, 1, ap.NumPeerDests)
		require.Positive(t, ap.PeerRwnd)
		require.Positive(t, ap.LocalRwnd)
	}
	mh := newMHEnv(t, 104, Options{}, sctptest.LinkConfig{NoIPv6: true})
	mc, ms := mh.pair(false, nil, nil, []tcpip.Address{mh.bAddr, mh.links[1].B().IPv4()}, 5000)
	require.Equal(t, 2, mc.AssocInfo().NumPeerDests)
	require.Equal(t, 2, ms.AssocInfo().NumPeerDests)

	rto := RTOInfo{Initial: 200 * time.Millisecond, Min: 100 * time.Millisecond, Max: 200 * time.Millisecond}
	d10, n10 := timeToFail(t, 105, func(c *Endpoint) { require.Nil(t, c.SetRTOInfo(rto)) })
	d2, n2 := timeToFail(t, 105, func(c *Endpoint) {
		require.Nil(t, c.SetRTOInfo(rto))
		require.Nil(t, c.SetAssocInfo(AssocParams{AssocMaxRetrans: 2}))
		require.Equal(t, 2, c.AssocInfo().AssocMaxRetrans)
	})
	t.Logf("Association.Max.Retrans 10: %d sends, failed after %v; 2: %d sends, %v", n10, d10, n2, d2)
	// RFC 9260 8.1: the association fails when the error count exceeds
	// Association.Max.Retrans: the first send and that many retransmissions.
	require.Equal(t, 11, n10)
	require.Equal(t, 3, n2)
	require.Less(t, d2, d10/2)
}

// TestOptionInitMsg: SCTP_INITMSG's stream counts are negotiated (the
// smaller of one side's outbound and the other's inbound limit), its
// attempts bound the INIT retransmissions, and it is refused once the
// association exists.
func TestOptionInitMsg(t *testing.T) {
	e := newTestEnv(t, 106, Options{}, sctptest.LinkConfig{})
	l, _ := e.newEP(e.b)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, l.SetInitMsg(7, 3, 0, 0)) // asks 7 out, takes at most 3 in
	require.Nil(t, l.Listen(4))
	c, _ := e.newEP(e.a)
	require.Nil(t, c.SetInitMsg(5, 6, 0, 0))
	require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	s := e.accept(l, 5*time.Second)
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 5*time.Second))
	cs, err := c.Status()
	require.Nil(t, err)
	ss, err := s.Status()
	require.Nil(t, err)
	require.Equal(t, uint16(3), cs.OutStreams, "client out: min(5, server's max in 3)")
	require.Equal(t, uint16(6), cs.InStreams, "client in: min(server's out 7, client's max in 6)")
	require.Equal(t, cs.OutStreams, ss.InStreams)
	require.Equal(t, cs.InStreams, ss.OutStreams)
	// Stream 3 does not exist for the client.
	_, werr := c.WriteMsg(bytesReader([]byte("x")), SendInfo{Stream: 3})
	require.IsType(t, &tcpip.ErrInvalidOptionValue{}, werr)
	e.write(c, []byte("x"), SendInfo{Stream: 2})
	require.IsType(t, &tcpip.ErrInvalidEndpointState{}, c.SetInitMsg(2, 2, 0, 0), "too late: the association exists")

	// Attempts: 2 INITs, then the attempt fails.
	e2 := newTestEnv(t, 107, Options{RTOInitial: 100 * time.Millisecond, RTOMin: 100 * time.Millisecond}, sctptest.LinkConfig{})
	w := logWire(e2.link, sctptest.AtoB)
	w.setDrop(func(sctptest.Packet, []header.Chunk) bool { return true })
	d, _ := e2.newEP(e2.a)
	require.Nil(t, d.SetInitMsg(0, 0, 2, 0))
	require.IsType(t, &tcpip.ErrConnectStarted{}, d.Connect(tcpip.FullAddress{Addr: e2.bAddr, Port: 5000}))
	require.True(t, e2.run(func() bool { return d.LastError() != nil || e2.stateOf(d) == StateClosed }, time.Minute))
	n, _ := w.count(header.ChunkInit)
	require.Equal(t, 2, n, "INITs sent with max attempts 2")
}

// TestOptionNoDelay: with the default Nagle-like coalescing, small
// messages written while data is outstanding wait and go out bundled;
// with SCTP_NODELAY each goes at once in a packet of its own.
func TestOptionNoDelay(t *testing.T) {
	run := func(nodelay bool) []int {
		e := newTestEnv(t, 108, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 20 * time.Millisecond}})
		c, s, _ := e.connectPair(5000)
		c.SetNoDelay(nodelay)
		w := logWire(e.link, sctptest.AtoB)
		for i := 0; i < 12; i++ {
			e.write(c, []byte("small message"), SendInfo{})
		}
		got := 0
		require.True(t, e.run(func() bool {
			for {
				if _, _, err := s.ReadMsg(&sliceWriter{}, -1); err != nil {
					return got == 12
				}
				got++
			}
		}, 5*time.Second))
		per, _ := w.dataPerPacket()
		return per
	}
	nagle, nodelay := run(false), run(true)
	t.Logf("DATA chunks per packet: default %v, NODELAY %v", nagle, nodelay)
	require.Equal(t, []int{1, 11}, nagle, "the first goes alone, the rest wait for its SACK and go bundled")
	require.Len(t, nodelay, 12, "each message in its own packet")
}

// TestOptionPrimaryAddr: SCTP_PRIMARY_ADDR moves new data to the chosen
// peer address, Paths reports it first, and an address that is not the
// peer's is refused.
func TestOptionPrimaryAddr(t *testing.T) {
	e := newMHEnv(t, 109, Options{}, sctptest.LinkConfig{NoIPv6: true})
	second := e.links[1].B().IPv4()
	c, s := e.pair(false, nil, nil, []tcpip.Address{e.bAddr, second}, 5000)
	require.True(t, e.run(func() bool { return allConfirmed(c, 2) }, 10*time.Second))
	ps, err := c.Paths()
	require.Nil(t, err)
	require.Equal(t, e.bAddr, ps[0].Addr.Addr)
	require.True(t, ps[0].Primary)

	require.Nil(t, c.SetPrimary(second))
	ps, err = c.Paths()
	require.Nil(t, err)
	require.Equal(t, second, ps[0].Addr.Addr, "read back: the primary first")
	require.True(t, ps[0].Primary)
	st, err := c.Status()
	require.Nil(t, err)
	require.Equal(t, second, st.PeerAddr.Addr)

	before0, before1 := e.data[0].Load(), e.data[1].Load()
	for i := 0; i < 20; i++ {
		e.write(c, []byte("to the new primary"), SendInfo{})
	}
	got := 0
	require.True(t, e.run(func() bool {
		for {
			if _, _, err := s.ReadMsg(&sliceWriter{}, -1); err != nil {
				return got == 20
			}
			got++
		}
	}, 5*time.Second))
	require.Equal(t, before0, e.data[0].Load(), "no data on the old primary")
	require.GreaterOrEqual(t, e.data[1].Load()-before1, int64(1))

	require.IsType(t, &tcpip.ErrBadAddress{}, c.SetPrimary(e.aAddr), "not a peer address")
	unconnected, _ := e.newEP(e.a)
	require.IsType(t, &tcpip.ErrNotConnected{}, unconnected.SetPrimary(second))
}

// TestOptionDisableFragments: with SCTP_DISABLE_FRAGMENTS a message that
// does not fit one DATA chunk fails with ErrMessageTooLong; one that fits
// goes; off again, the large one is fragmented and delivered whole.
func TestOptionDisableFragments(t *testing.T) {
	e := newTestEnv(t, 110, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	require.False(t, c.DisableFragments())
	require.Nil(t, c.SetDisableFragments(true))
	require.True(t, c.DisableFragments())
	one := c.MaxSeg()
	require.Greater(t, one, 1000, "what the path MTU allows")
	_, err := c.WriteMsg(bytesReader(make([]byte, one+1)), SendInfo{})
	require.IsType(t, &tcpip.ErrMessageTooLong{}, err)
	e.write(c, make([]byte, one), SendInfo{})
	b, ri, rerr := e.readMsg(s, 5*time.Second)
	require.Nil(t, rerr)
	require.Len(t, b, one)
	require.True(t, ri.Complete)

	// With SCTP_MAXSEG below the path's, one chunk is MAXSEG bytes.
	require.Nil(t, c.SetMaxSeg(100))
	_, err = c.WriteMsg(bytesReader(make([]byte, 101)), SendInfo{})
	require.IsType(t, &tcpip.ErrMessageTooLong{}, err, "a message larger than MAXSEG needs fragments too")
	e.write(c, make([]byte, 100), SendInfo{})
	b, _, rerr = e.readMsg(s, 5*time.Second)
	require.Nil(t, rerr)
	require.Len(t, b, 100)

	require.Nil(t, c.SetMaxSeg(0))
	require.Nil(t, c.SetDisableFragments(false))
	e.write(c, make([]byte, 3*one), SendInfo{})
	b, _, rerr = e.readMsg(s, 5*time.Second)
	require.Nil(t, rerr)
	require.Len(t, b, 3*one)
}

// TestOptionMaxSeg: no DATA chunk on the wire carries more than
// SCTP_MAXSEG bytes; read back; negative values are refused.
func TestOptionMaxSeg(t *testing.T) {
	e := newTestEnv(t, 111, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	require.Zero(t, ep.MaxSeg(), "no cap and no path yet")
	requireBadOption(t, ep.SetMaxSeg(-1), "negative MAXSEG")
	c, s, _ := e.connectPair(5000)
	def := c.MaxSeg()
	require.Greater(t, def, 1000)
	require.Nil(t, c.SetMaxSeg(200))
	require.Equal(t, 200, c.MaxSeg())
	w := logWire(e.link, sctptest.AtoB)
	msg := make([]byte, 5000)
	for i := range msg {
		msg[i] = byte(i)
	}
	e.write(c, msg, SendInfo{})
	b, _, err := e.readMsg(s, 5*time.Second)
	require.Nil(t, err)
	require.Equal(t, msg, b)
	per, largest := w.dataPerPacket()
	n := 0
	for _, k := range per {
		n += k
	}
	require.Equal(t, 200, largest)
	require.Equal(t, 25, n, "5000 bytes in chunks of 200")

	w.reset()
	require.Nil(t, c.SetMaxSeg(0))
	require.Equal(t, def, c.MaxSeg())
	e.write(c, msg, SendInfo{})
	_, _, err = e.readMsg(s, 5*time.Second)
	require.Nil(t, err)
	_, largest = w.dataPerPacket()
	require.Equal(t, def, largest, "back to what the path MTU allows")

	// MAXSEG 1 is taken (RFC 6458 8.1.16 sets no floor; FreeBSD takes it
	// too) and fragments at 4 bytes, the chunks' padding unit.
	w.reset()
	require.Nil(t, c.SetMaxSeg(1))
	require.Equal(t, 1, c.MaxSeg())
	e.write(c, msg[:10], SendInfo{})
	b, _, err = e.readMsg(s, 5*time.Second)
	require.Nil(t, err)
	require.Equal(t, msg[:10], b)
	per, largest = w.dataPerPacket()
	n = 0
	for _, k := range per {
		n += k
	}
	require.Equal(t, 4, largest)
	require.Equal(t, 3, n, "10 bytes in chunks of 4, 4 and 2")
}

// TestOptionPeerAddrParams: SCTP_PEER_ADDR_PARAMS' HB interval sets the
// heartbeat rate of an idle path; read back in Paths; a wrong address is
// refused; set before the association, they are its paths' defaults.
func TestOptionPeerAddrParams(t *testing.T) {
	hbs := func(set func(c *Endpoint)) int {
		e := newTestEnv(t, 112, Options{}, sctptest.LinkConfig{})
		c, _, _ := e.connectPair(5000)
		set(c)
		w := logWire(e.link, sctptest.AtoB)
		e.n.Advance(30 * time.Second)
		n, _ := w.count(header.ChunkHeartbeat)
		return n
	}
	def := hbs(func(*Endpoint) {})
	fast := hbs(func(c *Endpoint) {
		require.Nil(t, c.SetPathParams(tcpip.Address{}, PathParams{HBInterval: time.Second}))
		ps, err := c.Paths()
		require.Nil(t, err)
		require.Equal(t, time.Second, ps[0].HBInterval)
	})
	off := hbs(func(c *Endpoint) {
		require.Nil(t, c.SetPathParams(tcpip.Address{}, PathParams{HBInterval: time.Second, HBDisable: true}))
		ps, _ := c.Paths()
		require.True(t, ps[0].HBDisabled)
	})
	t.Logf("heartbeats in 30 s idle: default %d, HB.interval 1 s %d, disabled %d", def, fast, off)
	require.LessOrEqual(t, def, 1, "HB.interval 30 s + RTO")
	// One every RTO (1 s) + HB.interval (1 s), with jitter.
	require.GreaterOrEqual(t, fast, 10)
	require.LessOrEqual(t, fast, 20)
	require.Zero(t, off)

	e := newTestEnv(t, 113, Options{}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	require.IsType(t, &tcpip.ErrBadAddress{}, c.SetPathParams(e.aAddr, PathParams{HBInterval: time.Second}))
	require.Nil(t, c.SetPathParams(e.bAddr, PathParams{PathMaxRetrans: 3}))
	ps, _ := c.Paths()
	require.Equal(t, 3, ps[0].PathMaxRetrans)

	// Before the association: the defaults its paths start with
	// (SCTP_FUTURE_ASSOC), whatever the address.
	e = newTestEnv(t, 113, Options{}, sctptest.LinkConfig{})
	l, _ := e.newEP(e.b)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, l.Listen(1))
	c, _ = e.newEP(e.a)
	require.Nil(t, c.SetPathParams(e.bAddr, PathParams{PathMaxRetrans: 7, HBInterval: 3 * time.Second, HBDisable: true}))
	require.IsType(t, &tcpip.ErrConnectStarted{}, c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 5*time.Second))
	ps, _ = c.Paths()
	require.Equal(t, 7, ps[0].PathMaxRetrans)
	require.Equal(t, 3*time.Second, ps[0].HBInterval)
	require.True(t, ps[0].HBDisabled)
	w := logWire(e.link, sctptest.AtoB)
	e.n.Advance(60 * time.Second)
	n, _ := w.count(header.ChunkHeartbeat)
	require.Zero(t, n, "heartbeats off from the start")
}

// TestOptionDefaultSendInfo: Write uses SCTP_DEFAULT_SNDINFO's stream and
// PPID; read back; EOF, ABORT and SENDALL are refused as defaults.
func TestOptionDefaultSendInfo(t *testing.T) {
	e := newTestEnv(t, 114, Options{}, sctptest.LinkConfig{})
	c, s, _ := e.connectPair(5000)
	require.Equal(t, SendInfo{}, c.DefaultSendInfo())
	e.write(c, []byte("x"), SendInfo{}) // WriteMsg ignores the default
	_, ri, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, uint16(0), ri.Stream)

	si := SendInfo{Stream: 3, PPID: 0xfeed, Context: 9}
	require.Nil(t, c.SetDefaultSendInfo(si))
	require.Equal(t, si, c.DefaultSendInfo())
	for _, bad := range []SendInfo{{EOF: true}, {Abort: true}, {SendAll: true}} {
		requireBadOption(t, c.SetDefaultSendInfo(bad), "a default with a flag")
	}
	require.Equal(t, si, c.DefaultSendInfo())
	_, werr := c.Write(bytesReader([]byte("with defaults")), tcpip.WriteOptions{})
	require.Nil(t, werr)
	b, ri, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "with defaults", string(b))
	require.Equal(t, uint16(3), ri.Stream)
	require.Equal(t, uint32(0xfeed), ri.PPID)
	require.False(t, ri.Unordered)

	require.Nil(t, c.SetDefaultSendInfo(SendInfo{Stream: 1, Unordered: true}))
	_, werr = c.Write(bytesReader([]byte("unordered")), tcpip.WriteOptions{})
	require.Nil(t, werr)
	_, ri, err = e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, uint16(1), ri.Stream)
	require.True(t, ri.Unordered)
}

// TestOptionPartialDeliveryPoint: an incomplete message becomes readable
// once SCTP_PARTIAL_DELIVERY_POINT bytes of it are in; with the default
// point (half the receive buffer) the same part is not delivered.
func TestOptionPartialDeliveryPoint(t *testing.T) {
	readable := func(pdp int) (int, bool) {
		e := newTestEnv(t, 115, Options{}, sctptest.LinkConfig{})
		c, s, _ := e.connectPair(5000)
		if pdp > 0 {
			require.Nil(t, s.SetPartialDeliveryPoint(pdp))
			require.Equal(t, pdp, s.PartialDeliveryPoint())
		}
		w := logWire(e.link, sctptest.AtoB)
		dropped := false
		w.setDrop(func(_ sctptest.Packet, chunks []header.Chunk) bool {
			for _, ch := range chunks {
				if ch.Type() == header.ChunkData && header.DataChunk(ch).End() && !dropped {
					dropped = true // the last fragment, once
					return true
				}
			}
			return false
		})
		c.SetSendBufferSize(1 << 20)
		e.write(c, make([]byte, 40000), SendInfo{})
		// Everything but the last fragment arrives; its retransmission
		// is an RTO (1 s) away.
		e.n.Advance(300 * time.Millisecond)
		require.True(t, dropped)
		var sw sliceWriter
		ri, n, err := s.ReadMsg(&sw, -1)
		if err != nil {
			require.IsType(t, &tcpip.ErrWouldBlock{}, err)
			return 0, false
		}
		require.False(t, ri.Complete)
		return n, true
	}
	n, ok := readable(0)
	require.False(t, ok, "39 KB of a 40 KB message are below the default point")
	n, ok = readable(4096)
	require.True(t, ok, "delivery starts at the 4 KB point")
	require.GreaterOrEqual(t, n, 4096)

	e := newTestEnv(t, 116, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	requireBadOption(t, ep.SetPartialDeliveryPoint(-1), "negative point")
	require.Zero(t, ep.PartialDeliveryPoint())
}

// TestOptionDelayedSack: SCTP_DELAYED_SACK's frequency 1 acknowledges
// every packet (2, the default, every second; 4 every fourth); its delay
// sets when a lone packet is acknowledged; values the RFC forbids are
// refused.
func TestOptionDelayedSack(t *testing.T) {
	e := newTestEnv(t, 117, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	require.Equal(t, DelayedSack{Delay: 200 * time.Millisecond, Freq: 2}, ep.DelayedSack())
	requireBadOption(t, ep.SetDelayedSack(DelayedSack{Freq: maxSackFrequency + 1}), "frequency above 65535")
	require.Nil(t, ep.SetDelayedSack(DelayedSack{Delay: 600 * time.Millisecond}))
	require.Equal(t, 500*time.Millisecond, ep.DelayedSack().Delay, "RFC 9260 6.2: at most 500 ms")
	requireBadOption(t, ep.SetDelayedSack(DelayedSack{Delay: -1}), "negative delay")
	require.Nil(t, ep.SetDelayedSack(DelayedSack{Delay: 50 * time.Millisecond}))
	require.Equal(t, DelayedSack{Delay: 50 * time.Millisecond, Freq: 2}, ep.DelayedSack())

	sacks := func(ds DelayedSack) (int, time.Duration) {
		e := newTestEnv(t, 118, Options{}, sctptest.LinkConfig{})
		c, s, _ := e.connectPair(5000)
		if ds != (DelayedSack{}) {
			require.Nil(t, s.SetDelayedSack(ds))
		}
		c.SetNoDelay(true)
		// The association's first DATA is SACKed at once (RFC 9260 5.1).
		e.write(c, []byte("first"), SendInfo{})
		e.n.Advance(time.Second)
		w := logWire(e.link, sctptest.BtoA)
		// A lone packet: how long until its SACK.
		sent := e.n.Elapsed()
		e.write(c, []byte("lone"), SendInfo{})
		require.True(t, e.run(func() bool { n, _ := w.count(header.ChunkSack); return n == 1 }, 2*time.Second))
		_, at := w.count(header.ChunkSack)
		delay := at[0] - sent
		// 20 packets, one every 5 ms.
		e.n.Advance(time.Second)
		w.reset()
		for i := 0; i < 20; i++ {
			e.write(c, []byte("one packet"), SendInfo{})
			e.n.Advance(5 * time.Millisecond)
		}
		e.n.Advance(time.Second)
		n, _ := w.count(header.ChunkSack)
		return n, delay
	}
	n2, d200 := sacks(DelayedSack{})
	_, d50 := sacks(DelayedSack{Delay: 50 * time.Millisecond})
	n1, d0 := sacks(DelayedSack{Freq: 1})
	n4, _ := sacks(DelayedSack{Freq: 4})
	t.Logf("SACKs for 20 packets: freq 2 %d, freq 1 %d, freq 4 %d; lone packet SACKed after %v (200 ms), %v (50 ms), %v (freq 1)", n2, n1, n4, d200, d50, d0)
	require.Equal(t, 20, n1, "a SACK per packet")
	require.InDelta(t, 5, n4, 1, "a SACK per fourth packet (RFC 6458 8.1.19 lets the user ask)")
	require.InDelta(t, 10, n2, 1, "a SACK per second packet")
	require.InDelta(t, float64(200*time.Millisecond), float64(d200), float64(20*time.Millisecond))
	require.InDelta(t, float64(50*time.Millisecond), float64(d50), float64(20*time.Millisecond))
	require.Less(t, d0, 20*time.Millisecond, "freq 1: no delay at all")
}

// TestOptionMaxBurst: SCTP_MAX_BURST is read back, on the endpoint and
// on its association, 0 turns it off and negative is refused; when the peer's
// window reopens on a full send queue, one send puts at most Max.Burst
// packets in flight (RFC 9260 6.1 D, plus rule B's one packet of
// overbooking).
func TestOptionMaxBurst(t *testing.T) {
	e := newTestEnv(t, 119, Options{}, sctptest.LinkConfig{})
	ep, _ := e.newEP(e.a)
	require.Equal(t, 4, ep.MaxBurst(), "RFC 9260 16 default")
	require.Nil(t, ep.SetMaxBurst(0), "RFC 6458 SCTP_MAX_BURST: 0 turns burst mitigation off")
	require.Zero(t, ep.MaxBurst())
	requireBadOption(t, ep.SetMaxBurst(-3), "negative Max.Burst")
	require.Nil(t, ep.SetMaxBurst(2))
	require.Equal(t, 2, ep.MaxBurst())
	c, _, _ := e.connectPair(5000)
	require.Nil(t, c.SetMaxBurst(1))
	require.Equal(t, 1, c.MaxBurst())
	a := c.getAssoc()
	a.mu.Lock()
	got := a.o.MaxBurst
	a.mu.Unlock()
	require.Equal(t, 1, got, "the association's own copy changed")
	requireBadOption(t, c.SetMaxBurst(-1), "negative Max.Burst")
	require.Equal(t, 1, c.MaxBurst())

	one, four, off := firstBurst(t, 1), firstBurst(t, 4), firstBurst(t, 0)
	t.Logf("DATA packets sent at once when the window reopens: Max.Burst 1 %d, 4 %d, off %d", one, four, off)
	// Packets of 1000 bytes go while the flight is below Max.Burst x MTU
	// (1500 bytes): 2 packets; 6000 bytes: 6 (the window took 8).
	require.Equal(t, 2, one, "Max.Burst 1: one packet, and rule B's overbooking")
	require.Equal(t, 6, four)
	require.Greater(t, off, four, "no burst limit: as much as the window takes")
}

// firstBurst returns how many DATA packets one send opportunity puts on the
// wire with Max.Burst mb: the peer's window closes on a queue of small
// messages, then one read there reopens it by 8 KB with a single SACK.
func firstBurst(t *testing.T, mb int) int {
	e := newTestEnv(t, 121, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 50 * time.Millisecond}})
	l, _ := e.newEP(e.b)
	l.SetReceiveBufferSize(16 << 10)
	require.Nil(t, l.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, l.Listen(4))
	c := e.dial(e.a, e.bAddr, 5000)
	s := e.accept(l, 5*time.Second)
	require.True(t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 5*time.Second))
	require.Nil(t, c.SetMaxBurst(mb))
	e.write(c, make([]byte, 8000), SendInfo{})
	e.write(c, make([]byte, 8000), SendInfo{})
	for i := 0; i < 20; i++ {
		e.write(c, make([]byte, 1000), SendInfo{})
	}
	require.True(t, e.run(func() bool {
		st, _ := c.Status()
		return st.Unacked == 0 && st.Pending > 0
	}, 900*time.Millisecond), "the window closes on the small messages")
	w := logWire(e.link, sctptest.AtoB)
	b, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Len(t, b, 8000)
	e.n.Advance(200 * time.Millisecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	var first time.Duration = -1
	n := 0
	for _, p := range w.pkts {
		if len(p.data) == 0 {
			continue
		}
		if first < 0 {
			first = p.at
		}
		if p.at == first {
			n++
		}
	}
	return n
}

// TestOptionStatus: SCTP_STATUS and SCTP_GET_PEER_ADDR_INFO describe the
// association sensibly, and follow data that is not acknowledged.
func TestOptionStatus(t *testing.T) {
	e := newTestEnv(t, 120, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
	c, s, _ := e.connectPair(5000)
	st, err := c.Status()
	require.Nil(t, err)
	require.Equal(t, StateEstablished, st.State)
	require.NotZero(t, st.AssocID)
	require.Equal(t, uint16(10), st.OutStreams)
	require.Equal(t, uint16(10), st.InStreams)
	require.Equal(t, tcpip.FullAddress{Addr: e.bAddr, Port: 5000}, st.PeerAddr)
	require.Equal(t, e.aAddr, st.LocalAddr.Addr)
	require.NotZero(t, st.LocalAddr.Port)
	require.Equal(t, st.PeerAddr, st.Primary.Addr)
	require.Positive(t, st.Primary.Cwnd)
	require.Positive(t, st.Primary.MTU)
	require.GreaterOrEqual(t, st.Primary.RTO, time.Second, "RTO.Min")
	require.Positive(t, st.PeerRwnd)
	require.Positive(t, st.Rwnd)
	require.Zero(t, st.Unacked)
	require.Zero(t, st.Pending)
	ss, err := s.Status()
	require.Nil(t, err)
	require.Equal(t, st.LocalAddr, ss.PeerAddr)

	ps, err := c.Paths()
	require.Nil(t, err)
	require.Len(t, ps, 1)
	require.Equal(t, PathActive, ps[0].State)
	require.Equal(t, st.Primary.Cwnd, ps[0].Cwnd)
	require.Equal(t, st.Primary.RTO, ps[0].RTO)
	require.Equal(t, e.aAddr, ps[0].LocalAddr)

	// A round trip of data measures the RTT: 2 x 10 ms, and the SACK delay.
	e.write(c, []byte("rtt"), SendInfo{})
	_, _, rerr := e.readMsg(s, time.Second)
	require.Nil(t, rerr)
	e.n.Advance(time.Second)
	st, err = c.Status()
	require.Nil(t, err)
	require.GreaterOrEqual(t, st.Primary.SRTT, 20*time.Millisecond)
	require.Less(t, st.Primary.SRTT, 300*time.Millisecond)
	require.Equal(t, time.Second, st.Primary.RTO, "SRTT + 4 RTTVAR below RTO.Min")

	// Data the peer does not acknowledge shows up as unacked.
	e.link.CutDir(sctptest.BtoA)
	e.write(c, make([]byte, 3000), SendInfo{})
	e.n.Advance(50 * time.Millisecond)
	st, err = c.Status()
	require.Nil(t, err)
	require.Equal(t, 3000, st.Unacked+st.Pending)
	require.Positive(t, st.Unacked)

	unconnected, _ := e.newEP(e.a)
	_, err = unconnected.Status()
	require.IsType(t, &tcpip.ErrNotConnected{}, err)
}
