package sctp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// TestCollisionDupCookieCases runs RFC 9260 5.2.4's table: a COOKIE ECHO
// for an existing TCB whose cookie's tags and Tie-Tags match or not.
func TestCollisionDupCookieCases(t *testing.T) {
	p := cellProtocol(t)
	const tieL, tieP = 0x77777777, 0x88888888
	for _, tc := range []struct {
		name              string
		state             State
		local, peer       uint32
		tieLocal, tiePeer uint32
		tcbTieL, tcbTieP  uint32
		tcbPeerTag        uint32
		want              dupCookieCase
		cmds              string
	}{
		{"A restart", StateEstablished, 0x99, 0x98, tieL, tieP, tieL, tieP, fxPeerTag, dupCookieA,
			"StopTimer(T1-init) StopTimer(T1-cookie) StopTimer(T2-shutdown) StopTimer(T3-rtx) StopTimer(T5-shutdown-guard) StopTimer(heartbeat) StopTimer(delayed-SACK) StopTimer(autoclose) RestartAssoc ReportRestart SetState(ESTABLISHED) SendCookieAck StartTimer(heartbeat)"},
		{"A while shutting down", StateShutdownAckSent, 0x99, 0x98, tieL, tieP, tieL, tieP, fxPeerTag, dupCookieA,
			"SendShutdownAck SendError(COOKIE_RECEIVED_WHILE_SHUTTING_DOWN)"},
		{"B collision", StateCookieEchoed, fxMyTag, 0x98, tieL, tieP, tieL, tieP, fxPeerTag, dupCookieB,
			"StopTimer(T1-init) StopTimer(T1-cookie) UpdateFromCookie SetState(ESTABLISHED) Connected StartTimer(heartbeat) SendCookieAck FlushOutqueue"},
		{"B peer tag unknown", StateCookieWait, fxMyTag, fxPeerTag, 0, 0, 0, 0, 0, dupCookieB,
			"StopTimer(T1-init) StopTimer(T1-cookie) UpdateFromCookie SetState(ESTABLISHED) Connected StartTimer(heartbeat) SendCookieAck FlushOutqueue"},
		{"C late cookie", StateEstablished, 0x99, fxPeerTag, 0, 0, 0, 0, fxPeerTag, dupCookieC, ""},
		{"D duplicate", StateEstablished, fxMyTag, fxPeerTag, 0, 0, 0, 0, fxPeerTag, dupCookieD, "SendCookieAck FlushOutqueue"},
		{"no match", StateEstablished, 0x99, 0x98, 0, 0, tieL, tieP, fxPeerTag, dupCookieDiscard, ""},
	} {
		a := cellAssoc(p, tc.state)
		a.peerVtag = tc.tcbPeerTag
		a.localTieTag, a.peerTieTag = tc.tcbTieL, tc.tcbTieP
		now := p.stack.Clock().Now().UnixNano()
		cd := cookieData{created: now, lifeMS: 60000, localTag: tc.local, peerTag: tc.peer, localTieTag: tc.tieLocal, peerTieTag: tc.tiePeer,
			outStreams: 10, inStreams: 10, localPort: 1, peerPort: 2, netProto: 0x0800, localAddr: fxLocal, peerAddr: fxPeer}
		require.Equal(t, tc.want, classifyDupCookie(a, &cd), tc.name)
		ck := make([]byte, cookieLen)
		p.keys.sign(ck, &cd)
		ev := cellEvent(p, evCookieEcho, now)
		ev.pkt.vtag = tc.local
		ev.chunk = header.Chunk(rawChunk(header.ChunkCookieEcho, 0, ck))
		ctx := smContext{a: a, p: p}
		var cmds commandList
		lookup(evCookieEcho, tc.state)(&ctx, &ev, &cmds)
		var got []string
		for _, c := range cmds.slice() {
			got = append(got, c.String())
		}
		require.Equal(t, tc.cmds, strings.Join(got, " "), tc.name)
	}
}
