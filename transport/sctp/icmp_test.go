package sctp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestHandshakeICMPProtoUnreachable: the peer has no SCTP, so its IP layer
// answers the INIT with ICMP protocol unreachable; Connect fails promptly
// (RFC 9260 10 item 8).
func TestHandshakeICMPProtoUnreachable(t *testing.T) {
	n := sctptest.New(sctptest.Options{
		Seed:               80,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocol},
		StackOptions: func(host int, o *stack.Options) {
			if host == 1 {
				o.TransportProtocols = nil
			}
		},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(a, b, sctptest.LinkConfig{})
	require.NoError(t, err)
	e := &testEnv{t: t, n: n, link: l, a: a, b: b, aAddr: l.A().IPv4(), bAddr: l.B().IPv4()}
	c := e.dial(a, e.bAddr, 5000)
	var cerr tcpip.Error
	require.True(t, e.run(func() bool { cerr = c.LastError(); return cerr != nil }, 5*time.Second))
	require.IsType(t, &tcpip.ErrConnectionRefused{}, cerr)
	require.Less(t, n.Elapsed(), time.Second)
	require.EqualValues(t, 1, protoStats(a).ICMPErrors.Value())
}

// fakeTransportError is an ICMP error as the network layer reports it.
type fakeTransportError struct {
	kind stack.TransportErrorKind
	info uint32
}

func (f fakeTransportError) Origin() tcpip.SockErrOrigin    { return tcpip.SockExtErrorOriginICMP }
func (f fakeTransportError) Type() uint8                    { return 3 }
func (f fakeTransportError) Code() uint8                    { return 4 }
func (f fakeTransportError) Info() uint32                   { return f.info }
func (f fakeTransportError) Kind() stack.TransportErrorKind { return f.kind }
func icmpPayload(sport, dport uint16, vtag uint32) *stack.PacketBuffer {
	b := make([]byte, header.SCTPCommonHeaderLen+header.ChunkHeaderLen)
	header.SCTP(b).Encode(&header.SCTPFields{SrcPort: sport, DstPort: dport, VerificationTag: vtag})
	return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
}

// TestShutdownICMPPacketTooBig: Packet Too Big lowers the path MTU, not
// below the floor, and only with the right tag (RFC 9260 10 items 6-7).
func TestShutdownICMPPacketTooBig(t *testing.T) {
	e := newTestEnv(t, 81, Options{}, sctptest.LinkConfig{})
	c, _, _ := e.connectPair(5000)
	a := c.getAssoc()
	d := a.dmx
	la, _ := c.GetLocalAddress()
	send := func(mtu uint32, vtag uint32) {
		pkt := icmpPayload(la.Port, 5000, vtag)
		defer pkt.DecRef()
		d.HandleError(fakeTransportError{kind: stack.PacketTooBigTransportError, info: mtu}, pkt)
	}
	a.mu.Lock()
	peerTag, before := a.peerVtag, a.primary.pmtu
	a.mu.Unlock()
	send(1000, peerTag^1) // wrong tag: ignored
	st, _ := c.Status()
	require.Equal(t, before, st.Primary.MTU)
	require.EqualValues(t, 1, protoStats(e.a).ICMPIgnored.Value())
	send(1000, peerTag)
	st, _ = c.Status()
	require.Equal(t, 1000, st.Primary.MTU)
	send(100, peerTag) // below the floor
	st, _ = c.Status()
	require.Equal(t, DefaultOptions().MinPMTU, st.Primary.MTU)
	// Messages still get through, in smaller packets.
	big := make([]byte, 5000)
	e.write(c, big, SendInfo{})
	_ = big
	// Port unreachable on an established association is ignored (item 3).
	pkt := icmpPayload(la.Port, 5000, peerTag)
	d.HandleError(fakeTransportError{kind: stack.DestinationPortUnreachableTransportError}, pkt)
	pkt.DecRef()
	require.Equal(t, StateEstablished, e.stateOf(c))
}

// TestHandshakeICMPPortUnreachable: during set-up, an ICMP error quoting
// our INIT (tag 0, so the INIT's Initiate Tag is checked, RFC 9260 10 item
// 6) fails Connect at once; one quoting another tag is ignored.
func TestHandshakeICMPPortUnreachable(t *testing.T) {
	e := newTestEnv(t, 82, Options{}, sctptest.LinkConfig{})
	e.link.CutDir(sctptest.AtoB)
	c := e.dial(e.a, e.bAddr, 5000)
	a := c.getAssoc()
	la, _ := c.GetLocalAddress()
	quote := func(initTag uint32) *stack.PacketBuffer {
		b := make([]byte, header.SCTPCommonHeaderLen+header.InitChunkHeaderLen)
		header.SCTP(b).Encode(&header.SCTPFields{SrcPort: la.Port, DstPort: 5000})
		header.InitChunk(b[header.SCTPCommonHeaderLen:]).Encode(&header.InitFields{InitiateTag: initTag, ARwnd: 1500, OutboundStreams: 1, InboundStreams: 1})
		return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	}
	a.mu.Lock()
	tag := a.myVtag
	a.mu.Unlock()
	pkt := quote(tag + 1)
	a.dmx.HandleError(fakeTransportError{kind: stack.DestinationPortUnreachableTransportError}, pkt)
	pkt.DecRef()
	require.Equal(t, StateCookieWait, e.stateOf(c))
	pkt = quote(tag)
	a.dmx.HandleError(fakeTransportError{kind: stack.DestinationPortUnreachableTransportError}, pkt)
	pkt.DecRef()
	require.IsType(t, &tcpip.ErrConnectionRefused{}, c.LastError())
	require.True(t, gone(c))
}
