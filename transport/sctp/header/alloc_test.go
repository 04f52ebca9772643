package header

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The per-packet paths allocate nothing: parsing a packet of bundled DATA
// chunks (checksum, validation, every field) and building one into a
// buffer of the right size. The benchmarks show it; TestZeroAllocs makes a
// regression fail the test suite.

const (
	benchChunks  = 20
	benchPayload = 52 // 20 chunks of 16+52 bytes: a 1372-byte packet
)

var benchUserData = func() []byte {
	b := make([]byte, benchPayload)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// benchPacketLen is the size of the packet buildDataPacket writes.
const benchPacketLen = SCTPCommonHeaderLen + benchChunks*(DataChunkHeaderLen+benchPayload)

// buildDataPacket writes a packet of benchChunks DATA chunks into b and
// returns its length.
func buildDataPacket(b []byte, firstTSN uint32) int {
	SCTP(b).Encode(&SCTPFields{SrcPort: 5000, DstPort: 5001, VerificationTag: 0x11223344})
	n := SCTPCommonHeaderLen
	for i := range benchChunks {
		n += DataChunk(b[n:]).Encode(&DataFields{
			Flags:    DataFlagBeginning | DataFlagEnd,
			TSN:      firstTSN + uint32(i),
			StreamID: uint16(i % 4),
			SSN:      uint16(i / 4),
			PPID:     51,
			Payload:  benchUserData,
		})
	}
	SCTP(b[:n]).SetChecksumCRC32c()
	return n
}

var errBadChecksum = errors.New("bad checksum")

// parseDataPacket checks and reads every field of a packet of DATA chunks,
// returning a sum of them so that nothing is optimized away.
func parseDataPacket(pkt []byte) (uint64, error) {
	s := SCTP(pkt)
	if !s.IsChecksumValid() {
		return 0, errBadChecksum
	}
	info, err := ValidatePacket(pkt)
	if err != nil {
		return 0, err
	}
	sum := uint64(s.SourcePort()) + uint64(s.DestinationPort()) + uint64(s.VerificationTag())
	it := info.Iter(pkt)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if c.Type() != ChunkData {
			continue
		}
		d := DataChunk(c)
		sum += uint64(d.TSN()) + uint64(d.StreamIdentifier()) + uint64(d.StreamSequenceNumber()) +
			uint64(d.PayloadProtocolIdentifier()) + uint64(len(d.UserData())) + uint64(c.Flags())
		if d.Beginning() && d.End() && !d.Unordered() && !d.Immediate() {
			sum++
		}
	}
	return sum, it.Err()
}

