package sctp

import "github.com/netstack-sctp/sctp/transport/sctp/header"

// replySlack is what the replies to a packet may exceed its size by, so
// that a tiny packet still gets its answer (an ERROR reporting a 4-byte
// unknown chunk is 12 bytes).
const replySlack = 64

// mayReply decides whether a control chunk of n bytes may still be sent in
// answer to chunks of the packet pi, and counts it if so. RFC 9260 12.2: the
// answer to one packet is at most one packet of chunks other than DATA
// (SACK excepted), and SHOULD NOT be much larger than what came in (byte
// amplification). So the replies to one packet (HEARTBEAT ACKs, ERRORs for
// unrecognized chunks or invalid streams) share a budget: the packet's own
// size plus replySlack, and one packet of the path MTU, except that a
// first reply larger than the MTU still goes alone (a HEARTBEAT ACK echoes
// a probe as large as the peer sent it). Replies beyond it are not sent.
func (pi *packetInfo) mayReply(n, maxChunk int) bool {
	budget := 1 << 16
	if pi.chunks != nil {
		budget = len(pi.chunks) + replySlack
	}
	if pi.replied > 0 && maxChunk > 0 {
		budget = min(budget, maxChunk)
	}
	if pi.replied+n > budget {
		return false
	}
	pi.replied += n
	return true
}

// unrecognizedLen is the length of the ERROR chunk that reports chunk c as
// unrecognized (the cmdSendUnrecognized command).
func unrecognizedLen(c header.Chunk, maxChunk int) int {
	return header.PaddedLen(header.ChunkHeaderLen + header.CauseHeaderLen + unrecognizedInfoLen(c, maxChunk))
}

// unrecognizedInfoLen is how much of chunk c the Unrecognized Chunk Type
// cause carries: all of it (RFC 9260 3.3.10.6), cut only to fit a packet.
func unrecognizedInfoLen(c header.Chunk, maxChunk int) int {
	return min(len(c), (maxChunk-header.ChunkHeaderLen-header.CauseHeaderLen)&^3)
}
