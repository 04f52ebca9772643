package runner

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/tests/packetdrill/wire"
	sctpheader "github.com/netstack-sctp/sctp/transport/sctp/header"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

const protoSCTP = 132

func (r *run) addrs() (local, remote netip.Addr) {
	if r.v6 {
		return LocalIPv6, RemoteIPv6
	}
	return LocalIPv4, RemoteIPv4
}

func (r *run) livePorts() (local, remote uint16) {
	l, rm := r.ports.local, r.ports.remote
	if l == 0 {
		l = defaultPort
	}
	if rm == 0 {
		rm = defaultPort
	}
	return l, rm
}

// inject builds an inbound packet in live numbering and hands it to the
// stack.
func (r *run) inject(p *script.Packet) error {
	local, remote := r.addrs()
	if p.ICMP != nil {
		b, err := r.buildICMP(p.ICMP)
		if err != nil {
			return err
		}
		r.link.B().WriteRaw(b)
		r.net.Advance(0)
		return nil
	}
	sp := p.SCTP
	var chunks []byte
	if sp.IsRaw {
		chunks = sp.Raw
	} else {
		for _, c := range sp.Chunks {
			if c.Kind == script.ChunkInit || c.Kind == script.ChunkInitAck {
				r.num.LearnRemote(c)
			}
		}
		var err error
		chunks, err = wire.EncodeChunks(r.num.Inbound(sp.Chunks), &r.echo)
		if err != nil {
			return fmt.Errorf("building packet: %w", err)
		}
	}
	lp, rp := r.livePorts()
	pkt := make([]byte, sctpheader.SCTPCommonHeaderLen, sctpheader.SCTPCommonHeaderLen+len(chunks))
	h := sctpheader.SCTP(pkt)
	h.SetSourcePort(rp)
	h.SetDestinationPort(lp)
	h.SetVerificationTag(r.num.InboundTag(sp))
	pkt = append(pkt, chunks...)
	h = sctpheader.SCTP(pkt)
	h.SetChecksumCRC32c()
	if sp.BadCRC32C {
		h.SetChecksum(^h.Checksum())
	}
	if r.cfg.Trace != nil {
		// Injected packets are shown in live numbering, as sent.
		if dec, err := wire.DecodeChunks(chunks); err == nil {
			p := &script.Packet{Dir: script.Inbound, SCTP: &script.SCTPPacket{Chunks: wire.Abbreviate(dec.Chunks, 8), Tag: script.Int{V: int64(h.VerificationTag())}}}
			fmt.Fprintln(r.cfg.Trace, fmtTime(r.now())+" "+script.FormatAction(p))
		}
	}
	r.link.B().WriteRaw(sctptest.BuildIP(remote, local, protoSCTP, pkt))
	r.net.Advance(0)
	return nil
}

// ICMP codes by packetdrill's names.
var icmp4Codes = map[string]uint8{
	"net_unreachable": 0, "host_unreachable": 1, "protocol_unreachable": 2,
	"port_unreachable": 3, "frag_needed": 4, "source_route_failed": 5,
}

// quoteLen is how much of the stack's packet an ICMP error quotes: enough
// for the common header, a chunk header and an INIT's Initiate Tag, which
// the receiver needs to check an error about an INIT (RFC 9260 10, ICMP6).
const quoteLen = 64

