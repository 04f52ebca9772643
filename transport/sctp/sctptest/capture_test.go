package sctptest

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCaptureMatchesPcapAndFollowsFilter(t *testing.T) {
	var pcap bytes.Buffer
	im := Impairments{Loss: 0.1, Duplicate: 0.1, Reorder: 0.1, Delay: time.Millisecond, Jitter: time.Millisecond}
	n, l := pair(t, Options{Seed: 5}, LinkConfig{Impairments: im, Pcap: &pcap})
	all, ab := l.Capture(Both), l.Capture(AtoB)
	l.SetFilter(BtoA, func(p Packet) FilterVerdict {
		if p.Index%3 == 0 {
			return DropPacket
		}
		return PassPacket
	})
	for i := range 100 {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 40+i, uint32(i)))
		l.B().WriteRaw(rawUDP4(l.B().IPv4(), l.A().IPv4(), 40+i, uint32(i)))
		n.Advance(100 * time.Microsecond)
	}
	n.Advance(time.Second)

	recs, err := ReadPcap(&pcap)
	require.NoError(t, err)
	got := all.Packets()
	require.Len(t, got, len(recs))
	assert.Equal(t, int(l.Stats(Both).Delivered), len(got))
	nab := 0
	for i, p := range got {
		assert.Equal(t, epoch.Add(p.At), recs[i].Time, "packet %d", i)
		assert.Equal(t, recs[i].Data, p.Data, "packet %d", i)
		if p.Dir == AtoB {
			nab++
		} else {
			assert.NotZero(t, p.Index%3, "filtered packets are not captured")
		}
	}
	assert.Equal(t, nab, ab.Len())
	assert.Positive(t, l.Stats(BtoA).DroppedFilter)
	assert.Positive(t, l.Stats(Both).Duplicated)
}

func TestCaptureNextStopsAtArrival(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: 7 * time.Millisecond}})
	c := l.Capture(AtoB)
	n.Advance(3 * time.Millisecond)
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 40, 1))
	n.Advance(500 * time.Microsecond)
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 41, 2))

	p, ok := c.Next(time.Second)
	require.True(t, ok)
	assert.Equal(t, 10*time.Millisecond, p.At)
	assert.Equal(t, 10*time.Millisecond, n.Elapsed(), "time stops at the arrival")
	assert.Len(t, p.Data, 40)
	assert.Equal(t, 0, c.Unread())

	p, ok = c.Next(time.Second)
	require.True(t, ok)
	assert.Equal(t, 10500*time.Microsecond, n.Elapsed())
	assert.Len(t, p.Data, 41)

	// Nothing more: Next gives up after exactly maxTime (jumping over the
	// idle hour rather than stepping through it).
	_, ok = c.Next(time.Hour)
	assert.False(t, ok)
	assert.Equal(t, time.Hour+10500*time.Microsecond, n.Elapsed())

	// Packets already recorded are returned without advancing.
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 42, 3))
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 43, 4))
	n.Advance(time.Second)
	at := n.Elapsed()
	assert.Equal(t, 2, c.Unread())
	p, ok = c.Next(time.Second)
	require.True(t, ok)
	assert.Len(t, p.Data, 42)
	assert.Equal(t, at, n.Elapsed())
	assert.Equal(t, 4, c.Len())

	c.Clear()
	assert.Zero(t, c.Len())
	assert.Zero(t, c.Unread())

	c.Stop()
	c.Stop() // Idempotent.
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 44, 5))
	n.Advance(time.Second)
	assert.Zero(t, c.Len(), "stopped")
	assert.Nil(t, l.dirs[AtoB].hooks.Load(), "the last hook gone, the direction is unhooked")
	assert.Equal(t, uint64(5), l.Stats(AtoB).Delivered)
}

func TestCaptureBytesAreCopies(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{})
	c1, c2 := l.Capture(AtoB), l.Capture(AtoB)
	pkt := rawUDP4(l.A().IPv4(), l.B().IPv4(), 40, 1)
	l.A().WriteRaw(pkt)
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 60, 2))
	n.Advance(0)
	p1, p2 := c1.Packets()[0], c2.Packets()[0]
	p1.Data[30] ^= 0xff
	assert.Equal(t, pkt, p2.Data, "each capture has its own copy")
	assert.Len(t, c1.Packets()[1].Data, 60, "the scratch buffer does not leak into records")
	assert.Len(t, c1.Packets()[0].Data, 40)
}

func TestAdvanceUntilIsEventPrecise(t *testing.T) {
	n := New(Options{})
	defer n.Close()
	fired := false
	n.Clock().AfterFunc(3300*time.Microsecond, func() { fired = true })
	assert.True(t, n.AdvanceUntil(func() bool { return fired }, time.Second))
	assert.Equal(t, 3300*time.Microsecond, n.Elapsed())

	fired = false
	n.Clock().AfterFunc(3300*time.Microsecond, func() { fired = true })
	assert.True(t, n.RunUntil(func() bool { return fired }, time.Second))
	// Steps of 1ms from 3.3ms: the timer fires at 6.6ms, RunUntil sees it
	// at the end of the step.
	assert.Equal(t, 7300*time.Microsecond, n.Elapsed(), "RunUntil stops at step boundaries")

	assert.True(t, n.AdvanceUntil(func() bool { return true }, time.Second))
	assert.Equal(t, 7300*time.Microsecond, n.Elapsed(), "no move when cond already holds")
	assert.False(t, n.AdvanceUntil(func() bool { return false }, 24*time.Hour))
	assert.Equal(t, 24*time.Hour+7300*time.Microsecond, n.Elapsed())
}
