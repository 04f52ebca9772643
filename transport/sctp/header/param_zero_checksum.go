package header

import "encoding/binary"

// This file holds the layout of the Zero Checksum Acceptable parameter
// (RFC 9653), by which an endpoint declares in INIT or INIT ACK that it
// accepts packets whose checksum is zero when an alternate error detection
// method protects them. It is a wire layout only: the protocol does not
// implement zero checksums yet and always sends and checks CRC32c.

// Error Detection Method Identifiers (RFC 9653; 0 is reserved).
const (
	// EDMIDDTLS names SCTP over DTLS as the alternate error detection
	// method (RFC 9653).
	EDMIDDTLS uint32 = 1
)

// ZeroChecksumAcceptableParamLen is the length of a Zero Checksum
// Acceptable parameter (RFC 9653 4).
const ZeroChecksumAcceptableParamLen = 8

// ZeroChecksumAcceptableParam is a view of a Zero Checksum Acceptable
// parameter (RFC 9653 4).
type ZeroChecksumAcceptableParam Param

// ZeroChecksumAcceptableFields is what ZeroChecksumAcceptableParam.Encode
// writes.
type ZeroChecksumAcceptableFields struct {
	EDMID uint32
}

// ErrorDetectionMethodIdentifier returns the "Error Detection Method
// Identifier (EDMID)" field.
func (p ZeroChecksumAcceptableParam) ErrorDetectionMethodIdentifier() uint32 {
	return binary.BigEndian.Uint32(p[ParamHeaderLen:])
}

// Encode writes the parameter into p, which must hold
// ZeroChecksumAcceptableParamLen bytes, and returns that length.
func (p ZeroChecksumAcceptableParam) Encode(f *ZeroChecksumAcceptableFields) int {
	encodeParamHeader(p, ParamZeroChecksumAcceptable, ZeroChecksumAcceptableParamLen)
	binary.BigEndian.PutUint32(p[ParamHeaderLen:], f.EDMID)
	return ZeroChecksumAcceptableParamLen
}
