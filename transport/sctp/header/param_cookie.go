package header

import "encoding/binary"

// CookiePreservativeParamLen is the length of a Cookie Preservative
// parameter (RFC 9260 3.3.2.1.3).
const CookiePreservativeParamLen = ParamHeaderLen + 4

// StateCookieParam is a view of a State Cookie parameter of INIT ACK (RFC
// 9260 3.3.3.1.1).
type StateCookieParam Param

// StateCookieFields is what StateCookieParam.Encode writes.
type StateCookieFields struct {
	Cookie []byte
}

// StateCookieParamLen returns the parameter length of a State Cookie
// parameter carrying an n-byte cookie (without padding).
func StateCookieParamLen(n int) int { return ParamHeaderLen + n }

// Cookie returns the "Cookie" field, which a COOKIE ECHO carries back
// unchanged (RFC 9260 3.3.11).
func (p StateCookieParam) Cookie() []byte { return paramValue(Param(p)) }

// Encode writes the parameter into p, which must hold
// PaddedLen(StateCookieParamLen(len(f.Cookie))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (p StateCookieParam) Encode(f *StateCookieFields) int {
	return encodeBytesParam(p, ParamStateCookie, f.Cookie)
}

// CookiePreservativeParam is a view of a Cookie Preservative parameter of
// INIT (RFC 9260 3.3.2.1.3).
type CookiePreservativeParam Param

// CookiePreservativeFields is what CookiePreservativeParam.Encode writes.
type CookiePreservativeFields struct {
	// LifeSpanIncrement is in milliseconds.
	LifeSpanIncrement uint32
}

// SuggestedCookieLifeSpanIncrement returns the "Suggested Cookie Life-Span
// Increment" field, in milliseconds.
func (p CookiePreservativeParam) SuggestedCookieLifeSpanIncrement() uint32 {
	return binary.BigEndian.Uint32(p[ParamHeaderLen:])
}

// Encode writes the parameter into p, which must hold
// CookiePreservativeParamLen bytes, and returns that length.
func (p CookiePreservativeParam) Encode(f *CookiePreservativeFields) int {
	encodeParamHeader(p, ParamCookiePreservative, CookiePreservativeParamLen)
	binary.BigEndian.PutUint32(p[ParamHeaderLen:], f.LifeSpanIncrement)
	return CookiePreservativeParamLen
}
