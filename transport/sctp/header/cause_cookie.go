package header

import "encoding/binary"

// Lengths of the error causes about State Cookies (RFC 9260 3.3.10.3,
// 3.3.10.10).
const (
	StaleCookieCauseLen             = CauseHeaderLen + 4
	CookieWhileShuttingDownCauseLen = CauseHeaderLen
)

// StaleCookieCause is a view of a Stale Cookie error cause (RFC 9260
// 3.3.10.3).
type StaleCookieCause Cause

// StaleCookieFields is what StaleCookieCause.Encode writes.
type StaleCookieFields struct {
	// Staleness is in microseconds; 0 when the sender does not say.
	Staleness uint32
}

// MeasureOfStaleness returns the "Measure of Staleness" field, in
// microseconds.
func (c StaleCookieCause) MeasureOfStaleness() uint32 {
	return binary.BigEndian.Uint32(c[CauseHeaderLen:])
}

// Encode writes the cause into c, which must hold StaleCookieCauseLen
// bytes, and returns that length.
func (c StaleCookieCause) Encode(f *StaleCookieFields) int {
	encodeCauseHeader(c, CauseStaleCookie, StaleCookieCauseLen)
	binary.BigEndian.PutUint32(c[CauseHeaderLen:], f.Staleness)
	return StaleCookieCauseLen
}

// CookieWhileShuttingDownCause is a view of a Cookie Received While
// Shutting Down error cause, which has no information (RFC 9260
// 3.3.10.10).
type CookieWhileShuttingDownCause Cause

// Encode writes the cause into c, which must hold
// CookieWhileShuttingDownCauseLen bytes, and returns that length.
func (c CookieWhileShuttingDownCause) Encode() int {
	encodeCauseHeader(c, CauseCookieWhileShuttingDown, CookieWhileShuttingDownCauseLen)
	return CookieWhileShuttingDownCauseLen
}
