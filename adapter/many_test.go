package adapter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// listenMany starts a one-to-many server on the server host, closed at the
// end of the test, with deadlines of testTimeout.
func (e *env) listenMany(t *testing.T, port uint16, cfg *ManyConfig) *ManyConn {
	t.Helper()
	m, err := ListenMany(e.server, e.serverAddr(port), cfg)
	require.NoError(t, err)
	require.NoError(t, m.SetDeadline(time.Now().Add(testTimeout)))
	t.Cleanup(func() { m.Close() })
	return m
}

// manyClient is a one-to-many client on the client host.
func (e *env) manyClient(t *testing.T, cfg *ManyConfig) *ManyConn {
	t.Helper()
	if cfg == nil {
		cfg = &ManyConfig{}
	}
	cfg.NoListen = true
	m, err := ListenMany(e.client, nil, cfg)
	require.NoError(t, err)
	require.NoError(t, m.SetDeadline(time.Now().Add(testTimeout)))
	t.Cleanup(func() { m.Close() })
	return m
}

// readData reads the next message, skipping notifications.
func readData(t *testing.T, m *ManyConn) (string, RecvInfo) {
	t.Helper()
	b := make([]byte, 64<<10)
	for {
		n, info, note, err := m.ReadMsg(b)
		require.NoError(t, err)
		if note == nil {
			return string(b[:n]), info
		}
	}
}

// TestManyConnEcho: two clients write to one server; it reads each
// message with its association, COMM_UP first, and answers on the
// association; the clients read the answers with the server's address.
func TestManyConnEcho(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, &ManyConfig{Events: sctp.EventAssocChange})
	assert.Equal(t, e.serverAddr(5000).String(), srv.LocalAddr().String())
	c1, c2 := e.manyClient(t, nil), e.manyClient(t, nil)
	for i, c := range []*ManyConn{c1, c2} {
		n, err := c.WriteTo([]byte(fmt.Sprintf("hello from %d", i)), e.serverAddr(5000))
		require.NoError(t, err)
		assert.Equal(t, 12, n)
	}
	ids := map[string]AssocID{}
	ups := map[AssocID]bool{}
	b := make([]byte, 1024)
	for len(ids) < 2 {
		n, info, note, err := srv.ReadMsg(b)
		require.NoError(t, err)
		if note != nil {
			ac, ok := note.(*sctp.AssocChange)
			require.True(t, ok, "%T", note)
			assert.Equal(t, sctp.CommUp, ac.State)
			assert.Equal(t, ac.ID, info.AssocID)
			ups[ac.ID] = true
			continue
		}
		require.True(t, ups[info.AssocID], "COMM_UP before the data")
		assert.True(t, info.Complete)
		ids[string(b[:n])] = info.AssocID
	}
	require.NotEqual(t, ids["hello from 0"], ids["hello from 1"])
	ra := srv.RemoteAddr(ids["hello from 0"])
	require.NotNil(t, ra)
	assert.Equal(t, []string{e.clientIP.String()}, ipStrings(ra))
	st, err := srv.Status(ids["hello from 1"])
	require.NoError(t, err)
	assert.Equal(t, sctp.StateEstablished, st.State)

	for msg, id := range ids {
		_, err := srv.WriteMsg([]byte("re: "+msg), &SendInfo{AssocID: id, Stream: 1, PPID: 42}, nil)
		require.NoError(t, err)
	}
	for i, c := range []*ManyConn{c1, c2} {
		n, from, err := c.ReadFrom(b)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("re: hello from %d", i), string(b[:n]))
		assert.Equal(t, e.serverAddr(5000).String(), from.String())
		require.Len(t, c.AssocIDs(), 1)
	}
	// A second WriteTo uses the association the first set up.
	_, err = c1.WriteTo([]byte("again"), e.serverAddr(5000))
	require.NoError(t, err)
	m, info := readData(t, srv)
	assert.Equal(t, "again", m)
	assert.Equal(t, ids["hello from 0"], info.AssocID)
	assert.Len(t, srv.AssocIDs(), 2)
}

