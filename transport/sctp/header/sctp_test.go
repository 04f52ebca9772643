package header

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crc32cBitwise is RFC 9260 Appendix A's CRC32c computed bit by bit from
// the reflected polynomial, independently of hash/crc32.
func crc32cBitwise(b []byte) uint32 {
	const poly = 0x82F63B78 // 0x1EDC6F41 reflected
	c := ^uint32(0)
	for _, x := range b {
		c ^= uint32(x)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
	}
	return ^c
}

func TestCRC32cKnownAnswers(t *testing.T) {
	inc, dec := make([]byte, 32), make([]byte, 32)
	for i := range inc {
		inc[i], dec[i] = byte(i), byte(31-i)
	}
	// An iSCSI SCSI Read (10) Command PDU.
	read10, _ := hex.DecodeString("01c0000000000000000000000000000014000000000004000000001400000018" +
		"28000000000000000200000000000000")
	for _, tc := range []struct {
		name string
		in   []byte
		want uint32
	}{
		// RFC 3720 B.4.
		{"32 zeros", make([]byte, 32), 0x8a9136aa},
		{"32 0xff", bytes.Repeat([]byte{0xff}, 32), 0x62a8ab43},
		{"0..31", inc, 0x46dd794e},
		{"31..0", dec, 0x113fdb5c},
		{"iSCSI read", read10, 0xd9963a56},
		// The CRC-32C check value.
		{"123456789", []byte("123456789"), 0xe3069283},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ChecksumUpdate(0, tc.in))
			assert.Equal(t, tc.want, crc32cBitwise(tc.in))
		})
	}
}

// TestCRC32cTable compares entries of the table that hash/crc32 uses with
// RFC 9260 Appendix A's crc_c[].
func TestCRC32cTable(t *testing.T) {
	for i, want := range map[int]uint32{1: 0xF26B8303, 2: 0xE13B70F7, 128: 0x82F63B78, 255: 0xAD7D5351} {
		assert.Equal(t, want, castagnoli[i], "crc_c[%d]", i)
	}
}

func TestCRC32cMatchesBitwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		require.Equal(t, crc32cBitwise(b), ChecksumUpdate(0, b), "len %d", n)
		// Split in two buffers.
		k := n / 3
		require.Equal(t, crc32cBitwise(b), ChecksumUpdate(ChecksumUpdate(0, b[:k]), b[k:]))
	}
}

// wireInitPacket is an INIT (ports 2905, Initiate Tag 0xa1b2c3d4, a_rwnd
// 65536, OS 10, MIS 5, Initial TSN 0x01020304, Supported Address Types
// IPv4, IPv4 Address 192.168.0.1) whose checksum tshark 4 reports as
// "0x4802324f [correct]": the bytes 48 02 32 4f, that is the CRC32c value
// 0x4f320248 stored least significant byte first (RFC 9260 Appendix A), as
// Linux and pion/sctp store it too.
const wireInitPacket = "0b590b59000000004802324f" +
	"01000024a1b2c3d400010000000a000501020304" +
	"000c000600050000" + "00050008c0a80001"

func TestChecksumByteOrder(t *testing.T) {
	pkt, err := hex.DecodeString(wireInitPacket)
	require.NoError(t, err)
	s := SCTP(pkt)
	assert.Equal(t, uint32(0x4f320248), s.Checksum())
	assert.Equal(t, uint32(0x4f320248), s.CalculateChecksum())
	assert.True(t, s.IsChecksumValid())
	assert.Equal(t, crc32cBitwise(append(append(bytes.Clone(pkt[:8]), 0, 0, 0, 0), pkt[12:]...)), s.Checksum())

	// Every single-bit error is caught.
	for i := range len(pkt) * 8 {
		pkt[i/8] ^= 1 << (i % 8)
		require.False(t, s.IsChecksumValid(), "bit %d", i)
		pkt[i/8] ^= 1 << (i % 8)
	}

	// The builders produce the same bytes.
	b := make([]byte, len(pkt))
	SCTP(b).Encode(&SCTPFields{SrcPort: 2905, DstPort: 2905})
	params := b[SCTPCommonHeaderLen+InitChunkHeaderLen:]
	n := SupportedAddressTypesParam(params).Encode(&SupportedAddressTypesFields{Types: []ParamType{ParamIPv4Address}})
	n += EncodeAddressParam(params[n:], netip.MustParseAddr("192.168.0.1"))
	InitChunk(b[SCTPCommonHeaderLen:]).Encode(&InitFields{
		InitiateTag: 0xa1b2c3d4, ARwnd: 65536, OutboundStreams: 10, InboundStreams: 5,
		InitialTSN: 0x01020304, Params: params[:n],
	})
	SCTP(b).SetChecksumCRC32c()
	assert.Equal(t, wireInitPacket, hex.EncodeToString(b))
}

func TestCommonHeader(t *testing.T) {
	b := bytes.Repeat([]byte{0xAA}, SCTPCommonHeaderLen+4)
	s := SCTP(b)
	s.Encode(&SCTPFields{SrcPort: 1, DstPort: 0xfffe, VerificationTag: 0xdeadbeef})
	assert.Equal(t, "0001fffedeadbeef00000000", hex.EncodeToString(b[:SCTPCommonHeaderLen]))
	assert.Equal(t, uint16(1), s.SourcePort())
	assert.Equal(t, uint16(0xfffe), s.DestinationPort())
	assert.Equal(t, uint32(0xdeadbeef), s.VerificationTag())
	assert.Equal(t, b[SCTPCommonHeaderLen:], s.Chunks())
	s.SetChecksumCRC32c()
	assert.True(t, s.IsChecksumValid())
	// CalculateChecksum does not depend on the stored checksum.
	c := s.Checksum()
	s.SetChecksum(12345)
	assert.Equal(t, c, s.CalculateChecksum())
	assert.False(t, s.IsChecksumValid())
}
