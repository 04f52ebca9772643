package sctp

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// sctpBytes is an SCTP packet (common header and chunks) with its CRC32c.
func sctpBytes(chunks ...[]byte) []byte {
	b := make([]byte, header.SCTPCommonHeaderLen)
	for _, c := range chunks {
		b = append(b, c...)
	}
	s := header.SCTP(b)
	s.Encode(&header.SCTPFields{SrcPort: 7000, DstPort: 6000, VerificationTag: 42})
	s.SetChecksumCRC32c()
	return b
}

// received makes pkt as the receiving stack hands it to parsePacket: b
// cut into views at cuts, the common header parsed.
func received(t *testing.T, b []byte, cuts ...int) *stack.PacketBuffer {
	t.Helper()
	var buf buffer.Buffer
	prev := 0
	for _, c := range append(cuts, len(b)) {
		v := buffer.NewViewWithData(append([]byte(nil), b[prev:c]...))
		nb := buffer.MakeWithView(v)
		buf.Merge(&nb)
		prev = c
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buf})
	require.True(t, (*protocol)(nil).Parse(pkt))
	return pkt
}

// parsedChunk is what the state machine sees of a chunk.
type parsedChunk struct {
	typ   header.ChunkType
	flags uint8
	data  string // DATA: the user data; others: the value
}

// parse runs parsePacket and lists the chunks as the state machine sees
// them, with a split DATA chunk's user data taken from where it is.
func parse(t *testing.T, p *protocol, pkt *stack.PacketBuffer) ([]parsedChunk, bool, bool) {
	t.Helper()
	pi := new(packetInfo)
	defer pi.release()
	chunks, ok := p.parsePacket(stack.TransportEndpointID{}, pkt, pi)
	if !ok {
		return nil, false, false
	}
	var out []parsedChunk
	it := header.NewChunkIter(chunks)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		pc := parsedChunk{typ: c.Type(), flags: c.Flags(), data: string(c.Value())}
		if c.Type() == header.ChunkData && len(c) >= header.DataChunkHeaderLen {
			d := header.DataChunk(c)
			data := d.UserData()
			if ext, ok := pi.splitUserData(c); ok {
				data = ext
				// The user data is taken by reference, not copied.
				v := pi.payloadView(data)
				require.NotNil(t, v)
				require.Same(t, &data[0], &v.AsSlice()[0])
				v.Release()
			}
			pc.data = string(c[4:header.DataChunkHeaderLen]) + string(data)
		}
		out = append(out, pc)
	}
	require.NoError(t, it.Err())
	return out, true, pi.ext != nil
}

