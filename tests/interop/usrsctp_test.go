//go:build usrsctp && cgo

package interop

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/tests/interop/internal/usrsctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// usrsctpWorkload: 16 streams, messages up to 40 kB (most larger than the
// MTU), about 880 kB each way.
var usrsctpWorkload = pionWorkload

// TestUsrsctp runs usrsctp (AF_CONN, in process through cgo) against our
// stack in both roles under 5% loss and reordering, in two phases: the
// initiator sends the workload and the responder checks it, then the
// responder sends it and the initiator checks it; then one side ends the
// association gracefully or with ABORT.
//
// The phases do not overlap (each waits until the previous sender has its
// data acknowledged); TestUsrsctpConcurrentEcho sends both ways at once.
func TestUsrsctp(t *testing.T) {
	for _, ourClient := range []bool{true, false} {
		role := "OurClient"
		if !ourClient {
			role = "OurServer"
		}
		for _, end := range endings {
			t.Run(role+"/"+end.String(), func(t *testing.T) {
				t.Parallel()
				runUsrsctpScenario(t, ourClient, end, usrsctpWorkload, false)
			})
		}
	}
}

// TestUsrsctpConcurrentEcho is TestUsrsctp/OurClient with usrsctp echoing
// each message as it arrives, so that both sides send DATA at once. It is
// the regression test of a bug of ours: a SACK bundled after DATA in one
// packet, against RFC 9260 6.10, which usrsctp answers with an ABORT
// (Protocol Violation, "DATA chunk followed by chunk of type 03").
func TestUsrsctpConcurrentEcho(t *testing.T) {
	runUsrsctpScenario(t, true, shutdownByUs, usrsctpWorkload, true)
}

// usrsctpSession is one association between our stack and usrsctp, with
// a reader on each side tallying what arrives.
type usrsctpSession struct {
	w       *world
	ours    *adapter.Conn
	peer    *usrsctpConn
	ourRead <-chan error // how our reading ended
	atUs    *tally       // what our side received
	atPeer  *tally       // what usrsctp received (nil when it echoes)
}

func runUsrsctpScenario(t *testing.T, ourClient bool, end ending, wl workload, echo bool) {
	w := newWorld(t, worldConfig{Impair: lossy, Seed: uint64(end) + 20})
	addr := attachUsrsctp(t, w)
	ss := &usrsctpSession{w: w, atUs: newTally(wl)}
	if !echo {
		ss.atPeer = newTally(wl)
	}

	var s *usrsctp.Socket
	start := time.Now()
	if ourClient {
		port := nextUsrsctpPort()
		ln, err := usrsctp.Listen(addr, port, usrsctpSocketConfig(0))
		require.NoError(t, err)
		t.Cleanup(ln.Close)
		type res struct {
			s   *usrsctp.Socket
			err error
		}
		acc := make(chan res, 1)
		go func() {
			s, err := ln.Accept()
			acc <- res{s, err}
		}()
		ss.ours = dialOurs(t, w, w.peerAddr(port))
		var r res
		select {
		case r = <-acc:
		case <-time.After(10 * time.Second):
			t.Fatal("usrsctp accepted nothing")
		}
		require.NoError(t, r.err)
		s = r.s
	} else {
		ourPort := nextUsrsctpPort()
		ln := listenOurs(t, w, ourPort)
		var err error
		s, err = usrsctp.Dial(addr, nextUsrsctpPort(), ourPort, usrsctpSocketConfig(0))
		require.NoError(t, err, "usrsctp connect")
		ss.ours = acceptOurs(t, ln)
	}
	t.Cleanup(func() { ss.ours.Close() })
	ss.peer = serveUsrsctp(t, s, echo, ss.atPeer)
	ss.ourRead = ourReader(ss.ours, ss.atUs)

	switch {
	case echo && ourClient:
		ourSender(t, ss.ours, wl)
		waitTally(t, ss.atUs, 30*time.Second)
	case echo:
		t.Fatal("the concurrent echo runs with our side as the client only")
	case ourClient:
		ourSender(t, ss.ours, wl)
		waitTally(t, ss.atPeer, 30*time.Second)
		ourAllAcked(t, ss.ours)
		usrsctpSender(t, s, wl)
		waitTally(t, ss.atUs, 30*time.Second)
	default:
		usrsctpSender(t, s, wl)
		waitTally(t, ss.atUs, 30*time.Second)
		usrsctpAllAcked(t, s)
		ourSender(t, ss.ours, wl)
		waitTally(t, ss.atPeer, 30*time.Second)
	}
	t.Logf("%d messages, %d bytes each way (echo %v) in %v under %v%% loss", wl.total(), wl.bytes(), echo, time.Since(start).Round(time.Millisecond), lossy.Loss*100)
	if t.Failed() {
		return
	}
	ss.end(t, end)
}

