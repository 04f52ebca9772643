package header

import "errors"

// Errors of ValidateChunk and ValidateCause beyond those of the iterators.
var (
	ErrCauseBadLength = errors.New("sctp: error cause length not valid for its code")
	ErrBadHeartbeat   = errors.New("sctp: HEARTBEAT without a whole Heartbeat Info parameter")
)

// chunkMinLen holds the minimum chunk length of each chunk type whose
// layout this package knows, and 0 for the others.
var chunkMinLen = [256]uint8{
	ChunkData:             DataChunkHeaderLen,       // RFC 9260 3.3.1; 16 means no user data (6.2)
	ChunkInit:             InitChunkHeaderLen,       // RFC 9260 3.3.2
	ChunkInitAck:          InitChunkHeaderLen,       // RFC 9260 3.3.3
	ChunkSack:             SackChunkHeaderLen,       // RFC 9260 3.3.4
	ChunkHeartbeat:        HeartbeatChunkMinLen,     // RFC 9260 3.3.5
	ChunkHeartbeatAck:     HeartbeatChunkMinLen,     // RFC 9260 3.3.6
	ChunkAbort:            ChunkHeaderLen,           // RFC 9260 3.3.7
	ChunkShutdown:         ShutdownChunkLen,         // RFC 9260 3.3.8
	ChunkShutdownAck:      ShutdownAckChunkLen,      // RFC 9260 3.3.9
	ChunkError:            ErrorChunkMinLen,         // RFC 9260 3.3.10
	ChunkCookieEcho:       ChunkHeaderLen,           // RFC 9260 3.3.11
	ChunkCookieAck:        CookieAckChunkLen,        // RFC 9260 3.3.12
	ChunkShutdownComplete: ShutdownCompleteChunkLen, // RFC 9260 3.3.13
	ChunkAuth:             8,                        // RFC 4895 4.1: Shared Key Identifier, HMAC Identifier
	ChunkIData:            20,                       // RFC 8260 2.1
	ChunkAsconfAck:        8,                        // RFC 5061 4.1.2: Serial Number
	ChunkReconfig:         8,                        // RFC 6525 3.1: one or two parameters
	ChunkPad:              4,                        // RFC 4820 3
	ChunkForwardTSN:       8,                        // RFC 3758 3.2: New Cumulative TSN
	ChunkAsconf:           8,                        // RFC 5061 4.1.1: Serial Number
	ChunkIForwardTSN:      8,                        // RFC 8260 2.3.1: New Cumulative TSN
}

// Known reports whether this package knows the layout of chunk type t: the
// chunks of RFC 9260 and of the extensions it carries. ECNE and CWR, only
// reserved by RFC 9260, are not known. A receiver that does not support an
// extension treats that extension's chunks as unrecognized all the same
// (RFC 9260 3.2).
func (t ChunkType) Known() bool { return chunkMinLen[t] != 0 }

// MinLen returns the minimum chunk length of a known chunk type, and 4 for
// the others.
func (t ChunkType) MinLen() int {
	if m := chunkMinLen[t]; m != 0 {
		return int(m)
	}
	return ChunkHeaderLen
}

// ChunkTypeSet is a set of chunk types. The zero value is empty.
type ChunkTypeSet struct {
	bits [4]uint64
}

// Add adds t to the set.
func (s *ChunkTypeSet) Add(t ChunkType) { s.bits[t>>6] |= 1 << (t & 63) }

// Has reports whether t is in the set.
func (s ChunkTypeSet) Has(t ChunkType) bool { return s.bits[t>>6]&(1<<(t&63)) != 0 }

// PacketInfo is what ValidatePacket learns of a packet.
type PacketInfo struct {
	// NumChunks is the number of chunks validated.
	NumChunks int
	// Types holds the types of the chunks validated, for rules such as
	// those of out-of-the-blue packets (RFC 9260 8.4).
	Types ChunkTypeSet
	// Unknown is how many of the chunks validated have a type this
	// package does not know (ChunkType.Known).
	Unknown int
	// End is the offset in the packet where the chunks to process end:
	// the end of the packet, or the end of the first unknown chunk whose
	// type asks to stop processing (RFC 9260 3.2: bits 00 and 01), after
	// which nothing was validated. On error, End is the offset of the
	// chunk that failed (0 if the common header did).
	End int
}

// Iter returns an iterator over the validated chunks of pkt, the packet
// that ValidatePacket accepted: those before End. For a packet it
// rejected, the iterator yields the chunks before the one that failed.
func (i *PacketInfo) Iter(pkt []byte) ChunkIter {
	if i.End < SCTPCommonHeaderLen {
		return NewChunkIter(nil)
	}
	return NewChunkIter(pkt[SCTPCommonHeaderLen:i.End])
}