// TestSplitPacket: a packet whose DATA payload arrives in a view of its
// own (our packet builder's layout handed through an in-memory link) is
// parsed without being made contiguous, with the same result as the
// contiguous packet; anything else is made contiguous as before.
func TestSplitPacket(t *testing.T) {
	payload := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + 1)
		}
		return b
	}
	sack := make([]byte, header.SackChunkLen(0, 0))
	header.SackChunk(sack).Encode(&header.SackFields{CumTSNAck: 9, ARwnd: 1 << 16})
	for _, tc := range []struct {
		name   string
		chunks [][]byte
		cut    func(b []byte) []int // where the views start
		split  bool
	}{
		{"alone", [][]byte{dataChunk(10, 0, payload(1452))}, func(b []byte) []int { return []int{28} }, true},
		{"padded", [][]byte{dataChunk(10, 0, payload(1001))}, func(b []byte) []int { return []int{28, 28 + 1001} }, true},
		{"after a SACK", [][]byte{sack, dataChunk(10, 0, payload(600))}, func(b []byte) []int { return []int{28 + len(sack)} }, true},
		{"contiguous", [][]byte{dataChunk(10, 0, payload(1452))}, func(b []byte) []int { return nil }, false},
		{"small payload", [][]byte{dataChunk(10, 0, payload(100))}, func(b []byte) []int { return []int{28} }, false},
		{"two DATA", [][]byte{dataChunk(10, 0, payload(600)), dataChunk(11, 0, payload(600))}, func(b []byte) []int { return []int{28, 28 + 600, 28 + 616} }, false},
		{"padding in the payload view", [][]byte{dataChunk(10, 0, payload(1001))}, func(b []byte) []int { return []int{28} }, false},
		{"cut inside the header", [][]byte{dataChunk(10, 0, payload(1452))}, func(b []byte) []int { return []int{20} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sctpBytes(tc.chunks...)
			want, ok, _ := parse(t, &protocol{}, received(t, b))
			require.True(t, ok)
			got, ok, split := parse(t, &protocol{}, received(t, b, tc.cut(b)...))
			require.True(t, ok)
			require.Equal(t, tc.split, split)
			require.Equal(t, want, got)

			// A flipped payload bit fails the CRC on either path.
			bad := bytes.Clone(b)
			bad[len(bad)-5] ^= 1
			p := &protocol{}
			_, ok, _ = parse(t, p, received(t, bad, tc.cut(bad)...))
			require.False(t, ok)
			require.Equal(t, uint64(1), p.stats.ChecksumErrors.Value())
		})
	}

	// A DATA header whose length claims more than the payload view holds
	// is not taken as split, and the packet is malformed as it is when
	// contiguous.
	b := sctpBytes(dataChunk(10, 0, payload(1452)))
	header.Chunk(b[12:]).SetLength(header.DataChunkHeaderLen + 1456)
	header.SCTP(b).SetChecksumCRC32c()
	p := &protocol{}
	_, ok, _ := parse(t, p, received(t, b, 28))
	require.False(t, ok)
	require.Equal(t, uint64(1), p.stats.MalformedPackets.Value())

	// Any cut of any of these packets parses as the contiguous packet.
	rng := rand.New(rand.NewSource(1))
	splits := 0
	for i := 0; i < 2000; i++ {
		chunks := [][]byte{dataChunk(10, 0, payload(512+rng.Intn(1000)))}
		if rng.Intn(2) == 0 {
			chunks = append([][]byte{sack}, chunks...)
		}
		b := sctpBytes(chunks...)
		if rng.Intn(4) == 0 {
			b[12+rng.Intn(len(b)-12)] ^= byte(1 + rng.Intn(255))
			header.SCTP(b).SetChecksumCRC32c()
		}
		var cuts []int
		if rng.Intn(2) == 0 {
			// Our builder's layout: the payload a view of its own.
			l := len(chunks[len(chunks)-1]) - header.DataChunkHeaderLen
			at := len(b) - l
			cuts = append(cuts, at)
			if n := int(header.Chunk(b[at-header.DataChunkHeaderLen:]).Length()) - header.DataChunkHeaderLen; n > 0 && n < l {
				cuts = append(cuts, at+n) // the padding apart
			}
		} else {
			for c := 1 + rng.Intn(40); c < len(b) && len(cuts) < 3; c += 1 + rng.Intn(len(b)) {
				cuts = append(cuts, c)
			}
		}
		want, wok, _ := parse(t, &protocol{}, received(t, b))
		got, gok, split := parse(t, &protocol{}, received(t, b, cuts...))
		require.Equal(t, wok, gok, "cuts %v", cuts)
		require.Equal(t, want, got, "cuts %v", cuts)
		if split {
			splits++
		}
	}
	require.Greater(t, splits, 500)
}

// FuzzSplitPacket: any packet, cut into views anywhere (or in our
// builder's layout), parses as its contiguous form does.
func FuzzSplitPacket(f *testing.F) {
	f.Add(sctpBytes(dataChunk(10, 0, bytes.Repeat([]byte{7}, 600)))[12:], uint16(16), uint16(0))
	f.Add(sctpBytes(dataChunk(10, 0, bytes.Repeat([]byte{7}, 601)))[12:], uint16(16), uint16(617))
	f.Fuzz(func(t *testing.T, chunks []byte, cut1, cut2 uint16) {
		b := sctpBytes(chunks)
		var cuts []int
		for _, c := range []int{int(cut1) + 12, int(cut2) + 12} {
			if c > 12 && c < len(b) && (len(cuts) == 0 || c > cuts[len(cuts)-1]) {
				cuts = append(cuts, c)
			}
		}
		want, wok, _ := parse(t, &protocol{}, received(t, b))
		got, gok, _ := parse(t, &protocol{}, received(t, b, cuts...))
		require.Equal(t, wok, gok)
		require.Equal(t, want, got)
	})
}
