package script

import "net/netip"

// Value is an expression: a socket-call argument or result, or a packet
// field value. Packet fields use the subset Wildcard, Int, Ident, String,
// Addr, Gap, List, Struct (for tuples), *Chunk and *Param; socket calls use
// Wildcard, Int, Ident, String, Or, Call, List, Struct and Unary.
type Value interface{ isValue() }

// Wildcard is "...": any value matches / the runner picks a suitable value.
type Wildcard struct{}

// Int is an integer literal. Hex records "0x" spelling so printing keeps it.
type Int struct {
	V   int64
	Hex bool
}

// Ident is a symbolic name: a constant (SOCK_STREAM, EINVAL), NULL, a flag
// string (DATA flgs=IBE) or a type name (SUPPORTED_EXTENSIONS types=[PAD]).
type Ident struct{ Name string }

// String is a double-quoted string literal (unescaped). Prefix marks the
// `"abc"...` form: data that must begin with S.
type String struct {
	S      string
	Prefix bool
}

// Addr is a bare IPv4 or IPv6 address literal (IPV4_ADDRESS[addr=1.2.3.4]).
type Addr struct{ A netip.Addr }

// Gap is a SACK gap block "start:end".
type Gap struct{ Start, End Value }

// List is "[a, b, ...]": arrays in socket calls, lists in packet fields.
type List struct{ Elems []Value }

// Struct is "{name=v, ...}" or positional "{v, v}" (Name empty).
type Struct struct{ Fields []StructField }

// StructField is one struct member. Size is set for the "msg_iov(1)=[...]"
// form, which gives the length of the member's array/buffer.
type StructField struct {
	Name  string
	Size  Value
	Value Value
}

// Or is "A|B|C", a bitwise-or of flags.
type Or struct{ Terms []Value }

// Call is a helper function in an argument, e.g. htonl(1234), inet_addr("...").
type Call struct {
	Fn   string
	Args []Value
}

// Unary is a prefix operator applied to a value: "&" (address of) or "-"
// (negation of a non-literal).
type Unary struct {
	Op string
	X  Value
}

func (Wildcard) isValue() {}
func (Int) isValue()      {}
func (Ident) isValue()    {}
func (String) isValue()   {}
func (Addr) isValue()     {}
func (*Gap) isValue()     {}
func (*List) isValue()    {}
func (*Struct) isValue()  {}
func (*Or) isValue()      {}
func (*Call) isValue()    {}
func (*Unary) isValue()   {}
func (*Chunk) isValue()   {}
func (*Param) isValue()   {}
func (*Cause) isValue()   {}

// IsWildcard reports whether v is "...".
func IsWildcard(v Value) bool {
	_, ok := v.(Wildcard)
	return ok
}
