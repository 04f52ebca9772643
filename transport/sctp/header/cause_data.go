package header

import "encoding/binary"

// Lengths of the error causes about DATA chunks (RFC 9260 3.3.10.1,
// 3.3.10.9).
const (
	InvalidStreamIdentifierCauseLen = CauseHeaderLen + 4
	NoUserDataCauseLen              = CauseHeaderLen + 4
)

// InvalidStreamIdentifierCause is a view of an Invalid Stream Identifier
// error cause (RFC 9260 3.3.10.1).
type InvalidStreamIdentifierCause Cause

// InvalidStreamIdentifierFields is what InvalidStreamIdentifierCause.Encode
// writes.
type InvalidStreamIdentifierFields struct {
	StreamID uint16
}

// StreamIdentifier returns the "Stream Identifier" field.
func (c InvalidStreamIdentifierCause) StreamIdentifier() uint16 {
	return binary.BigEndian.Uint16(c[CauseHeaderLen:])
}

// Encode writes the cause into c, which must hold
// InvalidStreamIdentifierCauseLen bytes, and returns that length. The
// reserved field is zeroed.
func (c InvalidStreamIdentifierCause) Encode(f *InvalidStreamIdentifierFields) int {
	encodeCauseHeader(c, CauseInvalidStreamIdentifier, InvalidStreamIdentifierCauseLen)
	binary.BigEndian.PutUint16(c[CauseHeaderLen:], f.StreamID)
	binary.BigEndian.PutUint16(c[CauseHeaderLen+2:], 0)
	return InvalidStreamIdentifierCauseLen
}

// NoUserDataCause is a view of a No User Data error cause (RFC 9260
// 3.3.10.9), sent for a DATA chunk of length 16 (RFC 9260 6.2).
type NoUserDataCause Cause

// NoUserDataFields is what NoUserDataCause.Encode writes.
type NoUserDataFields struct {
	TSN uint32
}

// TSN returns the "TSN" field: the TSN of the DATA chunk without user data.
func (c NoUserDataCause) TSN() uint32 { return binary.BigEndian.Uint32(c[CauseHeaderLen:]) }

// Encode writes the cause into c, which must hold NoUserDataCauseLen bytes,
// and returns that length.
func (c NoUserDataCause) Encode(f *NoUserDataFields) int {
	encodeCauseHeader(c, CauseNoUserData, NoUserDataCauseLen)
	binary.BigEndian.PutUint32(c[CauseHeaderLen:], f.TSN)
	return NoUserDataCauseLen
}
