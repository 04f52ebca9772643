package header

import (
	"encoding/binary"
	"hash/crc32"
)

// SCTP common header field offsets and sizes (RFC 9260 3.1).
const (
	sctpSrcPort  = 0
	sctpDstPort  = 2
	sctpVTag     = 4
	sctpChecksum = 8

	// SCTPCommonHeaderLen is the size of the SCTP common header.
	SCTPCommonHeaderLen = 12

	// SCTPProtocolNumber is SCTP's IP protocol number.
	SCTPProtocolNumber = 132
)

// SCTP is a view of an SCTP packet: the common header followed by chunks
// (RFC 9260 3.1).
type SCTP []byte

// SCTPFields is what SCTP.Encode writes into a common header.
type SCTPFields struct {
	SrcPort         uint16
	DstPort         uint16
	VerificationTag uint32
}

// SourcePort returns the "Source Port Number" field.
func (b SCTP) SourcePort() uint16 { return binary.BigEndian.Uint16(b[sctpSrcPort:]) }

// DestinationPort returns the "Destination Port Number" field.
func (b SCTP) DestinationPort() uint16 { return binary.BigEndian.Uint16(b[sctpDstPort:]) }

// VerificationTag returns the "Verification Tag" field.
func (b SCTP) VerificationTag() uint32 { return binary.BigEndian.Uint32(b[sctpVTag:]) }

// Checksum returns the "Checksum" field as the value hash/crc32 computes.
//
// RFC 9260 Appendix A computes the reflected CRC32c and transmits its least
// significant byte first, so the value of hash/crc32's Castagnoli table is
// stored little-endian.
func (b SCTP) Checksum() uint32 { return binary.LittleEndian.Uint32(b[sctpChecksum:]) }

// SetSourcePort sets the "Source Port Number" field.
func (b SCTP) SetSourcePort(p uint16) { binary.BigEndian.PutUint16(b[sctpSrcPort:], p) }

// SetDestinationPort sets the "Destination Port Number" field.
func (b SCTP) SetDestinationPort(p uint16) { binary.BigEndian.PutUint16(b[sctpDstPort:], p) }

// SetVerificationTag sets the "Verification Tag" field.
func (b SCTP) SetVerificationTag(t uint32) { binary.BigEndian.PutUint32(b[sctpVTag:], t) }

// SetChecksum sets the "Checksum" field.
func (b SCTP) SetChecksum(c uint32) { binary.LittleEndian.PutUint32(b[sctpChecksum:], c) }

// Encode writes the common header's fields; the checksum is set to zero.
func (b SCTP) Encode(f *SCTPFields) {
	b.SetSourcePort(f.SrcPort)
	b.SetDestinationPort(f.DstPort)
	b.SetVerificationTag(f.VerificationTag)
	b.SetChecksum(0)
}

// Chunks returns the bytes after the common header.
func (b SCTP) Chunks() []byte { return b[SCTPCommonHeaderLen:] }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var zeroChecksum [4]byte

// CalculateChecksum computes the CRC32c of the whole packet with the
// checksum field taken as zero (RFC 9260 6.8), without modifying b.
func (b SCTP) CalculateChecksum() uint32 {
	c := crc32.Update(0, castagnoli, b[:sctpChecksum])
	c = crc32.Update(c, castagnoli, zeroChecksum[:])
	return crc32.Update(c, castagnoli, b[SCTPCommonHeaderLen:])
}

// ChecksumUpdate continues a CRC32c over more bytes, for packets whose
// payload is held in several buffers. Start with the value returned for the
// first buffer (beginning with a header whose checksum field is zero).
func ChecksumUpdate(crc uint32, p []byte) uint32 { return crc32.Update(crc, castagnoli, p) }

// SetChecksumCRC32c computes and stores the packet's CRC32c (RFC 9260 6.8).
func (b SCTP) SetChecksumCRC32c() {
	b.SetChecksum(0)
	b.SetChecksum(b.CalculateChecksum())
}

// IsChecksumValid reports whether the stored checksum matches the packet
// (RFC 9260 6.8).
func (b SCTP) IsChecksumValid() bool { return b.Checksum() == b.CalculateChecksum() }