// TestManyConnMetadata: stream, PPID and unordered travel with the
// message; a message longer than the buffer comes in parts.
func TestManyConnMetadata(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	c := e.manyClient(t, &ManyConfig{InitMsg: &InitMsg{OutStreams: 4}})
	_, err := c.WriteMsg([]byte("0123456789"), &SendInfo{Stream: 3, PPID: 7, Unordered: true}, e.serverAddr(5000))
	require.NoError(t, err)
	b := make([]byte, 4)
	var got []byte
	for {
		n, info, note, err := srv.ReadMsg(b)
		require.NoError(t, err)
		require.Nil(t, note)
		assert.Equal(t, uint16(3), info.Stream)
		assert.Equal(t, uint32(7), info.PPID)
		assert.True(t, info.Unordered)
		got = append(got, b[:n]...)
		if info.Complete {
			break
		}
	}
	assert.Equal(t, "0123456789", string(got))
	_, err = c.WriteMsg([]byte("x"), &SendInfo{Stream: 4}, e.serverAddr(5000))
	assert.ErrorIs(t, err, ErrInvalidStream)
}

// TestManyConnDeadlines: a blocked read ends at its deadline, can be
// extended while blocked, and ends with its context; Close wakes a
// blocked read with ErrClosed.
func TestManyConnDeadlines(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	b := make([]byte, 16)

	start := time.Now()
	require.NoError(t, srv.SetReadDeadline(start.Add(50*time.Millisecond)))
	_, _, _, err := srv.ReadMsg(b)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	var ne net.Error
	require.True(t, errors.As(err, &ne))
	assert.True(t, ne.Timeout())
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	// Extended while blocked: the read waits for the later deadline.
	start = time.Now()
	require.NoError(t, srv.SetReadDeadline(start.Add(200*time.Millisecond)))
	go func() {
		time.Sleep(20 * time.Millisecond)
		srv.SetReadDeadline(start.Add(400 * time.Millisecond))
	}()
	_, _, err = srv.ReadFrom(b)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond)

	// Contexts.
	require.NoError(t, srv.SetReadDeadline(time.Time{}))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	_, _, _, err = srv.ReadMsgContext(ctx, b)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, _, _, err = srv.ReadMsgContext(ctx, b)
	assert.ErrorIs(t, err, context.Canceled)

	// A message arriving ends a context read.
	c := e.manyClient(t, nil)
	go func() {
		time.Sleep(20 * time.Millisecond)
		c.WriteTo([]byte("wake"), e.serverAddr(5000))
	}()
	ctx, cancel = context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	n, _, note, err := srv.ReadMsgContext(ctx, b)
	require.NoError(t, err)
	require.Nil(t, note)
	assert.Equal(t, "wake", string(b[:n]))

	// Close wakes a blocked read.
	done := make(chan error, 1)
	go func() { _, _, _, err := srv.ReadMsg(b); done <- err }()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, srv.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrClosed)
	case <-time.After(testTimeout):
		t.Fatal("Close did not wake the read")
	}
	assert.ErrorIs(t, srv.Close(), ErrClosed)
	_, err = srv.WriteTo([]byte("x"), e.clientAddr())
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, srv.SetDeadline(time.Now()), ErrClosed)
}

func (e *env) clientAddr() *Addr { return &Addr{IPs: []netip.Addr{e.clientIP}, Port: 1} }

