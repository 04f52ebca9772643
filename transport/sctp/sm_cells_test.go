package sctp

import (
	"time"

	"encoding/binary"
	"flag"
	"fmt"
	"gvisor.dev/gvisor/pkg/buffer"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/faketime"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

var updateCells = flag.Bool("update-cells", false, "rewrite testdata/statecells.golden")

// Fixture values of the cell tests.
const (
	fxMyTag   = 0x11111111
	fxPeerTag = 0x22222222
	fxMyTSN   = 1000
	fxPeerTSN = 5000
	fxNewTag  = 0x33333333
)

var (
	fxLocal = tcpip.AddrFrom4([4]byte{192, 0, 2, 1})
	fxPeer  = tcpip.AddrFrom4([4]byte{192, 0, 2, 2})
)

// cellProtocol is a protocol on a stack that nothing is attached to.
func cellProtocol(t *testing.T) *protocol {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocol},
		Clock:              faketime.NewManualClock(),
	})
	t.Cleanup(s.Close)
	return s.TransportProtocolInstance(ProtocolNumber).(*protocol)
}

// cellAssoc is a TCB in state s with the fixture's tags and TSNs.
func cellAssoc(p *protocol, s State) *association {
	a := &association{p: p, state: s, myVtag: fxMyTag, peerVtag: fxPeerTag, localPort: 1, peerPort: 2,
		myInitTSN: fxMyTSN, peerInitTSN: fxPeerTSN, wantOut: 10, maxIn: 10, outStreams: 10, inStreams: 10,
		rcvbuf: 65536, sndbuf: 65536, localAddr: fxLocal}
	if s == StateCookieWait {
		a.peerVtag = 0
	}
	t := &transport{addr: fxPeer, port: 2, pmtu: 1500, state: PathActive}
	t.rto = p.opts.RTOInitial
	t.hbInterval = p.opts.HeartbeatInterval
	t.pathMaxRetrans = retransLimit(p.opts.PathMaxRetrans)
	t.resetCongestion()
	t.hbNext = p.stack.Clock().NowMonotonic().Add(-time.Millisecond) // a probe is due
	a.paths = []*transport{t}
	a.primary, a.sackPath = t, t
	a.families = familyV4
	a.o = &p.opts
	a.su().maxInitRetries = 8
	a.out.init(fxMyTSN, 10, 65536)
	a.in.init(fxPeerTSN)
	a.ulp.init(10, 65536)
	return a
}

