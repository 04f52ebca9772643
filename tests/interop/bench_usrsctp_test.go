//go:build usrsctp && cgo

package interop

import (
	"testing"

	"github.com/netstack-sctp/sctp/tests/interop/internal/usrsctp"
)

// BenchmarkUsrsctpBulk measures bulk throughput with usrsctp each way (see
// bench_test.go).
func BenchmarkUsrsctpBulk(b *testing.B) {
	b.Run("OursToUsrsctp", func(b *testing.B) { benchUsrsctp(b, true) })
	b.Run("UsrsctpToOurs", func(b *testing.B) { benchUsrsctp(b, false) })
}

func benchUsrsctp(b *testing.B, ourSend bool) {
	w := newWorld(b, worldConfig{NoPcap: true})
	addr := attachUsrsctp(b, w)
	ourPort := nextUsrsctpPort()
	ln := listenOurs(b, w, ourPort)
	s, err := usrsctp.Dial(addr, nextUsrsctpPort(), ourPort, usrsctpSocketConfig(0))
	if err != nil {
		b.Fatalf("usrsctp connect: %v", err)
	}
	ours := acceptOurs(b, ln)
	b.Cleanup(func() {
		ours.Abort()
		s.Close()
	})
	want := b.N * bulkMsg
	b.SetBytes(bulkMsg)
	b.ResetTimer()
	if ourSend {
		go ourBulkSend(b, ours, b.N)
		buf := make([]byte, 1<<17)
		for got := 0; got < want; {
			n, _, err := s.Recv(buf)
			if err != nil {
				b.Fatalf("usrsctp Recv after %d of %d bytes: %v", got, want, err)
			}
			got += n
		}
	} else {
		go func() {
			msg := make([]byte, bulkMsg)
			for range b.N {
				if err := s.Send(msg, 0, ppidBase, false); err != nil {
					b.Errorf("usrsctp send: %v", err)
					return
				}
			}
		}()
		ourBulkReceive(b, ours, want)
	}
	b.StopTimer()
}
