package sctptest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	sctpheader "github.com/netstack-sctp/sctp/transport/sctp/header"
)

// TestSCTPBytesThroughTheFrame goes the whole way a functional SCTP test
// will: a hand-made SCTP packet is injected, a filter rewrites a field in
// flight (fixing the CRC32c), and the test reads the result back out of a
// capture with ParseIP and the header package's views. The receiver is a
// host without SCTP, whose ICMP "protocol unreachable" quotes the packet as
// it arrived.
func TestSCTPBytesThroughTheFrame(t *testing.T) {
	const sctpProto = 132
	n := New(Options{})
	defer n.Close()
	tester, bare := n.AddRawHost("tester"), n.AddRawHost("bare")
	l, err := n.Connect(tester, bare, LinkConfig{Impairments: Impairments{Delay: time.Millisecond}})
	require.NoError(t, err)
	raw := l.A().Intercept()
	wire := l.Capture(AtoB)

	l.SetFilter(AtoB, func(p Packet) FilterVerdict {
		_, _, proto, payload, err := ParseIP(p.Data)
		if err != nil || proto != sctpProto {
			return PassPacket
		}
		s := sctpheader.SCTP(payload)
		s.SetVerificationTag(0xdeadbeef)
		s.SetChecksumCRC32c()
		return ReplacePacket(p.Data)
	})

	pkt := make([]byte, sctpheader.SCTPCommonHeaderLen+8)
	s := sctpheader.SCTP(pkt)
	s.Encode(&sctpheader.SCTPFields{SrcPort: 5000, DstPort: 5001, VerificationTag: 1})
	c := sctpheader.Chunk(s.Chunks())
	c.SetType(sctpheader.ChunkHeartbeat)
	c.SetLength(8)
	copy(c.Value(), "beat")
	s.SetChecksumCRC32c()
	l.A().WriteRaw(BuildIPv4(v4(l.A()), v4(l.B()), sctpProto, pkt))

	check := func(ipPacket []byte) {
		t.Helper()
		_, _, proto, payload, err := ParseIP(ipPacket)
		require.NoError(t, err)
		require.Equal(t, uint8(sctpProto), proto)
		got := sctpheader.SCTP(payload)
		assert.Equal(t, uint16(5000), got.SourcePort())
		assert.Equal(t, uint32(0xdeadbeef), got.VerificationTag(), "rewritten in flight")
		assert.True(t, got.IsChecksumValid())
		it := sctpheader.NewChunkIter(got.Chunks())
		ch, ok := it.Next()
		require.True(t, ok)
		assert.Equal(t, sctpheader.ChunkHeartbeat, ch.Type())
		assert.Equal(t, "beat", string(ch.Value()))
		_, ok = it.Next()
		assert.False(t, ok)
		assert.NoError(t, it.Err())
	}

	p, ok := raw.Next(time.Second)
	require.True(t, ok)
	assert.Equal(t, time.Millisecond*2, p.At, "one delay out, one back")
	_, _, proto, payload, err := ParseIP(p.Data)
	require.NoError(t, err)
	require.Equal(t, uint8(header.ICMPv4ProtocolNumber), proto)
	icmp := header.ICMPv4(payload)
	require.Equal(t, header.ICMPv4ProtoUnreachable, icmp.Code())
	check(icmp.Payload())

	require.Equal(t, 1, wire.Len())
	check(wire.Packets()[0].Data)
}
