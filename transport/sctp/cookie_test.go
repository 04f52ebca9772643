package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// getCookie plays the INIT side by hand against b's listener on port and
// returns the INIT ACK's tag and State Cookie.
func getCookie(t *testing.T, e *testEnv, cp *capture, port uint16, tag uint32) (uint32, []byte) {
	t.Helper()
	skip := cp.count(e.bAddr)
	e.inject(port, 0, rawInit(tag, 100, 10, 10, 65535, nil))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	ch := ans[0].chunks()
	require.Equal(t, header.ChunkInitAck, ch[0].Type())
	ia := header.InitChunk(ch[0])
	it := header.NewParamIter(ia.Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if p.Type() == header.ParamStateCookie {
			return ia.InitiateTag(), append([]byte(nil), p.Value()...)
		}
	}
	t.Fatal("no cookie")
	return 0, nil
}

func TestCookieStatelessListener(t *testing.T) {
	e, cp := ootbEnv(t)
	e.listen(e.b, 6000)
	getCookie(t, e, cp, 6000, 0x11111111)
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	require.Zero(t, p.assocCount.Load(), "an INIT must create no state")
}

func TestCookieValidBuildsOneAssociation(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	tag, cookie := getCookie(t, e, cp, 6000, 0x22222222)
	skip := cp.count(e.bAddr)
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	require.Equal(t, header.ChunkCookieAck, ans[0].chunks()[0].Type())
	require.Equal(t, uint32(0x22222222), ans[0].pkt.VerificationTag())
	n, _, err := l.Accept(nil)
	require.Nil(t, err)
	// The same cookie again while the association lives: 5.2.4 case D,
	// a COOKIE ACK and no new association.
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	_, _, err = l.Accept(nil)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	// Replayed after the association is gone: rejected, nothing built.
	n.Abort()
	e.n.Advance(10 * time.Millisecond)
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	require.Zero(t, p.assocCount.Load())
	skip = cp.count(e.bAddr)
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	require.Empty(t, e.answers(cp, skip))
	_, _, err = l.Accept(nil)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	require.Zero(t, p.assocCount.Load())
	require.EqualValues(t, 1, p.stats.CookiesRejected.Value())
}

func TestCookieForgedRejected(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	tag, cookie := getCookie(t, e, cp, 6000, 0x33333333)
	for _, i := range []int{0, 20, 50, cookieBodyLen + 3} {
		forged := append([]byte(nil), cookie...)
		forged[i] ^= 1
		skip := cp.count(e.bAddr)
		e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, forged))
		require.Empty(t, e.answers(cp, skip))
	}
	// A genuine cookie under the wrong verification tag is no better.
	e.inject(6000, tag+1, rawChunk(header.ChunkCookieEcho, 0, cookie))
	_, _, err := l.Accept(nil)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	require.Zero(t, p.assocCount.Load())
	require.EqualValues(t, 5, p.stats.CookiesRejected.Value())
}

func TestCookieExpiredStale(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	tag, cookie := getCookie(t, e, cp, 6000, 0x44444444)
	e.n.Advance(61 * time.Second)
	skip := cp.count(e.bAddr)
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	ch := ans[0].chunks()
	require.Equal(t, header.ChunkError, ch[0].Type())
	cs, ok := hasCause(ch[0], header.CauseStaleCookie)
	require.True(t, ok)
	require.Len(t, cs.Info(), 4)
	require.Equal(t, uint32(0x44444444), ans[0].pkt.VerificationTag())
	_, _, err := l.Accept(nil)
	require.IsType(t, &tcpip.ErrWouldBlock{}, err)
	require.EqualValues(t, 1, protoStats(e.b).StaleCookies.Value())
}

func TestCookieSecretRotation(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	tag, cookie := getCookie(t, e, cp, 6000, 0x55555555)
	// One rotation later the cookie still verifies with the previous
	// secret (its lifetime is longer than the rotation here).
	p := e.b.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
	p.opts.CookieSecretRotation = time.Second
	p.keys.secrets.Load().rotateAt = e.b.Stack().Clock().NowMonotonic()
	getCookie(t, e, cp, 6000, 0x55555556) // forces a rotation
	require.EqualValues(t, 1, p.keys.secrets.Load().generation)
	e.inject(6000, tag, rawChunk(header.ChunkCookieEcho, 0, cookie))
	_, _, err := l.Accept(nil)
	require.Nil(t, err)
}

// TestRestartWithNewAddressesRefused: the cookie remembers the addresses
// of the peer's INIT; a later INIT (a restart) listing the same ones gets
// an INIT ACK, one adding an address an ABORT, Restart of an Association
// with New Addresses (RFC 9260 5.2.2).
func TestRestartWithNewAddressesRefused(t *testing.T) {
	e, cp := ootbEnv(t)
	l := e.listen(e.b, 6000)
	extra := tcpip.AddrFrom4([4]byte{198, 51, 100, 7})
	addrs := append(param(header.ParamIPv4Address, e.aAddr.AsSlice()), param(header.ParamIPv4Address, extra.AsSlice())...)
	skip := cp.count(e.bAddr)
	e.inject(6000, 0, rawInit(0x66660001, 100, 10, 10, 65535, addrs))
	ans := e.answers(cp, skip)
	require.Len(t, ans, 1)
	var cookie []byte
	ia := header.InitChunk(ans[0].chunks()[0])
	it := header.NewParamIter(ia.Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		if p.Type() == header.ParamStateCookie {
			cookie = append([]byte(nil), p.Value()...)
		}
	}
	require.Len(t, cookie, cookieLen+2*cookieAddrLen)
	e.inject(6000, ia.InitiateTag(), rawChunk(header.ChunkCookieEcho, 0, cookie))
	_, _, err := l.Accept(nil)
	require.Nil(t, err)

	// The same addresses again: an INIT ACK with the Tie-Tags.
	skip = cp.count(e.bAddr)
	e.inject(6000, 0, rawInit(0x66660002, 200, 10, 10, 65535, addrs))
	ans = e.answers(cp, skip)
	require.NotEmpty(t, ans)
	require.Equal(t, header.ChunkInitAck, ans[0].chunks()[0].Type())

	// A new address: ABORT with the INIT's tag and the new address.
	more := append(addrs, param(header.ParamIPv4Address, []byte{203, 0, 113, 9})...)
	skip = cp.count(e.bAddr)
	e.inject(6000, 0, rawInit(0x66660003, 300, 10, 10, 65535, more))
	ans = e.answers(cp, skip)
	require.NotEmpty(t, ans)
	require.Equal(t, uint32(0x66660003), ans[0].pkt.VerificationTag())
	cs, ok := hasCause(ans[0].chunks()[0], header.CauseRestartWithNewAddresses)
	require.True(t, ok)
	require.Equal(t, []byte{203, 0, 113, 9}, header.Param(cs.Info()).Value())
}
