package sctp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// ootbEnv is a network whose host b has SCTP; host a plays a peer by hand.
func ootbEnv(t *testing.T) (*testEnv, *capture) {
	cp := &capture{}
	e := newTestEnv(t, 30, Options{}, sctptest.LinkConfig{Pcap: cp})
	return e, cp
}

// inject sends an SCTP packet from a's address (port 7000) to b:dport and
// lets the network deliver it and any answer.
func (e *testEnv) inject(dport uint16, vtag uint32, chunks ...[]byte) {
	e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, 7000, dport, vtag, chunks...))
	e.n.Advance(10 * time.Millisecond)
}

// answers returns b's packets after the first skip.
func (e *testEnv) answers(cp *capture, skip int) []captured { return cp.from(e.bAddr, skip) }

func TestOOTBRule2AbortDiscarded(t *testing.T) {
	e, cp := ootbEnv(t)
	e.inject(6000, 1234, rawChunk(header.ChunkData, 3, make([]byte, 16)), rawChunk(header.ChunkAbort, 0, nil))
	require.Empty(t, e.answers(cp, 0))
	require.EqualValues(t, 1, protoStats(e.b).OutOfTheBluePackets.Value())
}

func TestOOTBRule3InitNoListener(t *testing.T) {
	e, cp := ootbEnv(t)
	e.inject(6000, 0, rawInit(0xabcdef01, 1, 10, 10, 65535, nil))
	ans := e.answers(cp, 0)
	require.Len(t, ans, 1)
	require.Equal(t, uint32(0xabcdef01), ans[0].pkt.VerificationTag())
	ch := ans[0].chunks()
	require.Equal(t, header.ChunkAbort, ch[0].Type())
	require.Zero(t, ch[0].Flags()&header.ChunkFlagT, "T bit must be clear")
}

func TestOOTBRule4BadCookieDiscarded(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	e.inject(6000, 99, rawChunk(header.ChunkCookieEcho, 0, make([]byte, cookieLen)))
	require.Empty(t, e.answers(cp, 0))
	_, _, err := l.Accept(nil)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	require.EqualValues(t, 1, protoStats(e.b).CookiesRejected.Value())
}

func TestOOTBRule5ShutdownAck(t *testing.T) {
	e, cp := ootbEnv(t)
	e.inject(6000, 0x55667788, rawChunk(header.ChunkShutdownAck, 0, nil))
	ans := e.answers(cp, 0)
	require.Len(t, ans, 1)
	require.Equal(t, uint32(0x55667788), ans[0].pkt.VerificationTag())
	ch := ans[0].chunks()
	require.Equal(t, header.ChunkShutdownComplete, ch[0].Type())
	require.NotZero(t, ch[0].Flags()&header.ChunkFlagT, "T bit must be set")
}

func TestOOTBRule6ShutdownComplete(t *testing.T) {
	e, cp := ootbEnv(t)
	e.inject(6000, 5, rawChunk(header.ChunkShutdownComplete, 0, nil))
	require.Empty(t, e.answers(cp, 0))
}

func TestOOTBRule7StaleCookieAndCookieAck(t *testing.T) {
	e, cp := ootbEnv(t)
	var stale [8]byte
	binary.BigEndian.PutUint16(stale[0:], uint16(header.CauseStaleCookie))
	binary.BigEndian.PutUint16(stale[2:], 8)
	e.inject(6000, 5, rawChunk(header.ChunkError, 0, stale[:]))
	e.inject(6000, 5, rawChunk(header.ChunkCookieAck, 0, nil))
	require.Empty(t, e.answers(cp, 0))
	require.EqualValues(t, 2, protoStats(e.b).OutOfTheBluePackets.Value())
}

func TestOOTBRule8AbortReflected(t *testing.T) {
	e, cp := ootbEnv(t)
	for i, c := range [][]byte{
		rawChunk(header.ChunkData, 3, make([]byte, 16)),
		rawChunk(header.ChunkSack, 0, make([]byte, 12)),
		rawChunk(header.ChunkHeartbeat, 0, []byte{0, 1, 0, 4}),
		rawChunk(header.ChunkShutdown, 0, make([]byte, 4)),
		rawChunk(0x3f, 0, nil), // unknown chunk type
	} {
		e.inject(6000, 0x01020304+uint32(i), c)
		ans := e.answers(cp, i)
		require.Len(t, ans, 1, "chunk %d", i)
		require.Equal(t, 0x01020304+uint32(i), ans[0].pkt.VerificationTag())
		ch := ans[0].chunks()
		require.Equal(t, header.ChunkAbort, ch[0].Type())
		require.NotZero(t, ch[0].Flags()&header.ChunkFlagT)
	}
}

func TestOOTBRule1NonUnicast(t *testing.T) {
	e, _ := ootbEnv(t)
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	pi := packetInfo{vtag: 1, srcPort: 1, dstPort: 2, srcAddr: e.aAddr, dstAddr: tcpip.AddrFrom4([4]byte{255, 255, 255, 255}), netProto: 0x0800, nicID: 1}
	p.handleClosed(nil, &pi, rawChunk(header.ChunkData, 3, make([]byte, 16)), 0)
	require.EqualValues(t, 0, p.stats.AbortsSent.Value())
	require.EqualValues(t, 1, p.stats.OutOfTheBluePackets.Value())
}

func TestOOTBBadChecksumDropped(t *testing.T) {
	e, cp := ootbEnv(t)
	b := rawSCTP(e.aAddr, e.bAddr, 7000, 6000, 1, rawChunk(header.ChunkData, 3, make([]byte, 16)))
	b[len(b)-1] ^= 0xff
	e.link.A().WriteRaw(b)
	e.n.Advance(10 * time.Millisecond)
	require.Empty(t, e.answers(cp, 0))
	require.EqualValues(t, 1, protoStats(e.b).ChecksumErrors.Value())
}