// buildICMP builds an ICMP error quoting a packet the stack sent to the
// peer: its IP header and the start of its SCTP packet (the last one the
// stack sent), whose tag, as in nplab, is the peer's live tag.
func (r *run) buildICMP(ic *script.ICMPPacket) ([]byte, error) {
	local, remote := r.addrs()
	lp, rp := r.livePorts()
	quoted := make([]byte, 8)
	if len(r.lastOut) >= 8 {
		quoted = append([]byte(nil), r.lastOut[:min(len(r.lastOut), quoteLen)]...)
	}
	binary.BigEndian.PutUint16(quoted[0:], lp)
	binary.BigEndian.PutUint16(quoted[2:], rp)
	binary.BigEndian.PutUint32(quoted[4:], r.num.RemoteTag)
	if ic.Echoed != nil && ic.Echoed.Proto != "sctp" {
		return nil, unsupported("ICMP: quoting a %s packet", ic.Echoed.Proto)
	}
	var mtu int64
	if ic.MTU != nil {
		mtu, _ = script.IntValue(ic.MTU)
	}
	if r.v6 {
		inner := sctptest.BuildIPv6(local, remote, protoSCTP, quoted)
		var typ header.ICMPv6Type
		var code uint8
		switch {
		case ic.Type == "unreachable" && ic.Code == "frag_needed", ic.Type == "packet_too_big":
			typ = header.ICMPv6PacketTooBig
		case ic.Type == "unreachable":
			typ = header.ICMPv6DstUnreachable
			code = map[string]uint8{"port_unreachable": 4, "protocol_unreachable": 4, "host_unreachable": 3, "net_unreachable": 0}[ic.Code]
		default:
			return nil, unsupported("ICMP: type %s", ic.Type)
		}
		b := header.ICMPv6(make([]byte, header.ICMPv6MinimumSize+len(inner)))
		b.SetType(typ)
		b.SetCode(header.ICMPv6Code(code))
		if typ == header.ICMPv6PacketTooBig {
			b.SetMTU(uint32(mtu))
		}
		copy(b[header.ICMPv6MinimumSize:], inner)
		src, dst := sctptest.FromNetip(remote), sctptest.FromNetip(local)
		b.SetChecksum(header.ICMPv6Checksum(header.ICMPv6ChecksumParams{Header: b, Src: src, Dst: dst}))
		return sctptest.BuildIPv6(remote, local, uint8(header.ICMPv6ProtocolNumber), b), nil
	}
	inner := sctptest.BuildIPv4(local, remote, protoSCTP, quoted)
	if ic.Type != "unreachable" {
		return nil, unsupported("ICMP: type %s", ic.Type)
	}
	code, ok := icmp4Codes[ic.Code]
	if !ok {
		return nil, unsupported("ICMP: code %s", ic.Code)
	}
	b := header.ICMPv4(make([]byte, header.ICMPv4MinimumSize+len(inner)))
	b.SetType(header.ICMPv4DstUnreachable)
	b.SetCode(header.ICMPv4Code(code))
	if code == 4 {
		b.SetMTU(uint16(mtu))
	}
	copy(b[header.ICMPv4MinimumSize:], inner)
	b.SetChecksum(^checksum.Checksum(b, 0))
	return sctptest.BuildIPv4(remote, local, uint8(header.ICMPv4ProtocolNumber), b), nil
}

