package main

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
)

// The application on both ends, written against the adapter package as any
// program would be: an echo server, and a client that sends the planned
// messages on one goroutine while another checks the echoes.

// serverReadBuffer is the size of the echo server's read buffer. It is
// smaller than the largest default message on purpose: such messages are
// then read in parts (RecvInfo.Complete false), as a real server must
// handle them.
const serverReadBuffer = 4096

// counters are what the progress line shows; the client's goroutines
// update them.
type counters struct {
	sentMsgs, sentBytes     atomic.Int64
	echoedMsgs, echoedBytes atomic.Int64
}

// serve accepts one association, stores it in accepted, and echoes each
// message back on its stream with its PPID and ordering, until the client
// shuts down.
func serve(ln *adapter.Listener, deadline time.Time, accepted *atomic.Pointer[adapter.Conn]) error {
	c, err := ln.AcceptSCTP()
	if err != nil {
		return err
	}
	defer c.Close()
	accepted.Store(c)
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	return echoMessages(c, true, nil)
}

// echoMessages reads messages until the peer shuts the association down
// (returning nil) or an error, and sends each back on its stream with its
// PPID and ordering when echo is set; once the peer has started its
// shutdown the echoes stop and the rest is only read. onMsg, if not nil,
// is told the length of each message read.
func echoMessages(c *adapter.Conn, echo bool, onMsg func(n int)) error {
	buf := make([]byte, serverReadBuffer)
	var msg []byte
	for {
		n, info, err := c.ReadMsg(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		msg = append(msg, buf[:n]...)
		if !info.Complete {
			continue // The rest of the message follows.
		}
		if onMsg != nil {
			onMsg(len(msg))
		}
		if echo {
			si := adapter.SendInfo{Stream: info.Stream, PPID: info.PPID, Unordered: info.Unordered}
			if _, err := c.WriteMsg(msg, &si); errors.Is(err, adapter.ErrWriteClosed) {
				// The peer shut down (RFC 9260 9.2): no more echoes
				// can go, but what it sent before is still read, so
				// that the association ends gracefully rather than
				// with the ABORT of a close with unread data.
				echo = false
			} else if err != nil {
				return err
			}
		}
		msg = msg[:0]
	}
}

// send writes the planned messages from index from up to (not including)
// to, in order, at most rate a second if rate is positive. The client's
// -early sends the first message on its own, before the others.
func send(c *adapter.Conn, p *plan, ctr *counters, rate float64, from, to int) error {
	buf := make([]byte, maxSize)
	start := time.Now()
	for i := from; i < to; i++ {
		if rate > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(float64(i-from) / rate * float64(time.Second)))))
		}
		m := &p.msgs[i]
		b := buf[:m.size]
		p.fill(m, b)
		si := adapter.SendInfo{Stream: m.stream, PPID: m.ppid(), Unordered: m.unordered}
		if _, err := c.WriteMsg(b, &si); err != nil {
			return fmt.Errorf("message %d: %w", m.id, err)
		}
		ctr.sentMsgs.Add(1)
		ctr.sentBytes.Add(int64(m.size))
	}
	return nil
}

// receive reads the echoes until as many have come back as were sent,
// and has each checked.
func receive(c *adapter.Conn, p *plan, r *Result, ctr *counters) error {
	buf := make([]byte, maxSize)
	v := newVerifier(p, r)
	var msg []byte
	start := time.Now()
	last := start
	for got := 0; got < len(p.msgs); {
		n, info, err := c.ReadMsg(buf)
		if err != nil {
			return fmt.Errorf("client: read after %d of %d echoes: %w", got, len(p.msgs), err)
		}
		msg = append(msg, buf[:n]...)
		if !info.Complete {
			continue
		}
		got++
		now := time.Now()
		if gap := now.Sub(last); gap > r.LongestPause {
			r.LongestPause, r.PauseEnd = gap, now.Sub(start)
		}
		last = now
		ctr.echoedMsgs.Add(1)
		ctr.echoedBytes.Add(int64(len(msg)))
		v.check(msg, info)
		msg = msg[:0]
	}
	return nil
}
