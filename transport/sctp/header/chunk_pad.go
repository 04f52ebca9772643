package header

// This file holds the layouts of RFC 4820: the PAD chunk and the Padding
// parameter, which enlarge a packet (for path MTU discovery) and whose
// padding data the receiver ignores. They are wire layouts only: the
// protocol does not send them yet.

// PadChunk is a view of a PAD chunk (RFC 4820 3).
type PadChunk Chunk

// PadFields is what PadChunk.Encode writes: a chunk of PaddingLen bytes of
// zero padding data.
type PadFields struct {
	PaddingLen int
}

// PadChunkLen returns the chunk length of a PAD chunk carrying n bytes of
// padding data (without the chunk's own padding).
func PadChunkLen(n int) int { return ChunkHeaderLen + n }

// PaddingData returns the "Padding Data" field (up to the chunk length).
func (c PadChunk) PaddingData() []byte { return chunkValue(Chunk(c)) }

// Encode writes a PAD chunk into c, which must hold
// PaddedLen(PadChunkLen(f.PaddingLen)) bytes; the padding data and the
// chunk's padding are zeroed. It returns the number of bytes written
// including padding.
func (c PadChunk) Encode(f *PadFields) int {
	l := PadChunkLen(f.PaddingLen)
	encodeChunkHeader(c, ChunkPad, 0, l)
	n := PaddedLen(l)
	clear(c[ChunkHeaderLen:n])
	return n
}

// PaddingParam is a view of a Padding parameter of INIT (RFC 4820 4).
type PaddingParam Param

// PaddingFields is what PaddingParam.Encode writes: a parameter of
// PaddingLen bytes of zero padding data.
type PaddingFields struct {
	PaddingLen int
}

// PaddingParamLen returns the parameter length for n bytes of padding data
// (without the parameter's own padding).
func PaddingParamLen(n int) int { return ParamHeaderLen + n }

// PaddingData returns the "Padding Data" field (up to the parameter
// length).
func (p PaddingParam) PaddingData() []byte { return paramValue(Param(p)) }

// Encode writes the parameter into p, which must hold
// PaddedLen(PaddingParamLen(f.PaddingLen)) bytes; the padding data and the
// parameter's padding are zeroed. It returns the number of bytes written
// including padding.
func (p PaddingParam) Encode(f *PaddingFields) int {
	l := PaddingParamLen(f.PaddingLen)
	encodeParamHeader(p, ParamPadding, l)
	n := PaddedLen(l)
	clear(p[ParamHeaderLen:n])
	return n
}
