package header

import (
	"encoding/binary"
	"strconv"
)

// This file holds the layouts of Stream Reconfiguration (RFC 6525): the
// RE-CONFIG chunk and its six parameters. They are wire layouts only: the
// protocol does not implement stream reconfiguration yet, so it neither
// sends these nor acts on them.

// ReconfigChunk is a view of a RE-CONFIG chunk: one or two
// re-configuration parameters (RFC 6525 3.1).
type ReconfigChunk Chunk

// ReconfigFields is what ReconfigChunk.Encode writes.
type ReconfigFields struct {
	// Params holds the encoded re-configuration parameters, each padded to
	// 4 bytes as the XxxParam.Encode methods write them (the last one's
	// padding may be left out). It may alias the chunk's own bytes from
	// ChunkHeaderLen on.
	Params []byte
}

// ReconfigChunkLen returns the chunk length of a RE-CONFIG chunk carrying
// the encoded params: the last parameter's padding does not count (RFC
// 9260 3.2). The chunk occupies PaddedLen of it.
func ReconfigChunkLen(params []byte) int { return ChunkHeaderLen + encodedListLen(params) }

// Params returns the re-configuration parameters (up to the chunk length),
// for NewParamIter.
func (c ReconfigChunk) Params() []byte { return chunkValue(Chunk(c)) }

// Encode writes a RE-CONFIG chunk into c, which must hold
// ChunkHeaderLen+len(f.Params) bytes rounded up to a multiple of 4; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (c ReconfigChunk) Encode(f *ReconfigFields) int {
	return encodeListChunk(c, ChunkReconfig, 0, f.Params)
}

// Re-configuration parameter layouts (RFC 6525 4.1-4.6). Every one starts
// with a 32-bit sequence number after the parameter header.
const (
	reconfSeq  = 4  // request sequence number, or response's in 4.4
	reconfSeq2 = 8  // 4.1's response sequence number, 4.4's result
	reconfTSN  = 12 // 4.1's last assigned TSN, 4.4's sender's next TSN
	reconfTSN2 = 16 // 4.4's receiver's next TSN
	reconfNew  = 8  // 4.5 and 4.6: number of new streams
	reconfRes  = 10 // 4.5 and 4.6: reserved

	// OutgoingSSNResetRequestParamHeaderLen is the size of an Outgoing SSN
	// Reset Request parameter before its stream list (RFC 6525 4.1).
	OutgoingSSNResetRequestParamHeaderLen = 16

	// IncomingSSNResetRequestParamHeaderLen is the size of an Incoming SSN
	// Reset Request parameter before its stream list (RFC 6525 4.2).
	IncomingSSNResetRequestParamHeaderLen = 8

	// SSNTSNResetRequestParamLen is the length of an SSN/TSN Reset Request
	// parameter (RFC 6525 4.3).
	SSNTSNResetRequestParamLen = 8

	// ReconfigResponseParamMinLen is the length of a Re-configuration
	// Response parameter without the optional next TSNs (RFC 6525 4.4).
	ReconfigResponseParamMinLen = 12

	// ReconfigResponseParamMaxLen is its length with both next TSNs.
	ReconfigResponseParamMaxLen = 20

	// AddStreamsParamLen is the length of an Add Outgoing Streams or Add
	// Incoming Streams parameter (RFC 6525 4.5, 4.6).
	AddStreamsParamLen = 12
)

// reconfNumStreams returns the number of whole 16-bit stream numbers after a
// fixed part of hdr bytes in parameter p.
func reconfNumStreams(p []byte, hdr int) int {
	return max(int(Param(p).Length())-hdr, 0) / 2
}

// reconfStream returns the i-th stream number after a fixed part of hdr
// bytes.
func reconfStream(p []byte, hdr, i int) uint16 { return binary.BigEndian.Uint16(p[hdr+2*i:]) }