// TestManyConnWriteBlocks: with the peer unreachable the association's send
// buffer fills; a write then blocks until the write deadline, or its
// context.
func TestManyConnWriteBlocks(t *testing.T) {
	e := newEnv(t)
	e.listenMany(t, 5000, nil)
	c := e.manyClient(t, &ManyConfig{WriteBuffer: 16 << 10})
	_, err := c.WriteTo([]byte("up"), e.serverAddr(5000))
	require.NoError(t, err)
	id := waitAssoc(t, c)
	e.link.Cut()
	require.NoError(t, c.SetWriteDeadline(time.Now().Add(300*time.Millisecond)))
	msg := make([]byte, 4<<10)
	var werr error
	for i := 0; i < 100 && werr == nil; i++ {
		_, werr = c.WriteMsg(msg, &SendInfo{AssocID: id}, nil)
	}
	assert.ErrorIs(t, werr, ErrTimeout)
	require.NoError(t, c.SetWriteDeadline(time.Time{}))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = c.WriteMsgContext(ctx, msg, &SendInfo{AssocID: id}, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// waitAssoc waits for m to have one association and returns it.
func waitAssoc(t *testing.T, m *ManyConn) AssocID {
	t.Helper()
	// Up, not only there: the first message goes with the COOKIE ECHO,
	// so the peer may read it before our COOKIE ACK has come.
	require.Eventually(t, func() bool {
		ids := m.AssocIDs()
		if len(ids) != 1 {
			return false
		}
		st, err := m.Status(ids[0])
		return err == nil && st.State == sctp.StateEstablished
	}, testTimeout, time.Millisecond)
	return m.AssocIDs()[0]
}

// TestManyConnWriteErrors: the errors of sends that cannot go.
func TestManyConnWriteErrors(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, &ManyConfig{MaxAssociations: 1})
	c := e.manyClient(t, &ManyConfig{MaxAssociations: 1})
	_, err := c.WriteMsg([]byte("x"), &SendInfo{AssocID: 12345}, nil)
	assert.ErrorIs(t, err, ErrUnknownAssoc)
	_, err = c.WriteMsg([]byte("x"), nil, nil)
	assert.ErrorIs(t, err, syscall.EDESTADDRREQ)
	_, err = c.WriteTo(nil, e.serverAddr(5000))
	assert.ErrorIs(t, err, ErrEmptyMessage)
	_, err = c.WriteTo([]byte("x"), &net.UDPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 5000})
	var ae *AddrError
	assert.ErrorAs(t, err, &ae)
	_, err = c.WriteTo([]byte("first"), e.serverAddr(5000))
	require.NoError(t, err)
	_, err = c.WriteTo([]byte("second peer"), e.serverAddr(5001))
	assert.ErrorIs(t, err, syscall.ENOBUFS, "MaxAssociations 1")
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "write", oe.Op)
	assert.Equal(t, e.serverAddr(5001).String(), oe.Addr.String())
	m, _ := readData(t, srv)
	assert.Equal(t, "first", m)
}

// TestManyConnEOFAndAbort: SendInfo.EOF ends one association gracefully
// after its message and Abort another with a reason; the server sees the
// messages and the notifications, and the associations leave it.
func TestManyConnEOFAndAbort(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, &ManyConfig{Events: sctp.EventAssocChange | sctp.EventShutdown})
	c1, c2 := e.manyClient(t, nil), e.manyClient(t, nil)
	_, err := c1.WriteMsg([]byte("last words"), &SendInfo{EOF: true}, e.serverAddr(5000))
	assert.ErrorIs(t, err, ErrNotEstablished, "EOF cannot set an association up")
	assert.Empty(t, c1.AssocIDs())
	_, err = c1.WriteTo([]byte("hello"), e.serverAddr(5000))
	require.NoError(t, err)
	id1 := waitAssoc(t, c1)
	require.Eventually(t, func() bool {
		st, err := c1.Status(id1)
		return err == nil && st.State == sctp.StateEstablished
	}, testTimeout, time.Millisecond)
	_, err = c1.WriteMsg([]byte("last words"), &SendInfo{AssocID: id1, EOF: true}, nil)
	require.NoError(t, err)
	_, err = c2.WriteTo([]byte("hi"), e.serverAddr(5000))
	require.NoError(t, err)
	id2 := waitAssoc(t, c2)
	b := make([]byte, 1024)
	var seen []string
	var lost *sctp.AssocChange
	aborted, comp := false, false
	for lost == nil || !comp {
		n, _, note, err := srv.ReadMsg(b)
		require.NoError(t, err, "seen %v", seen)
		switch note := note.(type) {
		case nil:
			seen = append(seen, string(b[:n]))
			if string(b[:n]) == "hi" && !aborted {
				aborted = true
				_, err := c2.WriteMsg([]byte("bye"), &SendInfo{AssocID: id2, Abort: true}, nil)
				require.NoError(t, err)
			}
		case *sctp.AssocChange:
			seen = append(seen, note.State.String())
			if note.State == sctp.CommLost {
				lost = note
			}
			comp = comp || note.State == sctp.ShutdownComp
		case *sctp.ShutdownEvent:
			seen = append(seen, "SHUTDOWN_EVENT")
		}
	}
	sort.Strings(seen)
	assert.Equal(t, []string{"COMM_LOST", "COMM_UP", "COMM_UP", "SHUTDOWN_COMP", "SHUTDOWN_EVENT", "hello", "hi", "last words"}, seen)
	assert.Equal(t, "bye", string(lost.AbortInfo))
	// Ended and read to their end, they leave with the next read.
	require.NoError(t, srv.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
	_, _, _, err = srv.ReadMsg(b)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.Empty(t, srv.AssocIDs())
}

