package sctp

import (
	"bytes"
	"encoding/binary"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Raw packets for the tests that play a peer by hand: they are written
// onto the link with Iface.WriteRaw and the answers read from a capture.

// rawChunk encodes one chunk with its padding.
func rawChunk(t header.ChunkType, flags uint8, value []byte) []byte {
	b := make([]byte, header.PaddedLen(header.ChunkHeaderLen+len(value)))
	header.Chunk(b).Encode(&header.ChunkFields{Type: t, Flags: flags, Value: value})
	return b
}

// rawInit encodes an INIT chunk.
func rawInit(tag, tsn uint32, os, mis uint16, arwnd uint32, params []byte) []byte {
	b := make([]byte, header.PaddedLen(header.InitChunkHeaderLen+len(params)))
	header.InitChunk(b).Encode(&header.InitFields{InitiateTag: tag, ARwnd: arwnd, OutboundStreams: os, InboundStreams: mis, InitialTSN: tsn, Params: params})
	return b
}

// rawSCTP builds an IPv4 packet carrying an SCTP packet with the chunks.
func rawSCTP(src, dst tcpip.Address, sport, dport uint16, vtag uint32, chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
	}
	sl := header.SCTPCommonHeaderLen + len(body)
	b := make([]byte, gheader.IPv4MinimumSize+sl)
	ip := gheader.IPv4(b)
	ip.Encode(&gheader.IPv4Fields{
		TotalLength: uint16(len(b)), TTL: 64, Protocol: uint8(ProtocolNumber),
		SrcAddr: src, DstAddr: dst,
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	s := header.SCTP(b[gheader.IPv4MinimumSize:])
	s.Encode(&header.SCTPFields{SrcPort: sport, DstPort: dport, VerificationTag: vtag})
	copy(s.Chunks(), body)
	s.SetChecksumCRC32c()
	return b
}

// captured is one SCTP packet seen on the link.
type captured struct {
	src, dst tcpip.Address
	pkt      header.SCTP
}

// chunks returns the packet's chunks.
func (c captured) chunks() []header.Chunk {
	var out []header.Chunk
	it := header.NewChunkIter(c.pkt.Chunks())
	for ch, ok := it.Next(); ok; ch, ok = it.Next() {
		out = append(out, ch)
	}
	return out
}

// capture is a pcap sink that keeps the SCTP packets delivered.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(b)
}

// packets parses the capture (LINKTYPE_RAW, IPv4 only).
func (c *capture) packets() []captured {
	c.mu.Lock()
	b := append([]byte(nil), c.buf.Bytes()...)
	c.mu.Unlock()
	var out []captured
	if len(b) < 24 {
		return nil
	}
	b = b[24:]
	for len(b) >= 16 {
		n := int(binary.LittleEndian.Uint32(b[8:]))
		if len(b) < 16+n {
			break
		}
		p := b[16 : 16+n]
		b = b[16+n:]
		if len(p) < gheader.IPv4MinimumSize || p[0]>>4 != 4 {
			continue
		}
		ip := gheader.IPv4(p)
		if ip.Protocol() != uint8(ProtocolNumber) {
			continue
		}
		out = append(out, captured{src: ip.SourceAddress(), dst: ip.DestinationAddress(), pkt: header.SCTP(p[ip.HeaderLength():])})
	}
	return out
}

// from returns the captured packets sent by addr, after the first skip.
func (c *capture) from(addr tcpip.Address, skip int) []captured {
	var out []captured
	for _, p := range c.packets() {
		if p.src == addr {
			out = append(out, p)
		}
	}
	if skip > len(out) {
		return nil
	}
	return out[skip:]
}

// count returns how many packets addr sent.
func (c *capture) count(addr tcpip.Address) int { return len(c.from(addr, 0)) }
