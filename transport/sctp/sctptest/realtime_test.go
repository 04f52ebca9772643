package sctptest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRealClockTCP(t *testing.T) {
	n, l := pair(t, Options{RealClock: true, Seed: 14}, LinkConfig{})
	tr := startTCPTransfer(t, l.A().Host(), l.B(), 80, 4<<20)
	require.True(t, n.RunUntil(tr.done, time.Minute), "%d bytes received", tr.received.Load())
	tr.check(t)
	assert.Zero(t, l.Stats(Both).Dropped())
}

func TestRealClockTCPWithImpairments(t *testing.T) {
	im := Impairments{Delay: time.Millisecond, Loss: 0.01, Reorder: 0.01, ReorderDelay: time.Millisecond}
	n, l := pair(t, Options{RealClock: true, Seed: 15}, LinkConfig{Impairments: im})
	enableSACK(t, l.A().Host(), l.B().Host())
	tr := startTCPTransfer(t, l.A().Host(), l.B(), 80, 1<<20)
	require.True(t, n.RunUntil(tr.done, time.Minute), "%d bytes received", tr.received.Load())
	tr.check(t)
}

func TestRealClockDelay(t *testing.T) {
	n, l := pair(t, Options{RealClock: true}, LinkConfig{Impairments: Impairments{Delay: 30 * time.Millisecond}})
	rx := newUDPSocket(t, l.B().Host(), l.B().IPv4(), 7000)
	tx := newUDPSocket(t, l.A().Host(), l.A().IPv4(), 0)
	start := time.Now()
	tx.sendTo(t, l.B().IPv4(), 7000, []byte("x"))
	var got [][]byte
	require.True(t, n.RunUntil(func() bool { got = append(got, rx.recv()...); return len(got) > 0 }, 5*time.Second))
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	n.Close()
	// After Close, sends are dropped instead of queued.
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, 1))
	assert.Equal(t, uint64(1), l.Stats(AtoB).DroppedOther)
}
