package bench

import (
	"fmt"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// bulkWrite is the size of each write in the bulk benchmarks.
const bulkWrite = 64 << 10

// BenchmarkBulk is figure 1 (and the CPU-per-byte half of figure 6): one
// SCTP association with one stream against one gVisor TCP connection, on
// two stacks in this process joined by a clean in-memory link, 64 KiB
// writes, 4 MiB buffers on both, in alternating rounds. A unit is one
// write delivered to the receiving application. Reports SCTP-MB/s,
// TCP-MB/s, SCTP/TCP, CPU seconds per GB and allocations per write.
func BenchmarkBulk(b *testing.B) {
	for _, mtu := range []uint32{1500, 9000, 65000} {
		b.Run(fmt.Sprintf("MTU%d", mtu), func(b *testing.B) {
			_, l := newLink(b, mtu, sctpOptions())
			Compare(b, "write", bulkWrite,
				bulkContender(b, l, "SCTP", sctp.ProtocolNumber, 5000),
				bulkContender(b, l, "TCP", tcp.ProtocolNumber, 5001))
		})
	}
}

// BenchmarkBulkSackFreq is figure 1 at MTU 1500 with SCTP's receiver
// acknowledging every 16th packet (SCTP_DELAYED_SACK sack_freq 16, which
// RFC 6458 8.1.19 lets a user choose and Linux and FreeBSD accept; RFC 9260
// 6.2 recommends every second packet, our default): how much of the gap
// to TCP is the acknowledgement rate.
func BenchmarkBulkSackFreq(b *testing.B) {
	_, l := newLink(b, 1500, sctpOptions())
	Compare(b, "write", bulkWrite,
		bulkContenderWith(b, l, "SCTP", sctp.ProtocolNumber, 5000, func(s tcpip.Endpoint) {
			if err := s.(*sctp.Endpoint).SetDelayedSack(sctp.DelayedSack{Freq: 16}); err != nil {
				b.Fatal(err)
			}
		}),
		bulkContender(b, l, "TCP", tcp.ProtocolNumber, 5001))
}

// bulkContender connects a pair of proto and returns the contender that
// sends n 64 KiB writes over it.
func bulkContender(b *testing.B, l *sctptest.Link, name string, proto tcpip.TransportProtocolNumber, port uint16) Contender {
	return bulkContenderWith(b, l, name, proto, port, nil)
}

// bulkContenderWith is bulkContender with setup applied to the receiving
// endpoint first.
func bulkContenderWith(b *testing.B, l *sctptest.Link, name string, proto tcpip.TransportProtocolNumber, port uint16, setup func(s tcpip.Endpoint)) Contender {
	c, s := connect(b, l, proto, port)
	if setup != nil {
		setup(s.ep)
	}
	cnt := newCounter()
	go receive(s, cnt, false)
	w := newWriter(c, bulkWrite)
	var sent int64
	return Contender{Name: name, Run: func(n int) {
		for range n {
			w.write(b)
		}
		flush(c.ep)
		sent += int64(n) * bulkWrite
		cnt.waitFor(sent)
	}}
}

// flush sends what SCTP's Nagle-like coalescing holds back at the end of a
// round (SetNoDelay on and off), which would otherwise wait for the SACK
// of the data before it, which the peer may delay by 200 ms: a stall per
// round that steady streaming never sees. TCP's endpoint is left alone.
func flush(ep tcpip.Endpoint) {
	if e, ok := ep.(*sctp.Endpoint); ok {
		e.SetNoDelay(true)
		e.SetNoDelay(false)
	}
}
