package sctp

import (
	"bytes"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// countingWriter discards what it is given, counting it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// bulkPair is a connected pair of endpoints of one protocol over a
// real-clock sctptest link with MTU 1500.
type bulkPair struct {
	n        *sctptest.Network
	snd, rcv tcpip.Endpoint
	swq, rwq *waiter.Queue
	sndStack *stack.Stack
	rcvStack *stack.Stack
	close    func()
}

func newBulkPair(b *testing.B, proto tcpip.TransportProtocolNumber) *bulkPair {
	b.Helper()
	n := sctptest.New(sctptest.Options{
		Seed:      1,
		RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{
			NewProtocolWithOptions(Options{SendBufferSize: 4 << 20, ReceiveBufferSize: 4 << 20}), tcp.NewProtocol,
		},
	})
	ha, hb := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(ha, hb, sctptest.LinkConfig{MTU: 1500})
	if err != nil {
		b.Fatal(err)
	}
	if proto == tcp.ProtocolNumber {
		for _, h := range []*sctptest.Host{ha, hb} {
			sack := tcpip.TCPSACKEnabled(true)
			h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
			rs := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 4 << 20, Max: 8 << 20}
			h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &rs)
			ss := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 4 << 20, Max: 8 << 20}
			h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &ss)
		}
	}
	var lwq, cwq waiter.Queue
	lep, _ := hb.Stack().NewEndpoint(proto, ipv4.ProtocolNumber, &lwq)
	if err := lep.Bind(tcpip.FullAddress{Port: 5000}); err != nil {
		b.Fatal(err)
	}
	lep.Listen(1)
	cep, _ := ha.Stack().NewEndpoint(proto, ipv4.ProtocolNumber, &cwq)
	ce, cch := waiter.NewChannelEntry(waiter.WritableEvents)
	cwq.EventRegister(&ce)
	cep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: 5000})
	select {
	case <-cch:
	case <-time.After(10 * time.Second):
		b.Fatal("connect timed out")
	}
	cwq.EventUnregister(&ce)
	var sep tcpip.Endpoint
	var swq *waiter.Queue
	for deadline := time.Now().Add(10 * time.Second); sep == nil; {
		sep, swq, _ = lep.Accept(nil)
		if time.Now().After(deadline) {
			b.Fatal("accept timed out")
		}
		time.Sleep(time.Millisecond)
	}
	return &bulkPair{n: n, snd: cep, rcv: sep, swq: &cwq, rwq: swq, sndStack: ha.Stack(), rcvStack: hb.Stack(), close: func() {
		cep.Close()
		sep.Close()
		lep.Close()
		n.Close()
	}}
}

// run moves total bytes in writes of size from snd to rcv.
func (bp *bulkPair) run(b *testing.B, total, size int) {
	msg := make([]byte, size)
	done := make(chan struct{})
	go func() {
		defer close(done)
		re, rch := waiter.NewChannelEntry(waiter.ReadableEvents)
		bp.rwq.EventRegister(&re)
		defer bp.rwq.EventUnregister(&re)
		var sink countingWriter
		for sink.n < total {
			if _, err := bp.rcv.Read(&sink, tcpip.ReadOptions{}); err != nil {
				if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
					b.Error(err)
					return
				}
				select {
				case <-rch:
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
	}()
	we, wch := waiter.NewChannelEntry(waiter.WritableEvents)
	bp.swq.EventRegister(&we)
	defer bp.swq.EventUnregister(&we)
	var r bytes.Reader
	for sent := 0; sent < total; {
		r.Reset(msg[:min(size, total-sent)])
		n, err := bp.snd.Write(&r, tcpip.WriteOptions{})
		if err != nil {
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
				b.Fatal(err)
			}
			select {
			case <-wch:
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		sent += int(n)
	}
	<-done
}

// BenchmarkBulk compares SCTP's bulk throughput with gVisor TCP's on the
// same stacks and link (real clock, MTU 1500, 4 MiB buffers): 64 KiB
// writes, one association or connection per sub-benchmark. b.SetBytes
// makes the MB/s column comparable.
func BenchmarkBulk(b *testing.B) {
	const size = 64 << 10
	for _, pc := range []struct {
		name  string
		proto tcpip.TransportProtocolNumber
	}{{"SCTP", ProtocolNumber}, {"TCP", tcp.ProtocolNumber}} {
		b.Run(pc.name, func(b *testing.B) {
			bp := newBulkPair(b, pc.proto)
			defer bp.close()
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			bp.run(b, b.N*size, size)
			b.StopTimer()
			if ep, ok := bp.snd.(*Endpoint); ok {
				st, _ := ep.Status()
				b.ReportMetric(float64(st.Primary.Cwnd), "cwnd")
				as := &ep.getAssoc().stats
				b.Logf("N=%d rto %v srtt %v T3 %d fast %d sacks-in %d pkts-out %d dropped(rx) %d zwp %d", b.N, st.Primary.RTO, st.Primary.SRTT,
					as.Timeouts[timerT3Rtx].Value(), as.FastRetransmits.Value(), as.ChunksReceived.Of(3).Value(), as.PacketsSent.Value(),
					Stats(bp.rcvStack).DataDropped.Value(), Stats(bp.sndStack).ZeroWindowProbes.Value())
				b.Logf("rcv delayed-sack timeouts %d, snd-buffer-full %d", Stats(bp.rcvStack).Timeouts[timerSack].Value(), Stats(bp.sndStack).SendBufferFull.Value())
			}
		})
	}
}

// BenchmarkSmall is figure 2's SCTP side alone (64-byte messages, one
// association, the Nagle-like bundling on), for profiles of the
// per-message path without UDP's rounds in between.
func BenchmarkSmall(b *testing.B) {
	const size = 64
	bp := newBulkPair(b, ProtocolNumber)
	defer bp.close()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	bp.run(b, b.N*size, size)
}