// encodeReconfStreams writes a stream list after a fixed part of hdr bytes,
// zeroes the padding, and returns the parameter's length and the bytes
// written including padding.
func encodeReconfStreams(p []byte, hdr int, streams []uint16) (int, int) {
	o := hdr
	for _, s := range streams {
		binary.BigEndian.PutUint16(p[o:], s)
		o += 2
	}
	return o, o + zeroPad(p[o:], o)
}

// OutgoingSSNResetRequestParam is a view of an Outgoing SSN Reset Request
// parameter (RFC 6525 4.1).
type OutgoingSSNResetRequestParam Param

// OutgoingSSNResetRequestFields is what OutgoingSSNResetRequestParam.Encode
// writes. An empty Streams asks for all streams to be reset.
type OutgoingSSNResetRequestFields struct {
	RequestSeq     uint32
	ResponseSeq    uint32
	SendersLastTSN uint32
	Streams        []uint16
}

// OutgoingSSNResetRequestParamLen returns the parameter length for n
// streams (without padding).
func OutgoingSSNResetRequestParamLen(n int) int {
	return OutgoingSSNResetRequestParamHeaderLen + 2*n
}

// RequestSequenceNumber returns the "Re-configuration Request Sequence
// Number" field.
func (p OutgoingSSNResetRequestParam) RequestSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq:])
}

// ResponseSequenceNumber returns the "Re-configuration Response Sequence
// Number" field.
func (p OutgoingSSNResetRequestParam) ResponseSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq2:])
}

// SendersLastAssignedTSN returns the "Sender's Last Assigned TSN" field.
func (p OutgoingSSNResetRequestParam) SendersLastAssignedTSN() uint32 {
	return binary.BigEndian.Uint32(p[reconfTSN:])
}

// NumStreams returns the number of "Stream Number" fields.
func (p OutgoingSSNResetRequestParam) NumStreams() int {
	return reconfNumStreams(p, OutgoingSSNResetRequestParamHeaderLen)
}

// Stream returns the i-th "Stream Number" field, 0 <= i < NumStreams().
func (p OutgoingSSNResetRequestParam) Stream(i int) uint16 {
	return reconfStream(p, OutgoingSSNResetRequestParamHeaderLen, i)
}

// Encode writes the parameter into p, which must hold
// PaddedLen(OutgoingSSNResetRequestParamLen(len(f.Streams))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (p OutgoingSSNResetRequestParam) Encode(f *OutgoingSSNResetRequestFields) int {
	binary.BigEndian.PutUint32(p[reconfSeq:], f.RequestSeq)
	binary.BigEndian.PutUint32(p[reconfSeq2:], f.ResponseSeq)
	binary.BigEndian.PutUint32(p[reconfTSN:], f.SendersLastTSN)
	l, n := encodeReconfStreams(p, OutgoingSSNResetRequestParamHeaderLen, f.Streams)
	encodeParamHeader(p, ParamOutgoingSSNResetRequest, l)
	return n
}

// IncomingSSNResetRequestParam is a view of an Incoming SSN Reset Request
// parameter (RFC 6525 4.2).
type IncomingSSNResetRequestParam Param

// IncomingSSNResetRequestFields is what IncomingSSNResetRequestParam.Encode
// writes. An empty Streams asks for all streams to be reset.
type IncomingSSNResetRequestFields struct {
	RequestSeq uint32
	Streams    []uint16
}

// IncomingSSNResetRequestParamLen returns the parameter length for n
// streams (without padding).
func IncomingSSNResetRequestParamLen(n int) int {
	return IncomingSSNResetRequestParamHeaderLen + 2*n
}

// RequestSequenceNumber returns the "Re-configuration Request Sequence
// Number" field.
func (p IncomingSSNResetRequestParam) RequestSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq:])
}

// NumStreams returns the number of "Stream Number" fields.
func (p IncomingSSNResetRequestParam) NumStreams() int {
	return reconfNumStreams(p, IncomingSSNResetRequestParamHeaderLen)
}

