package header

import "encoding/binary"

// Builders and accessors shared by every chunk, parameter and error cause
// whose value is opaque bytes, and by lists of them.

// ChunkFields is what Chunk.Encode writes: any chunk, given its value.
type ChunkFields struct {
	Type  ChunkType
	Flags uint8
	Value []byte
}

// Encode writes a chunk of ChunkHeaderLen+len(f.Value) bytes into c, which
// must hold that rounded up to a multiple of 4; padding bytes are zeroed.
// It returns the number of bytes written including padding.
func (c Chunk) Encode(f *ChunkFields) int {
	l := ChunkHeaderLen + len(f.Value)
	encodeChunkHeader(c, f.Type, f.Flags, l)
	copy(c[ChunkHeaderLen:], f.Value)
	return l + zeroPad(c[l:], l)
}

// ParamFields is what Param.Encode writes: any parameter, given its value.
type ParamFields struct {
	Type  ParamType
	Value []byte
}

// Encode writes a parameter of ParamHeaderLen+len(f.Value) bytes into p,
// which must hold that rounded up to a multiple of 4; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (p Param) Encode(f *ParamFields) int { return encodeBytesParam(p, f.Type, f.Value) }

// CauseFields is what Cause.Encode writes: any error cause, given its
// Cause-Specific Information.
type CauseFields struct {
	Code CauseCode
	Info []byte
}

// Encode writes an error cause of CauseHeaderLen+len(f.Info) bytes into c,
// which must hold that rounded up to a multiple of 4; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (c Cause) Encode(f *CauseFields) int { return encodeBytesCause(c, f.Code, f.Info) }

// chunkValue returns a chunk's value up to its length field.
func chunkValue(c Chunk) []byte { return c[ChunkHeaderLen:c.Length()] }

// paramValue returns a parameter's value up to its length field.
//
// A parameter whose length field does not fit the bytes present (which
// validation rejects) yields nil rather than a panic, so that a view used
// without validation can never crash the receive path.
func paramValue(p Param) []byte {
	if len(p) < ParamHeaderLen {
		return nil
	}
	l := int(p.Length())
	if l < ParamHeaderLen || l > len(p) {
		return nil
	}
	return p[ParamHeaderLen:l]
}

// causeValue returns an error cause's information up to its length field.
// As paramValue, an implausible length yields nil.
func causeValue(c Cause) []byte {
	if len(c) < CauseHeaderLen {
		return nil
	}
	l := int(c.Length())
	if l < CauseHeaderLen || l > len(c) {
		return nil
	}
	return c[CauseHeaderLen:l]
}

// encodeBytesParam writes a parameter whose value is v (which may alias
// b[ParamHeaderLen:]) and returns the bytes written including padding.
func encodeBytesParam(b []byte, t ParamType, v []byte) int {
	l := ParamHeaderLen + len(v)
	encodeParamHeader(b, t, l)
	copy(b[ParamHeaderLen:], v)
	return l + zeroPad(b[l:], l)
}

// encodeBytesCause writes an error cause whose information is v (which may
// alias b[CauseHeaderLen:]) and returns the bytes written including
// padding.
func encodeBytesCause(b []byte, code CauseCode, v []byte) int {
	l := CauseHeaderLen + len(v)
	encodeCauseHeader(b, code, l)
	copy(b[CauseHeaderLen:], v)
	return l + zeroPad(b[l:], l)
}

// encodedListLen returns what an encoded list of parameters or error causes
// adds to the length field of the chunk, parameter or cause carrying it:
// up to the end of the last item's value, without its padding (RFC 9260
// 3.2: the Chunk Length "does include any padding of variable-length
// parameters other than the last parameter"). b holds the items one after
// the other, each padded to 4 bytes (the last one's padding may be left
// out). If b is not such a list, encodedListLen returns len(b).
func encodedListLen(b []byte) int {
	n, end := 0, 0
	for n+ParamHeaderLen <= len(b) {
		l := int(binary.BigEndian.Uint16(b[n+paramLength:]))
		if l < ParamHeaderLen || n+l > len(b) {
			return len(b)
		}
		end = n + l
		n += PaddedLen(l)
	}
	if n < len(b) {
		return len(b)
	}
	return end
}

// encodeListCause writes an error cause whose information is an encoded
// list of parameters (which may alias b[CauseHeaderLen:]) and returns the
// bytes written including padding.
func encodeListCause(b []byte, code CauseCode, list []byte) int {
	encodeCauseHeader(b, code, CauseHeaderLen+encodedListLen(list))
	n := CauseHeaderLen + copy(b[CauseHeaderLen:], list)
	return n + zeroPad(b[n:], n)
}

// encodeListChunk writes a chunk whose value is an encoded list of
// parameters or error causes, which may alias b[ChunkHeaderLen:], and
// returns the bytes written including padding.
func encodeListChunk(b []byte, t ChunkType, flags uint8, list []byte) int {
	encodeChunkHeader(b, t, flags, ChunkHeaderLen+encodedListLen(list))
	n := ChunkHeaderLen + copy(b[ChunkHeaderLen:], list)
	return n + zeroPad(b[n:], n)
}