// ValidatePacket checks the structure of an SCTP packet without
// allocating, so that the accessors of the views of every chunk that
// info.Iter returns, and of the parameters and error causes that
// InitParamIter (with RecognizedInInit or RecognizedInInitAck) and
// CauseIter return from them, stay in range. It checks:
//
//   - the common header is whole and neither port is 0 (RFC 9260 3.1);
//   - there is at least one chunk, and every chunk is whole: its length is
//     at least 4 and does not run past the packet (RFC 9260 3.2, 6.10);
//   - every chunk of a known type passes ValidateChunk;
//   - INIT, INIT ACK and SHUTDOWN COMPLETE are alone (RFC 9260 6.10).
//
// It does not verify the checksum (SCTP.IsChecksumValid does, RFC 9260
// 6.8), nor the Verification Tag or any rule that depends on the
// association. Padding bytes are not checked: the receiver ignores them
// (RFC 9260 3.2).
//
// A chunk of an unknown type is not an error: it counts in info.Unknown
// and the caller acts on its type's UnrecognizedAction when it meets the
// chunk while iterating. If that action stops processing, validation stops
// after the chunk and info.End marks the end of what is to be processed.
//
// A DATA chunk of length 16 carries no user data; it is valid here, so that
// the receiver can answer with an ABORT with a No User Data cause (RFC 9260
// 6.2).
func ValidatePacket(b []byte) (info PacketInfo, err error) {
	if len(b) < SCTPCommonHeaderLen {
		return info, ErrTruncated
	}
	if h := SCTP(b); h.SourcePort() == 0 || h.DestinationPort() == 0 {
		return info, ErrPortZero // RFC 9260 3.1
	}
	info.End = SCTPCommonHeaderLen
	alone := false
	it := NewChunkIter(b[SCTPCommonHeaderLen:])
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		t := c.Type()
		if err := ValidateChunk(c); err != nil {
			return info, err
		}
		switch t {
		case ChunkInit, ChunkInitAck, ChunkShutdownComplete:
			alone = true // RFC 9260 6.10
		}
		info.NumChunks++
		info.Types.Add(t)
		info.End = len(b) - len(it.Remaining())
		if !t.Known() {
			info.Unknown++
			if !t.UnrecognizedAction().Skip() {
				return info, checkAlone(info, alone)
			}
		}
	}
	if err := it.Err(); err != nil {
		return info, err
	}
	info.End = len(b)
	if info.NumChunks == 0 {
		return info, ErrNoChunks
	}
	return info, checkAlone(info, alone)
}

// checkAlone applies RFC 9260 6.10: INIT, INIT ACK and SHUTDOWN COMPLETE
// are never bundled.
func checkAlone(info PacketInfo, alone bool) error {
	if alone && info.NumChunks > 1 {
		return ErrNotAlone
	}
	return nil
}

// ValidateChunk checks a chunk (as ChunkIter returns it, or any bytes
// starting with a chunk header) of a known type against its type's layout, so that the accessors of its view stay
// in range: its length is at least the type's minimum; a SACK's length
// covers its Gap Ack Blocks and Duplicate TSNs; a HEARTBEAT's Heartbeat
// Info parameter is whole; the parameters of an INIT or INIT ACK pass
// InitParamIter with RecognizedInInit or RecognizedInInitAck; the error
// causes of an ABORT or ERROR are whole and pass ValidateCause. It checks
// nothing of values (a zero Initiate Tag, for one), which the state
// machine answers as RFC 9260 section 5 says. Chunks of unknown types
// yield nil.
func ValidateChunk(c Chunk) error {
	if len(c) < ChunkHeaderLen {
		return ErrTruncated
	}
	t, l := c.Type(), int(c.Length())
	if l > len(c) {
		return ErrChunkOverrun
	}
	if l < t.MinLen() {
		return ErrChunkTooShort
	}
	c = c[:l]
	switch t {
	case ChunkInit:
		return validateInitParams(InitChunk(c).Params(), RecognizedInInit)
	case ChunkInitAck:
		return validateInitParams(InitChunk(c).Params(), RecognizedInInitAck)
	case ChunkSack:
		if !SackChunk(c).sackFits() {
			return ErrBadLength // RFC 9260 3.3.4
		}
	case ChunkHeartbeat, ChunkHeartbeatAck:
		v := chunkValue(c)
		if l := int(Param(v).Length()); l < ParamHeaderLen || l > len(v) {
			return ErrBadHeartbeat // RFC 9260 3.3.5, 3.3.6
		}
	case ChunkAbort, ChunkError:
		return validateCauses(chunkValue(c))
	}
	return nil
}

func validateInitParams(params []byte, recognized func(ParamType) bool) error {
	it := NewInitParamIter(params, recognized)
	for _, _, ok := it.Next(); ok; _, _, ok = it.Next() {
	}
	return it.Err()
}

func validateCauses(b []byte) error {
	it := NewCauseIter(b)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if err := ValidateCause(c); err != nil {
			return err
		}
	}
	return it.Err()
}

// ValidateCause checks the length of an error cause of a code RFC 9260
// defines against that code's layout, so that the accessors of its view
// stay in range; c is a cause as CauseIter returns it (its length field is
// checked against len(c) too). Other codes are only checked for that.
func ValidateCause(c Cause) error {
	if len(c) < CauseHeaderLen {
		return ErrTruncated
	}
	l := int(c.Length())
	if l < CauseHeaderLen {
		return ErrCauseTooShort
	}
	if l > len(c) {
		return ErrCauseOverrun
	}
	ok := true
	switch c.Code() {
	case CauseInvalidStreamIdentifier:
		ok = l >= InvalidStreamIdentifierCauseLen // RFC 9260 3.3.10.1
	case CauseMissingMandatoryParameter:
		ok = MissingMandatoryParameterCause(c).missingFits() // RFC 9260 3.3.10.2
	case CauseStaleCookie:
		ok = l >= StaleCookieCauseLen // RFC 9260 3.3.10.3
	case CauseUnresolvableAddress:
		ok = l >= UnresolvableAddressCauseMinLen // RFC 9260 3.3.10.5
	case CauseUnrecognizedChunkType:
		ok = l >= UnrecognizedChunkTypeCauseMinLen // RFC 9260 3.3.10.6
	case CauseNoUserData:
		ok = l >= NoUserDataCauseLen // RFC 9260 3.3.10.9
	}
	if !ok {
		return ErrCauseBadLength
	}
	return nil
}
