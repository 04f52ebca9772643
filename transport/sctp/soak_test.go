package sctp

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

var soakFlag = flag.Duration("sctp.soak", 30*time.Second, "wall-clock time TestSoak churns associations (10m locally for the issue's soak)")

// soakSession is one client association of the soak: it sends numbered
// messages on several streams and ends by close, abort or restart.
type soakSession struct {
	c, s    *Endpoint
	port    uint16
	sent    int
	want    int
	got     map[uint16]uint32 // next sequence number expected per stream
	recv    int
	end     int // 0 graceful, 1 abort, 2 restart
	ending  bool
	started time.Duration
}

// TestSoak keeps many associations busy under random loss, duplication,
// reordering and delay while they open, transfer, shut down, abort and
// restart, for -sctp.soak of wall-clock time (30 s in CI). Every message
// of a graceful session arrives exactly once and in order; aborted and
// restarted ones deliver a prefix of what was sent, never a duplicate or
// a reordering; at the end no association, timer, port or goroutine is
// left and the heap is back near its start.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped in -short mode")
	}
	e := newTestEnv(t, 31, Options{RTOInitial: 200 * time.Millisecond, RTOMin: 100 * time.Millisecond, RTOMax: 2 * time.Second, DelayedAckTime: 20 * time.Millisecond},
		sctptest.LinkConfig{Impairments: sctptest.Impairments{
			Delay: 2 * time.Millisecond, Jitter: time.Millisecond, Loss: 0.02, Duplicate: 0.01, Reorder: 0.02,
		}})
	// Twice: sync.Pool caches (gVisor's buffer chunks) survive one GC.
	runtime.GC()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	l := e.listen(e.b, 5000)
	rng := rand.New(rand.NewPCG(31, 32))
	const concurrent = 40
	var live []*soakSession
	stats := map[string]int{}
	buf := make([]byte, 16<<10)
	deadline := time.Now().Add(*soakFlag)
	pending := map[uint16]*soakSession{} // by client port, until accepted

	start := func() {
		ss := &soakSession{want: 20 + rng.IntN(200), got: map[uint16]uint32{}, end: rng.IntN(10), started: e.n.Elapsed()}
		switch {
		case ss.end < 7:
			ss.end = 0
		case ss.end < 9:
			ss.end = 1
		default:
			ss.end = 2
		}
		ss.c, _ = e.newEP(e.a)
		require.Nil(t, ss.c.SetInitMsg(4, 4, 0, 0))
		require.IsType(t, &tcpip.ErrConnectStarted{}, ss.c.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000}))
		la, _ := ss.c.GetLocalAddress()
		ss.port = la.Port
		pending[ss.port] = ss
		live = append(live, ss)
		stats["opened"]++
	}
	// step drives every session: accept, send, receive, end.
	step := func() {
		for {
			n, _, err := l.Accept(nil)
			if err != nil {
				break
			}
			ep := n.(*Endpoint)
			ra, _ := ep.GetRemoteAddress()
			if ss := pending[ra.Port]; ss != nil {
				ss.s = ep
				delete(pending, ra.Port)
			} else {
				ep.Close() // a restarted session's new association was accepted on the old one
			}
		}
		kept := live[:0]
		for _, ss := range live {
			if ss.s != nil {
				for {
					var b bytes.Buffer
					ri, _, err := ss.s.ReadMsg(&b, -1)
					if err != nil {
						break
					}
					require.True(t, ri.Complete)
					d := b.Bytes()
					seq := binary.BigEndian.Uint32(d)
					require.Equal(t, ss.got[ri.Stream], seq, "stream %d: lost, duplicated or reordered", ri.Stream)
					require.Equal(t, byte(seq), d[len(d)-1], "payload corrupted")
					ss.got[ri.Stream]++
					ss.recv++
				}
			}
			for ss.sent < ss.want && !ss.ending {
				sid := uint16(ss.sent % 4)
				size := 4 + rng.IntN(len(buf)-4)
				seq := uint32(ss.sent / 4)
				binary.BigEndian.PutUint32(buf, seq)
				buf[size-1] = byte(seq)
				_, err := ss.c.WriteMsg(bytesReader(buf[:size]), SendInfo{Stream: sid})
				if err != nil {
					break
				}
				ss.sent++
			}
			done := false
			up := ss.s != nil && e.stateOf(ss.c) >= StateEstablished
			switch {
			case !up:
			case ss.sent == ss.want && !ss.ending && ss.end == 0:
				ss.c.Close() // graceful: everything must arrive
				ss.ending = true
			case ss.sent == ss.want && !ss.ending && ss.end == 1 && rng.IntN(4) == 0:
				ss.c.Abort()
				ss.ending = true
				stats["aborted"]++
			case ss.sent == ss.want && !ss.ending && ss.end == 2:
				// A restart: the client forgets the association (its
				// ABORT is lost) and a new one comes from the same port.
				e.link.CutDir(sctptest.AtoB)
				ss.c.Abort()
				e.link.HealDir(sctptest.AtoB)
				nc, _ := e.newEP(e.a)
				if nc.Bind(tcpip.FullAddress{Port: ss.port}) == nil {
					nc.Connect(tcpip.FullAddress{Addr: e.bAddr, Port: 5000})
					stats["restarted"]++
					defer nc.Close()
				} else {
					nc.Close()
				}
				ss.ending = true
			}
			if ss.ending && ss.s != nil && gone(ss.c) && (gone(ss.s) || ss.end != 0) {
				if ss.end == 0 {
					require.Equal(t, ss.sent, ss.recv, "graceful session lost messages")
					stats["closed"]++
				}
				require.LessOrEqual(t, ss.recv, ss.sent)
				stats["messages"] += ss.recv
				ss.s.Close()
				done = true
			}
			if !done && ss.s == nil && gone(ss.c) {
				// Set-up refused (the port was reused while the server
				// still shut the old association down) or timed out:
				// nothing was delivered, everything comes back.
				require.Len(t, ss.c.UnsentMessages(), ss.sent)
				ss.c.Close()
				delete(pending, ss.port)
				stats["refused"]++
				done = true
			}
			if !done && e.n.Elapsed()-ss.started > 5*time.Minute {
				t.Fatalf("session on port %d stuck: sent %d recv %d ending %v end %d; server endpoint %v, client state %v, error %v, stats %v", ss.port, ss.sent, ss.recv, ss.ending, ss.end, ss.s != nil, e.stateOf(ss.c), ss.c.LastError(), stats)
			}
			if !done {
				kept = append(kept, ss)
			}
		}
		live = kept
	}
	for time.Now().Before(deadline) {
		for len(live) < concurrent {
			start()
		}
		step()
		e.n.Advance(5 * time.Millisecond)
	}
	// Wind down: no new sessions; everything ends.
	for _, ss := range live {
		if !ss.ending {
			ss.want = ss.sent
		}
	}
	require.True(t, e.runStep(func() bool { step(); return len(live) == 0 }, 10*time.Minute, 5*time.Millisecond), "%d sessions never ended", len(live))
	l.Close()
	e.n.Advance(time.Minute)
	for _, h := range []*sctptest.Host{e.a, e.b} {
		p := h.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
		require.Zero(t, p.assocCount.Load(), "associations left")
		require.Zero(t, p.stats.TimersActive.Value(), "timers left")
	}
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("soak: %v wall, %v simulated; %v; heap %d KiB before, %d KiB after (peak sys %d KiB); goroutines %d before, %d after",
		*soakFlag, e.n.Elapsed(), stats, before.HeapAlloc>>10, after.HeapAlloc>>10, after.Sys>>10, goroutines, runtime.NumGoroutine())
	require.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(16<<20), "heap did not come back")
	require.LessOrEqual(t, runtime.NumGoroutine(), goroutines+2, "goroutines left")
	require.Positive(t, stats["closed"])
	require.Positive(t, stats["aborted"])
	require.Positive(t, stats["restarted"])
}
