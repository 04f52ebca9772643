package sctptest

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pcapFile builds a pcap stream by hand: magic (written in byte order bo,
// so it reads back swapped on the other order), link type and records of
// (sec, frac, data, origLen).
func pcapFile(bo binary.AppendByteOrder, magic, linkType uint32, recs ...PcapRecord) []byte {
	var b []byte
	b = bo.AppendUint32(b, magic)
	b = bo.AppendUint16(b, 2)
	b = bo.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = bo.AppendUint32(b, 65535)
	b = bo.AppendUint32(b, linkType)
	for _, r := range recs {
		frac := r.Time.Nanosecond()
		if magic == pcapMagicMicros {
			frac /= 1000
		}
		b = bo.AppendUint32(b, uint32(r.Time.Unix()))
		b = bo.AppendUint32(b, uint32(frac))
		b = bo.AppendUint32(b, uint32(len(r.Data)))
		b = bo.AppendUint32(b, uint32(r.OrigLen))
		b = append(b, r.Data...)
	}
	return b
}

func TestReadPcapFormats(t *testing.T) {
	recs := []PcapRecord{
		{Time: time.Unix(1, 2000), OrigLen: 3, Data: []byte{0x45, 0, 0}},
		{Time: time.Unix(5, 999_999_000), OrigLen: 100, Data: []byte{0x60}},
	}
	for _, bo := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, magic := range []uint32{pcapMagicMicros, pcapMagicNanos} {
			for _, lt := range []uint32{LinkTypeRaw, linkTypeIPv4, linkTypeIPv6} {
				got, err := ReadPcap(bytes.NewReader(pcapFile(bo, magic, lt, recs...)))
				require.NoError(t, err, "%v %#x %d", bo, magic, lt)
				assert.Equal(t, recs, got)
			}
		}
	}
	got, err := ReadPcap(bytes.NewReader(pcapFile(binary.LittleEndian, pcapMagicNanos, LinkTypeRaw)))
	assert.NoError(t, err)
	assert.Empty(t, got, "a capture of nothing is valid")
}

func TestReadPcapErrors(t *testing.T) {
	rec := PcapRecord{Time: time.Unix(1, 0), OrigLen: 4, Data: []byte{1, 2, 3, 4}}
	good := pcapFile(binary.LittleEndian, pcapMagicNanos, LinkTypeRaw, rec, rec)
	huge := bytes.Clone(good)
	binary.LittleEndian.PutUint32(huge[pcapHeaderLen+8:], maxPcapRecord+1)
	badVersion := bytes.Clone(good)
	badVersion[4] = 3
	for name, tc := range map[string]struct {
		b       []byte
		want    string
		records int
	}{
		"empty":           {nil, "unexpected EOF", 0},
		"short header":    {good[:10], "unexpected EOF", 0},
		"magic":           {make([]byte, 24), "not a pcap file", 0},
		"version":         {badVersion, "pcap version 3.4", 0},
		"ethernet":        {pcapFile(binary.LittleEndian, pcapMagicNanos, 1), "link type 1", 0},
		"cut in rec hdr":  {good[:pcapHeaderLen+5], "record 0 header: unexpected EOF", 0},
		"cut in rec data": {good[:len(good)-1], "record 1 data: unexpected EOF", 1},
		"absurd length":   {huge, "captured length", 0},
	} {
		got, err := ReadPcap(bytes.NewReader(tc.b))
		assert.ErrorContains(t, err, tc.want, name)
		assert.Len(t, got, tc.records, name)
	}
	_, err := ReadPcap(bytes.NewReader(good[:len(good)-1]))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// FuzzReadPcap checks that no input makes ReadPcap panic or return more
// bytes than it read.
func FuzzReadPcap(f *testing.F) {
	rec := PcapRecord{Time: time.Unix(1, 0), OrigLen: 4, Data: []byte{1, 2, 3, 4}}
	f.Add(pcapFile(binary.LittleEndian, pcapMagicNanos, LinkTypeRaw, rec, rec))
	f.Add(pcapFile(binary.BigEndian, pcapMagicMicros, linkTypeIPv6, rec))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _ := ReadPcap(bytes.NewReader(b))
		n := pcapHeaderLen
		for _, r := range recs {
			n += pcapRecordHeaderLen + len(r.Data)
		}
		if len(recs) > 0 && n > len(b) {
			t.Fatalf("%d bytes of records from %d bytes", n, len(b))
		}
	})
}
