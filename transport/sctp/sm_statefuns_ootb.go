package sctp

import (
	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// State functions for packets that match no association: the out-of-the-
// blue rules of RFC 9260 8.4 (INIT and COOKIE ECHO, rules 3 and 4, are in
// sm_statefuns_init.go).

// sfTAbort8_4_8 answers an OOTB packet with an ABORT that reflects its tag
// with the T bit set, and drops it (RFC 9260 8.4 rule 8).
func sfTAbort8_4_8(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdCountOOTB)
	cmds.abort(0, vtReflect)
	return dispDiscard
}

// sfDiscard8_4_2 drops an OOTB packet carrying an ABORT (RFC 9260 8.4
// rule 2).
func sfDiscard8_4_2(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdCountOOTB)
	return dispDiscard
}

// sfTShutdownComplete8_4_5 answers an OOTB SHUTDOWN ACK with SHUTDOWN
// COMPLETE reflecting its tag with the T bit (RFC 9260 8.4 rule 5).
func sfTShutdownComplete8_4_5(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdCountOOTB)
	cmds.add(command{kind: cmdSendShutdownComp, vt: vtReflect, tbit: true})
	return dispDiscard
}

// sfShutdownAckOOTB8_5_1E treats a SHUTDOWN ACK in COOKIE-WAIT or
// COOKIE-ECHOED as out of the blue (RFC 9260 8.5.1 E, 8.4 rule 5).
func sfShutdownAckOOTB8_5_1E(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.add(command{kind: cmdSendShutdownComp, vt: vtReflect, tbit: true})
	return dispDiscard
}

// sfDiscard8_4_6 drops an OOTB SHUTDOWN COMPLETE (RFC 9260 8.4 rule 6).
func sfDiscard8_4_6(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdCountOOTB)
	return dispDiscard
}

// sfDiscard8_4_7 drops an OOTB COOKIE ACK (RFC 9260 8.4 rule 7).
func sfDiscard8_4_7(ctx *smContext, ev *event, cmds *commandList) disposition {
	cmds.do(cmdCountOOTB)
	return dispDiscard
}

// sfOOTBError8_4_7 drops an OOTB ERROR with a Stale Cookie cause (rule 7)
// and aborts on any other (rule 8).
func sfOOTBError8_4_7(ctx *smContext, ev *event, cmds *commandList) disposition {
	if _, ok := hasCause(ev.chunk, header.CauseStaleCookie); ok {
		return sfDiscard8_4_7(ctx, ev, cmds)
	}
	return sfTAbort8_4_8(ctx, ev, cmds)
}

// ootbDecider picks the chunk of an OOTB packet that decides its fate, in
// the order of the rules of RFC 9260 8.4 (rule 1 is the caller's), and
// whether it is the packet's first chunk.
func ootbDecider(chunks []byte) (header.Chunk, bool, bool) {
	var first, init, shutAck, shutComp, rule7 header.Chunk
	it := header.NewChunkIter(chunks)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if first == nil {
			first = c
		}
		switch c.Type() {
		case header.ChunkAbort:
			return c, c0(first, c), true // rule 2
		case header.ChunkInit:
			if init == nil {
				init = c
			}
		case header.ChunkShutdownAck:
			if shutAck == nil {
				shutAck = c
			}
		case header.ChunkShutdownComplete:
			if shutComp == nil {
				shutComp = c
			}
		case header.ChunkCookieAck:
			if rule7 == nil {
				rule7 = c
			}
		case header.ChunkError:
			if _, ok := hasCause(c, header.CauseStaleCookie); ok && rule7 == nil {
				rule7 = c
			}
		}
	}
	var d header.Chunk
	switch {
	case first == nil:
		return nil, false, false
	case init != nil: // rule 3
		d = init
	case first.Type() == header.ChunkCookieEcho: // rule 4
		d = first
	case shutAck != nil: // rule 5
		d = shutAck
	case shutComp != nil: // rule 6
		d = shutComp
	case rule7 != nil: // rule 7
		d = rule7
	default: // rule 8
		d = first
	}
	return d, c0(first, d), true
}

// c0 reports whether c is the chunk first (the same bytes).
func c0(first, c header.Chunk) bool { return &first[0] == &c[0] }
