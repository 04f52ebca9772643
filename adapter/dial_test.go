package adapter

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDialContextCancel(t *testing.T) {
	e := newEnv(t)
	e.listen(t, 5000, nil)
	e.link.Cut() // INIT goes nowhere, so the dial waits.

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := DialContext(ctx, e.client, nil, e.serverAddr(5000))
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), testTimeout)

	// An already cancelled context fails before sending anything.
	_, err = DialContext(ctx, e.client, nil, e.serverAddr(5000))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDialContextDeadline(t *testing.T) {
	e := newEnv(t)
	e.listen(t, 5000, nil)
	e.link.Cut()

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := DialContext(ctx, e.client, nil, e.serverAddr(5000))
	assertTimeout(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	d := Dialer{Timeout: 50 * time.Millisecond}
	_, err = d.DialContext(t.Context(), e.client, e.serverAddr(5000))
	assertTimeout(t, err)
}

func TestDialAssocTimeout(t *testing.T) {
	e := newEnv(t)
	e.listen(t, 5000, nil)
	e.link.Cut()

	// With two INIT attempts and a short timeout cap the stack gives up
	// quickly; that is an association timeout, not a passed deadline.
	d := Dialer{InitMsg: &InitMsg{MaxAttempts: 2, MaxInitTimeout: 100 * time.Millisecond}}
	_, err := d.DialContext(t.Context(), e.client, e.serverAddr(5000))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrAssocTimeout)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.NotErrorIs(t, err, os.ErrDeadlineExceeded)
}

func TestDialWithLocalAddr(t *testing.T) {
	e := newEnv(t)
	ln := e.listen(t, 5000, nil)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	laddr := AddrFrom(netip.AddrPortFrom(e.clientIP, 4321))
	c, err := DialContext(t.Context(), e.client, laddr, e.serverAddr(5000))
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, laddr.String(), c.LocalAddr().String())
}

func TestDialBadAddress(t *testing.T) {
	e := newEnv(t)
	_, err := Dial(e.client, MustParseAddr(":5000"))
	var ae *AddrError
	assert.ErrorAs(t, err, &ae)

	_, err = DialContext(t.Context(), e.client, MustParseAddr("[2001:db8::1]:0"), e.serverAddr(5000))
	assert.ErrorIs(t, err, errMixedFamilies)
}
