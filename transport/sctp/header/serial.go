package header

// Serial number arithmetic (RFC 9260 1.6, RFC 1982) for TSNs (SERIAL_BITS
// = 32) and Stream Sequence Numbers (SERIAL_BITS = 16).
//
// a is less than b when b lies 1 to 2^(SERIAL_BITS-1)-1 steps after a,
// counting modulo 2^SERIAL_BITS: 0xFFFFFFFF is less than 0, and 0 is less
// than 0x7FFFFFFF. RFC 1982 3.2 leaves the comparison undefined when a and
// b are exactly 2^(SERIAL_BITS-1) apart; these functions then say that
// neither is less nor greater than the other (so LessThan(a, b) and
// LessThan(b, a) are both false), which keeps each answer the same
// whichever order the operands come in. Senders keep their windows below
// 2^31 TSNs (RFC 9260 1.6), so the case does not arise in a working
// association.

const (
	tsnHalf = 1 << 31
	ssnHalf = 1 << 15
)

// TSNLessThan reports whether TSN a is before TSN b (RFC 9260 1.6).
func TSNLessThan(a, b uint32) bool { return a != b && b-a < tsnHalf }

// TSNLessEq reports whether TSN a is before or equal to TSN b.
func TSNLessEq(a, b uint32) bool { return b-a < tsnHalf }

// TSNGreaterThan reports whether TSN a is after TSN b.
func TSNGreaterThan(a, b uint32) bool { return TSNLessThan(b, a) }

// TSNGreaterEq reports whether TSN a is after or equal to TSN b.
func TSNGreaterEq(a, b uint32) bool { return TSNLessEq(b, a) }

// SSNLessThan reports whether Stream Sequence Number a is before b (RFC
// 9260 1.6).
func SSNLessThan(a, b uint16) bool { return a != b && b-a < ssnHalf }

// SSNLessEq reports whether Stream Sequence Number a is before or equal to
// b.
func SSNLessEq(a, b uint16) bool { return b-a < ssnHalf }

// SSNGreaterThan reports whether Stream Sequence Number a is after b.
func SSNGreaterThan(a, b uint16) bool { return SSNLessThan(b, a) }

// SSNGreaterEq reports whether Stream Sequence Number a is after or equal
// to b.
func SSNGreaterEq(a, b uint16) bool { return SSNLessEq(b, a) }
