package sctp

import (
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/raw"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// ProtocolNumber is SCTP's IP protocol number.
const ProtocolNumber tcpip.TransportProtocolNumber = header.SCTPProtocolNumber

// protocol is SCTP's stack.TransportProtocol: the options, counters and
// cookie secrets shared by all endpoints of a stack, and the handling of
// packets that reach no endpoint (RFC 9260 8.4).
type protocol struct {
	stack *stack.Stack
	opts  Options
	stats ProtocolStats
	keys  cookieKeys

	// extensions are the chunk types we announce in a Supported
	// Extensions parameter (RFC 5061 4.2.7). None yet: the parameter is
	// only sent when the list is not empty.
	extensions []header.ChunkType

	replay      replayCache
	nextAssocID atomic.Uint32
	assocCount  atomic.Int64

	icmp6Once sync.Once // registers the ICMPv6 watcher (icmp6.go)

	// lastAddrs is the last local address list made (addresses.go),
	// shared by the associations whose list is the same.
	lastAddrs atomic.Pointer[[]tcpip.Address]
}

var _ stack.TransportProtocol = (*protocol)(nil)

// firstAssocID is the smallest association id: 0, 1 and 2 are RFC 6458's
// SCTP_FUTURE_ASSOC, SCTP_CURRENT_ASSOC and SCTP_ALL_ASSOC (7.2), never
// the id of an association.
const firstAssocID = 3

// newAssocID returns an association id not in use by a live association
// for a long while: ids count up, skipping the reserved ones on wrap.
func (p *protocol) newAssocID() AssocID {
	for {
		if id := p.nextAssocID.Add(1); id >= firstAssocID {
			return AssocID(id)
		}
	}
}

// NewProtocol returns SCTP with the default options; it is a
// stack.TransportProtocolFactory.
func NewProtocol(s *stack.Stack) stack.TransportProtocol {
	return NewProtocolWithOptions(Options{})(s)
}

// NewProtocolWithOptions returns a factory for SCTP with protocol-wide
// options o (zero fields take the defaults).
func NewProtocolWithOptions(o Options) stack.TransportProtocolFactory {
	o.fill()
	return func(s *stack.Stack) stack.TransportProtocol {
		p := &protocol{stack: s, opts: o}
		p.keys.init(p)
		return p
	}
}

// Number implements stack.TransportProtocol.
func (*protocol) Number() tcpip.TransportProtocolNumber { return ProtocolNumber }

// NewEndpoint implements stack.TransportProtocol.
func (p *protocol) NewEndpoint(netProto tcpip.NetworkProtocolNumber, wq *waiter.Queue) (tcpip.Endpoint, tcpip.Error) {
	return newEndpoint(p, netProto, wq), nil
}

// NewRawEndpoint implements stack.TransportProtocol.
func (p *protocol) NewRawEndpoint(netProto tcpip.NetworkProtocolNumber, wq *waiter.Queue) (tcpip.Endpoint, tcpip.Error) {
	return raw.NewEndpoint(p.stack, netProto, ProtocolNumber, wq)
}

// MinimumPacketSize implements stack.TransportProtocol: a common header
// and one chunk header.
func (*protocol) MinimumPacketSize() int { return header.SCTPCommonHeaderLen + header.ChunkHeaderLen }

// ParsePorts implements stack.TransportProtocol.
func (*protocol) ParsePorts(b []byte) (src, dst uint16, err tcpip.Error) {
	h := header.SCTP(b)
	return h.SourcePort(), h.DestinationPort(), nil
}

// Parse implements stack.TransportProtocol: the common header becomes the
// transport header, the chunks the data.
func (*protocol) Parse(pkt *stack.PacketBuffer) bool {
	if _, ok := pkt.TransportHeader().Consume(header.SCTPCommonHeaderLen); !ok {
		return false
	}
	pkt.TransportProtocolNumber = ProtocolNumber
	return true
}

// SetOption implements stack.TransportProtocol.
func (*protocol) SetOption(tcpip.SettableTransportProtocolOption) tcpip.Error {
	return &tcpip.ErrUnknownProtocolOption{}
}

// Option implements stack.TransportProtocol.
func (*protocol) Option(tcpip.GettableTransportProtocolOption) tcpip.Error {
	return &tcpip.ErrUnknownProtocolOption{}
}

// Close implements stack.TransportProtocol. Endpoints are aborted by the
// stack through their demuxes (Stack.Close calls Abort on each).
func (*protocol) Close() {}

// Wait implements stack.TransportProtocol: SCTP runs no goroutines.
func (*protocol) Wait() {}

// Pause implements stack.TransportProtocol.
func (*protocol) Pause() {}

// Resume implements stack.TransportProtocol.
func (*protocol) Resume() {}

// Restore implements stack.TransportProtocol.
func (*protocol) Restore() {}

// HandleUnknownDestinationPacket implements stack.TransportProtocol: a
// packet for a port nobody bound is out of the blue (RFC 9260 8.4). It is
// always handled here, so that netstack sends no ICMP port unreachable.
func (p *protocol) HandleUnknownDestinationPacket(id stack.TransportEndpointID, pkt *stack.PacketBuffer) stack.UnknownDestinationPacketDisposition {
	var pi packetInfo
	chunks, ok := p.parsePacket(id, pkt, &pi)
	if !ok {
		return stack.UnknownDestinationPacketMalformed
	}
	p.handleClosed(nil, &pi, chunks, p.stack.Clock().Now().UnixNano())
	return stack.UnknownDestinationPacketHandled
}

// parsePacket checks a received packet (RFC 9260 6.8 checksum, 3.1 ports,
// 3.2 chunk lengths) and returns its chunks, made contiguous in place.
// The chunks alias the packet buffer: they are only valid during the
// caller's HandlePacket.
// zeroChecksum stands for the checksum field in the CRC (RFC 9260 6.8).
var zeroChecksum [4]byte

func (p *protocol) parsePacket(id stack.TransportEndpointID, pkt *stack.PacketBuffer, pi *packetInfo) ([]byte, bool) {
	// Make the chunks contiguous first: PullUp may merge and release the
	// views the transport header lives in, so the header is read after.
	n := pkt.Data().Size()
	var chunks, orig, pad []byte
	ok := false
	if orig, pad, ok = splitData(pkt, n, pi); ok {
		chunks = pi.head[:len(orig)]
	} else if chunks, ok = pkt.Data().PullUp(n); ok {
		orig = chunks
	}
	if !ok || n < header.ChunkHeaderLen {
		p.stats.MalformedPackets.Increment()
		return nil, false
	}
	hdr := header.SCTP(pkt.TransportHeader().Slice())
	if len(hdr) < header.SCTPCommonHeaderLen {
		p.stats.MalformedPackets.Increment()
		return nil, false
	}
	// RFC 9260 6.8: CRC32c over the whole packet, checksum field zero.
	crc := header.ChecksumUpdate(0, hdr[:8])
	crc = header.ChecksumUpdate(crc, zeroChecksum[:])
	crc = header.ChecksumUpdate(crc, orig)
	if pi.ext != nil {
		crc = header.ChecksumUpdate(crc, pi.ext)
		crc = header.ChecksumUpdate(crc, pad)
	}
	if crc != hdr.Checksum() {
		p.stats.ChecksumErrors.Increment()
		return nil, false
	}
	if hdr.SourcePort() == 0 || hdr.DestinationPort() == 0 {
		p.stats.MalformedPackets.Increment()
		return nil, false
	}
	// Count the chunks and check that their lengths hold together.
	it := header.NewChunkIter(chunks)
	count := 0
	for _, ok := it.Next(); ok; _, ok = it.Next() {
		count++
	}
	if it.Err() != nil || count == 0 {
		p.stats.MalformedPackets.Increment()
		return nil, false
	}
	p.stats.PacketsReceived.Increment()
	pi.vtag, pi.srcPort, pi.dstPort = hdr.VerificationTag(), hdr.SourcePort(), hdr.DestinationPort()
	pi.srcAddr, pi.dstAddr = id.RemoteAddress, id.LocalAddress
	pi.netProto, pi.nicID = pkt.NetworkProtocolNumber, pkt.NICID
	pi.singleton, pi.pkt, pi.chunks = count == 1, pkt, chunks
	return chunks, true
}

// unicast is RFC 9260 8.4 rule 1: both addresses must be unicast.
func (p *protocol) unicast(pi *packetInfo) bool {
	for _, a := range []tcpip.Address{pi.srcAddr, pi.dstAddr} {
		if a.Unspecified() {
			return false
		}
		if a.Len() == 4 {
			if gheader.IsV4MulticastAddress(a) || a == gheader.IPv4Broadcast {
				return false
			}
		} else if gheader.IsV6MulticastAddress(a) {
			return false
		}
	}
	return !p.stack.IsSubnetBroadcast(pi.nicID, pi.netProto, pi.dstAddr)
}

// handleClosed runs a packet that matches no association through the
// CLOSED column of the state table: the listener's INIT and COOKIE ECHO,
// and the out-of-the-blue rules (RFC 9260 5.1, 8.4). d is the port's demux,
// nil when no one bound the port.
func (p *protocol) handleClosed(d *demux, pi *packetInfo, chunks []byte, now int64) {
	if !p.unicast(pi) {
		p.stats.OutOfTheBluePackets.Increment()
		return // RFC 9260 8.4 rule 1
	}
	c, first, ok := ootbDecider(chunks)
	if !ok {
		return
	}
	ctx := smContext{p: p, lOut: p.opts.OutStreams, lMaxIn: p.opts.MaxInStreams, lRcvbuf: p.opts.ReceiveBufferSize}
	var l *Endpoint
	if d != nil {
		l = d.getListener()
	}
	if l != nil {
		ctx.listening, ctx.acceptOK = l.listenParams(&ctx)
		ctx.acceptOK = ctx.acceptOK && p.assocCount.Load() < int64(p.opts.MaxAssociations)
	}
	p.stats.ChunksReceived[c.Type()].Increment()
	pi.firstChunk = first
	ev := event{typ: chunkEvent(c.Type()), chunk: c, pkt: pi, now: now}
	var cmds commandList
	disp := lookup(ev.typ, StateClosed)(&ctx, &ev, &cmds)
	if cmds.n == 0 {
		return
	}
	r, err := p.stack.FindRoute(pi.nicID, pi.dstAddr, pi.srcAddr, pi.netProto, false)
	if err != nil {
		return
	}
	defer r.Release()
	var pb packetBuilder
	pb.init(int(r.MTU()), pi.dstPort, pi.srcPort)
	pb.pstats = &p.stats
	x := execEnv{pb: &pb, dmx: d, listener: l}
	p.execute(&ctx, &ev, &cmds, &x)
	pb.seal()
	for _, v := range pb.take(nil) {
		p.writePacket(r, v.b, false)
	}
	a := x.newAssoc
	if a == nil {
		return
	}
	// The new association joins the demux before anything it sends can
	// draw an answer.
	if !d.addAssoc(a) {
		// Another COOKIE ECHO from the same peer won the race.
		a.deleteTCB()
		a.unlockAndFlush()
		a.ep.Close()
		return
	}
	if disp == dispContinue {
		// DATA bundled after the COOKIE ECHO (RFC 9260 5.1 D).
		rest := chunks[min(header.PaddedLen(len(c)), len(chunks)):]
		if len(rest) > 0 {
			a.handleChunksFrom(pi, rest, now, false)
		}
	}
	a.unlockAndFlush()
	if !l.enqueueAccept(a.ep) {
		a.ep.Abort()
	}
}

// writePacket writes one sealed SCTP packet on route r; the packet takes
// ownership of b.
func (p *protocol) writePacket(r *stack.Route, b buffer.Buffer, df bool) {
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{
		ReserveHeaderBytes: int(r.MaxHeaderLength()),
		Payload:            b,
	})
	pkt.TransportProtocolNumber = ProtocolNumber
	if err := r.WritePacket(stack.NetworkHeaderParams{Protocol: ProtocolNumber, TTL: r.DefaultTTL(), DF: df}, pkt); err == nil {
		p.stats.PacketsSent.Increment()
	}
	pkt.DecRef()
}
