package script

// Helpers that turn field values into numbers, for the runner that builds
// injected packets and compares expected ones. They live beside the schema
// so that the meaning of a symbolic value (a flag letter, a chunk keyword in
// a type list, an address-type word) is defined in exactly one place.

// IntValue returns v's integer if v is an Int.
func IntValue(v Value) (int64, bool) {
	i, ok := v.(Int)
	return i.V, ok
}

// FlagBits returns the flags byte a flgs= value stands for in a chunk of
// kind k: integers as given, letters mapped to bits (DATA/I_DATA: I=0x08,
// U=0x04, B=0x02, E=0x01; ABORT/SHUTDOWN_COMPLETE: T=0x01). It reports false
// for a wildcard or a value the kind does not accept.
func FlagBits(k ChunkKind, v Value) (uint8, bool) {
	switch v := v.(type) {
	case Int:
		if v.V < 0 || v.V > 0xff {
			return 0, false
		}
		return uint8(v.V), true
	case Ident:
		letters := k.FlagLetters()
		if letters == "" || checkFlagLetters(v.Name, letters) != "" {
			return 0, false
		}
		var b uint8
		for _, r := range v.Name {
			for i, l := range letters {
				if r == l {
					b |= 1 << (len(letters) - 1 - i)
				}
			}
		}
		return b, true
	}
	return 0, false
}

// ChunkTypeCode returns the chunk type a CHUNK type= value or a
// SUPPORTED_EXTENSIONS entry stands for: an integer, or a chunk keyword.
func ChunkTypeCode(v Value) (uint8, bool) {
	switch v := v.(type) {
	case Int:
		if v.V < 0 || v.V > 0xff {
			return 0, false
		}
		return uint8(v.V), true
	case Ident:
		if k, ok := LookupChunk(v.Name); ok && k.Code() >= 0 {
			return uint8(k.Code()), true
		}
	}
	return 0, false
}

// AddrTypeCode returns the parameter type a SUPPORTED_ADDRESS_TYPES entry
// stands for: an integer, or IPv4 (5), IPv6 (6), HOSTNAME (11).
func AddrTypeCode(v Value) (uint16, bool) {
	switch v := v.(type) {
	case Int:
		if v.V < 0 || v.V > 0xffff {
			return 0, false
		}
		return uint16(v.V), true
	case Ident:
		c, ok := addrTypeNames[v.Name]
		return uint16(c), ok
	}
	return 0, false
}
