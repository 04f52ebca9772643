package sctptest

import (
	"encoding/binary"
	"io"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Pcap constants. The layouts follow gvisor's link/sniffer/pcap.go, but the
// file uses the nanosecond-resolution magic: serialization delays at high
// bandwidth are below a microsecond and would otherwise collapse.
const (
	pcapMagicNanos   = 0xa1b23c4d
	pcapVersionMajor = 2
	pcapVersionMinor = 4
	// PcapSnapLen is the snap length written in the file header; packets
	// are always captured whole.
	PcapSnapLen = 262144
	// LinkTypeRaw is LINKTYPE_RAW: packets start with the IPv4 or IPv6
	// header.
	LinkTypeRaw         = 101
	pcapHeaderLen       = 24
	pcapRecordHeaderLen = 16
)

// pcapWriter writes a pcap stream to a caller's io.Writer.
//
// Packets are recorded when they are delivered to the receiving host (or
// to an interception), with the delivery time and the bytes as delivered:
// after corruption and the link's filter (Link.SetFilter); a duplicated
// packet appears twice; lost and filtered packets do not appear. A capture
// thus shows exactly what each peer got, and arrival times can be checked
// against the configured delay. What a sender sent is in the Trace log.
// ReadPcap reads the stream back.
type pcapWriter struct {
	mu sync.Mutex
	// +checklocks:mu
	w io.Writer
	// +checklocks:mu
	buf []byte
	// +checklocks:mu
	err error
}

// newPcapWriter writes the file header to w.
func newPcapWriter(w io.Writer) *pcapWriter {
	p := &pcapWriter{w: w}
	var h [pcapHeaderLen]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagicNanos)
	binary.LittleEndian.PutUint16(h[4:], pcapVersionMajor)
	binary.LittleEndian.PutUint16(h[6:], pcapVersionMinor)
	// thiszone and sigfigs stay 0: timestamps are UTC.
	binary.LittleEndian.PutUint32(h[16:], PcapSnapLen)
	binary.LittleEndian.PutUint32(h[20:], LinkTypeRaw)
	_, p.err = w.Write(h[:])
	return p
}

// write records pkt, which must still hold its unparsed IP bytes, in one
// Write call (so an os.File shared with others gets whole records). After
// the first error nothing more is written.
func (p *pcapWriter) write(ts time.Time, pkt *stack.PacketBuffer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	size := pkt.Size()
	capLen := min(size, PcapSnapLen)
	b := p.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, uint32(ts.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(ts.Nanosecond()))
	b = binary.LittleEndian.AppendUint32(b, uint32(capLen))
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	views, off := pkt.AsViewList()
	for v := views.Front(); v != nil && len(b) < pcapRecordHeaderLen+capLen; v = v.Next() {
		s := v.AsSlice()
		if off >= len(s) {
			off -= len(s)
			continue
		}
		s = s[off:]
		off = 0
		b = append(b, s[:min(len(s), pcapRecordHeaderLen+capLen-len(b))]...)
	}
	p.buf = b
	_, p.err = p.w.Write(b)
}

// error returns the first write error.
func (p *pcapWriter) error() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
