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

func param(t header.ParamType, v []byte) []byte {
	b := make([]byte, header.PaddedLen(header.ParamHeaderLen+len(v)))
	header.Param(b).Encode(&header.ParamFields{Type: t, Value: v})
	return b
}

// TestHandshakeInitInvalid sends a listener INITs that break RFC 9260
// 3.3.2 and 5.1.2 and checks each gets the RFC's answer.
func TestHandshakeInitInvalid(t *testing.T) {
	e, cp := ootbEnv(t)
	e.listen(e.b, 6000)
	hostName := param(header.ParamHostNameAddress, []byte("example.com\x00"))
	for _, tc := range []struct {
		name   string
		chunk  []byte
		bundle bool
		cause  header.CauseCode // 0: silent discard
		abort  bool
	}{
		{name: "tag 0", chunk: rawInit(0, 1, 10, 10, 65535, nil)},
		{name: "OS 0", chunk: rawInit(7, 1, 0, 10, 65535, nil), abort: true, cause: header.CauseInvalidMandatoryParameter},
		{name: "MIS 0", chunk: rawInit(7, 1, 10, 0, 65535, nil), abort: true, cause: header.CauseInvalidMandatoryParameter},
		{name: "a_rwnd 1000", chunk: rawInit(7, 1, 10, 10, 1000, nil), abort: true, cause: header.CauseInvalidMandatoryParameter},
		{name: "host name", chunk: rawInit(7, 1, 10, 10, 65535, hostName), abort: true, cause: header.CauseUnresolvableAddress},
		{name: "IPv6 only", chunk: rawInit(7, 1, 10, 10, 65535, param(header.ParamSupportedAddressTypes, []byte{0, 6})), abort: true, cause: header.CauseUnresolvableAddress},
		{name: "bad IPv4 param", chunk: rawInit(7, 1, 10, 10, 65535, param(header.ParamIPv4Address, []byte{1, 2, 3})), abort: true, cause: header.CauseProtocolViolation},
		{name: "bundled", chunk: rawInit(7, 1, 10, 10, 65535, nil), bundle: true},
	} {
		skip := cp.count(e.bAddr)
		chunks := [][]byte{tc.chunk}
		if tc.bundle {
			chunks = append(chunks, rawChunk(header.ChunkCookieAck, 0, nil))
		}
		e.inject(6000, 0, chunks...)
		ans := e.answers(cp, skip)
		if !tc.abort {
			require.Empty(t, ans, tc.name)
			continue
		}
		require.Len(t, ans, 1, tc.name)
		require.Equal(t, uint32(7), ans[0].pkt.VerificationTag(), tc.name)
		ch := ans[0].chunks()
		require.Equal(t, header.ChunkAbort, ch[0].Type(), tc.name)
		require.Zero(t, ch[0].Flags()&header.ChunkFlagT, tc.name)
		_, ok := hasCause(ch[0], tc.cause)
		require.True(t, ok, "%s: cause %v", tc.name, tc.cause)
	}
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	require.Zero(t, p.assocCount.Load())
}

// TestHandshakeInitUnrecognizedParams: parameters with the report bit come
// back in the INIT ACK as Unrecognized Parameter (RFC 9260 3.2.1).
func TestHandshakeInitUnrecognizedParams(t *testing.T) {
	e, cp := ootbEnv(t)
	e.listen(e.b, 6000)
	params := append(param(0xC123, []byte{1, 2, 3, 4}), param(0x8124, []byte{5})...) // skip+report, skip
	params = append(params, param(0x4125, nil)...)                                   // stop+report
	params = append(params, param(0xC126, nil)...)                                   // never reached
	e.inject(6000, 0, rawInit(9, 1, 10, 10, 65535, params))
	ans := e.answers(cp, 0)
	require.Len(t, ans, 1)
	ch := ans[0].chunks()
	require.Equal(t, header.ChunkInitAck, ch[0].Type())
	var unrec []header.ParamType
	it := header.NewParamIter(header.InitChunk(ch[0]).Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if p.Type() == header.ParamUnrecognizedParameter {
			unrec = append(unrec, header.Param(p.Value()).Type())
		}
	}
	require.Equal(t, []header.ParamType{0xC123, 0x4125}, unrec)
}

