package sctptest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// scenario runs fixed traffic over a three-host network with every
// impairment enabled and returns the decision log and the capture.
func scenario(t *testing.T, seed uint64) ([]string, []byte) {
	var tl traceLog
	var capt bytes.Buffer
	n := New(Options{Seed: seed, Trace: tl.record, Pcap: &capt, TransportProtocols: allTransports})
	defer n.Close()
	hs := n.AddHosts(3)
	im := Impairments{
		Loss: 0.05, Burst: &GilbertElliott{P: 0.02, R: 0.3, LossBad: 0.8},
		Duplicate: 0.05, Reorder: 0.1, Delay: 3 * time.Millisecond, Jitter: 2 * time.Millisecond,
		Bandwidth: 10_000_000, QueueLimit: 20_000, Corrupt: 0.05, CorruptPayloadOnly: true,
	}
	var links []*Link
	for _, p := range [][2]int{{0, 1}, {0, 1}, {1, 2}} {
		l, err := n.Connect(hs[p[0]], hs[p[1]], LinkConfig{Impairments: im})
		require.NoError(t, err)
		links = append(links, l)
	}
	for _, h := range hs {
		discard(t, h)
	}
	// Sockets use ephemeral ports chosen by the stacks' seeded RNGs.
	type flow struct {
		tx   *udpSocket
		to   tcpip.Address
		port uint16
	}
	var flows []flow
	for i, l := range links {
		port := uint16(6000 + i)
		newUDPSocket(t, l.B().Host(), l.B().IPv4(), port)
		newUDPSocket(t, l.A().Host(), l.A().IPv6(), port)
		flows = append(flows,
			flow{newUDPSocket(t, l.A().Host(), l.A().IPv4(), 0), l.B().IPv4(), port},
			flow{newUDPSocket(t, l.B().Host(), l.B().IPv6(), 0), l.A().IPv6(), port})
	}
	for round := range 300 {
		for i, f := range flows {
			if (round+i)%3 == 0 {
				f.tx.sendTo(t, f.to, f.port, bytes.Repeat([]byte{byte(round)}, 50+round%700))
			}
		}
		links[round%3].A().WriteRaw(rawUDP4(links[round%3].A().IPv4(), links[round%3].B().IPv4(), 28+round, uint32(round)))
		if round == 150 {
			links[1].Cut()
		}
		if round == 200 {
			links[1].Heal()
		}
		n.Advance(time.Duration(round%4) * 500 * time.Microsecond)
	}
	n.Advance(time.Second)

	var log []string
	for _, e := range tl.events {
		log = append(log, e.String())
	}
	return log, capt.Bytes()
}

func TestSeedReplaysDecisions(t *testing.T) {
	log1, cap1 := scenario(t, 42)
	log2, cap2 := scenario(t, 42)
	log3, cap3 := scenario(t, 43)
	require.Greater(t, len(log1), 1000)
	assert.Equal(t, log1, log2, "same seed, same traffic: identical decision log")
	assert.True(t, bytes.Equal(cap1, cap2), "same seed: identical capture")
	assert.NotEqual(t, log1, log3, "different seed: different decisions")
	assert.False(t, bytes.Equal(cap1, cap3))

	// Every kind of decision occurred.
	all := fmt.Sprint(log1)
	for _, v := range []string{"loss", "dup", "reorder", "corrupt", "cut", "deliver", "drop"} {
		assert.Contains(t, all, v)
	}
}

func TestStackRandomnessFollowsSeed(t *testing.T) {
	draw := func(seed uint64) [2][2]uint64 {
		n := New(Options{Seed: seed})
		defer n.Close()
		var out [2][2]uint64
		for i, h := range n.AddHosts(2) {
			out[i][0] = h.Stack().InsecureRNG().Uint64()
			rng := h.Stack().SecureRNG()
			out[i][1] = uint64(rng.Uint32())
		}
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	assert.NotEqual(t, a[0], a[1], "hosts get different streams")
}