func BenchmarkParseDataPacket(b *testing.B) {
	pkt := make([]byte, benchPacketLen)
	buildDataPacket(pkt, 1)
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if _, err := parseDataPacket(pkt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildDataPacket(b *testing.B) {
	buf := make([]byte, benchPacketLen)
	b.ReportAllocs()
	b.SetBytes(benchPacketLen)
	tsn := uint32(0)
	for b.Loop() {
		tsn += benchChunks
		if buildDataPacket(buf, tsn) != benchPacketLen {
			b.Fatal("length")
		}
	}
}

// BenchmarkValidatePacket measures validation alone (no checksum).
func BenchmarkValidatePacket(b *testing.B) {
	pkt := make([]byte, benchPacketLen)
	buildDataPacket(pkt, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ValidatePacket(pkt); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDataPacketRoundTrip(t *testing.T) {
	pkt := make([]byte, benchPacketLen)
	require.Equal(t, benchPacketLen, buildDataPacket(pkt, 0xfffffff0))
	info, err := ValidatePacket(pkt)
	require.NoError(t, err)
	assert.Equal(t, benchChunks, info.NumChunks)
	sum, err := parseDataPacket(pkt)
	require.NoError(t, err)
	assert.NotZero(t, sum)
	pkt[len(pkt)-1] ^= 1
	_, err = parseDataPacket(pkt)
	assert.ErrorIs(t, err, errBadChecksum)
}

func TestZeroAllocs(t *testing.T) {
	pkt := make([]byte, benchPacketLen)
	buildDataPacket(pkt, 1)
	buf := make([]byte, benchPacketLen)

	// A control packet: INIT ACK with parameters, and an ABORT with causes.
	initAck := make([]byte, 256)
	SCTP(initAck).Encode(&SCTPFields{SrcPort: 1, DstPort: 2})
	a := netip.MustParseAddr("2001:db8::7")
	buildInitAck := func() int {
		c := initAck[SCTPCommonHeaderLen:]
		p := c[InitChunkHeaderLen:]
		n := StateCookieParam(p).Encode(&StateCookieFields{Cookie: benchUserData[:33]})
		n += EncodeAddressParam(p[n:], a)
		n += Param(p[n:]).Encode(&ParamFields{Type: 0x8123, Value: benchUserData[:3]})
		return SCTPCommonHeaderLen + InitChunk(c).Encode(&InitFields{Ack: true, InitiateTag: 9, ARwnd: 1 << 16, OutboundStreams: 10, InboundStreams: 10, Params: p[:n]})
	}
	abort := make([]byte, 64)
	buildAbort := func() int {
		c := abort[SCTPCommonHeaderLen:]
		p := c[ChunkHeaderLen:]
		n := UserInitiatedAbortCause(p).Encode(&UserInitiatedAbortFields{Reason: benchUserData[:5]})
		n += NoUserDataCause(p[n:]).Encode(&NoUserDataFields{TSN: 3})
		n += MissingMandatoryParameterCause(p[n:]).Encode(&MissingMandatoryParameterFields{})
		return SCTPCommonHeaderLen + AbortChunk(c).Encode(&AbortFields{TBit: true, Causes: p[:n]})
	}
	SCTP(abort).Encode(&SCTPFields{SrcPort: 1, DstPort: 2})
	sack := make([]byte, SackChunkLen(3, 2))
	gaps := []GapAckBlock{{2, 3}, {5, 5}, {7, 9}}
	dups := []uint32{1, 1}

	for name, f := range map[string]func(){
		"parse DATA packet": func() {
			if _, err := parseDataPacket(pkt); err != nil {
				t.Fatal(err)
			}
		},
		"build DATA packet": func() { buildDataPacket(buf, 1) },
		"build and walk INIT ACK": func() {
			l := buildInitAck()
			info, err := ValidatePacket(initAck[:l])
			if err != nil {
				t.Fatal(err)
			}
			it := info.Iter(initAck[:l])
			c, _ := it.Next()
			pit := NewInitParamIter(InitChunk(c).Params(), RecognizedInInitAck)
			for p, known, ok := pit.Next(); ok; p, known, ok = pit.Next() {
				if known {
					AddressFromParam(p)
				}
			}
		},
		"build and walk ABORT": func() {
			l := buildAbort()
			info, err := ValidatePacket(abort[:l])
			if err != nil {
				t.Fatal(err)
			}
			it := info.Iter(abort[:l])
			c, _ := it.Next()
			cit := NewCauseIter(AbortChunk(c).Causes())
			for x, ok := cit.Next(); ok; x, ok = cit.Next() {
				_ = x.Code()
			}
		},
		"other control chunks": func() {
			SCTP(buf).Encode(&SCTPFields{SrcPort: 1, DstPort: 2})
			b := buf[SCTPCommonHeaderLen:]
			n := HeartbeatChunk(b).Encode(&HeartbeatFields{Ack: true, Info: benchUserData[:9]})
			n += ShutdownChunk(b[n:]).Encode(&ShutdownFields{CumTSNAck: 5})
			n += CookieEchoChunk(b[n:]).Encode(&CookieEchoFields{Cookie: benchUserData[:17]})
			n += ShutdownAckChunk(b[n:]).Encode()
			n += CookieAckChunk(b[n:]).Encode()
			e := b[n:]
			k := StaleCookieCause(e[ChunkHeaderLen:]).Encode(&StaleCookieFields{Staleness: 1})
			m := ErrorChunk(e).Encode(&ErrorFields{Causes: e[ChunkHeaderLen : ChunkHeaderLen+k]})
			if _, err := ValidatePacket(buf[:SCTPCommonHeaderLen+n+m]); err != nil {
				t.Fatal(err)
			}
		},
		"SACK": func() {
			SackChunk(sack).Encode(&SackFields{CumTSNAck: 1, GapAckBlocks: gaps, DuplicateTSNs: dups})
			s := SackChunk(sack)
			for i := range int(s.NumberOfGapAckBlocks()) {
				s.GapAckBlock(i)
			}
			for i := range int(s.NumberOfDuplicateTSNs()) {
				s.DuplicateTSN(i)
			}
		},
	} {
		assert.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}