// TestHandshakeInitAckMissingCookie: an INIT ACK without a State Cookie is
// answered with ABORT, Missing Mandatory Parameter, and Connect fails.
func TestHandshakeInitAckMissingCookie(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 31, Options{}, sctptest.LinkConfig{Pcap: cp})
	e.link.CutDir(sctptest.AtoB) // the INIT is lost; we answer by hand
	c := e.dial(e.a, e.bAddr, 6000)
	a := c.getAssoc()
	la, _ := c.GetLocalAddress()
	b := make([]byte, header.InitChunkHeaderLen)
	header.InitChunk(b).Encode(&header.InitFields{Ack: true, InitiateTag: 77, ARwnd: 65535, OutboundStreams: 5, InboundStreams: 5, InitialTSN: 1})
	e.link.HealDir(sctptest.AtoB)
	e.link.B().WriteRaw(rawSCTP(e.bAddr, e.aAddr, 6000, la.Port, a.myVtag, b))
	var err tcpip.Error
	require.True(t, e.run(func() bool { err = c.LastError(); return err != nil }, time.Second))
	require.IsType(t, &tcpip.ErrConnectionRefused{}, err)
	ans := cp.from(e.aAddr, 0)
	last := ans[len(ans)-1]
	require.Equal(t, header.ChunkAbort, last.chunks()[0].Type())
	cs, ok := hasCause(last.chunks()[0], header.CauseMissingMandatoryParameter)
	require.True(t, ok)
	require.Equal(t, uint16(header.ParamStateCookie), binary.BigEndian.Uint16(cs.Info()[4:]))
}

// rawAssoc builds an association on b's listener from a raw INIT/COOKIE
// ECHO played from a:7000, and returns the accepted endpoint and the tags.
func rawAssoc(t *testing.T, e *testEnv, cp *capture) (s *Endpoint, bTag uint32) {
	l := e.listen(e.b, 6000)
	tag, cookie := getCookie(t, e, cp, 6000, 0xaaaa0001)
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	n, _, err := l.Accept(nil)
	require.Nil(t, err)
	return n.(*Endpoint), tag
}

func dataChunk(tsn uint32, sid uint16, payload []byte) []byte {
	b := make([]byte, header.PaddedLen(header.DataChunkLen(len(payload))))
	header.DataChunk(b).Encode(&header.DataFields{Flags: 3, TSN: tsn, StreamID: sid, Payload: payload})
	return b
}

