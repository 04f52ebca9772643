package header

// UnrecognizedChunkTypeCauseMinLen is the minimum length of an
// Unrecognized Chunk Type error cause: room for the chunk's header.
const UnrecognizedChunkTypeCauseMinLen = CauseHeaderLen + ChunkHeaderLen

// UnrecognizedChunkTypeCause is a view of an Unrecognized Chunk Type error
// cause, which reports a chunk whose type's highest bits are 01 or 11 (RFC
// 9260 3.3.10.6, 3.2).
type UnrecognizedChunkTypeCause Cause

// UnrecognizedChunkTypeFields is what UnrecognizedChunkTypeCause.Encode
// writes.
type UnrecognizedChunkTypeFields struct {
	// Chunk is the unrecognized chunk complete with its header, as
	// ChunkIter returned it.
	Chunk Chunk
}

// UnrecognizedChunkTypeCauseLen returns the cause length for an n-byte
// chunk (without padding).
func UnrecognizedChunkTypeCauseLen(n int) int { return CauseHeaderLen + n }

// UnrecognizedChunk returns the "Unrecognized Chunk" field: the chunk as
// the peer copied it. Its own length field is not checked against the
// bytes present (a peer may have cut a long chunk short).
func (c UnrecognizedChunkTypeCause) UnrecognizedChunk() Chunk { return Chunk(causeValue(Cause(c))) }

// Encode writes the cause into c, which must hold
// PaddedLen(UnrecognizedChunkTypeCauseLen(len(f.Chunk))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (c UnrecognizedChunkTypeCause) Encode(f *UnrecognizedChunkTypeFields) int {
	return encodeBytesCause(c, CauseUnrecognizedChunkType, f.Chunk)
}

// UnrecognizedParametersCause is a view of an Unrecognized Parameters error
// cause, which reports the parameters of an INIT ACK that the receiver did
// not recognize and whose types asked for a report (RFC 9260 3.3.10.8,
// 3.2.2).
type UnrecognizedParametersCause Cause

// UnrecognizedParametersFields is what UnrecognizedParametersCause.Encode
// writes.
type UnrecognizedParametersFields struct {
	// Params holds the unrecognized parameters, copied from the INIT ACK
	// and each padded to 4 bytes. It may alias the cause's own bytes from
	// CauseHeaderLen on.
	Params []byte
}

// UnrecognizedParametersCauseLen returns the cause length for the encoded
// parameters: the last one's padding does not count.
func UnrecognizedParametersCauseLen(params []byte) int {
	return CauseHeaderLen + encodedListLen(params)
}

// Params returns the "Unrecognized Parameters" field, for NewParamIter.
func (c UnrecognizedParametersCause) Params() []byte { return causeValue(Cause(c)) }

// Encode writes the cause into c, which must hold
// CauseHeaderLen+len(f.Params) bytes rounded up to a multiple of 4; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (c UnrecognizedParametersCause) Encode(f *UnrecognizedParametersFields) int {
	return encodeListCause(c, CauseUnrecognizedParameters, f.Params)
}
