package sctp

import (
	"bytes"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// BenchmarkThroughput moves 8 KiB messages over one association on a
// real-clock link (no impairments) and reports bytes per second.
func BenchmarkThroughput(b *testing.B) {
	n := sctptest.New(sctptest.Options{
		Seed:               1,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocolWithOptions(Options{DelayedAckTime: 5 * time.Millisecond})},
	})
	defer n.Close()
	ha, hb := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(ha, hb, sctptest.LinkConfig{MTU: 9000})
	if err != nil {
		b.Fatal(err)
	}
	var lwq, cwq waiter.Queue
	lep, _ := hb.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &lwq)
	lep.Bind(tcpip.FullAddress{Port: 5000})
	lep.Listen(1)
	cep, _ := ha.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &cwq)
	ce, cch := waiter.NewChannelEntry(waiter.WritableEvents)
	cwq.EventRegister(&ce)
	cep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: 5000})
	<-cch
	var sep tcpip.Endpoint
	var swq *waiter.Queue
	for sep == nil {
		sep, swq, _ = lep.Accept(nil)
		time.Sleep(time.Millisecond)
	}
	se, sch := waiter.NewChannelEntry(waiter.ReadableEvents)
	swq.EventRegister(&se)
	const size = 8 << 10
	msg := make([]byte, size)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var sink bytes.Buffer
		for got := 0; got < b.N; {
			sink.Reset()
			if _, err := sep.Read(&sink, tcpip.ReadOptions{}); err != nil {
				select {
				case <-sch:
				case <-time.After(5 * time.Millisecond):
				}
				continue
			}
			got++
		}
	}()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		if _, err := cep.Write(bytes.NewReader(msg), tcpip.WriteOptions{}); err != nil {
			select {
			case <-cch:
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		i++
	}
	<-done
	b.StopTimer()
	st, _ := cep.(*Endpoint).Status()
	ps := Stats(ha.Stack())
	b.Logf("cwnd %d peerRwnd %d rto %v srtt %v sndbuf-full %d T3 %d pkts %d sacks-in %d", st.Primary.Cwnd, st.PeerRwnd, st.Primary.RTO, st.Primary.SRTT, ps.SendBufferFull.Value(), ps.Timeouts[timerT3Rtx].Value(), ps.PacketsSent.Value(), ps.ChunksReceived[3].Value())
	bs := Stats(hb.Stack())
	b.Logf("b: csum %d malformed %d vtag %d ootb %d pkts-in %d data-in %d; link %+v", bs.ChecksumErrors.Value(), bs.MalformedPackets.Value(), bs.VerificationTagDrops.Value(), bs.OutOfTheBluePackets.Value(), bs.PacketsReceived.Value(), bs.ChunksReceived[0].Value(), l.Stats(sctptest.AtoB))
	cep.Close()
	sep.Close()
	lep.Close()
}