// TestManyConnSendAll: SendAll reaches every association.
func TestManyConnSendAll(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	cs := []*ManyConn{e.manyClient(t, nil), e.manyClient(t, nil), e.manyClient(t, nil)}
	for _, c := range cs {
		_, err := c.WriteTo([]byte("join"), e.serverAddr(5000))
		require.NoError(t, err)
		m, _ := readData(t, srv)
		require.Equal(t, "join", m)
	}
	_, err := srv.WriteMsg([]byte("to all"), &SendInfo{SendAll: true}, nil)
	require.NoError(t, err)
	for _, c := range cs {
		m, _ := readData(t, c)
		assert.Equal(t, "to all", m)
	}
}

// TestManyConnPeeloff: a peeled-off association goes on as a Conn, with
// the message that was waiting in it; the ManyConn no longer sees it.
func TestManyConnPeeloff(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	c := e.manyClient(t, nil)
	_, err := c.WriteTo([]byte("one"), e.serverAddr(5000))
	require.NoError(t, err)
	m, info := readData(t, srv)
	require.Equal(t, "one", m)
	_, err = c.WriteTo([]byte("two"), e.serverAddr(5000))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // "two" waits in the association

	conn, err := srv.Peeloff(info.AssocID)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(testTimeout)))
	assert.Empty(t, srv.AssocIDs())
	_, err = srv.Peeloff(info.AssocID)
	assert.ErrorIs(t, err, ErrUnknownAssoc)
	got, _ := readMsg(t, conn, 16)
	assert.Equal(t, "two", string(got))
	_, err = conn.Write([]byte("from the peeled-off conn"))
	require.NoError(t, err)
	m, _ = readData(t, c)
	assert.Equal(t, "from the peeled-off conn", m)
	assert.Equal(t, e.clientIP.String(), conn.RemoteAddr().(*Addr).IPs[0].String())
}

// TestManyConnConcurrentFirstSends: goroutines writing at once to the same
// new peer share one association, and every message arrives.
func TestManyConnConcurrentFirstSends(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	c := e.manyClient(t, nil)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.WriteTo([]byte(fmt.Sprint(i)), e.serverAddr(5000))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	var id AssocID
	for len(seen) < n {
		m, info := readData(t, srv)
		seen[m] = true
		if id == 0 {
			id = info.AssocID
		}
		assert.Equal(t, id, info.AssocID)
	}
	assert.Len(t, c.AssocIDs(), 1)
	assert.Len(t, srv.AssocIDs(), 1)
}

// TestManyConnSetEvents: events subscribed after set-up apply to the
// existing associations.
func TestManyConnSetEvents(t *testing.T) {
	e := newEnv(t)
	srv := e.listenMany(t, 5000, nil)
	c := e.manyClient(t, nil)
	_, err := c.WriteTo([]byte("x"), e.serverAddr(5000))
	require.NoError(t, err)
	m, info := readData(t, srv)
	require.Equal(t, "x", m)
	require.NoError(t, srv.SetEvents(sctp.EventShutdown))
	assert.Equal(t, sctp.EventShutdown, srv.Endpoint().Endpoint().Events())
	_, err = c.WriteMsg(nil, &SendInfo{AssocID: waitAssoc(t, c), EOF: true}, nil)
	require.NoError(t, err)
	n, ri, note, err := srv.ReadMsg(make([]byte, 16))
	require.NoError(t, err)
	assert.Zero(t, n)
	require.IsType(t, &sctp.ShutdownEvent{}, note)
	assert.Equal(t, info.AssocID, ri.AssocID)
}
