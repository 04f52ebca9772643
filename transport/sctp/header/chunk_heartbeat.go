package header

// HeartbeatChunkMinLen is the minimum length of a HEARTBEAT or HEARTBEAT
// ACK chunk: the chunk header and an empty Heartbeat Info parameter.
const HeartbeatChunkMinLen = ChunkHeaderLen + ParamHeaderLen

// HeartbeatChunk is a view of a HEARTBEAT chunk (RFC 9260 3.3.5) or of a
// HEARTBEAT ACK chunk (RFC 9260 3.3.6), which share one layout: the chunk
// header and a Heartbeat Info parameter. ValidateChunk checks that the
// parameter's length stays within the chunk.
type HeartbeatChunk Chunk

// HeartbeatFields is what HeartbeatChunk.Encode writes.
type HeartbeatFields struct {
	// Ack makes Encode write a HEARTBEAT ACK rather than a HEARTBEAT.
	Ack bool
	// Info is the Sender-Specific Heartbeat Info, which Encode wraps in a
	// Heartbeat Info parameter. A HEARTBEAT ACK reflects the request's
	// (RFC 9260 3.3.6): HeartbeatChunk(req).Info().SenderSpecificInfo().
	Info []byte
}

// HeartbeatChunkLen returns the chunk length of a HEARTBEAT or HEARTBEAT ACK
// chunk carrying n bytes of Sender-Specific Heartbeat Info (without
// padding).
func HeartbeatChunkLen(n int) int { return ChunkHeaderLen + HeartbeatInfoParamLen(n) }

// Info returns the "Heartbeat Information TLV" field (RFC 9260 3.3.5), or
// nil when the chunk does not hold a whole parameter (which ValidateChunk
// rejects).
func (c HeartbeatChunk) Info() HeartbeatInfoParam {
	v := Chunk(c).Value()
	if len(v) < ParamHeaderLen {
		return nil
	}
	l := int(Param(v).Length())
	if l < ParamHeaderLen || l > len(v) {
		return nil
	}
	return HeartbeatInfoParam(v[:l])
}

// Encode writes a HEARTBEAT or HEARTBEAT ACK chunk into c, which must hold
// PaddedLen(HeartbeatChunkLen(len(f.Info))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (c HeartbeatChunk) Encode(f *HeartbeatFields) int {
	t := ChunkHeartbeat
	if f.Ack {
		t = ChunkHeartbeatAck
	}
	encodeChunkHeader(c, t, 0, HeartbeatChunkLen(len(f.Info)))
	return ChunkHeaderLen + HeartbeatInfoParam(c[ChunkHeaderLen:]).Encode(&HeartbeatInfoFields{Info: f.Info})
}

// HeartbeatInfoParam is a view of a Heartbeat Info parameter (RFC 9260
// 3.3.5).
type HeartbeatInfoParam Param

// HeartbeatInfoFields is what HeartbeatInfoParam.Encode writes.
type HeartbeatInfoFields struct {
	Info []byte
}

// HeartbeatInfoParamLen returns the parameter length of a Heartbeat Info
// parameter carrying n bytes of Sender-Specific Heartbeat Info.
func HeartbeatInfoParamLen(n int) int { return ParamHeaderLen + n }

// SenderSpecificInfo returns the "Sender-Specific Heartbeat Info" field.
func (p HeartbeatInfoParam) SenderSpecificInfo() []byte { return paramValue(Param(p)) }

// Encode writes the parameter into p, which must hold
// PaddedLen(HeartbeatInfoParamLen(len(f.Info))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (p HeartbeatInfoParam) Encode(f *HeartbeatInfoFields) int {
	return encodeBytesParam(p, ParamHeartbeatInfo, f.Info)
}
