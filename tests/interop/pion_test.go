package interop

import (
	"context"
	"testing"
	"time"

	"github.com/pion/sctp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// ending is how a scenario ends the association.
type ending int

const (
	shutdownByUs ending = iota
	shutdownByPeer
	abortByUs
	abortByPeer
)

var endings = []ending{shutdownByUs, shutdownByPeer, abortByUs, abortByPeer}

func (e ending) String() string {
	return [...]string{"ShutdownByUs", "ShutdownByPeer", "AbortByUs", "AbortByPeer"}[e]
}

// abortReason is the Upper Layer Abort Reason the foreign stacks send.
const abortReason = "interop test says stop"

// pionWorkload: 16 streams (8 ordered, 8 unordered), messages from 20
// bytes to 40 kB, most of them larger than the MTU, about 600 kB each way.
var pionWorkload = workload{
	Streams:   16,
	PerStream: 6,
	Sizes:     []int{20, 300, 1400, 1500, 4000, 9000, 17000, 40000},
}

// TestPion runs pion/sctp against our stack in both roles, under 5% loss
// and reordering: the initiator sends the workload, the responder echoes
// every message on its stream with its PPID and U bit, and then one side
// ends the association gracefully or with ABORT.
func TestPion(t *testing.T) {
	for _, ourClient := range []bool{true, false} {
		role := "OurClient"
		if !ourClient {
			role = "OurServer"
		}
		for _, end := range endings {
			t.Run(role+"/"+end.String(), func(t *testing.T) {
				t.Parallel()
				runPionScenario(t, ourClient, end, pionWorkload)
			})
		}
	}
}

func runPionScenario(t *testing.T, ourClient bool, end ending, wl workload) {
	w := newWorld(t, worldConfig{Impair: lossy, Seed: uint64(end) + 10})
	dropEmptyHeartbeats(t, w)
	log := &logSink{}
	defer func() {
		if t.Failed() {
			log.report(t, 50)
		}
	}()

	var (
		ours    *adapter.Conn
		peer    *pionPeer
		ourRead <-chan error // how our reading ended
		tl      *tally       // the initiator's bookkeeping
		echo    <-chan echoResult
	)
	start := time.Now()
	if ourClient {
		type res struct {
			a   *sctp.Association
			err error
		}
		// pion would drop our INIT (deviation 1 in INTEROP.md).
		w.peer.editHooks(func(h *bridgeHooks) { h.rewrite = stripSupportedAddressTypes })
		srv := make(chan res, 1)
		go func() {
			a, err := sctp.ServerWithOptions(pionServerOptions(w, log)...)
			srv <- res{a, err}
		}()
		ours = dialOurs(t, w, w.peerAddr(pionPort))
		r := <-srv
		require.NoError(t, r.err, "pion server")
		t.Cleanup(func() { r.a.Close() })
		peer = startPion(r.a, log, true)
		tl, ourRead = ourInitiator(t, ours, wl)
	} else {
		ln := listenOurs(t, w, pionPort)
		accepted := make(chan *adapter.Conn, 1)
		go func() {
			if c, err := ln.AcceptSCTP(); err == nil {
				accepted <- c
			}
		}()
		a, err := sctp.ClientWithOptions(pionClientOptions(w, log)...)
		require.NoError(t, err, "pion client")
		t.Cleanup(func() { a.Close() })
		select {
		case ours = <-accepted:
		case <-time.After(10 * time.Second):
			t.Fatal("our listener accepted nothing")
		}
		peer = startPion(a, log, false)
		echo = ourEcho(ours)
		tl = pionInitiator(t, a, wl)
	}
	t.Cleanup(func() { ours.Close() })

	waitTally(t, tl, 30*time.Second)
	t.Logf("%d messages, %d bytes echoed in %v under %v%% loss", wl.total(), wl.bytes(), time.Since(start).Round(time.Millisecond), lossy.Loss*100)
	if t.Failed() {
		return
	}
	if !ourClient {
		// Our reading of the echo goes on until the ending; take its
		// result channel as the place our side learns the end.
		ch := make(chan error, 1)
		go func() {
			r := <-echo
			for _, p := range r.problems {
				t.Errorf("our echo: %v", p)
			}
			if r.msgs != wl.total() {
				t.Errorf("our echo got %d messages, want %d", r.msgs, wl.total())
			}
			ch <- r.err
		}()
		ourRead = ch
	}

	switch end {
	case shutdownByUs:
		// Still lossy: SHUTDOWN, SHUTDOWN ACK and SHUTDOWN COMPLETE may
		// need retransmitting (or, for the last one, our answer to pion's
		// retransmitted SHUTDOWN ACK as an out-of-the-blue packet).
		require.NoError(t, ours.CloseWrite())
		expectEOF(t, ourRead, "our side after our SHUTDOWN")
		waitGone(t, peer, "pion after our SHUTDOWN")
	case shutdownByPeer:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, peer.a.Shutdown(ctx), "pion Shutdown")
		expectEOF(t, ourRead, "our side after pion's SHUTDOWN")
		waitGone(t, peer, "pion after its SHUTDOWN")
	case abortByUs:
		// ABORT is never retransmitted (RFC 9260 9.1): a lost one
		// leaves pion, which sends no heartbeats, waiting forever. The
		// loss is the link's, not a protocol problem, so abort on a
		// clean link.
		w.setImpair(sctptest.Impairments{})
		require.NoError(t, ours.Abort())
		waitGone(t, peer, "pion after our ABORT")
		assert.GreaterOrEqual(t, w.peer.chunks.got(chunkAbort), 1, "ABORT delivered to pion")
	case abortByPeer:
		w.setImpair(sctptest.Impairments{})
		peer.a.Abort(abortReason)
		expectAbort(t, ourRead, abortReason)
		waitGone(t, peer, "pion after its ABORT")
	}
}

