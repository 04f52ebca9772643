package sctptest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

func TestPcapRecordsDeliveriesWithTimestamps(t *testing.T) {
	var netCap, linkCap bytes.Buffer
	var tl traceLog
	im := Impairments{Delay: 7 * time.Millisecond, Jitter: 3 * time.Millisecond, Loss: 0.2}
	n, l := pair(t, Options{Seed: 9, Pcap: &netCap, Trace: tl.record}, LinkConfig{Impairments: im, Pcap: &linkCap})
	rx := newUDPSocket(t, l.B().Host(), l.B().IPv6(), 5000)
	tx := newUDPSocket(t, l.A().Host(), l.A().IPv6(), 0)
	for i := range 50 {
		tx.sendTo(t, l.B().IPv6(), 5000, []byte(fmt.Sprintf("msg %d", i)))
		l.B().WriteRaw(rawUDP4(l.B().IPv4(), l.A().IPv4(), 60+i, uint32(i)))
		n.Advance(1500 * time.Microsecond)
	}
	n.Advance(time.Second)
	require.NoError(t, n.PcapError())
	assert.Equal(t, netCap.Bytes(), linkCap.Bytes(), "single link: both captures agree")

	assert.Equal(t, uint32(LinkTypeRaw), binary.LittleEndian.Uint32(netCap.Bytes()[20:]))
	recs, err := ReadPcap(&netCap)
	require.NoError(t, err)
	var delivered []Event
	for _, e := range tl.events {
		if e.Kind == EventDeliver {
			delivered = append(delivered, e)
		}
	}
	require.Len(t, recs, len(delivered))
	assert.Equal(t, int(l.Stats(Both).Delivered), len(recs))
	v4, v6 := 0, 0
	for i, r := range recs {
		e := delivered[i]
		assert.Equal(t, epoch.Add(e.At), r.Time, "record %d timestamp", i)
		assert.Equal(t, e.Size, r.OrigLen)
		assert.Equal(t, e.Size, len(r.Data))
		switch header.IPVersion(r.Data) {
		case header.IPv4Version:
			v4++
			ip := header.IPv4(r.Data)
			assert.Equal(t, l.B().IPv4(), ip.SourceAddress())
			assert.True(t, ip.IsChecksumValid())
		case header.IPv6Version:
			v6++
			ip := header.IPv6(r.Data)
			assert.Equal(t, l.A().IPv6(), ip.SourceAddress())
			assert.Equal(t, header.UDPProtocolNumber, ip.TransportProtocol())
		default:
			t.Errorf("record %d: not IP", i)
		}
	}
	assert.Equal(t, int(l.Stats(AtoB).Delivered), v6)
	assert.Equal(t, int(l.Stats(BtoA).Delivered), v4)
	assert.Len(t, rx.recv(), v6)
}

func TestCorruptionFlipsOneBit(t *testing.T) {
	var capt bytes.Buffer
	var tl traceLog
	n, l := pair(t, Options{Seed: 10, Trace: tl.record}, LinkConfig{ImpairAtoB: &Impairments{Corrupt: 1}, Pcap: &capt})
	// Corrupted ports or addresses provoke ICMP errors; keep them off the
	// capture.
	l.CutDir(BtoA)
	var sent [][]byte
	for i := range 200 {
		b := rawUDP4(l.A().IPv4(), l.B().IPv4(), 40+i, uint32(i))
		sent = append(sent, b)
		l.A().WriteRaw(b)
	}
	n.Advance(time.Millisecond)
	assert.Equal(t, uint64(200), l.Stats(AtoB).Corrupted)
	recs, err := ReadPcap(&capt)
	require.NoError(t, err)
	require.Equal(t, 200, len(recs))
	sends := tl.filter(EventSend, AtoB)
	headerHits := 0
	for i, r := range recs {
		bit := sends[i].Bit
		require.GreaterOrEqual(t, bit, 0)
		want := bytes.Clone(sent[i])
		want[bit/8] ^= 0x80 >> (bit % 8)
		assert.Equal(t, want, r.Data, "packet %d: exactly bit %d flipped", i, bit)
		if bit < header.IPv4MinimumSize*8 {
			headerHits++
		}
	}
	assert.Positive(t, headerHits, "bits anywhere in the packet, IP header included")

	// Payload-only corruption spares the IP header, and the receiver's
	// UDP checksum catches it.
	l.SetImpairments(AtoB, Impairments{Corrupt: 1, CorruptPayloadOnly: true})
	rx := newUDPSocket(t, l.B().Host(), l.B().IPv4(), 5001)
	tx := newUDPSocket(t, l.A().Host(), l.A().IPv4(), 0)
	for range 50 {
		tx.sendTo(t, l.B().IPv4(), 5001, bytes.Repeat([]byte{0x55}, 100))
	}
	n.Advance(time.Millisecond)
	for _, e := range tl.filter(EventSend, AtoB)[200:] {
		assert.GreaterOrEqual(t, e.Bit, header.IPv4MinimumSize*8)
	}
	got := rx.recv()
	stats := l.B().Host().Stack().Stats()
	// A flip in the port fields may misdirect a datagram instead.
	assert.Less(t, len(got), 5)
	assert.Greater(t, stats.UDP.ChecksumErrors.Value(), uint64(40))
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, io.ErrShortWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestPcapWriteErrorIsReported(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Pcap: &failWriter{n: pcapHeaderLen + 10}})
	assert.NoError(t, n.PcapError())
	l.A().WriteRaw(rawUDP4(l.A().IPv4(), l.B().IPv4(), 100, 1))
	n.Advance(0)
	assert.ErrorIs(t, n.PcapError(), io.ErrShortWrite)
	assert.Equal(t, uint64(1), l.Stats(AtoB).Delivered, "capture errors do not affect the network")
}
