package header

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// ChunkType is the "Chunk Type" field (RFC 9260 3.2).
type ChunkType uint8

// Chunk types of RFC 9260 3.2 and of the extensions whose layouts this
// package carries.
const (
	ChunkData             ChunkType = 0   // RFC 9260 3.3.1
	ChunkInit             ChunkType = 1   // RFC 9260 3.3.2
	ChunkInitAck          ChunkType = 2   // RFC 9260 3.3.3
	ChunkSack             ChunkType = 3   // RFC 9260 3.3.4
	ChunkHeartbeat        ChunkType = 4   // RFC 9260 3.3.5
	ChunkHeartbeatAck     ChunkType = 5   // RFC 9260 3.3.6
	ChunkAbort            ChunkType = 6   // RFC 9260 3.3.7
	ChunkShutdown         ChunkType = 7   // RFC 9260 3.3.8
	ChunkShutdownAck      ChunkType = 8   // RFC 9260 3.3.9
	ChunkError            ChunkType = 9   // RFC 9260 3.3.10
	ChunkCookieEcho       ChunkType = 10  // RFC 9260 3.3.11
	ChunkCookieAck        ChunkType = 11  // RFC 9260 3.3.12
	ChunkECNE             ChunkType = 12  // reserved for ECN (RFC 9260 3.2)
	ChunkCWR              ChunkType = 13  // reserved for ECN (RFC 9260 3.2)
	ChunkShutdownComplete ChunkType = 14  // RFC 9260 3.3.13
	ChunkAuth             ChunkType = 15  // RFC 4895 4.1
	ChunkIData            ChunkType = 64  // RFC 8260 2.1
	ChunkAsconfAck        ChunkType = 128 // RFC 5061 4.1.2
	ChunkReconfig         ChunkType = 130 // RFC 6525 3.1
	ChunkPad              ChunkType = 132 // RFC 4820 3
	ChunkForwardTSN       ChunkType = 192 // RFC 3758 3.2
	ChunkAsconf           ChunkType = 193 // RFC 5061 4.1.1
	ChunkIForwardTSN      ChunkType = 194 // RFC 8260 2.3.1
)

var chunkTypeNames = map[ChunkType]string{
	ChunkData:             "DATA",
	ChunkInit:             "INIT",
	ChunkInitAck:          "INIT_ACK",
	ChunkSack:             "SACK",
	ChunkHeartbeat:        "HEARTBEAT",
	ChunkHeartbeatAck:     "HEARTBEAT_ACK",
	ChunkAbort:            "ABORT",
	ChunkShutdown:         "SHUTDOWN",
	ChunkShutdownAck:      "SHUTDOWN_ACK",
	ChunkError:            "ERROR",
	ChunkCookieEcho:       "COOKIE_ECHO",
	ChunkCookieAck:        "COOKIE_ACK",
	ChunkECNE:             "ECNE",
	ChunkCWR:              "CWR",
	ChunkShutdownComplete: "SHUTDOWN_COMPLETE",
	ChunkAuth:             "AUTH",
	ChunkIData:            "I_DATA",
	ChunkAsconfAck:        "ASCONF_ACK",
	ChunkReconfig:         "RE_CONFIG",
	ChunkPad:              "PAD",
	ChunkForwardTSN:       "FORWARD_TSN",
	ChunkAsconf:           "ASCONF",
	ChunkIForwardTSN:      "I_FORWARD_TSN",
}

// String returns the RFC's name of the chunk type.
func (t ChunkType) String() string {
	if n, ok := chunkTypeNames[t]; ok {
		return n
	}
	return "CHUNK(" + strconv.Itoa(int(t)) + ")"
}

// UnrecognizedAction is what the highest two bits of an unrecognized chunk
// type or parameter type ask the receiver to do (RFC 9260 3.2 and 3.2.1).
type UnrecognizedAction uint8

// The four actions, in the order of their bit patterns 00, 01, 10, 11.
const (
	// ActionStop: stop processing, discard this and all further chunks
	// (for parameters: stop processing the chunk).
	ActionStop UnrecognizedAction = iota
	// ActionStopAndReport: as ActionStop, and report it in an ERROR chunk
	// (for parameters: in an Unrecognized Parameter).
	ActionStopAndReport
	// ActionSkip: skip this one and continue processing.
	ActionSkip
	// ActionSkipAndReport: skip, continue and report it.
	ActionSkipAndReport
)

// Report reports whether the action asks for the unrecognized item to be
// reported to the sender.
func (a UnrecognizedAction) Report() bool { return a&1 != 0 }

// Skip reports whether processing continues after the unrecognized item.
func (a UnrecognizedAction) Skip() bool { return a&2 != 0 }

// UnrecognizedAction returns the action the type's highest two bits ask for
// should the receiver not know the type (RFC 9260 3.2).
func (t ChunkType) UnrecognizedAction() UnrecognizedAction { return UnrecognizedAction(t >> 6) }

// Generic chunk layout (RFC 9260 3.2).
const (
	chunkType   = 0
	chunkFlags  = 1
	chunkLength = 2

	// ChunkHeaderLen is the size of the type, flags and length fields.
	ChunkHeaderLen = 4
)

