package header

import (
	"encoding/binary"
	"net/netip"
)

// This file holds the layouts of Dynamic Address Reconfiguration (RFC
// 5061): the ASCONF and ASCONF-ACK chunks and their parameters. They are
// wire layouts only: the protocol does not implement dynamic address
// reconfiguration yet, so it neither sends ASCONF nor acts on it.

// ASCONF and ASCONF-ACK chunk layout (RFC 5061 4.1.1, 4.1.2).
const (
	asconfSerial = 4

	// AsconfChunkHeaderLen is the size of an ASCONF or ASCONF-ACK chunk
	// before its parameters (in ASCONF, before the Address Parameter).
	AsconfChunkHeaderLen = 8
)

// asconfAddress returns the Address Parameter that starts b (an ASCONF
// chunk's or an ASCONF address parameter's value after its fixed part) and
// the bytes after it, padded: nil, nil when it is missing or its length
// field is below 4 or past b.
func asconfAddress(b []byte) (Param, []byte) {
	if len(b) < ParamHeaderLen {
		return nil, nil
	}
	l := int(Param(b).Length())
	if l < ParamHeaderLen || l > len(b) {
		return nil, nil
	}
	return Param(b[:l:l]), b[min(PaddedLen(l), len(b)):]
}

// asconfAddrOf returns the address of a, which asconfAddress returned.
func asconfAddrOf(a Param) (netip.Addr, bool) {
	if a == nil {
		return netip.Addr{}, false
	}
	return AddressFromParam(a)
}

// AsconfChunk is a view of an ASCONF chunk: a serial number, an Address
// Parameter, then ASCONF parameters (RFC 5061 4.1.1).
type AsconfChunk Chunk

// AsconfFields is what AsconfChunk.Encode writes.
type AsconfFields struct {
	SerialNumber uint32
	// Address is written as the Address Parameter, as EncodeAddressParam
	// writes it.
	Address netip.Addr
	// Params holds the encoded ASCONF parameters, each padded to 4 bytes as
	// the XxxParam.Encode methods write them (the last one's padding may be
	// left out). It may alias the chunk's own bytes from
	// AsconfChunkHeaderLen+AddressParamLen(Address) on.
	Params []byte
}

// AsconfChunkLen returns the chunk length of an ASCONF chunk for the
// address a and the encoded params: the last parameter's padding does not
// count (RFC 9260 3.2). The chunk occupies PaddedLen of it.
func AsconfChunkLen(a netip.Addr, params []byte) int {
	return AsconfChunkHeaderLen + AddressParamLen(a) + encodedListLen(params)
}

// SerialNumber returns the chunk's 32-bit serial number (RFC 5061 4.1.1).
func (c AsconfChunk) SerialNumber() uint32 { return binary.BigEndian.Uint32(c[asconfSerial:]) }

// AddressParam returns the "Address Parameter" field, or nil when it is
// missing or its length is malformed.
func (c AsconfChunk) AddressParam() Param {
	a, _ := asconfAddress(c[AsconfChunkHeaderLen:Chunk(c).Length()])
	return a
}

// Address returns the address of the Address Parameter, and false when
// that is not a well-formed IPv4 or IPv6 Address parameter.
func (c AsconfChunk) Address() (netip.Addr, bool) { return asconfAddrOf(c.AddressParam()) }

// Params returns the ASCONF parameters after the Address Parameter (up to
// the chunk length), for NewParamIter; nil when AddressParam is nil.
func (c AsconfChunk) Params() []byte {
	_, rest := asconfAddress(c[AsconfChunkHeaderLen:Chunk(c).Length()])
	return rest
}

