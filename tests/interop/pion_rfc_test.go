package interop

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/pion/sctp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Where pion/sctp v1.12.1 departs from RFC 9260, shown on the wire. These
// tests assert pion's behaviour as it is: if one fails after a pion
// upgrade, pion was probably fixed, and INTEROP.md and the workaround in
// stripSupportedAddressTypes should be revisited.

// pionPair sets up pion as the client and our stack as the server on a
// clean link (pion's INIT, unlike ours, needs no workaround).
func pionPair(t *testing.T, opts *worldConfig) (*world, *pionPeer, *adapter.Conn) {
	t.Helper()
	var cfg worldConfig
	if opts != nil {
		cfg = *opts
	}
	w := newWorld(t, cfg)
	dropEmptyHeartbeats(t, w)
	log := &logSink{}
	ln := listenOurs(t, w, pionPort)
	accepted := make(chan *adapter.Conn, 1)
	go func() {
		if c, err := ln.AcceptSCTP(); err == nil {
			accepted <- c
		}
	}()
	a, err := sctp.ClientWithOptions(pionClientOptions(w, log)...)
	require.NoError(t, err, "pion client")
	t.Cleanup(func() { a.Close() })
	var ours *adapter.Conn
	select {
	case ours = <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("our listener accepted nothing")
	}
	t.Cleanup(func() { ours.Abort() })
	return w, startPion(a, log, true), ours
}

// roundTrip sends a message from our side on stream 0 and reads pion's
// echo back: the association still works.
func roundTrip(t *testing.T, ours *adapter.Conn) {
	t.Helper()
	msg := makeMsg(0, 0, 3000)
	_, err := ours.WriteMsg(msg, &adapter.SendInfo{PPID: ppidBase})
	require.NoError(t, err)
	require.NoError(t, ours.SetReadDeadline(time.Now().Add(5*time.Second)))
	got, _, err := readWhole(ours, make([]byte, 4096))
	require.NoError(t, err, "echo from pion")
	assert.Equal(t, msg, got)
	require.NoError(t, ours.SetReadDeadline(time.Time{}))
}

// RFC 9260 3.3.2.1 defines Supported Address Types (and the IPv4, IPv6,
// Host Name Address and Cookie Preservative parameters) as optional INIT
// parameters every endpoint understands; 3.2.1 says an unrecognized
// parameter whose type begins with 00 stops the processing of the
// parameters, not of the chunk. pion knows none of these parameters and
// drops the whole INIT. Our INIT, like Linux's, carries Supported Address
// Types, so pion as a server never answers us: the TestPion scenarios
// strip the parameter on the link.
func TestPionDropsINITWithSupportedAddressTypes(t *testing.T) {
	w := newWorld(t, worldConfig{})
	log := &logSink{}
	go func() {
		a, err := sctp.ServerWithOptions(pionServerOptions(w, log)...)
		if err == nil {
			a.Close()
		}
	}()
	d := adapter.Dialer{Timeout: 1500 * time.Millisecond}
	_, err := d.DialContext(t.Context(), w.ours, w.peerAddr(pionPort))
	require.Error(t, err, "pion answered an INIT with Supported Address Types: fixed upstream?")
	assert.GreaterOrEqual(t, w.peer.chunks.got(1), 2, "our INITs reached pion")
	assert.Zero(t, w.peer.chunks.sent(2), "pion sent INIT ACK")
	assert.NotEmpty(t, log.matching("INIT with unknown param"), "pion's log")
	w.peer.Close() // ends pion's read loop and so its Server call.
}

// RFC 9260 8.3: the receiver of a HEARTBEAT answers with a HEARTBEAT ACK
// carrying the Heartbeat Information unchanged. pion does so for ours.
func TestPionAnswersOurHeartbeats(t *testing.T) {
	opts := ourOptions()
	opts.HeartbeatInterval = 100 * time.Millisecond
	w, _, ours := pionPair(t, &worldConfig{Options: &opts})
	roundTrip(t, ours)
	c := &w.peer.chunks
	deadline := time.Now().Add(5 * time.Second)
	for c.sent(chunkHeartbeatAck) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	assert.GreaterOrEqual(t, c.got(chunkHeartbeat), 3, "our HEARTBEATs delivered to pion")
	assert.GreaterOrEqual(t, c.sent(chunkHeartbeatAck), 3, "pion's HEARTBEAT ACKs")
	roundTrip(t, ours)
}

