package header

import (
	"encoding/binary"
	"strconv"
)

// CauseCode is the "Cause Code" of an error cause carried in ERROR and
// ABORT chunks (RFC 9260 3.3.10).
type CauseCode uint16

// Error causes of RFC 9260 3.3.10 and of the extensions.
const (
	CauseInvalidStreamIdentifier    CauseCode = 1      // RFC 9260 3.3.10.1
	CauseMissingMandatoryParameter  CauseCode = 2      // RFC 9260 3.3.10.2
	CauseStaleCookie                CauseCode = 3      // RFC 9260 3.3.10.3
	CauseOutOfResource              CauseCode = 4      // RFC 9260 3.3.10.4
	CauseUnresolvableAddress        CauseCode = 5      // RFC 9260 3.3.10.5
	CauseUnrecognizedChunkType      CauseCode = 6      // RFC 9260 3.3.10.6
	CauseInvalidMandatoryParameter  CauseCode = 7      // RFC 9260 3.3.10.7
	CauseUnrecognizedParameters     CauseCode = 8      // RFC 9260 3.3.10.8
	CauseNoUserData                 CauseCode = 9      // RFC 9260 3.3.10.9
	CauseCookieWhileShuttingDown    CauseCode = 10     // RFC 9260 3.3.10.10
	CauseRestartWithNewAddresses    CauseCode = 11     // RFC 9260 3.3.10.11
	CauseUserInitiatedAbort         CauseCode = 12     // RFC 9260 3.3.10.12
	CauseProtocolViolation          CauseCode = 13     // RFC 9260 3.3.10.13
	CauseDeleteLastRemainingAddress CauseCode = 0x00A0 // RFC 5061 4.3.1
	CauseResourceShortage           CauseCode = 0x00A1 // RFC 5061 4.3.2
	CauseDeleteSourceAddress        CauseCode = 0x00A2 // RFC 5061 4.3.3
	CauseIllegalAsconfAck           CauseCode = 0x00A3 // RFC 5061 4.3.4
	CauseRequestRefusedNoAuth       CauseCode = 0x00A4 // RFC 5061 4.3.5
	CauseUnsupportedHMACIdentifier  CauseCode = 0x0105 // RFC 4895 4.3
)

var causeCodeNames = map[CauseCode]string{
	CauseInvalidStreamIdentifier:    "INVALID_STREAM_IDENTIFIER",
	CauseMissingMandatoryParameter:  "MISSING_MANDATORY_PARAMETER",
	CauseStaleCookie:                "STALE_COOKIE",
	CauseOutOfResource:              "OUT_OF_RESOURCE",
	CauseUnresolvableAddress:        "UNRESOLVABLE_ADDRESS",
	CauseUnrecognizedChunkType:      "UNRECOGNIZED_CHUNK_TYPE",
	CauseInvalidMandatoryParameter:  "INVALID_MANDATORY_PARAMETER",
	CauseUnrecognizedParameters:     "UNRECOGNIZED_PARAMETERS",
	CauseNoUserData:                 "NO_USER_DATA",
	CauseCookieWhileShuttingDown:    "COOKIE_RECEIVED_WHILE_SHUTTING_DOWN",
	CauseRestartWithNewAddresses:    "RESTART_WITH_NEW_ADDRESSES",
	CauseUserInitiatedAbort:         "USER_INITIATED_ABORT",
	CauseProtocolViolation:          "PROTOCOL_VIOLATION",
	CauseDeleteLastRemainingAddress: "DELETE_LAST_REMAINING_ADDRESS",
	CauseResourceShortage:           "RESOURCE_SHORTAGE",
	CauseDeleteSourceAddress:        "DELETE_SOURCE_ADDRESS",
	CauseIllegalAsconfAck:           "ILLEGAL_ASCONF_ACK",
	CauseRequestRefusedNoAuth:       "REQUEST_REFUSED_NO_AUTHORIZATION",
	CauseUnsupportedHMACIdentifier:  "UNSUPPORTED_HMAC_IDENTIFIER",
}

// String returns the RFC's name of the cause.
func (c CauseCode) String() string {
	if n, ok := causeCodeNames[c]; ok {
		return n
	}
	return "CAUSE(" + strconv.Itoa(int(c)) + ")"
}

// Generic error cause layout (RFC 9260 3.3.10).
const (
	causeCode   = 0
	causeLength = 2

	// CauseHeaderLen is the size of the code and length fields.
	CauseHeaderLen = 4
)

// Cause is a view of one error cause (code, length, information) without
// trailing padding (RFC 9260 3.3.10).
type Cause []byte

// Code returns the "Cause Code" field.
func (c Cause) Code() CauseCode { return CauseCode(binary.BigEndian.Uint16(c[causeCode:])) }

// Length returns the "Cause Length" field, which excludes padding.
func (c Cause) Length() uint16 { return binary.BigEndian.Uint16(c[causeLength:]) }

// Info returns the "Cause-Specific Information" field.
func (c Cause) Info() []byte { return c[CauseHeaderLen:] }

// encodeCauseHeader writes a cause's code and length fields.
func encodeCauseHeader(b []byte, code CauseCode, length int) {
	binary.BigEndian.PutUint16(b[causeCode:], uint16(code))
	binary.BigEndian.PutUint16(b[causeLength:], uint16(length))
}

// CauseIter walks the error causes of an ERROR or ABORT chunk without
// allocating.
type CauseIter struct {
	buf []byte
	err error
}

// NewCauseIter returns an iterator over the causes in b.
func NewCauseIter(b []byte) CauseIter { return CauseIter{buf: b} }

// Next returns the next cause, or false at the end or when the next cause
// is malformed (Err says which).
func (it *CauseIter) Next() (Cause, bool) {
	c, ok := nextTLV(&it.buf, &it.err, ErrCauseTooShort, ErrCauseOverrun)
	return Cause(c), ok
}

// Err returns the reason iteration stopped early, or nil at a clean end.
func (it *CauseIter) Err() error { return it.err }
