package interop

import (
	"testing"

	"github.com/pion/sctp"
)

// BenchmarkPionBulk measures bulk throughput with pion each way (see
// bench_test.go).
func BenchmarkPionBulk(b *testing.B) {
	b.Run("OursToPion", func(b *testing.B) { benchPion(b, true) })
	b.Run("PionToOurs", func(b *testing.B) { benchPion(b, false) })
}

func benchPion(b *testing.B, ourSend bool) {
	w := newWorld(b, worldConfig{NoPcap: true})
	dropEmptyHeartbeats(b, w)
	log := &logSink{}
	ln := listenOurs(b, w, pionPort)
	a, err := sctp.ClientWithOptions(pionClientOptions(w, log)...)
	if err != nil {
		b.Fatalf("pion client: %v", err)
	}
	b.Cleanup(func() { a.Close() })
	ours := acceptOurs(b, ln)
	b.Cleanup(func() { ours.Abort() })
	want := b.N * bulkMsg
	b.SetBytes(bulkMsg)
	b.ResetTimer()
	if ourSend {
		go ourBulkSend(b, ours, b.N)
		s, err := a.AcceptStream()
		if err != nil {
			b.Fatalf("pion AcceptStream: %v", err)
		}
		buf := make([]byte, 1<<17)
		for got := 0; got < want; {
			n, _, err := s.ReadSCTP(buf)
			if err != nil {
				b.Fatalf("pion ReadSCTP after %d of %d bytes: %v", got, want, err)
			}
			got += n
		}
	} else {
		go pionBulkSend(b, a, b.N)
		ourBulkReceive(b, ours, want)
	}
	b.StopTimer()
}

// pionBulkSend writes n bulk messages from pion, keeping at most 2 MiB
// buffered in pion the way WebRTC applications do (pion's writes do not
// block by default).
func pionBulkSend(b *testing.B, a *sctp.Association, n int) {
	s, err := a.OpenStream(0, sctp.PayloadProtocolIdentifier(ppidBase))
	if err != nil {
		b.Errorf("pion OpenStream: %v", err)
		return
	}
	const high, low = 2 << 20, 1 << 20
	lowCh := make(chan struct{}, 1)
	s.SetBufferedAmountLowThreshold(low)
	s.OnBufferedAmountLow(func() {
		select {
		case lowCh <- struct{}{}:
		default:
		}
	})
	msg := make([]byte, bulkMsg)
	for range n {
		for s.BufferedAmount() > high {
			<-lowCh
		}
		if _, err := s.WriteSCTP(msg, sctp.PayloadProtocolIdentifier(ppidBase)); err != nil {
			b.Errorf("pion WriteSCTP: %v", err)
			return
		}
	}
}
