package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Forged ICMP errors about the server's packets, sent onto the link as real
// ICMPv4 packets (they go through gVisor's IPv4 and the demux's
// HandleError). RFC 9260 10 items 5-6 (Appendix C of RFC 4960): only an
// error quoting the peer's verification tag is believed.

// icmpAbout builds an ICMPv4 Destination Unreachable with code, and for
// Fragmentation Needed the next-hop mtu, quoting the start of an SCTP
// packet from b:attackPort to a:cport with tag vtag, and chunk (if any).
func (e *attackEnv) icmpAbout(code uint8, mtu uint16, vtag uint32, chunk []byte) []byte {
	quoted := rawSCTP(e.bAddr, e.aAddr, attackPort, e.cport, vtag, chunk)
	if len(quoted) > 20+12+8 && chunk == nil {
		quoted = quoted[:20+12+8]
	}
	icmp := gheader.ICMPv4(make([]byte, gheader.ICMPv4MinimumSize+len(quoted)))
	icmp.SetType(gheader.ICMPv4DstUnreachable)
	icmp.SetCode(gheader.ICMPv4Code(code))
	binary.BigEndian.PutUint16(icmp[6:], mtu)
	copy(icmp[gheader.ICMPv4MinimumSize:], quoted)
	icmp.SetChecksum(^checksum.Checksum(icmp, 0))
	router := tcpip.AddrFrom4([4]byte{192, 0, 2, 1})
	return sctptest.BuildIPv4(sctptest.ToNetip(router), sctptest.ToNetip(e.bAddr), uint8(gheader.ICMPv4ProtocolNumber), icmp)
}

func (e *attackEnv) sendICMP(b []byte) {
	e.link.A().WriteRaw(b)
	e.n.Advance(10 * time.Millisecond)
}

func (e *attackEnv) pmtu() int {
	st, err := e.s.Status()
	require.Nil(e.t, err)
	return st.Primary.MTU
}

// TestAttackICMPForged: Fragmentation Needed quoting a wrong tag, tag 0
// without an INIT or with a wrong Initiate Tag, or from a flood of guessed
// tags, changes nothing; Protocol Unreachable with a wrong tag aborts
// nothing (items 6, 8). With the right tag, a tiny or zero MTU lowers the
// path MTU no further than the floor (Options.MinPMTU; RFC 9260 10 item 7
// leaves PMTU discovery to RFC 8899/1191, which bound it below), never
// raises it, and data still flows in packets that fit. Port Unreachable is
// ignored (item 3). The right tag with Protocol Unreachable is an ABORT
// (item 8): the tag is all that protects the association.
func TestAttackICMPForged(t *testing.T) {
	const fragNeeded, protoUnreach, portUnreach = 4, 2, 3
	e := newAttackEnv(t, 1500, Options{})
	_, peer := e.sTags()
	p := attackProtoOf(e.b)
	start := e.pmtu()
	ignored := p.stats.ICMPIgnored.Value()
	initTo := func(tag uint32) []byte { return rawInit(tag, 1, 1, 1, 65535, nil) }
	for name, pkt := range map[string][]byte{
		"wrong tag":             e.icmpAbout(fragNeeded, 600, peer^1, nil),
		"tag 0, no chunk":       e.icmpAbout(fragNeeded, 600, 0, nil),
		"tag 0, DATA":           e.icmpAbout(fragNeeded, 600, 0, dataChunk(1, 0, []byte("x"))),
		"tag 0, INIT, wrong IT": e.icmpAbout(fragNeeded, 600, 0, initTo(peer)),
		"proto, wrong tag":      e.icmpAbout(protoUnreach, 0, peer+1, nil),
	} {
		e.sendICMP(pkt)
		require.Equal(t, start, e.pmtu(), name)
		require.Equal(t, StateEstablished, e.stateOf(e.s), name)
	}
	require.Greater(t, p.stats.ICMPIgnored.Value(), ignored)
	for i := uint32(0); i < 1000; i++ {
		e.link.A().WriteRaw(e.icmpAbout(fragNeeded, 68, i*2654435761, nil))
	}
	e.n.Advance(10 * time.Millisecond)
	require.Equal(t, start, e.pmtu())
	require.Zero(t, p.stats.ICMPErrors.Value())

	// The right tag.
	e.sendICMP(e.icmpAbout(fragNeeded, 0, peer, nil))
	require.Equal(t, start, e.pmtu(), "MTU 0 is no information")
	e.sendICMP(e.icmpAbout(fragNeeded, 60000, peer, nil))
	require.Equal(t, start, e.pmtu(), "never raised by ICMP")
	e.sendICMP(e.icmpAbout(fragNeeded, 68, peer, nil))
	require.Equal(t, DefaultOptions().MinPMTU, e.pmtu(), "the floor")
	e.sendICMP(e.icmpAbout(portUnreach, 0, peer, nil))
	require.Equal(t, StateEstablished, e.stateOf(e.s))
	skip := e.cp.count(e.bAddr)
	big := make([]byte, 5000)
	for i := range big {
		big[i] = byte(i)
	}
	e.write(e.s, big, SendInfo{})
	got, _, err := e.readMsg(e.c, 5*time.Second)
	require.Nil(t, err)
	require.Equal(t, big, got)
	for _, pk := range e.fromServer(skip) {
		require.LessOrEqual(t, len(pk.pkt), DefaultOptions().MinPMTU)
	}
	e.transfer("at the floor")

	e.sendICMP(e.icmpAbout(protoUnreach, 0, peer, nil))
	_, _, err = e.readMsg(e.s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

// TestAttackICMPFloorOption: Options.MinPMTU sets the floor; a forged
// tiny MTU with the right tag stops there.
func TestAttackICMPFloorOption(t *testing.T) {
	e := newAttackEnv(t, 1501, Options{MinPMTU: 1200})
	_, peer := e.sTags()
	e.sendICMP(e.icmpAbout(4, 100, peer, nil))
	require.Equal(t, 1200, e.pmtu())
	e.transfer("at a 1200-byte floor")
}