// cellEvent returns a typical, valid instance of event typ for the TCB.
func cellEvent(p *protocol, typ eventType, now int64) event {
	pi := &packetInfo{vtag: fxMyTag, srcPort: 2, dstPort: 1, srcAddr: fxPeer, dstAddr: fxLocal, netProto: ipv4.ProtocolNumber, singleton: true, firstChunk: true}
	ev := event{typ: typ, pkt: pi, now: now}
	var c []byte
	switch typ {
	case evData:
		v := make([]byte, 16)
		binary.BigEndian.PutUint32(v, fxPeerTSN)
		c = rawChunk(header.ChunkData, 3, v)
	case evInit:
		pi.vtag = 0
		c = rawInit(fxNewTag, 9000, 10, 10, 65535, nil)
	case evInitAck:
		var prm [8]byte
		n := header.Param(prm[:]).Encode(&header.ParamFields{Type: header.ParamStateCookie, Value: []byte{1, 2, 3, 4}})
		b := make([]byte, header.InitChunkHeaderLen+n)
		header.InitChunk(b).Encode(&header.InitFields{Ack: true, InitiateTag: fxPeerTag, ARwnd: 65535, OutboundStreams: 10, InboundStreams: 10, InitialTSN: fxPeerTSN, Params: prm[:n]})
		c = b
	case evSack:
		b := make([]byte, header.SackChunkLen(0, 0))
		header.SackChunk(b).Encode(&header.SackFields{CumTSNAck: fxMyTSN - 1, ARwnd: 65535})
		c = b
	case evHeartbeat:
		c = rawChunk(header.ChunkHeartbeat, 0, []byte{0, 1, 0, 8, 1, 2, 3, 4})
	case evHeartbeatAck:
		c = rawChunk(header.ChunkHeartbeatAck, 0, []byte{0, 1, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	case evAbort:
		c = rawChunk(header.ChunkAbort, 0, nil)
	case evShutdown:
		c = rawChunk(header.ChunkShutdown, 0, []byte{0, 0, 0x13, 0x87})
	case evShutdownAck:
		c = rawChunk(header.ChunkShutdownAck, 0, nil)
	case evError:
		c = rawChunk(header.ChunkError, 0, []byte{0, 3, 0, 8, 0, 0, 0, 10})
	case evCookieEcho:
		// Case D for an existing TCB; valid for a listener in CLOSED.
		cd := cookieData{created: now, lifeMS: 60000, localTag: fxMyTag, peerTag: fxPeerTag, localTSN: fxMyTSN,
			peerTSN: fxPeerTSN, peerRwnd: 65535, outStreams: 10, inStreams: 10, localPort: 1, peerPort: 2,
			netProto: ipv4.ProtocolNumber, localAddr: fxLocal, peerAddr: fxPeer}
		ck := make([]byte, cookieLen)
		p.keys.sign(ck, &cd)
		c = rawChunk(header.ChunkCookieEcho, 0, ck)
	case evCookieAck:
		c = rawChunk(header.ChunkCookieAck, 0, nil)
	case evShutdownComplete:
		c = rawChunk(header.ChunkShutdownComplete, 0, nil)
	case evForwardTSN:
		c = rawChunk(header.ChunkForwardTSN, 0, []byte{0, 0, 0, 0}) // not negotiated: unknown
	case evUnknownChunk:
		c = rawChunk(0xbf, 0, nil) // 10xxxxxx: skip and report
	case evPrmSend:
		ev.msg = &outMessage{v: buffer.NewViewWithData([]byte("x"))}
	case evOtherICMPPacketTooBig:
		ev.mtu = 1000
	}
	if c != nil {
		ev.chunk = header.Chunk(c[:header.Chunk(c).Length()])
	}
	return ev
}

var dispNames = [...]string{"continue", "discard", "deleted", "refused"}

// runCell runs one cell's state function and describes what it returned.
func runCell(p *protocol, typ eventType, s State, mutate func(*event)) string {
	now := p.stack.Clock().Now().UnixNano()
	var a *association
	if s != StateClosed || typ >= evPrmAssociate {
		a = cellAssoc(p, s)
	}
	ev := cellEvent(p, typ, now)
	if mutate != nil {
		mutate(&ev)
	}
	ctx := smContext{a: a, p: p, listening: true, acceptOK: true}
	var cmds commandList
	d := lookup(typ, s)(&ctx, &ev, &cmds)
	parts := make([]string, 0, cmds.n)
	for _, c := range cmds.slice() {
		parts = append(parts, c.String())
	}
	return fmt.Sprintf("%s -> %s [%s]", fnName(lookup(typ, s)), dispNames[d], strings.Join(parts, " "))
}

// TestStateCells runs every cell of the table on a typical event and, for
// chunks, on the same chunk with a wrong Verification Tag, and compares
// the commands with testdata/statecells.golden (reviewed by hand; rewrite
// with -update-cells after a deliberate change).
func TestStateCells(t *testing.T) {
	p := cellProtocol(t)
	var b strings.Builder
	for typ := eventType(0); typ < numEventTypes; typ++ {
		for s := State(0); s < numStates; s++ {
			fmt.Fprintf(&b, "%-22s %-18s %s\n", typ, s, runCell(p, typ, s, nil))
			if typ <= evUnknownChunk && typ != evInit && s != StateClosed {
				fmt.Fprintf(&b, "%-22s %-18s %s\n", typ.String()+" (bad tag)", s, runCell(p, typ, s, func(ev *event) { ev.pkt.vtag = 0xdead }))
			}
		}
	}
	got := b.String()
	const golden = "testdata/statecells.golden"
	if *updateCells {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}
