package header

import "encoding/binary"

// This file holds the layouts of Authenticated Chunks (RFC 4895): the AUTH
// chunk and the RANDOM, CHUNKS and HMAC-ALGO parameters. They are wire
// layouts only: the protocol does not implement chunk authentication yet,
// so it neither sends these nor verifies an HMAC.

// HMAC identifiers (RFC 4895 3.3; 0 and 2 are reserved).
const (
	HMACSHA1   uint16 = 1
	HMACSHA256 uint16 = 3
)

// AUTH chunk layout (RFC 4895 4.1).
const (
	authSharedKeyID = 4
	authHMACID      = 6

	// AuthChunkHeaderLen is the size of an AUTH chunk before its HMAC.
	AuthChunkHeaderLen = 8
)

// AuthChunk is a view of an AUTH chunk (RFC 4895 4.1).
type AuthChunk Chunk

// AuthFields is what AuthChunk.Encode writes.
type AuthFields struct {
	SharedKeyID uint16
	HMACID      uint16
	HMAC        []byte
}

// AuthChunkLen returns the chunk length of an AUTH chunk carrying an HMAC
// of n bytes (without padding).
func AuthChunkLen(n int) int { return AuthChunkHeaderLen + n }

// SharedKeyIdentifier returns the "Shared Key Identifier" field.
func (c AuthChunk) SharedKeyIdentifier() uint16 {
	return binary.BigEndian.Uint16(c[authSharedKeyID:])
}

// HMACIdentifier returns the "HMAC Identifier" field.
func (c AuthChunk) HMACIdentifier() uint16 { return binary.BigEndian.Uint16(c[authHMACID:]) }

// HMAC returns the "HMAC" field (up to the chunk length).
func (c AuthChunk) HMAC() []byte { return c[AuthChunkHeaderLen:Chunk(c).Length()] }

// Encode writes an AUTH chunk into c, which must hold
// PaddedLen(AuthChunkLen(len(f.HMAC))) bytes; padding bytes are zeroed. It
// returns the number of bytes written including padding. To compute the
// HMAC (RFC 4895 6.2), encode with an all-zero HMAC of the right size, then
// overwrite HMAC().
func (c AuthChunk) Encode(f *AuthFields) int {
	l := AuthChunkLen(len(f.HMAC))
	encodeChunkHeader(c, ChunkAuth, 0, l)
	binary.BigEndian.PutUint16(c[authSharedKeyID:], f.SharedKeyID)
	binary.BigEndian.PutUint16(c[authHMACID:], f.HMACID)
	copy(c[AuthChunkHeaderLen:], f.HMAC)
	return l + zeroPad(c[l:], l)
}

// RandomParam is a view of a RANDOM parameter (RFC 4895 3.1).
type RandomParam Param

// RandomFields is what RandomParam.Encode writes. RFC 4895 3.1 asks for 32
// bytes of random number.
type RandomFields struct {
	Random []byte
}

// RandomParamLen returns the parameter length for n random bytes (without
// padding).
func RandomParamLen(n int) int { return ParamHeaderLen + n }

// RandomNumber returns the "Random Number" field.
func (p RandomParam) RandomNumber() []byte { return paramValue(Param(p)) }

// Encode writes the parameter into p, which must hold
// PaddedLen(RandomParamLen(len(f.Random))) bytes; padding bytes are zeroed.
// It returns the number of bytes written including padding.
func (p RandomParam) Encode(f *RandomFields) int {
	return encodeBytesParam(p, ParamRandom, f.Random)
}

// ChunkListParam is a view of a CHUNKS (Chunk List) parameter: the chunk
// types that must be received authenticated, one per byte (RFC 4895 3.2).
type ChunkListParam Param

// ChunkListFields is what ChunkListParam.Encode writes.
type ChunkListFields struct {
	ChunkTypes []ChunkType
}

// ChunkListParamLen returns the parameter length for n chunk types
// (without padding).
func ChunkListParamLen(n int) int { return ParamHeaderLen + n }

// NumChunkTypes returns the number of "Chunk Type" fields.
func (p ChunkListParam) NumChunkTypes() int { return chunkTypeList(Param(p)).Len() }

// ChunkType returns the i-th "Chunk Type" field, 0 <= i < NumChunkTypes().
func (p ChunkListParam) ChunkType(i int) ChunkType { return chunkTypeList(Param(p)).At(i) }

// Has reports whether the list names chunk type t.
func (p ChunkListParam) Has(t ChunkType) bool { return chunkTypeList(Param(p)).Has(t) }

// Encode writes the parameter into p, which must hold
// PaddedLen(ChunkListParamLen(len(f.ChunkTypes))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (p ChunkListParam) Encode(f *ChunkListFields) int {
	return encodeChunkTypeList(p, ParamChunkList, f.ChunkTypes)
}

// RequestedHMACAlgorithmParam is a view of a Requested HMAC Algorithm
// (HMAC-ALGO) parameter: 16-bit HMAC identifiers in order of preference
// (RFC 4895 3.3).
type RequestedHMACAlgorithmParam Param

// RequestedHMACAlgorithmFields is what RequestedHMACAlgorithmParam.Encode
// writes.
type RequestedHMACAlgorithmFields struct {
	HMACIDs []uint16
}

// RequestedHMACAlgorithmParamLen returns the parameter length for n identifiers (without
// padding).
func RequestedHMACAlgorithmParamLen(n int) int { return ParamHeaderLen + 2*n }

// NumHMACIdentifiers returns the number of "HMAC Identifier" fields.
func (p RequestedHMACAlgorithmParam) NumHMACIdentifiers() int {
	return max(int(Param(p).Length())-ParamHeaderLen, 0) / 2
}

// HMACIdentifier returns the i-th "HMAC Identifier" field,
// 0 <= i < NumHMACIdentifiers().
func (p RequestedHMACAlgorithmParam) HMACIdentifier(i int) uint16 {
	return binary.BigEndian.Uint16(p[ParamHeaderLen+2*i:])
}

// Encode writes the parameter into p, which must hold
// PaddedLen(RequestedHMACAlgorithmParamLen(len(f.HMACIDs))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (p RequestedHMACAlgorithmParam) Encode(f *RequestedHMACAlgorithmFields) int {
	l := RequestedHMACAlgorithmParamLen(len(f.HMACIDs))
	encodeParamHeader(p, ParamRequestedHMACAlgorithm, l)
	for i, id := range f.HMACIDs {
		binary.BigEndian.PutUint16(p[ParamHeaderLen+2*i:], id)
	}
	return l + zeroPad(p[l:], l)
}
