package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestDataBundledWithCookieEcho: a message written before the association
// is up goes in the COOKIE ECHO's packet, after it (RFC 9260 5.1), and is
// delivered with the handshake's third leg.
func TestDataBundledWithCookieEcho(t *testing.T) {
	e := newTestEnv(t, 61, Options{}, sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 10 * time.Millisecond}})
	capA := e.link.Capture(sctptest.AtoB)
	l := e.listen(e.b, 5000)
	c := e.dial(e.a, e.bAddr, 5000)
	e.write(c, []byte("first words"), SendInfo{})
	s := e.accept(l, 5*time.Second)
	msg, _, err := e.readMsg(s, time.Second)
	require.Nil(t, err)
	require.Equal(t, "first words", string(msg))
	var types []header.ChunkType
	for _, p := range capA.Packets() {
		_, _, _, pl, err := sctptest.ParseIP(p.Data)
		require.NoError(t, err)
		it := header.NewChunkIter(pl[header.SCTPCommonHeaderLen:])
		var pt []header.ChunkType
		for ch, ok := it.Next(); ok; ch, ok = it.Next() {
			pt = append(pt, ch.Type())
		}
		if len(pt) > 0 && pt[0] == header.ChunkCookieEcho {
			types = pt
		}
	}
	require.Equal(t, []header.ChunkType{header.ChunkCookieEcho, header.ChunkData}, types)
}
