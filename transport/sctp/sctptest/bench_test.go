package sctptest

import (
	"testing"
	"time"
)

// BenchmarkManualCleanLink measures the per-packet cost of an unimpaired
// link in manual-clock mode: send, queue, deliver (the receiving stack's
// IPv4/UDP processing included).
func BenchmarkManualCleanLink(b *testing.B) {
	n, l := pair(b, Options{}, LinkConfig{})
	pkt := rawUDP4(l.A().IPv4(), l.B().IPv4(), 1400, 1)
	b.SetBytes(int64(len(pkt)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.A().WriteRaw(pkt)
		if i%64 == 63 {
			n.Advance(0)
		}
	}
	n.Advance(0)
}

// BenchmarkManualImpairedLink adds every impairment decision to the path.
func BenchmarkManualImpairedLink(b *testing.B) {
	im := Impairments{Loss: 0.01, Duplicate: 0.01, Reorder: 0.01, Delay: time.Millisecond, Jitter: time.Microsecond, Corrupt: 0.001}
	n, l := pair(b, Options{}, LinkConfig{Impairments: im})
	pkt := rawUDP4(l.A().IPv4(), l.B().IPv4(), 1400, 1)
	b.SetBytes(int64(len(pkt)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.A().WriteRaw(pkt)
		if i%64 == 63 {
			n.Advance(100 * time.Microsecond)
		}
	}
	n.Advance(time.Second)
}

// BenchmarkRealClockTCP measures gVisor TCP bulk throughput over a
// real-clock link.
func BenchmarkRealClockTCP(b *testing.B) {
	const size = 16 << 20
	n, l := pair(b, Options{RealClock: true}, LinkConfig{})
	b.SetBytes(size)
	port := uint16(1000)
	for b.Loop() {
		port++
		tr := startTCPTransfer(b, l.A().Host(), l.B(), port, size)
		if !n.RunUntilStep(tr.done, time.Minute, 100*time.Microsecond) {
			b.Fatal("transfer did not finish")
		}
	}
}

// BenchmarkManualFilteredLink is BenchmarkManualCleanLink with a pass-all
// filter and a capture installed: the cost of looking at every packet.
func BenchmarkManualFilteredLink(b *testing.B) {
	n, l := pair(b, Options{}, LinkConfig{})
	l.SetFilter(AtoB, func(Packet) FilterVerdict { return PassPacket })
	c := l.Capture(AtoB)
	pkt := rawUDP4(l.A().IPv4(), l.B().IPv4(), 1400, 1)
	b.SetBytes(int64(len(pkt)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.A().WriteRaw(pkt)
		if i%64 == 63 {
			n.Advance(0)
			c.Clear()
		}
	}
	n.Advance(0)
}