// Encode writes an ASCONF chunk into c, which must hold
// AsconfChunkHeaderLen+AddressParamLen(f.Address)+len(f.Params) bytes
// rounded up to a multiple of 4; padding bytes are zeroed. It returns the
// number of bytes written including padding.
func (c AsconfChunk) Encode(f *AsconfFields) int {
	encodeChunkHeader(c, ChunkAsconf, 0, AsconfChunkLen(f.Address, f.Params))
	binary.BigEndian.PutUint32(c[asconfSerial:], f.SerialNumber)
	n := AsconfChunkHeaderLen
	n += EncodeAddressParam(c[n:], f.Address)
	n += copy(c[n:], f.Params)
	return n + zeroPad(c[n:], n)
}

// AsconfAckChunk is a view of an ASCONF-ACK chunk: a serial number, then
// ASCONF parameter responses (RFC 5061 4.1.2).
type AsconfAckChunk Chunk

// AsconfAckFields is what AsconfAckChunk.Encode writes.
type AsconfAckFields struct {
	SerialNumber uint32
	// Params holds the encoded parameter responses, as for
	// AsconfFields.Params. It may alias the chunk's own bytes from
	// AsconfChunkHeaderLen on.
	Params []byte
}

// AsconfAckChunkLen returns the chunk length of an ASCONF-ACK chunk
// carrying the encoded params (RFC 9260 3.2: the last one's padding does
// not count).
func AsconfAckChunkLen(params []byte) int {
	return AsconfChunkHeaderLen + encodedListLen(params)
}

// SerialNumber returns the serial number of the ASCONF being acknowledged
// (RFC 5061 4.1.2).
func (c AsconfAckChunk) SerialNumber() uint32 { return binary.BigEndian.Uint32(c[asconfSerial:]) }

// Params returns the parameter responses (up to the chunk length), for
// NewParamIter.
func (c AsconfAckChunk) Params() []byte { return c[AsconfChunkHeaderLen:Chunk(c).Length()] }

// Encode writes an ASCONF-ACK chunk into c, which must hold
// AsconfChunkHeaderLen+len(f.Params) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (c AsconfAckChunk) Encode(f *AsconfAckFields) int {
	encodeChunkHeader(c, ChunkAsconfAck, 0, AsconfAckChunkLen(f.Params))
	binary.BigEndian.PutUint32(c[asconfSerial:], f.SerialNumber)
	n := AsconfChunkHeaderLen + copy(c[AsconfChunkHeaderLen:], f.Params)
	return n + zeroPad(c[n:], n)
}

// ASCONF parameter layouts (RFC 5061 4.2).
const (
	asconfCorrelationID = 4

	// AsconfParamHeaderLen is the size of an ASCONF parameter's type,
	// length and correlation ID: the length of a Success Indication, and
	// the fixed part of the others.
	AsconfParamHeaderLen = 8

	// SuccessIndicationParamLen is the length of a Success Indication
	// parameter (RFC 5061 4.2.5).
	SuccessIndicationParamLen = AsconfParamHeaderLen

	// AdaptationLayerIndicationParamLen is the length of an Adaptation
	// Layer Indication parameter (RFC 5061 4.2.6).
	AdaptationLayerIndicationParamLen = 8
)

// AsconfAddressParam is a view of an Add IP Address, Delete IP Address or
// Set Primary Address parameter, which share one layout: a correlation ID
// and an Address Parameter (RFC 5061 4.2.1, 4.2.2, 4.2.4).
type AsconfAddressParam Param

// AsconfAddressFields is what AsconfAddressParam.Encode writes. Type is
// ParamAddIPAddress, ParamDeleteIPAddress or ParamSetPrimaryAddress.
type AsconfAddressFields struct {
	Type          ParamType
	CorrelationID uint32
	// Address is written as the Address Parameter, as EncodeAddressParam
	// writes it.
	Address netip.Addr
}

// AsconfAddressParamLen returns the parameter length for the address a
// (always a multiple of 4).
func AsconfAddressParamLen(a netip.Addr) int { return AsconfParamHeaderLen + AddressParamLen(a) }

