package adapter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

func TestDialAcceptEcho(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	assert.Equal(t, e.serverAddr(5000).String(), client.RemoteAddr().String())
	assert.Equal(t, e.serverAddr(5000).String(), server.LocalAddr().String())
	assert.Equal(t, "sctp", client.LocalAddr().Network())
	assert.Equal(t, []string{e.clientIP.String()}, ipStrings(client.LocalAddr()))
	assert.Equal(t, client.LocalAddr().String(), server.RemoteAddr().String())

	n, err := client.Write([]byte("hello"))
	require.NoError(t, err)
	assert.Equal(t, 5, n)

	buf := make([]byte, 64)
	n, err = server.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "hello", string(buf[:n]))
	_, err = server.Write(bytes.ToUpper(buf[:n]))
	require.NoError(t, err)

	n, err = client.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "HELLO", string(buf[:n]))

	_, err = client.Status()
	assert.NoError(t, err)
}

func ipStrings(a net.Addr) []string {
	var s []string
	for _, ip := range a.(*Addr).IPs {
		s = append(s, ip.String())
	}
	return s
}

func TestMessageBoundaries(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	big := bytes.Repeat([]byte("0123456789"), 1000) // Fragmented on the wire.
	msgs := [][]byte{[]byte("a"), []byte("bb"), []byte("ccc"), big, []byte("d")}
	for _, m := range msgs {
		n, err := client.Write(m)
		require.NoError(t, err)
		require.Equal(t, len(m), n)
	}
	// Each Read returns exactly one message even with room for more.
	buf := make([]byte, 64<<10)
	for _, m := range msgs {
		n, err := server.Read(buf)
		require.NoError(t, err)
		require.Equal(t, m, buf[:n])
	}
	// An empty Write sends nothing.
	n, err := client.Write(nil)
	assert.NoError(t, err)
	assert.Zero(t, n)
}

func TestMsgInfoRoundTrip(t *testing.T) {
	e := newEnv(t)
	im := &InitMsg{OutStreams: 8, MaxInStreams: 8}
	client, server := e.pair(t, &Dialer{InitMsg: im}, &ListenConfig{InitMsg: im})

	sends := []struct {
		msg  string
		info SendInfo
	}{
		{"first", SendInfo{Stream: 3, PPID: 51}},
		{"second", SendInfo{Stream: 3, PPID: 0xdeadbeef}},
		{"third", SendInfo{Stream: 7, PPID: 53, Unordered: true}},
	}
	for _, s := range sends {
		n, err := client.WriteMsg([]byte(s.msg), &s.info)
		require.NoError(t, err)
		require.Equal(t, len(s.msg), n)
	}
	got := map[string]RecvInfo{}
	for range sends {
		m, info := readMsg(t, server, 100)
		got[string(m)] = info
	}
	for _, s := range sends {
		info, ok := got[s.msg]
		require.True(t, ok, "message %q not received", s.msg)
		assert.Equal(t, s.info.Stream, info.Stream, s.msg)
		assert.Equal(t, s.info.PPID, info.PPID, s.msg)
		assert.Equal(t, s.info.Unordered, info.Unordered, s.msg)
		assert.True(t, info.Complete, s.msg)
		assert.Equal(t, got["first"].AssocID, info.AssocID, s.msg)
	}
	assert.Equal(t, uint16(0), got["first"].SSN)
	assert.Equal(t, uint16(1), got["second"].SSN)
	assert.Equal(t, got["first"].TSN+1, got["second"].TSN)
	assert.Equal(t, got["first"].TSN+2, got["third"].TSN)

	// Write and a nil SendInfo mean stream 0, PPID 0, ordered.
	_, err := client.Write([]byte("plain"))
	require.NoError(t, err)
	_, err = client.WriteMsg([]byte("nil info"), nil)
	require.NoError(t, err)
	for _, want := range []string{"plain", "nil info"} {
		m, info := readMsg(t, server, 100)
		assert.Equal(t, want, string(m))
		assert.Equal(t, uint16(0), info.Stream)
		assert.Equal(t, uint32(0), info.PPID)
		assert.False(t, info.Unordered)
	}

	st, err := client.Status()
	require.NoError(t, err)
	assert.Equal(t, uint16(8), st.OutStreams)
	assert.Equal(t, got["first"].AssocID, st.AssocID)
	_, err = client.WriteMsg([]byte("x"), &SendInfo{Stream: 8})
	assert.ErrorIs(t, err, ErrInvalidStream)

	// Empty messages cannot be sent.
	_, err = client.WriteMsg(nil, &SendInfo{Stream: 1})
	assert.ErrorIs(t, err, ErrEmptyMessage)
}