// TestAbortTagRules checks RFC 9260 8.5 and 8.5.1 on an association: wrong
// tags are dropped silently, ABORT is taken with our tag and T clear or
// the peer's tag and T set.
func TestAbortTagRules(t *testing.T) {
	e, cp := ootbEnv(t)
	s, bTag := rawAssoc(t, e, cp)
	skip := cp.count(e.bAddr)
	e.inject(6000, bTag+1, dataChunk(100, 0, []byte("x"))) // wrong tag
	e.inject(6000, 0, dataChunk(100, 0, []byte("x")))      // tag 0 without INIT
	e.inject(6000, bTag+1, rawChunk(header.ChunkAbort, 0, nil))
	e.inject(6000, bTag, rawChunk(header.ChunkAbort, header.ChunkFlagT, nil)) // T set but our tag
	e.inject(6000, 0xaaaa0001, rawChunk(header.ChunkShutdownComplete, 0, nil))
	require.Empty(t, e.answers(cp, skip))
	require.Equal(t, StateEstablished, e.stateOf(s))
	require.NotZero(t, protoStats(e.b).VerificationTagDrops.Value())
	// The right tag: DATA is taken and SACKed.
	e.inject(6000, bTag, dataChunk(100, 0, []byte("x")))
	e.n.Advance(time.Second)
	ans := e.answers(cp, skip)
	require.NotEmpty(t, ans)
	require.Equal(t, header.ChunkSack, ans[0].chunks()[0].Type())
	// ABORT with the peer's tag and T set is accepted.
	e.inject(6000, 0xaaaa0001, rawChunk(header.ChunkAbort, header.ChunkFlagT, nil))
	_, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err) // the message that arrived first
	_, _, err = e.readMsg(s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

// TestAbortNoUserData: DATA without user data is answered with ABORT, No
// User Data (RFC 9260 6.2).
func TestAbortNoUserData(t *testing.T) {
	e, cp := ootbEnv(t)
	s, bTag := rawAssoc(t, e, cp)
	skip := cp.count(e.bAddr)
	e.inject(6000, bTag, dataChunk(100, 0, nil))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	cs, ok := hasCause(ans[0].chunks()[0], header.CauseNoUserData)
	require.True(t, ok)
	require.Equal(t, uint32(100), binary.BigEndian.Uint32(cs.Info()))
	_, _, err := e.readMsg(s, time.Second)
	require.IsType(t, &tcpip.ErrConnectionReset{}, err)
}

// TestAbortProtocolViolationChunkLength: a SHUTDOWN of the wrong length is
// answered with ABORT, Protocol Violation (RFC 9260 3.3.10.13).
func TestAbortProtocolViolationChunkLength(t *testing.T) {
	e, cp := ootbEnv(t)
	_, bTag := rawAssoc(t, e, cp)
	skip := cp.count(e.bAddr)
	e.inject(6000, bTag, rawChunk(header.ChunkShutdown, 0, make([]byte, 8)))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	_, ok := hasCause(ans[0].chunks()[0], header.CauseProtocolViolation)
	require.True(t, ok)
}

// TestAbortInvalidStream: DATA on a stream that does not exist draws an
// ERROR, Invalid Stream Identifier; the association lives on (RFC 9260
// 6.5).
func TestAbortInvalidStream(t *testing.T) {
	e, cp := ootbEnv(t)
	s, bTag := rawAssoc(t, e, cp)
	skip := cp.count(e.bAddr)
	e.inject(6000, bTag, dataChunk(100, 999, []byte("x")))
	ans := e.answers(cp, skip)
	require.NotEmpty(t, ans)
	var found bool
	for _, c := range ans[0].chunks() {
		if c.Type() == header.ChunkError {
			_, found = hasCause(c, header.CauseInvalidStreamIdentifier)
		}
	}
	require.True(t, found)
	// (Host a has SCTP too and answers b's packets to its unbound port
	// 7000 with an OOTB ABORT, so the association does not live on here.)
	_ = s
}

// TestHandshakeInitAckUnrecognizedParams: parameters of an INIT ACK that
// ask to be reported come back in an ERROR bundled after the COOKIE ECHO
// (RFC 9260 3.2.1, 5.1 C).
func TestHandshakeInitAckUnrecognizedParams(t *testing.T) {
	cp := &capture{}
	e := newTestEnv(t, 32, Options{}, sctptest.LinkConfig{Pcap: cp})
	e.link.CutDir(sctptest.AtoB)
	c := e.dial(e.a, e.bAddr, 6000)
	a := c.getAssoc()
	la, _ := c.GetLocalAddress()
	params := append(param(header.ParamStateCookie, []byte("opaque cookie")), param(0xC0FE, []byte{9, 9})...)
	b := make([]byte, header.PaddedLen(header.InitChunkHeaderLen+len(params)))
	header.InitChunk(b).Encode(&header.InitFields{Ack: true, InitiateTag: 77, ARwnd: 65535, OutboundStreams: 5, InboundStreams: 5, InitialTSN: 1, Params: params})
	e.link.HealDir(sctptest.AtoB)
	e.link.B().WriteRaw(rawSCTP(e.bAddr, e.aAddr, 6000, la.Port, a.myVtag, b))
	e.n.Advance(10 * time.Millisecond)
	require.Equal(t, StateCookieEchoed, e.stateOf(c))
	var echo captured
	for _, p := range cp.from(e.aAddr, 0) {
		if p.chunks()[0].Type() == header.ChunkCookieEcho {
			echo = p
		}
	}
	require.NotNil(t, echo.pkt)
	require.Equal(t, uint32(77), echo.pkt.VerificationTag())
	ch := echo.chunks()
	require.Len(t, ch, 2)
	require.Equal(t, "opaque cookie", string(header.CookieEchoChunk(ch[0]).Cookie()))
	cs, ok := hasCause(ch[1], header.CauseUnrecognizedParameters)
	require.True(t, ok)
	require.Equal(t, header.ParamType(0xC0FE), header.Param(cs.Info()).Type())
	st, _ := c.Status()
	require.Equal(t, uint16(5), st.OutStreams) // min(10 asked, 5 allowed)
}

// TestShortInitAckFromUnknownAddress: an INIT ACK from an address no
// association knows is looked up by the addresses it lists (a multihomed
// peer may answer from another address, RFC 9260 5.1.2), before the chunk
// is validated; one whose declared length does not cover its fixed fields
// (17 bytes, found by FuzzAssoc) is dropped like any other out-of-the-blue
// packet, with the stack still serving.
func TestShortInitAckFromUnknownAddress(t *testing.T) {
	e, cp := ootbEnv(t)
	c, s, _ := e.connectPair(5000)
	skip := cp.count(e.bAddr)
	for _, n := range []int{0, 13, 15} { // declared lengths 4, 17 and 19
		e.inject(5000, 1, rawChunk(header.ChunkInitAck, 0, make([]byte, n)))
	}
	for _, a := range e.answers(cp, skip) {
		for _, ch := range a.chunks() {
			require.NotEqual(t, header.ChunkInitAck, ch.Type())
		}
	}
	transferBoth(e, c, s, "after")
}