// CorrelationID returns the "ASCONF-Request Correlation ID" field.
func (p AsconfAddressParam) CorrelationID() uint32 {
	return binary.BigEndian.Uint32(p[asconfCorrelationID:])
}

// AddressParam returns the "Address Parameter" field, or nil when it is
// missing or its length is malformed.
func (p AsconfAddressParam) AddressParam() Param {
	a, _ := asconfAddress(p[AsconfParamHeaderLen:Param(p).Length()])
	return a
}

// Address returns the address of the Address Parameter, and false when
// that is not a well-formed IPv4 or IPv6 Address parameter.
func (p AsconfAddressParam) Address() (netip.Addr, bool) { return asconfAddrOf(p.AddressParam()) }

// Encode writes the parameter into p, which must hold
// AsconfAddressParamLen(f.Address) bytes, and returns that length.
func (p AsconfAddressParam) Encode(f *AsconfAddressFields) int {
	l := AsconfAddressParamLen(f.Address)
	encodeParamHeader(p, f.Type, l)
	binary.BigEndian.PutUint32(p[asconfCorrelationID:], f.CorrelationID)
	EncodeAddressParam(p[AsconfParamHeaderLen:], f.Address)
	return l
}

// ErrorCauseIndicationParam is a view of an Error Cause Indication
// parameter: a correlation ID and error causes (RFC 5061 4.2.3).
type ErrorCauseIndicationParam Param

// ErrorCauseIndicationFields is what ErrorCauseIndicationParam.Encode
// writes.
type ErrorCauseIndicationFields struct {
	CorrelationID uint32
	// Causes holds the encoded error causes, each padded to 4 bytes as the
	// XxxCause.Encode methods write them (the last one's padding may be
	// left out). It may alias the parameter's own bytes from
	// AsconfParamHeaderLen on.
	Causes []byte
}

// ErrorCauseIndicationParamLen returns the parameter length for the
// encoded causes (the last cause's padding does not count, as in RFC 9260
// 3.2).
func ErrorCauseIndicationParamLen(causes []byte) int {
	return AsconfParamHeaderLen + encodedListLen(causes)
}

// CorrelationID returns the "ASCONF-Response Correlation ID" field.
func (p ErrorCauseIndicationParam) CorrelationID() uint32 {
	return binary.BigEndian.Uint32(p[asconfCorrelationID:])
}

// Causes returns the error causes (up to the parameter length), for
// NewCauseIter.
func (p ErrorCauseIndicationParam) Causes() []byte {
	return p[AsconfParamHeaderLen:Param(p).Length()]
}

// Encode writes the parameter into p, which must hold
// AsconfParamHeaderLen+len(f.Causes) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (p ErrorCauseIndicationParam) Encode(f *ErrorCauseIndicationFields) int {
	encodeParamHeader(p, ParamErrorCauseIndication, ErrorCauseIndicationParamLen(f.Causes))
	binary.BigEndian.PutUint32(p[asconfCorrelationID:], f.CorrelationID)
	n := AsconfParamHeaderLen + copy(p[AsconfParamHeaderLen:], f.Causes)
	return n + zeroPad(p[n:], n)
}

// SuccessIndicationParam is a view of a Success Indication parameter (RFC
// 5061 4.2.5).
type SuccessIndicationParam Param

// SuccessIndicationFields is what SuccessIndicationParam.Encode writes.
type SuccessIndicationFields struct {
	CorrelationID uint32
}

// CorrelationID returns the "ASCONF-Response Correlation ID" field.
func (p SuccessIndicationParam) CorrelationID() uint32 {
	return binary.BigEndian.Uint32(p[asconfCorrelationID:])
}

// Encode writes the parameter into p, which must hold
// SuccessIndicationParamLen bytes, and returns that length.
func (p SuccessIndicationParam) Encode(f *SuccessIndicationFields) int {
	encodeParamHeader(p, ParamSuccessIndication, SuccessIndicationParamLen)
	binary.BigEndian.PutUint32(p[asconfCorrelationID:], f.CorrelationID)
	return SuccessIndicationParamLen
}