// pionInitiator sends the workload from pion's side: one stream per
// workload stream, odd ones unordered, and one reader per stream
// collecting the echoes. pion's ReadSCTP does not report the U bit.
func pionInitiator(t *testing.T, a *sctp.Association, wl workload) *tally {
	tl := newTally(wl)
	streams := make([]*sctp.Stream, wl.Streams)
	for i := range streams {
		id := uint16(i)
		s, err := a.OpenStream(id, sctp.PayloadProtocolIdentifier(ppidBase+uint32(id)))
		require.NoError(t, err)
		s.SetReliabilityParams(unordered(id), sctp.ReliabilityTypeReliable, 0)
		streams[i] = s
		go func() {
			buf := make([]byte, 1<<17)
			for {
				n, ppi, err := s.ReadSCTP(buf)
				if err != nil {
					return
				}
				tl.add(append([]byte(nil), buf[:n]...), id, uint32(ppi), -1)
			}
		}()
	}
	go func() {
		for _, sq := range wl.order() {
			s, q := uint16(sq[0]), uint32(sq[1])
			if _, err := streams[s].WriteSCTP(makeMsg(s, q, wl.size(s, q)), sctp.PayloadProtocolIdentifier(ppidBase+uint32(s))); err != nil {
				t.Errorf("pion WriteSCTP %d/%d: %v", s, q, err)
				return
			}
		}
	}()
	return tl
}

// waitGone waits for pion's association to end.
func waitGone(t *testing.T, p *pionPeer, what string) {
	t.Helper()
	select {
	case <-p.gone:
	case <-time.After(10 * time.Second):
		t.Errorf("%s: pion's association still up after 10 s", what)
	}
}

// expectAbort waits for our read error and checks it reports the peer's
// ABORT with a User-Initiated Abort cause carrying reason.
func expectAbort(t *testing.T, ch <-chan error, reason string) {
	t.Helper()
	select {
	case err := <-ch:
		require.ErrorIs(t, err, adapter.ErrReset)
		var ae *adapter.AbortError
		if assert.ErrorAs(t, err, &ae) {
			assert.Equal(t, header.CauseUserInitiatedAbort, ae.Cause)
			assert.Equal(t, reason, string(ae.Info))
		}
	case <-time.After(10 * time.Second):
		t.Errorf("our side did not see the ABORT within 10 s")
	}
}