// Stream returns the i-th "Stream Number" field, 0 <= i < NumStreams().
func (p IncomingSSNResetRequestParam) Stream(i int) uint16 {
	return reconfStream(p, IncomingSSNResetRequestParamHeaderLen, i)
}

// Encode writes the parameter into p, which must hold
// PaddedLen(IncomingSSNResetRequestParamLen(len(f.Streams))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (p IncomingSSNResetRequestParam) Encode(f *IncomingSSNResetRequestFields) int {
	binary.BigEndian.PutUint32(p[reconfSeq:], f.RequestSeq)
	l, n := encodeReconfStreams(p, IncomingSSNResetRequestParamHeaderLen, f.Streams)
	encodeParamHeader(p, ParamIncomingSSNResetRequest, l)
	return n
}

// SSNTSNResetRequestParam is a view of an SSN/TSN Reset Request parameter
// (RFC 6525 4.3).
type SSNTSNResetRequestParam Param

// SSNTSNResetRequestFields is what SSNTSNResetRequestParam.Encode writes.
type SSNTSNResetRequestFields struct {
	RequestSeq uint32
}

// RequestSequenceNumber returns the "Re-configuration Request Sequence
// Number" field.
func (p SSNTSNResetRequestParam) RequestSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq:])
}

// Encode writes the parameter into p, which must hold
// SSNTSNResetRequestParamLen bytes, and returns that length.
func (p SSNTSNResetRequestParam) Encode(f *SSNTSNResetRequestFields) int {
	encodeParamHeader(p, ParamSSNTSNResetRequest, SSNTSNResetRequestParamLen)
	binary.BigEndian.PutUint32(p[reconfSeq:], f.RequestSeq)
	return SSNTSNResetRequestParamLen
}

// ReconfigResult is the "Result" field of a Re-configuration Response
// parameter (RFC 6525 4.4).
type ReconfigResult uint32

// Results of RFC 6525 4.4.
const (
	ReconfigSuccessNothingToDo  ReconfigResult = 0
	ReconfigSuccessPerformed    ReconfigResult = 1
	ReconfigDenied              ReconfigResult = 2
	ReconfigErrorWrongSSN       ReconfigResult = 3
	ReconfigErrorInProgress     ReconfigResult = 4
	ReconfigErrorBadSequenceNum ReconfigResult = 5
	ReconfigInProgress          ReconfigResult = 6
)

var reconfigResultNames = [...]string{
	ReconfigSuccessNothingToDo:  "SUCCESS_NOTHING_TO_DO",
	ReconfigSuccessPerformed:    "SUCCESS_PERFORMED",
	ReconfigDenied:              "DENIED",
	ReconfigErrorWrongSSN:       "ERROR_WRONG_SSN",
	ReconfigErrorInProgress:     "ERROR_REQUEST_ALREADY_IN_PROGRESS",
	ReconfigErrorBadSequenceNum: "ERROR_BAD_SEQUENCE_NUMBER",
	ReconfigInProgress:          "IN_PROGRESS",
}

// String returns the RFC's name of the result.
func (r ReconfigResult) String() string {
	if int(r) < len(reconfigResultNames) {
		return reconfigResultNames[r]
	}
	return "RESULT(" + strconv.FormatUint(uint64(r), 10) + ")"
}

// ReconfigResponseParam is a view of a Re-configuration Response parameter
// (RFC 6525 4.4).
type ReconfigResponseParam Param

// ReconfigResponseFields is what ReconfigResponseParam.Encode writes. The
// next TSNs are written only when HasNextTSNs is set, as in a response to
// an SSN/TSN Reset Request (RFC 6525 4.4).
type ReconfigResponseFields struct {
	ResponseSeq      uint32
	Result           ReconfigResult
	HasNextTSNs      bool
	SendersNextTSN   uint32
	ReceiversNextTSN uint32
}