// AdaptationLayerIndicationParam is a view of an Adaptation Layer
// Indication parameter of INIT and INIT ACK (RFC 5061 4.2.6).
type AdaptationLayerIndicationParam Param

// AdaptationLayerIndicationFields is what
// AdaptationLayerIndicationParam.Encode writes.
type AdaptationLayerIndicationFields struct {
	AdaptationCodePoint uint32
}

// AdaptationCodePoint returns the "Adaptation Code Point" field.
func (p AdaptationLayerIndicationParam) AdaptationCodePoint() uint32 {
	return binary.BigEndian.Uint32(p[ParamHeaderLen:])
}

// Encode writes the parameter into p, which must hold
// AdaptationLayerIndicationParamLen bytes, and returns that length.
func (p AdaptationLayerIndicationParam) Encode(f *AdaptationLayerIndicationFields) int {
	encodeParamHeader(p, ParamAdaptationLayerInd, AdaptationLayerIndicationParamLen)
	binary.BigEndian.PutUint32(p[ParamHeaderLen:], f.AdaptationCodePoint)
	return AdaptationLayerIndicationParamLen
}

// SupportedExtensionsParam is a view of a Supported Extensions parameter
// of INIT and INIT ACK: one byte per chunk type (RFC 5061 4.2.7).
type SupportedExtensionsParam Param

// SupportedExtensionsFields is what SupportedExtensionsParam.Encode writes.
type SupportedExtensionsFields struct {
	ChunkTypes []ChunkType
}

// SupportedExtensionsParamLen returns the parameter length for n chunk
// types (without padding).
func SupportedExtensionsParamLen(n int) int { return ParamHeaderLen + n }

// NumChunkTypes returns the number of "CHUNK TYPE" fields.
func (p SupportedExtensionsParam) NumChunkTypes() int {
	return chunkTypeList(Param(p)).Len()
}

// ChunkType returns the i-th "CHUNK TYPE" field, 0 <= i < NumChunkTypes().
func (p SupportedExtensionsParam) ChunkType(i int) ChunkType {
	return chunkTypeList(Param(p)).At(i)
}

// Has reports whether the list names chunk type t.
func (p SupportedExtensionsParam) Has(t ChunkType) bool { return chunkTypeList(Param(p)).Has(t) }

// Encode writes the parameter into p, which must hold
// PaddedLen(SupportedExtensionsParamLen(len(f.ChunkTypes))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (p SupportedExtensionsParam) Encode(f *SupportedExtensionsFields) int {
	return encodeChunkTypeList(p, ParamSupportedExtensions, f.ChunkTypes)
}

// chunkTypeList is a parameter whose value is one chunk type per byte: the
// Supported Extensions (RFC 5061 4.2.7) and Chunk List (RFC 4895 3.2)
// parameters.
type chunkTypeList Param

// Len returns the number of chunk types the parameter length covers.
func (p chunkTypeList) Len() int { return max(int(Param(p).Length())-ParamHeaderLen, 0) }

// At returns the i-th chunk type.
func (p chunkTypeList) At(i int) ChunkType { return ChunkType(p[ParamHeaderLen+i]) }

// Has reports whether the list names t.
func (p chunkTypeList) Has(t ChunkType) bool {
	for i, n := 0, p.Len(); i < n; i++ {
		if p.At(i) == t {
			return true
		}
	}
	return false
}

// encodeChunkTypeList writes a parameter of type t listing types, zeroes
// its padding and returns the bytes written including padding.
func encodeChunkTypeList(p []byte, t ParamType, types []ChunkType) int {
	l := ParamHeaderLen + len(types)
	encodeParamHeader(p, t, l)
	for i, ct := range types {
		p[ParamHeaderLen+i] = uint8(ct)
	}
	return l + zeroPad(p[l:], l)
}
