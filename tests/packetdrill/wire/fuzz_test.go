package wire

import (
	"testing"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// FuzzDecode feeds arbitrary chunk bytes to the decoder, which reads what
// the stack under test sends and must survive any of it. A decoded packet
// must also match itself, printed and all.
func FuzzDecode(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 3, 0, 17, 0, 0, 0, 1, 0, 2, 0, 3, 0, 0, 0, 4, 9, 0, 0, 0},
		{3, 0, 0, 24, 0, 0, 0, 9, 0, 0, 5, 0xdc, 0, 1, 0, 1, 0, 1, 0, 2, 0, 0, 0, 7},
		{9, 0, 0, 16, 0, 6, 0, 12, 0x7e, 0, 0, 6, 1, 2, 0, 0},
		{2, 0, 0, 28, 0, 0, 0, 1, 0, 0, 5, 0xdc, 0, 1, 0, 1, 0, 0, 0, 1, 0, 7, 0, 8, 1, 2, 3, 4},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _ := DecodeChunks(b)
		for _, c := range Abbreviate(d.Chunks, 8) {
			_ = script.FormatChunk(c)
		}
		if err := Match(d.Chunks, d); err != nil {
			t.Fatalf("decoded chunks do not match themselves: %v", err)
		}
	})
}
