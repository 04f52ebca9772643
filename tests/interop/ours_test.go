package interop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
)

// Our side of the scenarios, through the adapter as an application uses it.

// streamsAsked is the number of outbound streams our side asks for (the
// default, 10, is fewer than the workloads use).
const streamsAsked = 32

// dialOurs dials the foreign stack at raddr.
func dialOurs(t *testing.T, w *world, raddr *adapter.Addr) *adapter.Conn {
	t.Helper()
	d := adapter.Dialer{InitMsg: &adapter.InitMsg{OutStreams: streamsAsked}, Timeout: 10 * time.Second}
	c, err := d.DialContext(context.Background(), w.ours, raddr)
	require.NoError(t, err, "dial %v", raddr)
	return c
}

// listenOurs listens on our side at port.
func listenOurs(t testing.TB, w *world, port uint16) *adapter.Listener {
	t.Helper()
	lc := adapter.ListenConfig{InitMsg: &adapter.InitMsg{OutStreams: streamsAsked}}
	ln, err := lc.Listen(w.ours, w.ourAddr(port))
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

// acceptOurs accepts one association within 10 s.
func acceptOurs(t testing.TB, ln *adapter.Listener) *adapter.Conn {
	t.Helper()
	require.NoError(t, ln.SetDeadline(time.Now().Add(10*time.Second)))
	c, err := ln.AcceptSCTP()
	require.NoError(t, err, "accept")
	return c
}

// readWhole reads one whole message from c, joining the parts ReadMsg
// returns when the buffer is short.
func readWhole(c *adapter.Conn, buf []byte) ([]byte, adapter.RecvInfo, error) {
	var msg []byte
	for {
		n, info, err := c.ReadMsg(buf)
		if err != nil {
			if len(msg) > 0 {
				err = fmt.Errorf("after %d bytes of a message: %w", len(msg), err)
			}
			return nil, info, err
		}
		msg = append(msg, buf[:n]...)
		if info.Complete {
			return msg, info, nil
		}
	}
}

// ourEcho serves c: it sends every message back with the same stream,
// PPID and U bit, and checks that each is a test message arriving with the
// PPID and U bit the workload gives its stream. It returns a channel that
// receives the error that ended reading (io.EOF after a graceful
// shutdown) and the problems found.
func ourEcho(c *adapter.Conn) <-chan echoResult {
	done := make(chan echoResult, 1)
	go func() {
		var r echoResult
		buf := make([]byte, 16<<10) // smaller than some messages: ReadMsg returns parts
		for {
			msg, info, err := readWhole(c, buf)
			if err != nil {
				r.err = err
				done <- r
				return
			}
			r.msgs++
			s, seq, err := checkMsg(msg)
			switch {
			case err != nil:
				r.problems = append(r.problems, err)
			case s != info.Stream:
				r.problems = append(r.problems, fmt.Errorf("message %d/%d arrived on stream %d", s, seq, info.Stream))
			case info.PPID != ppidBase+uint32(s):
				r.problems = append(r.problems, fmt.Errorf("message %d/%d: PPID %d", s, seq, info.PPID))
			case info.Unordered != unordered(s):
				r.problems = append(r.problems, fmt.Errorf("message %d/%d: unordered=%v", s, seq, info.Unordered))
			}
			if _, err := c.WriteMsg(msg, &adapter.SendInfo{Stream: info.Stream, PPID: info.PPID, Unordered: info.Unordered}); err != nil {
				r.err = fmt.Errorf("echo write: %w", err)
				done <- r
				return
			}
		}
	}()
	return done
}

// echoResult is how ourEcho ended.
type echoResult struct {
	err      error
	msgs     int
	problems []error
}

// ourInitiator sends the workload on c and collects the echoes in a tally.
// The returned channel receives the error that ended reading.
func ourInitiator(t *testing.T, c *adapter.Conn, wl workload) (*tally, <-chan error) {
	tl := newTally(wl)
	readErr := ourReader(c, tl)
	ourSender(t, c, wl)
	return tl, readErr
}

// ourReader tallies every message read from c. The returned channel
// receives the error that ended reading.
func ourReader(c *adapter.Conn, tl *tally) <-chan error {
	readErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 16<<10)
		for {
			msg, info, err := readWhole(c, buf)
			if err != nil {
				readErr <- err
				return
			}
			u := 0
			if info.Unordered {
				u = 1
			}
			tl.add(msg, info.Stream, info.PPID, u)
		}
	}()
	return readErr
}

// ourSender sends the workload on c from a goroutine that the test's
// cleanup waits for.
func ourSender(t *testing.T, c *adapter.Conn, wl workload) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, sq := range wl.order() {
			s, q := uint16(sq[0]), uint32(sq[1])
			_, err := c.WriteMsg(makeMsg(s, q, wl.size(s, q)), &adapter.SendInfo{Stream: s, PPID: ppidBase + uint32(s), Unordered: unordered(s)})
			if err != nil {
				t.Errorf("WriteMsg %d/%d: %v", s, q, err)
				return
			}
		}
	}()
	t.Cleanup(wg.Wait)
}

// ourAllAcked waits until the peer has acknowledged everything c sent, and
// then for anything still in flight on the lossy link to land.
func ourAllAcked(t *testing.T, c *adapter.Conn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, err := c.Status()
		if err != nil {
			t.Errorf("Status: %v", err)
			return
		}
		if st.Unacked == 0 && st.Pending == 0 {
			time.Sleep(2 * (lossy.Delay + lossy.ReorderDelay))
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("our data still unacknowledged after 10 s")
}

// waitTally waits until every echo is back, failing t with what is
// missing after timeout.
func waitTally(t *testing.T, tl *tally, timeout time.Duration) {
	t.Helper()
	select {
	case <-tl.done:
	case <-time.After(timeout):
		t.Errorf("after %v: %d of %d messages back", timeout, tl.count(), tl.w.total())
	}
	for _, err := range tl.errors() {
		t.Error(err)
	}
}

// expectEOF waits for the read error on ch and checks it is io.EOF.
func expectEOF(t *testing.T, ch <-chan error, what string) {
	t.Helper()
	select {
	case err := <-ch:
		if !errors.Is(err, io.EOF) {
			t.Errorf("%s: read ended with %v, want io.EOF", what, err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("%s: reading did not end within 10 s", what)
	}
}
