package header

import "encoding/binary"

// This file holds the layouts of Partial Reliability (RFC 3758): the
// FORWARD TSN chunk and the Forward-TSN-Supported parameter (the protocol's
// use of them is in transport/sctp/prsctp*.go).

// FORWARD TSN chunk layout (RFC 3758 3.2).
const (
	fwdTSNNewCumTSN = 4

	// ForwardTSNChunkHeaderLen is the size of a FORWARD TSN chunk before
	// its list of stream/SSN pairs.
	ForwardTSNChunkHeaderLen = 8

	// ForwardTSNStreamLen is the size of one stream/SSN pair.
	ForwardTSNStreamLen = 4
)

// ForwardTSNChunk is a view of a FORWARD TSN chunk (RFC 3758 3.2).
type ForwardTSNChunk Chunk

// ForwardTSNStream is one "Stream-N"/"Stream Sequence-N" pair of a FORWARD
// TSN chunk (RFC 3758 3.2): the largest SSN skipped on an ordered stream.
type ForwardTSNStream struct {
	StreamID uint16
	SSN      uint16
}

// ForwardTSNFields is what ForwardTSNChunk.Encode writes.
type ForwardTSNFields struct {
	NewCumulativeTSN uint32
	Streams          []ForwardTSNStream
}

// ForwardTSNChunkLen returns the length of a FORWARD TSN chunk carrying n
// stream/SSN pairs (always a multiple of 4).
func ForwardTSNChunkLen(n int) int { return ForwardTSNChunkHeaderLen + n*ForwardTSNStreamLen }

// NewCumulativeTSN returns the "New Cumulative TSN" field.
func (c ForwardTSNChunk) NewCumulativeTSN() uint32 {
	return binary.BigEndian.Uint32(c[fwdTSNNewCumTSN:])
}

// NumStreams returns how many whole stream/SSN pairs the chunk length
// covers; a trailing partial pair is ignored.
func (c ForwardTSNChunk) NumStreams() int {
	return max(int(Chunk(c).Length())-ForwardTSNChunkHeaderLen, 0) / ForwardTSNStreamLen
}

// Stream returns the i-th stream/SSN pair, 0 <= i < NumStreams().
func (c ForwardTSNChunk) Stream(i int) ForwardTSNStream {
	o := ForwardTSNChunkHeaderLen + i*ForwardTSNStreamLen
	return ForwardTSNStream{
		StreamID: binary.BigEndian.Uint16(c[o:]),
		SSN:      binary.BigEndian.Uint16(c[o+2:]),
	}
}

// Encode writes a FORWARD TSN chunk into c, which must hold
// ForwardTSNChunkLen(len(f.Streams)) bytes, and returns that length.
func (c ForwardTSNChunk) Encode(f *ForwardTSNFields) int {
	l := ForwardTSNChunkLen(len(f.Streams))
	encodeChunkHeader(c, ChunkForwardTSN, 0, l)
	binary.BigEndian.PutUint32(c[fwdTSNNewCumTSN:], f.NewCumulativeTSN)
	o := ForwardTSNChunkHeaderLen
	for _, s := range f.Streams {
		binary.BigEndian.PutUint16(c[o:], s.StreamID)
		binary.BigEndian.PutUint16(c[o+2:], s.SSN)
		o += ForwardTSNStreamLen
	}
	return l
}

// ForwardTSNSupportedParamLen is the length of the Forward-TSN-Supported
// parameter, which has no value (RFC 3758 3.1).
const ForwardTSNSupportedParamLen = ParamHeaderLen

// ForwardTSNSupportedParam is a view of the Forward-TSN-Supported parameter
// of INIT and INIT ACK (RFC 3758 3.1).
type ForwardTSNSupportedParam Param

// Encode writes the parameter into p, which must hold
// ForwardTSNSupportedParamLen bytes, and returns that length.
func (p ForwardTSNSupportedParam) Encode() int {
	encodeParamHeader(p, ParamForwardTSNSupported, ForwardTSNSupportedParamLen)
	return ForwardTSNSupportedParamLen
}