// ReconfigResponseParamLen returns the parameter length with or without
// the next TSNs.
func ReconfigResponseParamLen(hasNextTSNs bool) int {
	if hasNextTSNs {
		return ReconfigResponseParamMaxLen
	}
	return ReconfigResponseParamMinLen
}

// ResponseSequenceNumber returns the "Re-configuration Response Sequence
// Number" field.
func (p ReconfigResponseParam) ResponseSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq:])
}

// Result returns the "Result" field.
func (p ReconfigResponseParam) Result() ReconfigResult {
	return ReconfigResult(binary.BigEndian.Uint32(p[reconfSeq2:]))
}

// HasNextTSNs reports whether the parameter is long enough to carry the
// optional "Sender's Next TSN" and "Receiver's Next TSN" fields.
func (p ReconfigResponseParam) HasNextTSNs() bool {
	return Param(p).Length() >= ReconfigResponseParamMaxLen
}

// SendersNextTSN returns the optional "Sender's Next TSN" field, or 0 when
// HasNextTSNs is false.
func (p ReconfigResponseParam) SendersNextTSN() uint32 {
	if !p.HasNextTSNs() {
		return 0
	}
	return binary.BigEndian.Uint32(p[reconfTSN:])
}

// ReceiversNextTSN returns the optional "Receiver's Next TSN" field, or 0
// when HasNextTSNs is false.
func (p ReconfigResponseParam) ReceiversNextTSN() uint32 {
	if !p.HasNextTSNs() {
		return 0
	}
	return binary.BigEndian.Uint32(p[reconfTSN2:])
}

// Encode writes the parameter into p, which must hold
// ReconfigResponseParamLen(f.HasNextTSNs) bytes, and returns that length.
func (p ReconfigResponseParam) Encode(f *ReconfigResponseFields) int {
	l := ReconfigResponseParamLen(f.HasNextTSNs)
	encodeParamHeader(p, ParamReconfigResponse, l)
	binary.BigEndian.PutUint32(p[reconfSeq:], f.ResponseSeq)
	binary.BigEndian.PutUint32(p[reconfSeq2:], uint32(f.Result))
	if f.HasNextTSNs {
		binary.BigEndian.PutUint32(p[reconfTSN:], f.SendersNextTSN)
		binary.BigEndian.PutUint32(p[reconfTSN2:], f.ReceiversNextTSN)
	}
	return l
}

// AddStreamsParam is a view of an Add Outgoing Streams or Add Incoming
// Streams parameter, which share one layout (RFC 6525 4.5, 4.6).
type AddStreamsParam Param

// AddStreamsFields is what AddStreamsParam.Encode writes. Type is
// ParamAddOutgoingStreams or ParamAddIncomingStreams.
type AddStreamsFields struct {
	Type       ParamType
	RequestSeq uint32
	NewStreams uint16
}

// RequestSequenceNumber returns the "Re-configuration Request Sequence
// Number" field.
func (p AddStreamsParam) RequestSequenceNumber() uint32 {
	return binary.BigEndian.Uint32(p[reconfSeq:])
}

// NumberOfNewStreams returns the "Number of new streams" field.
func (p AddStreamsParam) NumberOfNewStreams() uint16 {
	return binary.BigEndian.Uint16(p[reconfNew:])
}

// Encode writes the parameter into p, which must hold AddStreamsParamLen
// bytes, and returns that length. The reserved field is zeroed.
func (p AddStreamsParam) Encode(f *AddStreamsFields) int {
	encodeParamHeader(p, f.Type, AddStreamsParamLen)
	binary.BigEndian.PutUint32(p[reconfSeq:], f.RequestSeq)
	binary.BigEndian.PutUint16(p[reconfNew:], f.NewStreams)
	binary.BigEndian.PutUint16(p[reconfRes:], 0)
	return AddStreamsParamLen
}