func TestShortReadSplitsMessage(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	_, err := client.WriteMsg([]byte("0123456789"), &SendInfo{PPID: 7})
	require.NoError(t, err)
	_, err = client.Write([]byte("next"))
	require.NoError(t, err)

	var parts []string
	for {
		m, info := readMsg(t, server, 4)
		assert.Equal(t, uint32(7), info.PPID, "every part carries the metadata")
		parts = append(parts, string(m))
		if info.Complete {
			break
		}
		require.Less(t, len(parts), 3, "message not completed")
	}
	assert.Equal(t, []string{"0123", "4567", "89"}, parts)

	// The next message starts cleanly; plain Read splits the same way.
	buf := make([]byte, 3)
	n, err := server.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "nex", string(buf[:n]))
	n, err = server.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "t", string(buf[:n]))

	// An empty buffer reads nothing and does not consume a message.
	n, _, err = server.ReadMsg(nil)
	assert.NoError(t, err)
	assert.Zero(t, n)
}

func TestReadDeadline(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	// A deadline passing while Read is blocked.
	require.NoError(t, server.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
	start := time.Now()
	_, err := server.Read(make([]byte, 10))
	assertTimeout(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)

	// A deadline in the past fails at once, even with data waiting.
	_, err = client.Write([]byte("x"))
	require.NoError(t, err)
	require.NoError(t, server.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err = server.Read(make([]byte, 10))
	assertTimeout(t, err)

	// Clearing the deadline makes reads work again; the data is still there.
	require.NoError(t, server.SetReadDeadline(time.Time{}))
	m, _ := readMsg(t, server, 10)
	assert.Equal(t, "x", string(m))

	// Moving the deadline into the past wakes a blocked Read.
	require.NoError(t, server.SetReadDeadline(time.Now().Add(time.Hour)))
	errc := make(chan error, 1)
	go func() {
		_, err := server.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, server.SetReadDeadline(time.Now()))
	select {
	case err := <-errc:
		assertTimeout(t, err)
	case <-time.After(testTimeout):
		t.Fatal("Read not woken by the new deadline")
	}

	// Extending the deadline of a blocked Read keeps it waiting for data.
	require.NoError(t, server.SetReadDeadline(time.Now().Add(30*time.Millisecond)))
	go func() {
		_, err := server.Read(make([]byte, 10))
		errc <- err
	}()
	require.NoError(t, server.SetReadDeadline(time.Now().Add(testTimeout)))
	time.Sleep(60 * time.Millisecond)
	_, err = client.Write([]byte("y"))
	require.NoError(t, err)
	assert.NoError(t, <-errc)
}

func assertTimeout(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	var ne net.Error
	if assert.ErrorAs(t, err, &ne) {
		assert.True(t, ne.Timeout())
	}
	var oe *net.OpError
	assert.ErrorAs(t, err, &oe)
}

func TestWriteDeadline(t *testing.T) {
	e := newEnv(t)
	client, _ := e.pair(t, nil, nil)

	require.NoError(t, client.SetWriteDeadline(time.Now().Add(-time.Second)))
	n, err := client.Write([]byte("x"))
	assertTimeout(t, err)
	assert.Zero(t, n)

	// With the link cut nothing is acknowledged, so the send buffer fills
	// and a Write blocks until the deadline.
	e.link.Cut()
	require.NoError(t, client.SetWriteDeadline(time.Now().Add(300*time.Millisecond)))
	msg := make([]byte, 1000)
	for i := 0; ; i++ {
		require.Less(t, i, 1<<16, "send buffer never filled")
		if _, err = client.Write(msg); err != nil {
			break
		}
	}
	assertTimeout(t, err)
}

func TestDialRefused(t *testing.T) {
	e := newEnv(t)
	_, err := Dial(e.client, e.serverAddr(4999))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrRefused)
	var oe *net.OpError
	if assert.ErrorAs(t, err, &oe) {
		assert.Equal(t, "dial", oe.Op)
		assert.Equal(t, "sctp", oe.Net)
	}
}

func TestPeerAbort(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	// The ABORT wakes a blocked Read.
	errc := make(chan error, 1)
	go func() {
		_, err := client.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, server.Abort())
	err := <-errc
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrReset)
	var ae *AbortError
	if assert.ErrorAs(t, err, &ae) {
		assert.Equal(t, header.CauseUserInitiatedAbort, ae.Cause)
	}
	_, err = client.Write([]byte("x"))
	assert.Error(t, err)

	// The aborting side is closed.
	_, err = server.Read(make([]byte, 10))
	assert.ErrorIs(t, err, net.ErrClosed)
	assert.ErrorIs(t, server.Abort(), net.ErrClosed)
}