// expect waits for the stack's next packet and compares it with p. It
// returns the packet's script time.
func (r *run) expect(p *script.Packet, start, end time.Duration, timed bool) (time.Duration, error) {
	lo, hi := r.window(start, end, timed)
	want := "* " + script.FormatAction(p)
	if timed {
		want = fmtTime(start) + " " + script.FormatAction(p)
	}
	var err error
	r.net.AdvanceUntil(func() bool {
		if _, e := r.retryPending(); e != nil {
			err = e
			return true
		}
		return r.cap.Unread() > 0
	}, max(hi-r.now(), 0))
	if err != nil {
		return 0, err
	}
	pk, ok := r.cap.Next(0)
	if !ok {
		return 0, &failure{msg: fmt.Sprintf("no packet: none sent by %s", fmtTime(hi)), expected: want, actual: "(nothing)"}
	}
	at := pk.At - r.t0
	src, _, proto, payload, perr := sctptest.ParseIP(pk.Data)
	if perr != nil {
		return at, failf("stack sent an unparsable packet: %v", perr)
	}
	r.v6 = src.Is6() && !src.Is4In6()
	if proto != protoSCTP {
		return at, &failure{msg: fmt.Sprintf("stack sent IP protocol %d", proto), expected: want, actual: fmt.Sprintf("% x", payload)}
	}
	if len(payload) < sctpheader.SCTPCommonHeaderLen {
		return at, failf("short SCTP packet (%d bytes)", len(payload))
	}
	h := sctpheader.SCTP(payload)
	r.lastOut = append(r.lastOut[:0], payload...)
	if !h.IsChecksumValid() {
		return at, failf("stack sent a packet with a bad CRC32c")
	}
	dec, derr := wire.DecodeChunks(h.Chunks())
	r.noteOutbound(p, h, dec)
	r.num.Outbound(dec.Chunks)
	got := formatActual(at, r.num.OutboundTag(h.VerificationTag()), dec)
	if r.cfg.Trace != nil {
		fmt.Fprintln(r.cfg.Trace, got)
	}
	if derr != nil {
		return at, &failure{msg: "malformed chunks: " + derr.Error(), expected: want, actual: got}
	}
	if p.SCTP.IsRaw {
		if !bytes.Equal(p.SCTP.Raw, h.Chunks()) {
			return at, &failure{msg: "chunk bytes differ", expected: want, actual: got}
		}
	} else if merr := wire.Match(p.SCTP.Chunks, dec); merr != nil {
		return at, &failure{msg: merr.Error(), expected: want, actual: got}
	}
	if p.SCTP.Tag != nil {
		if t, ok := script.IntValue(p.SCTP.Tag); ok && uint32(t) != r.num.OutboundTag(h.VerificationTag()) {
			return at, &failure{msg: fmt.Sprintf("verification tag %d, expected %d", r.num.OutboundTag(h.VerificationTag()), t), expected: want, actual: got}
		}
	}
	if at < lo || at > hi {
		return at, &failure{msg: fmt.Sprintf("packet sent at %s, expected in [%s, %s]", fmtTime(at), fmtTime(lo), fmtTime(hi)), expected: want, actual: got}
	}
	return at, nil
}

// noteOutbound learns from a packet of the stack's: its numbering and ports
// from its INIT or INIT ACK, the cookie and heartbeat to echo. The first
// INIT or INIT ACK of an association sets the numbering, as in nplab; a
// later one that the script gives a concrete tag for sets it again, since
// the stack then starts new numbering (a second INIT ACK for a new INIT,
// an association restart).
func (r *run) noteOutbound(p *script.Packet, h sctpheader.SCTP, dec *wire.Decoded) {
	for i, c := range dec.Chunks {
		switch c.Kind {
		case script.ChunkInit, script.ChunkInitAck:
			var exp *script.Chunk
			if !p.SCTP.IsRaw && i < len(p.SCTP.Chunks) && p.SCTP.Chunks[i].Kind == c.Kind {
				exp = p.SCTP.Chunks[i]
			} else {
				exp = &script.Chunk{Kind: c.Kind}
			}
			if f := exp.Field("tag"); f != nil && !script.IsWildcard(f.Value) {
				r.num.Learned = false
			}
			if !r.num.Learned {
				r.num.Learn(exp, c)
				r.ports.local, r.ports.remote = h.SourcePort(), h.DestinationPort()
			}
			if c.Kind == script.ChunkInitAck {
				for _, q := range c.Params {
					if q.Kind == script.ParamStateCookie {
						r.echo.Cookie = append([]byte(nil), dec.Raw[q][4:]...)
						r.echo.HaveCookie = true
					}
				}
			}
		case script.ChunkHeartbeat:
			r.echo.HeartbeatInfo = append([]byte(nil), dec.Raw[c][4:]...)
			r.echo.HaveHeartbeat = true
		}
	}
}

func formatActual(at time.Duration, tag uint32, dec *wire.Decoded) string {
	p := &script.Packet{Dir: script.Outbound, SCTP: &script.SCTPPacket{Chunks: wire.Abbreviate(dec.Chunks, 8), Tag: script.Int{V: int64(tag)}}}
	return fmtTime(at) + " " + script.FormatAction(p)
}