// Chunk is a view of one chunk: its type, flags and length fields and its
// value, without the trailing padding (RFC 9260 3.2). A Chunk returned by
// ChunkIter is exactly Length() bytes long.
type Chunk []byte

// Type returns the "Chunk Type" field.
func (c Chunk) Type() ChunkType { return ChunkType(c[chunkType]) }

// Flags returns the "Chunk Flags" field.
func (c Chunk) Flags() uint8 { return c[chunkFlags] }

// Length returns the "Chunk Length" field, which excludes trailing padding.
func (c Chunk) Length() uint16 { return binary.BigEndian.Uint16(c[chunkLength:]) }

// Value returns the "Chunk Value" field.
func (c Chunk) Value() []byte { return c[ChunkHeaderLen:] }

// SetType sets the "Chunk Type" field.
func (c Chunk) SetType(t ChunkType) { c[chunkType] = uint8(t) }

// SetFlags sets the "Chunk Flags" field.
func (c Chunk) SetFlags(f uint8) { c[chunkFlags] = f }

// SetLength sets the "Chunk Length" field.
func (c Chunk) SetLength(l uint16) { binary.BigEndian.PutUint16(c[chunkLength:], l) }

// encodeChunkHeader writes a chunk's type, flags and length fields.
func encodeChunkHeader(b []byte, t ChunkType, flags uint8, length int) {
	b[chunkType] = uint8(t)
	b[chunkFlags] = flags
	binary.BigEndian.PutUint16(b[chunkLength:], uint16(length))
}

// PaddedLen rounds n up to a multiple of 4: the space a chunk, parameter or
// error cause of length n occupies (RFC 9260 3.2).
func PaddedLen(n int) int { return (n + 3) &^ 3 }

// Errors returned by the validating iterators and ValidatePacket. They are
// values so that the per-packet path allocates nothing.
var (
	ErrTruncated      = errors.New("sctp: truncated")
	ErrChunkTooShort  = errors.New("sctp: chunk length below its type's minimum")
	ErrChunkOverrun   = errors.New("sctp: chunk length exceeds the packet")
	ErrParamTooShort  = errors.New("sctp: parameter length below 4")
	ErrParamOverrun   = errors.New("sctp: parameter length exceeds its chunk")
	ErrCauseTooShort  = errors.New("sctp: error cause length below 4")
	ErrCauseOverrun   = errors.New("sctp: error cause length exceeds its chunk")
	ErrNoChunks       = errors.New("sctp: packet carries no chunk")
	ErrPortZero       = errors.New("sctp: port number 0")
	ErrNotAlone       = errors.New("sctp: INIT, INIT ACK or SHUTDOWN COMPLETE bundled with another chunk")
	ErrBadPadding     = errors.New("sctp: non-zero padding")
	ErrBadLength      = errors.New("sctp: length field not valid for the chunk type")
	ErrParamBadLength = errors.New("sctp: parameter length not valid for its type")
)

// ChunkIter walks the chunks of a packet without allocating. The zero value
// is not usable; make one with NewChunkIter.
//
//	it := header.NewChunkIter(pkt.Chunks())
//	for c, ok := it.Next(); ok; c, ok = it.Next() { ... }
//	if it.Err() != nil { ... }
type ChunkIter struct {
	buf []byte
	err error
}

// NewChunkIter returns an iterator over the chunks in b (the bytes after the
// common header).
func NewChunkIter(b []byte) ChunkIter { return ChunkIter{buf: b} }

// Next returns the next chunk. It returns false at the end of the packet or
// when the next chunk is malformed (its length is below 4 or runs past the
// packet); Err then says which. A final chunk whose padding is missing is
// accepted (RFC 9260 3.2, "A robust implementation...").
func (it *ChunkIter) Next() (Chunk, bool) {
	c, ok := nextTLV(&it.buf, &it.err, ErrChunkTooShort, ErrChunkOverrun)
	return Chunk(c), ok
}

// nextTLV takes the next type-length-value item off *buf: chunks,
// parameters and error causes all keep a 16-bit length, which excludes
// padding, at offset 2 and have a 4-byte header (RFC 9260 3.2, 3.2.1,
// 3.3.10). The item is returned cut to its length (capacity too, so that
// appending cannot reach the next item); missing padding after the last item
// is accepted. On a malformed item *err is set and iteration stops.
func nextTLV(buf *[]byte, err *error, tooShort, overrun error) ([]byte, bool) {
	b := *buf
	if *err != nil || len(b) == 0 {
		return nil, false
	}
	if len(b) < 4 {
		*err = ErrTruncated
		return nil, false
	}
	l := int(binary.BigEndian.Uint16(b[2:]))
	if l < 4 {
		*err = tooShort
		return nil, false
	}
	if l > len(b) {
		*err = overrun
		return nil, false
	}
	*buf = b[min(PaddedLen(l), len(b)):]
	return b[:l:l], true
}

// Err returns the reason iteration stopped early, or nil at a clean end.
func (it *ChunkIter) Err() error { return it.err }

// Remaining returns the bytes not yet iterated.
func (it *ChunkIter) Remaining() []byte { return it.buf }
