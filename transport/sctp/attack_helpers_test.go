package sctp

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// The attack tests (issue 11) play an attacker against a live association
// or a listener. attackEnv is a real association, client c on host a and
// server s on host b, both ours; the attacker writes onto the link from
// a's side, spoofing a's address and the client's port, so that its packets
// reach s's association exactly as an off-path attacker's would. What the
// user must see afterwards is checked with transfer: data still flows.

const attackPort = 6100

type attackEnv struct {
	*testEnv
	cp      *capture
	c, s, l *Endpoint
	cport   uint16
}

func newAttackEnv(t *testing.T, seed uint64, o Options) *attackEnv {
	t.Helper()
	cp := &capture{}
	e := newTestEnv(t, seed, o, sctptest.LinkConfig{Pcap: cp})
	c, s, l := e.connectPair(attackPort)
	la, _ := c.GetLocalAddress()
	ae := &attackEnv{testEnv: e, cp: cp, c: c, s: s, l: l, cport: la.Port}
	ae.n.Advance(time.Second) // let the handshake's SACKs and timers settle
	return ae
}

// sTags returns the tag s expects on what it receives (its own) and the
// tag it puts on what it sends (the client's).
func (e *attackEnv) sTags() (mine, peer uint32) {
	a := e.s.getAssoc()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.myVtag, a.peerVtag
}

// spoof writes a packet to the server as if from the client, and lets the
// network deliver it and whatever it causes.
func (e *attackEnv) spoof(vtag uint32, chunks ...[]byte) {
	e.link.A().WriteRaw(rawSCTP(e.aAddr, e.bAddr, e.cport, attackPort, vtag, chunks...))
	e.n.Advance(10 * time.Millisecond)
}

// fromServer returns what the server sent after the first skip packets.
func (e *attackEnv) fromServer(skip int) []captured { return e.cp.from(e.bAddr, skip) }

// transfer checks that the association still carries messages both ways,
// intact and in order.
func (e *attackEnv) transfer(tag string) {
	e.t.Helper()
	transferBoth(e.testEnv, e.c, e.s, tag)
}

// transferBoth sends a few messages each way between x and y and checks
// that they arrive intact and in order.
func transferBoth(e *testEnv, x, y *Endpoint, tag string) {
	e.t.Helper()
	for i := 0; i < 3; i++ {
		for _, p := range [][2]*Endpoint{{x, y}, {y, x}} {
			msg := []byte(fmt.Sprintf("%s #%d %s", tag, i, bytes.Repeat([]byte{'x'}, 100*i)))
			e.write(p[0], msg, SendInfo{})
			got, _, err := e.readMsg(p[1], 5*time.Second)
			require.Nil(e.t, err, "%s: message %d", tag, i)
			require.Equal(e.t, msg, got, "%s: message %d", tag, i)
		}
	}
}

// controlPackets counts the packets among pkts that carry a chunk other
// than DATA, and their bytes (common header included).
func controlPackets(pkts []captured) (n, bytes int) {
	for _, p := range pkts {
		for _, c := range p.chunks() {
			if c.Type() != header.ChunkData {
				n++
				bytes += len(p.pkt)
				break
			}
		}
	}
	return n, bytes
}

// rawPeerEnv is host b's listener with an association built by a raw peer
// (the test) on a:7000; packets for a come to the test, not a's stack, so
// that the association lives on whatever b sends. tsn is the peer's next
// TSN.
type rawPeerEnv struct {
	*testEnv
	cp  *capture
	s   *Endpoint
	tag uint32 // the tag b expects
	tsn uint32
}

func newRawPeerEnv(t *testing.T, seed uint64, o Options) *rawPeerEnv {
	t.Helper()
	cp := &capture{}
	e := newTestEnv(t, seed, o, sctptest.LinkConfig{Pcap: cp})
	e.link.A().Intercept()
	s, tag := rawAssoc(t, e, cp)
	return &rawPeerEnv{testEnv: e, cp: cp, s: s, tag: tag, tsn: 100}
}

// send writes a packet with the right tag to b's association.
func (e *rawPeerEnv) send(chunks ...[]byte) { e.inject(6000, e.tag, chunks...) }

// deliverNext sends the next in-sequence DATA and checks that the reader
// gets it: the association still takes data.
func (e *rawPeerEnv) deliverNext(msg string) {
	e.t.Helper()
	e.send(dataChunk(e.tsn, 0, []byte(msg)))
	e.tsn++
	got, _, err := e.readMsg(e.s, time.Second)
	require.Nil(e.t, err)
	require.Equal(e.t, msg, string(got))
}

// assocOf returns ep's association, which must exist.
func assocOf(t *testing.T, ep *Endpoint) *association {
	t.Helper()
	a := ep.getAssoc()
	require.NotNil(t, a)
	return a
}

// demuxEntries counts the associations in the demux of listener l's port.
func demuxEntries(l *Endpoint) int {
	d := l.dmx
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.assocs.len()
}

// attackProtoOf returns the SCTP protocol of host h.
func attackProtoOf(h *sctptest.Host) *protocol {
	return h.Stack().TransportProtocolInstance(ProtocolNumber).(*protocol)
}
