package adapter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func closedNow(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestDeadlineFires(t *testing.T) {
	d := newDeadline()
	ch := d.done()
	assert.False(t, closedNow(ch))
	d.set(time.Now().Add(20 * time.Millisecond))
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("deadline did not fire")
	}
	// A new deadline gives a fresh channel; clearing keeps it open.
	d.set(time.Time{})
	assert.False(t, closedNow(d.done()))
}

func TestDeadlinePastClosesPending(t *testing.T) {
	d := newDeadline()
	ch := d.done()
	d.set(time.Now().Add(-time.Second))
	assert.True(t, closedNow(ch), "a past deadline must wake pending calls")
	assert.True(t, closedNow(d.done()))
	d.set(time.Time{})
	assert.False(t, closedNow(d.done()))
}

func TestDeadlineExtendKeepsPendingChannel(t *testing.T) {
	d := newDeadline()
	d.set(time.Now().Add(time.Hour))
	ch := d.done()
	// Moving the deadline keeps the channel a blocked call holds, so the
	// new deadline still wakes it.
	d.set(time.Now().Add(20 * time.Millisecond))
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("moved deadline did not wake the pending call")
	}
	// Clearing a pending deadline leaves the call blocked.
	d.set(time.Now().Add(time.Hour))
	ch = d.done()
	d.set(time.Time{})
	time.Sleep(10 * time.Millisecond)
	assert.False(t, closedNow(ch))
	d.stop()
}