// RFC 9260 3.3.5: a HEARTBEAT carries one mandatory Heartbeat Information
// parameter. pion's HEARTBEATs (Association.ActiveHeartbeat, and its tail
// loss probe when it fires with nothing in flight) carry none: the chunk
// type implements Marshal, but the packet writer calls the embedded chunk
// header's marshal, which writes the 4-byte header alone. Our stack, like
// Linux (sctp_sf_violation_chunklen), answers a chunk shorter than its
// mandatory parts with ABORT (Protocol Violation), so one pion heartbeat
// ends the association. tshark flags that HEARTBEAT as malformed too: the
// test's pcap check skips it, and only it.
func TestPionHeartbeatWithoutInfo(t *testing.T) {
	w, peer, ours := pionPair(t, nil)
	w.peer.editHooks(func(h *bridgeHooks) { h.dropSent = nil })
	w.allowMalformed(func(f tsharkFrame) bool {
		return f.chunkTypes == "4" && f.chunkLengths == "4" // HEARTBEAT, header only
	})
	roundTrip(t, ours)
	peer.a.ActiveHeartbeat()
	waitGone(t, peer, "pion after its empty HEARTBEAT")
	assert.Equal(t, 1, w.peer.chunks.sent(chunkHeartbeat), "pion's HEARTBEATs")
	assert.Equal(t, 1, w.peer.chunks.got(chunkAbort), "our ABORTs")
	require.NoError(t, ours.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, _, err := ours.ReadMsg(make([]byte, 100))
	assert.Error(t, err, "our association after aborting it")
}

// pion's packet parser knows no HEARTBEAT ACK (chunk type 5: packet.go has
// no case for it) and drops any packet holding one, with every other chunk
// in it ("unable to parse SCTP packet"). pion therefore never learns that
// its heartbeats were answered. The HEARTBEAT ACK here is well formed and
// carries pion's verification tag.
func TestPionCannotParseHeartbeatAck(t *testing.T) {
	w, peer, ours := pionPair(t, nil)
	roundTrip(t, ours)
	tag := w.peer.chunks.tagToPeer()
	info := []byte("interop heartbeat info")
	chunkLen := 4 + 4 + len(info)
	pkt := make([]byte, header.SCTPCommonHeaderLen+(chunkLen+3)&^3)
	s := header.SCTP(pkt)
	s.SetSourcePort(pionPort)
	s.SetDestinationPort(pionPort)
	s.SetVerificationTag(tag)
	ch := pkt[header.SCTPCommonHeaderLen:]
	ch[0] = chunkHeartbeatAck
	binary.BigEndian.PutUint16(ch[2:], uint16(chunkLen))
	binary.BigEndian.PutUint16(ch[4:], 1) // Heartbeat Information
	binary.BigEndian.PutUint16(ch[6:], uint16(4+len(info)))
	copy(ch[8:], info)
	s.SetChecksumCRC32c()
	us, them := sctptest.ToNetip(w.link.A().IPv4()), sctptest.ToNetip(w.link.B().IPv4())
	w.link.A().WriteRaw(sctptest.BuildIPv4(us, them, sctpProto, pkt))

	deadline := time.Now().Add(3 * time.Second)
	for len(peer.log.matching("unable to parse SCTP packet")) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.NotEmpty(t, peer.log.matching("unable to parse SCTP packet"), "pion parsed a HEARTBEAT ACK: fixed upstream?")
	roundTrip(t, ours)
}

// RFC 9260 8.5.1: an ABORT is accepted only if its verification tag is
// the receiver's own tag (or, with the T bit, the peer's). pion checks no
// verification tag outside a restart: an ABORT with a wrong tag, which any
// off-path host could send, tears its association down. Our stack, which
// checks, is left with an association pion no longer has.
func TestPionAcceptsABORTWithWrongTag(t *testing.T) {
	w, peer, ours := pionPair(t, nil)
	roundTrip(t, ours)
	tag := w.peer.chunks.tagToPeer()
	require.NotZero(t, tag)

	pkt := make([]byte, header.SCTPCommonHeaderLen+4)
	s := header.SCTP(pkt)
	s.SetSourcePort(pionPort)
	s.SetDestinationPort(pionPort)
	s.SetVerificationTag(^tag) // wrong, and no T bit
	pkt[header.SCTPCommonHeaderLen] = chunkAbort
	binary.BigEndian.PutUint16(pkt[header.SCTPCommonHeaderLen+2:], 4)
	s.SetChecksumCRC32c()
	us, them := sctptest.ToNetip(w.link.A().IPv4()), sctptest.ToNetip(w.link.B().IPv4())
	w.link.A().WriteRaw(sctptest.BuildIPv4(us, them, sctpProto, pkt))

	select {
	case <-peer.gone:
		t.Logf("pion took an ABORT with tag %#08x (its tag is %#08x) and closed its association", ^tag, tag)
	case <-time.After(3 * time.Second):
		t.Fatalf("pion ignored an ABORT with a wrong verification tag, as RFC 9260 8.5.1 says: fixed upstream?")
	}
	st, err := ours.Status()
	require.NoError(t, err)
	assert.Equal(t, "ESTABLISHED", st.State.String(), "our association (we sent no ABORT)")
}
