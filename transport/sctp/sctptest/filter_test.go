package sctptest

import (
	"bytes"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// udpPacket builds an IP/UDP packet with BuildIP. With csum false the UDP
// checksum is left 0 (allowed over IPv4 only), so a test may rewrite the
// payload without fixing it.
func udpPacket(src, dst netip.Addr, sport, dport uint16, payload []byte, csum bool) []byte {
	u := header.UDP(make([]byte, header.UDPMinimumSize+len(payload)))
	u.Encode(&header.UDPFields{SrcPort: sport, DstPort: dport, Length: uint16(len(u))})
	copy(u.Payload(), payload)
	if csum {
		x := header.PseudoHeaderChecksum(header.UDPProtocolNumber, FromNetip(src), FromNetip(dst), uint16(len(u)))
		u.SetChecksum(^checksum.Checksum(u, x))
	}
	return BuildIP(src, dst, uint8(header.UDPProtocolNumber), u)
}

// v4 and v6 return an interface's first address of that family as a
// netip.Addr.
func v4(i *Iface) netip.Addr { return ToNetip(i.IPv4()) }
func v6(i *Iface) netip.Addr { return ToNetip(i.IPv6()) }

func TestFilterPassesDropsAndReplaces(t *testing.T) {
	var tl traceLog
	n, l := pair(t, Options{Trace: tl.record}, LinkConfig{Impairments: Impairments{Delay: 2 * time.Millisecond}})
	a, b := l.A(), l.B()
	rx4 := newUDPSocket(t, b.Host(), b.IPv4(), 5000)
	rx6 := newUDPSocket(t, b.Host(), b.IPv6(), 5000)

	var seen []Packet
	v6Replacement := udpPacket(v6(a), v6(b), 1000, 5000, []byte("three over IPv6"), true)
	l.SetFilter(AtoB, func(p Packet) FilterVerdict {
		seen = append(seen, p.Clone())
		switch p.Index {
		case 1:
			return DropPacket
		case 2:
			// In place: the last payload byte (UDP checksum is 0).
			p.Data[len(p.Data)-1] = 'X'
			return ReplacePacket(p.Data)
		case 3:
			return ReplacePacket(v6Replacement)
		}
		return PassPacket
	})
	var sent [][]byte
	for _, s := range []string{"zero", "one", "two", "three"} {
		pkt := udpPacket(v4(a), v4(b), 1000, 5000, []byte(s), false)
		sent = append(sent, pkt)
		a.WriteRaw(pkt)
	}
	n.Advance(time.Millisecond)
	assert.Empty(t, seen, "filters run on delivery, after the delay")
	n.Advance(time.Millisecond)

	require.Len(t, seen, 4)
	for i, p := range seen {
		assert.Equal(t, 2*time.Millisecond, p.At)
		assert.Equal(t, l, p.Link)
		assert.Equal(t, AtoB, p.Dir)
		assert.Equal(t, uint64(i), p.Index)
		assert.False(t, p.Dup)
		assert.Equal(t, sent[i], p.Data, "the filter sees the bytes as sent")
	}
	assert.Equal(t, [][]byte{[]byte("zero"), []byte("twX")}, rx4.recv())
	assert.Equal(t, [][]byte{[]byte("three over IPv6")}, rx6.recv())

	st := l.Stats(AtoB)
	assert.Equal(t, Stats{
		Sent: 4, SentBytes: st.SentBytes, Delivered: 3, DeliveredBytes: st.DeliveredBytes,
		DroppedFilter: 1, Replaced: 2,
	}, st)
	assert.Equal(t, uint64(1), st.Dropped())
	assert.Zero(t, st.InFlight())
	var flags []Verdict
	for _, e := range tl.events {
		if e.Kind != EventSend && e.Dir == AtoB {
			flags = append(flags, e.Verdict)
		}
	}
	assert.Equal(t, []Verdict{0, DropFilter, Replaced, Replaced}, flags)
	assert.Equal(t, "filter", DropFilter.String())
	assert.Equal(t, "replace(4B)", ReplacePacket([]byte("abcd")).String())
	assert.Equal(t, "drop", DropPacket.String())
	assert.Equal(t, "pass", PassPacket.String())
	assert.Equal(t, "2ms link0/A>B #3 33B", seen[3].String())
	assert.Equal(t, "0s link-1/A>B #0 0B dup", Packet{Dup: true}.String())

	// Removing the filter restores the unhooked path.
	l.SetFilter(Both, nil)
	assert.Nil(t, l.dirs[AtoB].hooks.Load())
	a.WriteRaw(sent[1])
	n.Advance(2 * time.Millisecond)
	assert.Equal(t, [][]byte{[]byte("one")}, rx4.recv())
	assert.Len(t, seen, 4)
}

func TestFilterSeesImpairedCopies(t *testing.T) {
	var tl traceLog
	im := Impairments{Duplicate: 1, Corrupt: 1, CorruptPayloadOnly: true}
	n, l := pair(t, Options{Seed: 3, Trace: tl.record}, LinkConfig{ImpairAtoB: &im})
	var seen []Packet
	l.SetFilter(AtoB, func(p Packet) FilterVerdict {
		seen = append(seen, p.Clone())
		return PassPacket
	})
	var sent [][]byte
	for i := range 10 {
		pkt := rawUDP4(l.A().IPv4(), l.B().IPv4(), 60, uint32(i))
		sent = append(sent, pkt)
		l.A().WriteRaw(pkt)
	}
	n.Advance(0)
	require.Len(t, seen, 20)
	sends := tl.filter(EventSend, AtoB)
	for i, p := range seen {
		assert.Equal(t, i%2 == 1, p.Dup, "copy %d", i)
		assert.Equal(t, uint64(i/2), p.Index)
		bit := sends[i/2].Bit
		want := bytes.Clone(sent[i/2])
		want[bit/8] ^= 0x80 >> (bit % 8)
		assert.Equal(t, want, p.Data, "copy %d has bit %d flipped", i, bit)
	}
}

func TestFilterMayInjectAndSeesBothDirections(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{})
	a, b := l.A(), l.B()
	var mu sync.Mutex
	dirs := map[Dir]int{}
	l.SetFilter(Both, func(p Packet) FilterVerdict {
		mu.Lock()
		dirs[p.Dir]++
		mu.Unlock()
		if p.Dir == AtoB {
			// Answer at once from the filter, as a scripted peer might.
			b.WriteRaw(rawUDP4(b.IPv4(), a.IPv4(), 40, 1))
			return DropPacket
		}
		return PassPacket
	})
	a.WriteRaw(rawUDP4(a.IPv4(), b.IPv4(), 40, 1))
	n.Advance(0)
	assert.Equal(t, map[Dir]int{AtoB: 1, BtoA: 1}, dirs, "the injected answer is delivered in the same Advance")
	assert.Equal(t, uint64(1), l.Stats(AtoB).DroppedFilter)
	assert.Equal(t, uint64(1), l.Stats(BtoA).Delivered)
	assert.Zero(t, n.Elapsed())
}

func TestFilterAndCaptureWithRealClock(t *testing.T) {
	n, l := pair(t, Options{RealClock: true}, LinkConfig{Impairments: Impairments{Delay: time.Millisecond}})
	l.SetFilter(AtoB, func(p Packet) FilterVerdict {
		if p.Index%2 == 0 {
			return DropPacket
		}
		return PassPacket
	})
	c := l.Capture(AtoB)
	for i := range 10 {
		l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 40, uint32(i)))
	}
	require.True(t, n.RunUntil(func() bool { return c.Len() == 5 }, 5*time.Second))
	p, ok := c.Next(time.Second)
	require.True(t, ok)
	assert.Equal(t, uint64(1), p.Index)
	assert.Equal(t, uint64(5), l.Stats(AtoB).DroppedFilter)
}