// end ends the association as e says and checks both sides saw it.
func (ss *usrsctpSession) end(t *testing.T, e ending) {
	switch e {
	case shutdownByUs:
		require.NoError(t, ss.ours.CloseWrite())
		expectEOF(t, ss.ourRead, "our side after our SHUTDOWN")
		expectUsrsctpEnd(t, ss.peer, usrsctp.ErrEOF)
	case shutdownByPeer:
		require.NoError(t, ss.peer.s.ShutdownWrite())
		expectEOF(t, ss.ourRead, "our side after usrsctp's SHUTDOWN")
		expectUsrsctpEnd(t, ss.peer, usrsctp.ErrEOF)
	case abortByUs:
		// A lost ABORT is never retransmitted (RFC 9260 9.1); see the
		// pion scenario.
		ss.w.setImpair(sctptest.Impairments{})
		require.NoError(t, ss.ours.Abort())
		expectUsrsctpEnd(t, ss.peer, nil)
		assert.GreaterOrEqual(t, ss.w.peer.chunks.got(chunkAbort), 1, "ABORT delivered to usrsctp")
	case abortByPeer:
		ss.w.setImpair(sctptest.Impairments{})
		require.NoError(t, ss.peer.s.Abort([]byte(abortReason)))
		expectAbort(t, ss.ourRead, abortReason)
		expectUsrsctpEnd(t, ss.peer, nil)
	}
}

// usrsctpSender sends the workload from usrsctp, from a goroutine.
func usrsctpSender(t *testing.T, s *usrsctp.Socket, wl workload) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, sq := range wl.order() {
			st, q := uint16(sq[0]), uint32(sq[1])
			if err := s.Send(makeMsg(st, q, wl.size(st, q)), st, ppidBase+uint32(st), unordered(st)); err != nil {
				t.Errorf("usrsctp send %d/%d: %v", st, q, err)
				return
			}
		}
	}()
	t.Cleanup(func() { <-done })
}

// usrsctpAllAcked waits until we have acknowledged everything usrsctp
// sent, and then for anything still in flight to land.
func usrsctpAllAcked(t *testing.T, s *usrsctp.Socket) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n, err := s.Outstanding()
		if err != nil {
			t.Errorf("%v", err)
			return
		}
		if n == 0 {
			time.Sleep(2 * (lossy.Delay + lossy.ReorderDelay))
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("usrsctp's data still unacknowledged after 10 s")
}

// expectUsrsctpEnd waits for usrsctp's reading to end, with want if not
// nil, else with any error other than a graceful end.
func expectUsrsctpEnd(t *testing.T, c *usrsctpConn, want error) {
	t.Helper()
	select {
	case err := <-c.ended:
		if want != nil {
			assert.ErrorIs(t, err, want, "usrsctp's reading ended")
		} else {
			assert.False(t, errors.Is(err, usrsctp.ErrEOF), "usrsctp's reading ended gracefully (%v), want a reset", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("usrsctp's association still up after 10 s")
	}
}
