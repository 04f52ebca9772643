package interop

import (
	"testing"
	"time"

	"github.com/netstack-sctp/sctp/adapter"
)

// Bulk throughput with foreign stacks: one ordered stream, 32 KiB
// messages, a clean link on the real clock, no pcap. The figures measure
// both stacks and the bridge together (every packet is copied into and out
// of the simulated link, and the foreign stack's side has no IP stack), so
// they compare peers with each other and runs with each other, not with
// kernel SCTP. Run without -race:
//
//	go test -run '^$' -bench . -benchtime 3s ./tests/interop/
//	go test -tags usrsctp -run '^$' -bench . -benchtime 3s ./tests/interop/

// bulkMsg is the message size of the throughput benchmarks.
const bulkMsg = 32 << 10

// ourBulkSend writes n bulk messages on c, stopping at the first error.
func ourBulkSend(b *testing.B, c *adapter.Conn, n int) {
	msg := make([]byte, bulkMsg)
	for range n {
		if _, err := c.WriteMsg(msg, &adapter.SendInfo{PPID: ppidBase}); err != nil {
			b.Errorf("WriteMsg: %v", err)
			return
		}
	}
}

// ourBulkReceive reads until want bytes arrived or reading fails.
func ourBulkReceive(b *testing.B, c *adapter.Conn, want int) {
	buf := make([]byte, 1<<16)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Minute))
	for got := 0; got < want; {
		n, _, err := c.ReadMsg(buf)
		if err != nil {
			b.Fatalf("after %d of %d bytes: %v", got, want, err)
		}
		got += n
	}
}
