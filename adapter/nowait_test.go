package adapter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// cookieEchoPacket returns the chunks of the first packet in capture that
// starts with a COOKIE ECHO, or nil.
func cookieEchoPacket(t *testing.T, c *sctptest.Capture) []header.Chunk {
	t.Helper()
	for _, p := range c.Packets() {
		_, _, _, pl, err := sctptest.ParseIP(p.Data)
		require.NoError(t, err)
		it := header.NewChunkIter(pl[header.SCTPCommonHeaderLen:])
		var chunks []header.Chunk
		for ch, ok := it.Next(); ok; ch, ok = it.Next() {
			chunks = append(chunks, ch)
		}
		if len(chunks) > 0 && chunks[0].Type() == header.ChunkCookieEcho {
			return chunks
		}
	}
	return nil
}

// TestDialNoWaitFirstMessageInCookieEcho: a NoWait dial returns in
// COOKIE-WAIT, a message written at once is queued, rides in the COOKIE
// ECHO's packet (RFC 9260 5.1) and is what the server reads first.
func TestDialNoWaitFirstMessageInCookieEcho(t *testing.T) {
	e := newEnv(t)
	// The INIT ACK takes 100 ms to come back: the writes below are made
	// well before it.
	e.link.SetImpairments(sctptest.Both, sctptest.Impairments{Delay: 50 * time.Millisecond})
	capA := e.link.Capture(sctptest.AtoB)
	ln := e.listen(t, 5000, nil)
	require.NoError(t, ln.SetDeadline(time.Now().Add(testTimeout)))

	d := Dialer{NoWait: true}
	c, err := d.DialContext(t.Context(), e.client, e.serverAddr(5000))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(testTimeout)))

	// COOKIE-WAIT: nothing fails for want of the association.
	st, err := c.Status()
	require.NoError(t, err)
	assert.Equal(t, sctp.StateCookieWait, st.State)
	assert.Equal(t, e.serverAddr(5000).String(), c.RemoteAddr().String())
	n, err := c.Write([]byte("first words"))
	require.NoError(t, err)
	assert.Equal(t, 11, n)
	_, err = c.WriteMsg([]byte("second"), &SendInfo{Stream: 1, PPID: 7})
	require.NoError(t, err)

	require.NoError(t, c.WaitConnected(t.Context()))
	st, err = c.Status()
	require.NoError(t, err)
	assert.Equal(t, sctp.StateEstablished, st.State)

	s, err := ln.AcceptSCTP()
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.SetDeadline(time.Now().Add(testTimeout)))
	msg, info := readMsg(t, s, 100)
	assert.Equal(t, "first words", string(msg))
	assert.True(t, info.Complete)
	msg, info = readMsg(t, s, 100)
	assert.Equal(t, "second", string(msg))
	assert.Equal(t, uint16(1), info.Stream)
	assert.Equal(t, uint32(7), info.PPID)

	// The reply travels the usual way.
	_, err = s.Write([]byte("reply"))
	require.NoError(t, err)
	msg, _ = readMsg(t, c, 100)
	assert.Equal(t, "reply", string(msg))

	chunks := cookieEchoPacket(t, capA)
	require.GreaterOrEqual(t, len(chunks), 2, "no COOKIE ECHO, or nothing bundled with it")
	require.Equal(t, header.ChunkData, chunks[1].Type(), "chunk after the COOKIE ECHO")
	assert.Equal(t, "first words", string(header.DataChunk(chunks[1]).UserData()))
}

// TestDialNoWaitRefused: a NoWait dial to a port nobody listens on
// succeeds; the peer's ABORT is the error of the calls that follow.
func TestDialNoWaitRefused(t *testing.T) {
	for _, first := range []string{"Read", "WaitConnected"} {
		t.Run(first, func(t *testing.T) {
			e := newEnv(t)
			e.link.SetImpairments(sctptest.Both, sctptest.Impairments{Delay: 5 * time.Millisecond})
			d := Dialer{NoWait: true}
			c, err := d.DialContext(t.Context(), e.client, e.serverAddr(4999))
			require.NoError(t, err)
			defer c.Close()
			require.NoError(t, c.SetDeadline(time.Now().Add(testTimeout)))

			switch first {
			case "Read":
				// Blocks in COOKIE-WAIT until the ABORT.
				_, err = c.Read(make([]byte, 10))
			default:
				err = c.WaitConnected(t.Context())
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRefused)
			_, err = c.Write([]byte("too late"))
			assert.ErrorIs(t, err, ErrRefused)
			_, err = c.Read(make([]byte, 10))
			assert.ErrorIs(t, err, ErrRefused)
			assert.ErrorIs(t, c.WaitConnected(t.Context()), ErrRefused)
			assert.Equal(t, e.serverAddr(4999).String(), c.RemoteAddr().String())
		})
	}
}

// TestDialNoWaitWriteBeforeRefusal: a message written in COOKIE-WAIT is
// accepted; the ABORT that answers the INIT fails the next Write.
func TestDialNoWaitWriteBeforeRefusal(t *testing.T) {
	e := newEnv(t)
	// The ABORT takes 100 ms to come back.
	e.link.SetImpairments(sctptest.Both, sctptest.Impairments{Delay: 50 * time.Millisecond})
	d := Dialer{NoWait: true}
	c, err := d.DialContext(t.Context(), e.client, e.serverAddr(4999))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("queued"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err = c.Write([]byte("more"))
		return err != nil
	}, testTimeout, 5*time.Millisecond)
	assert.ErrorIs(t, err, ErrRefused)
}

// TestWaitConnectedDialed: on a Conn dialed the usual way WaitConnected
// returns at once.
func TestWaitConnectedDialed(t *testing.T) {
	e := newEnv(t)
	c, _ := e.pair(t, nil, nil)
	require.NoError(t, c.WaitConnected(t.Context()))
	require.NoError(t, c.Close())
	assert.ErrorIs(t, c.WaitConnected(t.Context()), ErrClosed)
}