func TestPeerCloseEOF(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	_, err := server.Write([]byte("last words"))
	require.NoError(t, err)
	require.NoError(t, server.Close())

	// Data written before Close is delivered, then EOF (bare, as in net).
	m, _ := readMsg(t, client, 64)
	assert.Equal(t, "last words", string(m))
	_, err = client.Read(make([]byte, 64))
	assert.Equal(t, io.EOF, err)
	_, _, err = client.ReadMsg(make([]byte, 64))
	assert.Equal(t, io.EOF, err)

	// The peer's SHUTDOWN ends sending too.
	_, err = client.Write([]byte("too late"))
	assert.ErrorIs(t, err, ErrWriteClosed)
}

func TestCloseWrite(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	_, err := client.Write([]byte("request"))
	require.NoError(t, err)
	require.NoError(t, client.CloseWrite())
	_, err = client.Write([]byte("more"))
	assert.ErrorIs(t, err, ErrWriteClosed)

	m, _ := readMsg(t, server, 64)
	assert.Equal(t, "request", string(m))
	_, err = server.Read(make([]byte, 64))
	assert.Equal(t, io.EOF, err)

	// The shutdown completes and the client's reads end as well.
	_, err = client.Read(make([]byte, 64))
	assert.Equal(t, io.EOF, err)
}

func TestLocalClose(t *testing.T) {
	e := newEnv(t)
	client, _ := e.pair(t, nil, nil)

	// Close wakes a blocked Read with net.ErrClosed.
	errc := make(chan error, 1)
	go func() {
		_, err := client.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, client.Close())
	select {
	case err := <-errc:
		assert.ErrorIs(t, err, net.ErrClosed)
	case <-time.After(testTimeout):
		t.Fatal("Close did not wake Read")
	}

	// Everything after Close fails with net.ErrClosed.
	_, err := client.Read(make([]byte, 10))
	assert.ErrorIs(t, err, net.ErrClosed)
	_, err = client.Write([]byte("x"))
	assert.ErrorIs(t, err, net.ErrClosed)
	_, err = client.WriteMsg([]byte("x"), nil)
	assert.ErrorIs(t, err, net.ErrClosed)
	assert.ErrorIs(t, client.CloseWrite(), net.ErrClosed)
	assert.ErrorIs(t, client.SetDeadline(time.Now()), net.ErrClosed)
	assert.ErrorIs(t, client.SetReadDeadline(time.Now()), net.ErrClosed)
	assert.ErrorIs(t, client.SetWriteDeadline(time.Now()), net.ErrClosed)
	assert.ErrorIs(t, client.Close(), net.ErrClosed)
}

