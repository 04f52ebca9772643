package sctptest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

func TestInterceptKeepsPacketsFromTheHost(t *testing.T) {
	var tl traceLog
	n, l := pair(t, Options{Trace: tl.record}, LinkConfig{})
	a, b := l.A(), l.B()
	rx := newUDPSocket(t, b.Host(), b.IPv4(), 5000)
	tx := newUDPSocket(t, a.Host(), a.IPv4(), 0)

	raw := b.Intercept()
	tx.sendTo(t, b.IPv4(), 5000, []byte("for the test"))
	p, ok := raw.Next(time.Second)
	require.True(t, ok)
	assert.Empty(t, rx.recv(), "the host behind an intercepted interface sees nothing")
	src, dst, proto, payload, err := ParseIP(p.Data)
	require.NoError(t, err)
	assert.Equal(t, v4(a), src)
	assert.Equal(t, v4(b), dst)
	assert.Equal(t, uint8(header.UDPProtocolNumber), proto)
	assert.Equal(t, "for the test", string(header.UDP(payload).Payload()))
	st := l.Stats(AtoB)
	assert.Equal(t, uint64(1), st.Delivered)
	assert.Equal(t, uint64(1), st.Intercepted)
	assert.Equal(t, Intercepted, tl.filter(EventDeliver, AtoB)[0].Verdict)
	assert.Zero(t, l.Stats(BtoA).Intercepted, "only packets arriving at b")

	// A second interception replaces the first.
	raw2 := b.Intercept()
	tx.sendTo(t, b.IPv4(), 5000, []byte("two"))
	_, ok = raw2.Next(time.Second)
	require.True(t, ok)
	assert.Equal(t, 1, raw.Len())

	// Stopping the replaced capture does not end the new interception.
	raw.Stop()
	tx.sendTo(t, b.IPv4(), 5000, []byte("three"))
	_, ok = raw2.Next(time.Second)
	require.True(t, ok)
	assert.Empty(t, rx.recv())

	raw2.Stop()
	tx.sendTo(t, b.IPv4(), 5000, []byte("four"))
	n.Advance(time.Millisecond)
	assert.Equal(t, [][]byte{[]byte("four")}, rx.recv(), "delivery resumes")
	assert.Equal(t, 3, raw2.Len()+raw.Len())
}

// TestScriptedUDPPeer has the test play a UDP client, in both families,
// against a socket on the host under test.
func TestScriptedUDPPeer(t *testing.T) {
	n, l := pair(t, Options{}, LinkConfig{Impairments: Impairments{Delay: time.Millisecond}})
	dut, peer := l.A(), l.B()
	raw := peer.Intercept()
	for _, fam := range []struct {
		me, it netip.Addr
	}{{v4(peer), v4(dut)}, {v6(peer), v6(dut)}} {
		srv := newUDPSocket(t, dut.Host(), FromNetip(fam.it), 7)
		peer.WriteRaw(udpPacket(fam.me, fam.it, 4242, 7, []byte("ping"), true))
		var got [][]byte
		require.True(t, n.AdvanceUntil(func() bool { got = append(got, srv.recv()...); return len(got) > 0 }, time.Second))
		assert.Equal(t, [][]byte{[]byte("ping")}, got)
		assert.Equal(t, time.Millisecond, n.Elapsed()%(2*time.Millisecond), "read at its arrival")
		srv.sendTo(t, FromNetip(fam.me), 4242, []byte("pong"))

		p, ok := raw.Next(time.Second)
		require.True(t, ok)
		src, dst, proto, payload, err := ParseIP(p.Data)
		require.NoError(t, err)
		assert.Equal(t, fam.it, src)
		assert.Equal(t, fam.me, dst)
		assert.Equal(t, uint8(udp.ProtocolNumber), proto)
		u := header.UDP(payload)
		assert.Equal(t, uint16(7), u.SourcePort())
		assert.Equal(t, uint16(4242), u.DestinationPort())
		assert.Equal(t, "pong", string(u.Payload()))
		assert.True(t, u.IsChecksumValid(FromNetip(src), FromNetip(dst), checksum.Checksum(u.Payload(), 0)), "gVisor checksums UDP")
	}
	assert.Equal(t, uint64(2), l.Stats(AtoB).Intercepted, "the replies, on their way to peer")
}

func TestRawHostHasNoTransports(t *testing.T) {
	n := New(Options{TransportProtocols: allTransports})
	defer n.Close()
	dut, bare := n.AddHost("dut"), n.AddRawHost("bare")
	assert.Nil(t, bare.Stack().TransportProtocolInstance(udp.ProtocolNumber))
	assert.NotNil(t, dut.Stack().TransportProtocolInstance(udp.ProtocolNumber))
	l, err := n.Connect(dut, bare, LinkConfig{})
	require.NoError(t, err)

	// The test speaks for dut and sends "SCTP" (protocol 132) to bare,
	// which has no such protocol and says so.
	raw := l.A().Intercept()
	const sctp = 132
	l.A().WriteRaw(BuildIPv4(v4(l.A()), v4(l.B()), sctp, make([]byte, 12)))
	p, ok := raw.Next(time.Second)
	require.True(t, ok)
	src, _, proto, payload, err := ParseIP(p.Data)
	require.NoError(t, err)
	assert.Equal(t, v4(l.B()), src)
	require.Equal(t, uint8(header.ICMPv4ProtocolNumber), proto)
	icmp := header.ICMPv4(payload)
	assert.Equal(t, header.ICMPv4DstUnreachable, icmp.Type())
	assert.Equal(t, header.ICMPv4ProtoUnreachable, icmp.Code())
	_, _, quotedProto, _, err := ParseIP(icmp.Payload())
	require.NoError(t, err)
	assert.Equal(t, uint8(sctp), quotedProto, "the error quotes our packet")
}
