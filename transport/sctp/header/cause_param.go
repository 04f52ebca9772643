package header

import "encoding/binary"

// Layout of the error causes about the parameters of INIT and INIT ACK (RFC
// 9260 3.3.10.2, 3.3.10.5, 3.3.10.7, 3.3.10.11).
const (
	missingNum   = 4
	missingTypes = 8

	// MissingMandatoryParameterCauseMinLen is the size of a Missing
	// Mandatory Parameter cause before its list of types.
	MissingMandatoryParameterCauseMinLen = missingTypes

	// InvalidMandatoryParameterCauseLen is the length of an Invalid
	// Mandatory Parameter cause, which has no information.
	InvalidMandatoryParameterCauseLen = CauseHeaderLen

	// UnresolvableAddressCauseMinLen is the minimum length of an
	// Unresolvable Address cause: room for the address parameter's header.
	UnresolvableAddressCauseMinLen = CauseHeaderLen + ParamHeaderLen
)

// MissingMandatoryParameterCause is a view of a Missing Mandatory Parameter
// error cause (RFC 9260 3.3.10.2). ValidateCause checks that the cause
// length covers the number of types it announces.
type MissingMandatoryParameterCause Cause

// MissingMandatoryParameterFields is what
// MissingMandatoryParameterCause.Encode writes.
type MissingMandatoryParameterFields struct {
	Types []ParamType
}

// MissingMandatoryParameterCauseLen returns the cause length for n missing
// parameter types (without padding).
func MissingMandatoryParameterCauseLen(n int) int { return MissingMandatoryParameterCauseMinLen + 2*n }

// NumberOfMissingParams returns the "Number of missing params" field.
func (c MissingMandatoryParameterCause) NumberOfMissingParams() uint32 {
	return binary.BigEndian.Uint32(c[missingNum:])
}

// MissingParamType returns the i-th "Missing Param Type" field, 0 <= i <
// NumberOfMissingParams().
func (c MissingMandatoryParameterCause) MissingParamType(i int) ParamType {
	return ParamType(binary.BigEndian.Uint16(c[missingTypes+2*i:]))
}

// missingFits reports whether the cause length covers the announced types.
func (c MissingMandatoryParameterCause) missingFits() bool {
	room := int(Cause(c).Length()) - missingTypes
	return room >= 0 && uint64(c.NumberOfMissingParams()) <= uint64(room/2)
}

// Encode writes the cause into c, which must hold
// PaddedLen(MissingMandatoryParameterCauseLen(len(f.Types))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (c MissingMandatoryParameterCause) Encode(f *MissingMandatoryParameterFields) int {
	l := MissingMandatoryParameterCauseLen(len(f.Types))
	encodeCauseHeader(c, CauseMissingMandatoryParameter, l)
	binary.BigEndian.PutUint32(c[missingNum:], uint32(len(f.Types)))
	for i, t := range f.Types {
		binary.BigEndian.PutUint16(c[missingTypes+2*i:], uint16(t))
	}
	return l + zeroPad(c[l:], l)
}

// InvalidMandatoryParameterCause is a view of an Invalid Mandatory
// Parameter error cause, which has no information (RFC 9260 3.3.10.7).
type InvalidMandatoryParameterCause Cause

// Encode writes the cause into c, which must hold
// InvalidMandatoryParameterCauseLen bytes, and returns that length.
func (c InvalidMandatoryParameterCause) Encode() int {
	encodeCauseHeader(c, CauseInvalidMandatoryParameter, InvalidMandatoryParameterCauseLen)
	return InvalidMandatoryParameterCauseLen
}

// UnresolvableAddressCause is a view of an Unresolvable Address error cause
// (RFC 9260 3.3.10.5).
type UnresolvableAddressCause Cause

// UnresolvableAddressFields is what UnresolvableAddressCause.Encode writes.
type UnresolvableAddressFields struct {
	// Address is the complete address (or Host Name) parameter.
	Address Param
}

// UnresolvableAddressCauseLen returns the cause length for an n-byte
// address parameter (without padding).
func UnresolvableAddressCauseLen(n int) int { return CauseHeaderLen + n }

// UnresolvableAddress returns the "Unresolvable Address" field: the
// address parameter as the peer copied it. Its own length field is not
// checked against the bytes present.
func (c UnresolvableAddressCause) UnresolvableAddress() Param { return Param(causeValue(Cause(c))) }

// Encode writes the cause into c, which must hold
// PaddedLen(UnresolvableAddressCauseLen(len(f.Address))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (c UnresolvableAddressCause) Encode(f *UnresolvableAddressFields) int {
	return encodeBytesCause(c, CauseUnresolvableAddress, f.Address)
}

// RestartWithNewAddressesCause is a view of a Restart of an Association
// with New Addresses error cause (RFC 9260 3.3.10.11).
type RestartWithNewAddressesCause Cause

// RestartWithNewAddressesFields is what RestartWithNewAddressesCause.Encode
// writes.
type RestartWithNewAddressesFields struct {
	// Addresses holds the new address parameters, copied from the INIT and
	// each padded to 4 bytes. It may alias the cause's own bytes from
	// CauseHeaderLen on.
	Addresses []byte
}

// RestartWithNewAddressesCauseLen returns the cause length for the encoded
// address parameters: the last one's padding does not count.
func RestartWithNewAddressesCauseLen(addrs []byte) int {
	return CauseHeaderLen + encodedListLen(addrs)
}

// NewAddresses returns the "New Address TLVs" field, for NewParamIter.
func (c RestartWithNewAddressesCause) NewAddresses() []byte { return causeValue(Cause(c)) }

// Encode writes the cause into c, which must hold
// CauseHeaderLen+len(f.Addresses) bytes rounded up to a multiple of 4;
// padding bytes are zeroed. It returns the number of bytes written
// including padding.
func (c RestartWithNewAddressesCause) Encode(f *RestartWithNewAddressesFields) int {
	return encodeListCause(c, CauseRestartWithNewAddresses, f.Addresses)
}
