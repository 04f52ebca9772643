package header

import (
	"bytes"
	"encoding/binary"
	"net/netip"
)

// Lengths of the address parameters (RFC 9260 3.3.2.1.1, 3.3.2.1.2).
const (
	IPv4AddressParamLen = ParamHeaderLen + 4
	IPv6AddressParamLen = ParamHeaderLen + 16
)

// IPv4AddressParam is a view of an IPv4 Address parameter (RFC 9260
// 3.3.2.1.1).
type IPv4AddressParam Param

// IPv4AddressFields is what IPv4AddressParam.Encode writes.
type IPv4AddressFields struct {
	Address [4]byte
}

// Address returns the "IPv4 Address" field.
func (p IPv4AddressParam) Address() netip.Addr {
	return netip.AddrFrom4([4]byte(p[ParamHeaderLen:IPv4AddressParamLen]))
}

// Encode writes the parameter into p, which must hold IPv4AddressParamLen
// bytes, and returns that length.
func (p IPv4AddressParam) Encode(f *IPv4AddressFields) int {
	encodeParamHeader(p, ParamIPv4Address, IPv4AddressParamLen)
	copy(p[ParamHeaderLen:], f.Address[:])
	return IPv4AddressParamLen
}

// IPv6AddressParam is a view of an IPv6 Address parameter (RFC 9260
// 3.3.2.1.2).
type IPv6AddressParam Param

// IPv6AddressFields is what IPv6AddressParam.Encode writes.
type IPv6AddressFields struct {
	Address [16]byte
}

// Address returns the "IPv6 Address" field. An IPv4-mapped address, which
// a sender must not use (RFC 9260 3.3.2.1.2), is returned as it is.
func (p IPv6AddressParam) Address() netip.Addr {
	return netip.AddrFrom16([16]byte(p[ParamHeaderLen:IPv6AddressParamLen]))
}

// Encode writes the parameter into p, which must hold IPv6AddressParamLen
// bytes, and returns that length.
func (p IPv6AddressParam) Encode(f *IPv6AddressFields) int {
	encodeParamHeader(p, ParamIPv6Address, IPv6AddressParamLen)
	copy(p[ParamHeaderLen:], f.Address[:])
	return IPv6AddressParamLen
}

// AddressParamLen returns the length of the address parameter that
// EncodeAddressParam writes for a: IPv4 for IPv4 and IPv4-mapped
// addresses, IPv6 otherwise.
func AddressParamLen(a netip.Addr) int {
	if a.Unmap().Is4() {
		return IPv4AddressParamLen
	}
	return IPv6AddressParamLen
}

// EncodeAddressParam writes a as an IPv4 or IPv6 Address parameter into b,
// which must hold AddressParamLen(a) bytes, and returns that length. An
// IPv4-mapped IPv6 address is written as an IPv4 Address parameter (RFC
// 9260 3.3.2.1.2). a must be valid; its zone is dropped.
func EncodeAddressParam(b []byte, a netip.Addr) int {
	if a = a.Unmap(); a.Is4() {
		return IPv4AddressParam(b).Encode(&IPv4AddressFields{Address: a.As4()})
	}
	return IPv6AddressParam(b).Encode(&IPv6AddressFields{Address: a.As16()})
}

// AddressFromParam returns the address of an IPv4 or IPv6 Address
// parameter of the right length, and false for any other parameter. p is a
// whole parameter, as ParamIter returns it.
func AddressFromParam(p Param) (netip.Addr, bool) {
	switch {
	case p.Type() == ParamIPv4Address && p.Length() == IPv4AddressParamLen && len(p) >= IPv4AddressParamLen:
		return IPv4AddressParam(p).Address(), true
	case p.Type() == ParamIPv6Address && p.Length() == IPv6AddressParamLen && len(p) >= IPv6AddressParamLen:
		return IPv6AddressParam(p).Address(), true
	}
	return netip.Addr{}, false
}

// HostNameAddressParam is a view of a Host Name Address parameter (RFC
// 9260 3.3.2.1.4). Its use is deprecated: an INIT or INIT ACK carrying one
// is answered with an ABORT.
type HostNameAddressParam Param

// HostNameAddressFields is what HostNameAddressParam.Encode writes.
type HostNameAddressFields struct {
	// HostName is written followed by one null terminator.
	HostName []byte
}

// HostNameAddressParamLen returns the parameter length of a Host Name
// Address parameter carrying an n-byte host name and its null terminator.
func HostNameAddressParamLen(n int) int { return ParamHeaderLen + n + 1 }

// HostName returns the "Host Name" field up to its first null terminator.
func (p HostNameAddressParam) HostName() []byte {
	v := paramValue(Param(p))
	if i := bytes.IndexByte(v, 0); i >= 0 {
		return v[:i]
	}
	return v
}

// Encode writes the parameter into p, which must hold
// PaddedLen(HostNameAddressParamLen(len(f.HostName))) bytes; padding bytes
// are zeroed. It returns the number of bytes written including padding.
func (p HostNameAddressParam) Encode(f *HostNameAddressFields) int {
	l := HostNameAddressParamLen(len(f.HostName))
	encodeParamHeader(p, ParamHostNameAddress, l)
	copy(p[ParamHeaderLen:], f.HostName)
	p[l-1] = 0
	return l + zeroPad(p[l:], l)
}

// SupportedAddressTypesParam is a view of a Supported Address Types
// parameter (RFC 9260 3.3.2.1.5).
type SupportedAddressTypesParam Param

// SupportedAddressTypesFields is what SupportedAddressTypesParam.Encode
// writes.
type SupportedAddressTypesFields struct {
	Types []ParamType
}

// SupportedAddressTypesParamLen returns the parameter length of a Supported
// Address Types parameter listing n types (without padding).
func SupportedAddressTypesParamLen(n int) int { return ParamHeaderLen + 2*n }

// NumAddressTypes returns the number of "Address Type" fields.
func (p SupportedAddressTypesParam) NumAddressTypes() int {
	return max(int(Param(p).Length())-ParamHeaderLen, 0) / 2
}

// AddressType returns the i-th "Address Type" field, 0 <= i <
// NumAddressTypes().
func (p SupportedAddressTypesParam) AddressType(i int) ParamType {
	return ParamType(binary.BigEndian.Uint16(p[ParamHeaderLen+2*i:]))
}

// Supports reports whether t is listed.
func (p SupportedAddressTypesParam) Supports(t ParamType) bool {
	for i, n := 0, p.NumAddressTypes(); i < n; i++ {
		if p.AddressType(i) == t {
			return true
		}
	}
	return false
}

// Encode writes the parameter into p, which must hold
// PaddedLen(SupportedAddressTypesParamLen(len(f.Types))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (p SupportedAddressTypesParam) Encode(f *SupportedAddressTypesFields) int {
	l := SupportedAddressTypesParamLen(len(f.Types))
	encodeParamHeader(p, ParamSupportedAddressTypes, l)
	for i, t := range f.Types {
		binary.BigEndian.PutUint16(p[ParamHeaderLen+2*i:], uint16(t))
	}
	return l + zeroPad(p[l:], l)
}
