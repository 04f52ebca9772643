package adapter

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenerCloseUnblocksAccept(t *testing.T) {
	e := newEnv(t)
	ln := e.listen(t, 5000, nil)
	assert.Equal(t, e.serverAddr(5000).String(), ln.Addr().String())

	errc := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, ln.Close())
	select {
	case err := <-errc:
		assert.ErrorIs(t, err, net.ErrClosed)
		var oe *net.OpError
		if assert.ErrorAs(t, err, &oe) {
			assert.Equal(t, "accept", oe.Op)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close did not wake Accept")
	}
	_, err := ln.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
	assert.ErrorIs(t, ln.Close(), net.ErrClosed)
	assert.ErrorIs(t, ln.SetDeadline(time.Now()), net.ErrClosed)

	// The port is free again.
	ln2, err := Listen(e.server, e.serverAddr(5000))
	require.NoError(t, err)
	require.NoError(t, ln2.Close())
}

func TestListenerDeadline(t *testing.T) {
	e := newEnv(t)
	ln := e.listen(t, 5000, nil)
	require.NoError(t, ln.SetDeadline(time.Now().Add(30*time.Millisecond)))
	_, err := ln.Accept()
	assertTimeout(t, err)

	// After clearing the deadline Accept works.
	require.NoError(t, ln.SetDeadline(time.Time{}))
	go func() {
		c, err := Dial(e.client, e.serverAddr(5000))
		if err == nil {
			c.Close()
		}
	}()
	c, err := ln.Accept()
	require.NoError(t, err)
	assert.IsType(t, &Conn{}, c)
	c.Close()
}

func TestListenAnyAddress(t *testing.T) {
	e := newEnv(t)
	ln, err := Listen(e.server, MustParseAddr(":6000"))
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}()
	c, err := Dial(e.client, e.serverAddr(6000))
	require.NoError(t, err)
	c.Close()
}

func TestListenPortInUse(t *testing.T) {
	e := newEnv(t)
	e.listen(t, 5000, nil)
	_, err := Listen(e.server, e.serverAddr(5000))
	require.Error(t, err)
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "bind", oe.Op)
}
