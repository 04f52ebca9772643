package sctptest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// PcapRecord is one packet read back from a pcap file.
type PcapRecord struct {
	// Time is the record's timestamp. For files written by a Network in
	// manual mode, Time.Sub(time.Unix(0, 0)) is the network time.
	Time time.Time
	// OrigLen is the packet's length on the wire; it exceeds len(Data)
	// only if the writer truncated the packet to its snap length.
	OrigLen int
	// Data is the captured bytes: an IPv4 or IPv6 packet (LINKTYPE_RAW).
	Data []byte
}

// maxPcapRecord bounds a record's captured length, so a corrupt file
// cannot make ReadPcap allocate gigabytes.
const maxPcapRecord = 1 << 24

// ReadPcap reads a whole pcap stream of raw IP packets, as written by
// Options.Pcap and LinkConfig.Pcap, so tests and tools can check what
// crossed the links. It accepts both byte orders and both microsecond and
// nanosecond timestamps, and link types LINKTYPE_RAW, LINKTYPE_IPV4 and
// LINKTYPE_IPV6; a file of another link type (Ethernet, say) is an error.
// A stream that ends inside a record yields the records before it and an
// error wrapping io.ErrUnexpectedEOF.
func ReadPcap(r io.Reader) ([]PcapRecord, error) {
	var h [pcapHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("sctptest: pcap file header: %w", noEOF(err))
	}
	var bo binary.ByteOrder = binary.LittleEndian
	var nanos bool
	switch m := binary.LittleEndian.Uint32(h[0:]); m {
	case pcapMagicMicros, pcapMagicNanos:
		nanos = m == pcapMagicNanos
	case swap32(pcapMagicMicros), swap32(pcapMagicNanos):
		bo = binary.BigEndian
		nanos = m == swap32(pcapMagicNanos)
	default:
		return nil, fmt.Errorf("sctptest: not a pcap file (magic %#x)", m)
	}
	if major := bo.Uint16(h[4:]); major != pcapVersionMajor {
		return nil, fmt.Errorf("sctptest: pcap version %d.%d", major, bo.Uint16(h[6:]))
	}
	// The low 16 bits are the link type; the rest is FCS information.
	switch lt := bo.Uint32(h[20:]) & 0xffff; lt {
	case LinkTypeRaw, linkTypeIPv4, linkTypeIPv6:
	default:
		return nil, fmt.Errorf("sctptest: pcap link type %d, want raw IP (%d)", lt, LinkTypeRaw)
	}

	var recs []PcapRecord
	for {
		var rh [pcapRecordHeaderLen]byte
		if _, err := io.ReadFull(r, rh[:]); err == io.EOF {
			return recs, nil
		} else if err != nil {
			return recs, fmt.Errorf("sctptest: pcap record %d header: %w", len(recs), noEOF(err))
		}
		sec, frac := int64(bo.Uint32(rh[0:])), int64(bo.Uint32(rh[4:]))
		if !nanos {
			frac *= 1000
		}
		capLen, origLen := bo.Uint32(rh[8:]), bo.Uint32(rh[12:])
		if capLen > maxPcapRecord {
			return recs, fmt.Errorf("sctptest: pcap record %d: captured length %d", len(recs), capLen)
		}
		rec := PcapRecord{Time: time.Unix(sec, frac), OrigLen: int(origLen), Data: make([]byte, capLen)}
		if _, err := io.ReadFull(r, rec.Data); err != nil {
			return recs, fmt.Errorf("sctptest: pcap record %d data: %w", len(recs), noEOF(err))
		}
		recs = append(recs, rec)
	}
}

// Link types equivalent to LINKTYPE_RAW for one IP family.
const (
	linkTypeIPv4 = 228
	linkTypeIPv6 = 229
)

// pcapMagicMicros is the classic pcap magic (microsecond timestamps).
const pcapMagicMicros = 0xa1b2c3d4

func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

// noEOF turns an io.EOF inside a structure into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