func TestConcurrentEcho(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, nil, nil)

	const writers, perWriter = 4, 50
	go func() {
		buf := make([]byte, 1024)
		for {
			n, info, err := server.ReadMsg(buf)
			if err != nil {
				return
			}
			if _, err := server.WriteMsg(buf[:n], &SendInfo{PPID: info.PPID}); err != nil {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				msg := fmt.Sprintf("writer %d message %d", w, i)
				if _, err := client.Write([]byte(msg)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	seen := map[string]bool{}
	buf := make([]byte, 1024)
	for range writers * perWriter {
		n, err := client.Read(buf)
		require.NoError(t, err)
		seen[string(buf[:n])] = true
	}
	wg.Wait()
	assert.Len(t, seen, writers*perWriter)
}

func TestErrorsAreOpErrors(t *testing.T) {
	e := newEnv(t)
	client, _ := e.pair(t, nil, nil)
	require.NoError(t, client.Close())
	_, err := client.Read(make([]byte, 1))
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "read", oe.Op)
	assert.Equal(t, "sctp", oe.Net)
	assert.True(t, errors.Is(err, ErrClosed))
}

func TestCloseUnblocksWrite(t *testing.T) {
	e := newEnv(t)
	client, _ := e.pair(t, nil, nil)

	// Fill the send buffer with nothing acknowledged, then block a Write.
	e.link.Cut()
	msg := make([]byte, 32<<10)
	errc := make(chan error, 1)
	go func() {
		for {
			if _, err := client.Write(msg); err != nil {
				errc <- err
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, client.Close())
	select {
	case err := <-errc:
		assert.ErrorIs(t, err, net.ErrClosed)
	case <-time.After(testTimeout):
		t.Fatal("Close did not wake Write")
	}
}

func TestMessageTooLong(t *testing.T) {
	e := newEnv(t)
	client, _ := e.pair(t, nil, nil)
	_, err := client.Write(make([]byte, 4<<20)) // Larger than the 1 MiB default send buffer.
	assert.ErrorIs(t, err, ErrMessageTooLong)
}

func TestBufferSizes(t *testing.T) {
	e := newEnv(t)
	client, server := e.pair(t, &Dialer{WriteBuffer: 16 << 10}, &ListenConfig{WriteBuffer: 8 << 10, ReadBuffer: 32 << 10})

	// The send buffer bounds the largest message.
	_, err := client.Write(make([]byte, 16<<10+1))
	assert.ErrorIs(t, err, ErrMessageTooLong)
	_, err = client.Write(make([]byte, 16<<10))
	assert.NoError(t, err)
	_, err = server.Write(make([]byte, 8<<10+1))
	assert.ErrorIs(t, err, ErrMessageTooLong)

	// The accepted association advertises the listener's receive buffer.
	st, err := server.Status()
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Rwnd, uint32(32<<10))
	m, _ := readMsg(t, server, 32<<10)
	assert.Len(t, m, 16<<10)
}

func TestDialIPv6(t *testing.T) {
	e := newEnv(t)
	ip6 := e.link.B().IPv6()
	addr := AddrFromFullAddress(tcpip.FullAddress{Addr: ip6, Port: 5000})
	require.True(t, addr.IPs[0].Is6())
	ln, err := Listen(e.server, addr)
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.AcceptSCTP()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		if n, err := c.Read(buf); err == nil {
			c.Write(buf[:n])
		}
	}()
	c, err := Dial(e.client, addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(testTimeout)))
	assert.Equal(t, addr.String(), c.RemoteAddr().String())
	assert.Contains(t, c.RemoteAddr().String(), "[2001:db8::2]:5000")
	_, err = c.Write([]byte("v6"))
	require.NoError(t, err)
	m, _ := readMsg(t, c, 64)
	assert.Equal(t, "v6", string(m))
}
