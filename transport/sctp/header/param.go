package header

import (
	"encoding/binary"
	"strconv"
)

// ParamType is the "Parameter Type" field of a variable-length parameter
// (RFC 9260 3.2.1).
type ParamType uint16

// Parameter types of RFC 9260 and of the extensions whose layouts this
// package carries.
const (
	ParamHeartbeatInfo           ParamType = 1      // RFC 9260 3.3.5
	ParamIPv4Address             ParamType = 5      // RFC 9260 3.3.2.1.1
	ParamIPv6Address             ParamType = 6      // RFC 9260 3.3.2.1.2
	ParamStateCookie             ParamType = 7      // RFC 9260 3.3.3.1.1
	ParamUnrecognizedParameter   ParamType = 8      // RFC 9260 3.3.3.1.2
	ParamCookiePreservative      ParamType = 9      // RFC 9260 3.3.2.1.3
	ParamHostNameAddress         ParamType = 11     // RFC 9260 3.3.2.1.4
	ParamSupportedAddressTypes   ParamType = 12     // RFC 9260 3.3.2.1.5
	ParamOutgoingSSNResetRequest ParamType = 13     // RFC 6525 4.1
	ParamIncomingSSNResetRequest ParamType = 14     // RFC 6525 4.2
	ParamSSNTSNResetRequest      ParamType = 15     // RFC 6525 4.3
	ParamReconfigResponse        ParamType = 16     // RFC 6525 4.4
	ParamAddOutgoingStreams      ParamType = 17     // RFC 6525 4.5
	ParamAddIncomingStreams      ParamType = 18     // RFC 6525 4.6
	ParamECNCapable              ParamType = 0x8000 // reserved for ECN (RFC 9260 3.3.2)
	ParamZeroChecksumAcceptable  ParamType = 0x8001 // RFC 9653 4
	ParamRandom                  ParamType = 0x8002 // RFC 4895 3.1
	ParamChunkList               ParamType = 0x8003 // RFC 4895 3.2
	ParamRequestedHMACAlgorithm  ParamType = 0x8004 // RFC 4895 3.3
	ParamPadding                 ParamType = 0x8005 // RFC 4820 4
	ParamSupportedExtensions     ParamType = 0x8008 // RFC 5061 4.2.7
	ParamForwardTSNSupported     ParamType = 0xC000 // RFC 3758 3.1
	ParamAddIPAddress            ParamType = 0xC001 // RFC 5061 4.2.1
	ParamDeleteIPAddress         ParamType = 0xC002 // RFC 5061 4.2.2
	ParamErrorCauseIndication    ParamType = 0xC003 // RFC 5061 4.2.3
	ParamSetPrimaryAddress       ParamType = 0xC004 // RFC 5061 4.2.4
	ParamSuccessIndication       ParamType = 0xC005 // RFC 5061 4.2.5
	ParamAdaptationLayerInd      ParamType = 0xC006 // RFC 5061 4.2.6
)

var paramTypeNames = map[ParamType]string{
	ParamHeartbeatInfo:           "HEARTBEAT_INFO",
	ParamIPv4Address:             "IPV4_ADDRESS",
	ParamIPv6Address:             "IPV6_ADDRESS",
	ParamStateCookie:             "STATE_COOKIE",
	ParamUnrecognizedParameter:   "UNRECOGNIZED_PARAMETER",
	ParamCookiePreservative:      "COOKIE_PRESERVATIVE",
	ParamHostNameAddress:         "HOSTNAME_ADDRESS",
	ParamSupportedAddressTypes:   "SUPPORTED_ADDRESS_TYPES",
	ParamOutgoingSSNResetRequest: "OUTGOING_SSN_RESET",
	ParamIncomingSSNResetRequest: "INCOMING_SSN_RESET",
	ParamSSNTSNResetRequest:      "SSN_TSN_RESET",
	ParamReconfigResponse:        "RECONFIG_RESPONSE",
	ParamAddOutgoingStreams:      "ADD_OUTGOING_STREAMS",
	ParamAddIncomingStreams:      "ADD_INCOMING_STREAMS",
	ParamECNCapable:              "ECN_CAPABLE",
	ParamZeroChecksumAcceptable:  "ZERO_CHECKSUM_ACCEPTABLE",
	ParamRandom:                  "RANDOM",
	ParamChunkList:               "CHUNKS",
	ParamRequestedHMACAlgorithm:  "HMAC_ALGO",
	ParamPadding:                 "PAD",
	ParamSupportedExtensions:     "SUPPORTED_EXTENSIONS",
	ParamForwardTSNSupported:     "FORWARD_TSN_SUPPORTED",
	ParamAddIPAddress:            "ADD_IP_ADDRESS",
	ParamDeleteIPAddress:         "DELETE_IP_ADDRESS",
	ParamErrorCauseIndication:    "ERROR_CAUSE_INDICATION",
	ParamSetPrimaryAddress:       "SET_PRIMARY_ADDRESS",
	ParamSuccessIndication:       "SUCCESS_INDICATION",
	ParamAdaptationLayerInd:      "ADAPTATION_LAYER_INDICATION",
}

// String returns the name of the parameter type.
func (t ParamType) String() string {
	if n, ok := paramTypeNames[t]; ok {
		return n
	}
	return "PARAM(" + strconv.Itoa(int(t)) + ")"
}

// UnrecognizedAction returns the action the type's highest two bits ask for
// should the receiver not know the parameter (RFC 9260 3.2.1).
func (t ParamType) UnrecognizedAction() UnrecognizedAction {
	return UnrecognizedAction(t >> 14)
}

// Generic parameter layout (RFC 9260 3.2.1).
const (
	paramType   = 0
	paramLength = 2

	// ParamHeaderLen is the size of the type and length fields.
	ParamHeaderLen = 4
)

// Param is a view of one variable-length parameter (type, length, value)
// without trailing padding (RFC 9260 3.2.1). A Param returned by ParamIter
// is exactly Length() bytes long.
type Param []byte

// Type returns the "Parameter Type" field.
func (p Param) Type() ParamType { return ParamType(binary.BigEndian.Uint16(p[paramType:])) }

// Length returns the "Parameter Length" field, which excludes padding.
func (p Param) Length() uint16 { return binary.BigEndian.Uint16(p[paramLength:]) }

// Value returns the "Parameter Value" field.
func (p Param) Value() []byte { return p[ParamHeaderLen:] }

// encodeParamHeader writes a parameter's type and length fields.
func encodeParamHeader(b []byte, t ParamType, length int) {
	binary.BigEndian.PutUint16(b[paramType:], uint16(t))
	binary.BigEndian.PutUint16(b[paramLength:], uint16(length))
}

// ParamIter walks a list of parameters (in INIT, INIT ACK, ASCONF, RE-CONFIG
// and others) without allocating.
type ParamIter struct {
	buf []byte
	err error
}

// NewParamIter returns an iterator over the parameters in b.
func NewParamIter(b []byte) ParamIter { return ParamIter{buf: b} }

// Next returns the next parameter, or false at the end or when the next
// parameter is malformed (Err says which). Missing padding after the last
// parameter is accepted.
func (it *ParamIter) Next() (Param, bool) {
	p, ok := nextTLV(&it.buf, &it.err, ErrParamTooShort, ErrParamOverrun)
	return Param(p), ok
}

// Err returns the reason iteration stopped early, or nil at a clean end.
func (it *ParamIter) Err() error { return it.err }
