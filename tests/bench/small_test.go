package bench

import (
	"testing"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// smallMsg is the message size of figure 2.
const smallMsg = 64

// udpWindow bounds the datagrams UDP's sender may have sent and the
// receiver not yet read, so that UDP is measured at the rate it delivers
// without loss rather than at the rate the receiver drops.
const udpWindow = 1024

// BenchmarkSmallMessages is figure 2: 64-byte messages on one SCTP
// association (one stream, ordered, Nagle-like bundling on, as by
// default) against 64-byte datagrams of gVisor UDP on the same link
// (MTU 1500), in alternating rounds. A unit is one message read by the
// receiving application; each Read returns one message or datagram. SCTP
// flushes at the end of each round (SetNoDelay on and off).
// Reports SCTP-msg/s, UDP-msg/s and SCTP/UDP.
func BenchmarkSmallMessages(b *testing.B) {
	_, l := newLink(b, 1500, sctpOptions())
	Compare(b, "msg", 0,
		smallSCTP(b, l),
		smallUDP(b, l))
}

func smallSCTP(b *testing.B, l *sctptest.Link) Contender {
	c, s := connect(b, l, sctp.ProtocolNumber, 5000)
	cnt := newCounter()
	go receive(s, cnt, true)
	w := newWriter(c, smallMsg)
	var sent int64
	return Contender{Name: "SCTP", Run: func(n int) {
		for range n {
			w.write(b)
		}
		flush(c.ep)
		sent += int64(n)
		cnt.waitFor(sent)
	}}
}

func smallUDP(b *testing.B, l *sctptest.Link) Contender {
	c, s := udpPair(b, l, 5001)
	cnt := newCounter()
	go receive(s, cnt, true)
	w := newWriter(c, smallMsg)
	var sent, got int64
	return Contender{Name: "UDP", Run: func(n int) {
		// Send until n more datagrams have been delivered; the few in
		// flight at the end count for the next round.
		target := got + int64(n)
		for cnt.n.Load() < target {
			if sent-cnt.n.Load() >= udpWindow {
				waitBelow(cnt, sent-udpWindow/2)
				continue
			}
			w.write(b)
			sent++
		}
		got = target
	}}
}

// waitBelow waits until the receiver has read at least v datagrams or,
// if some were lost, until it stops reading.
func waitBelow(c *counter, v int64) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for last, idle := c.n.Load(), 0; c.n.Load() < v && idle < 20; {
		c.want.Store(v)
		t.Reset(time.Millisecond)
		select {
		case <-c.wake:
		case <-t.C:
		}
		if cur := c.n.Load(); cur == last {
			idle++
		} else {
			last, idle = cur, 0
		}
	}
}
