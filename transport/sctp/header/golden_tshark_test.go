package header_test

// A golden check of our encoders against a decoder we did not write:
// Wireshark's SCTP dissector, run as tshark. TestGoldenTshark builds one
// packet of each chunk type (golden_tshark_cases_test.go for RFC 9260,
// golden_tshark_ext_test.go for the extensions), wraps each in
// IPv4 and in IPv6, writes them to a pcap file, has tshark decode it, and
// asserts that tshark finds every checksum good, nothing malformed, no
// expert warning or error, and the fields we wrote.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	ipheader "gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Addresses and ports of the golden packets: documentation addresses (RFC
// 5737, RFC 3849) and ports no Wireshark dissector claims.
var (
	goldenSrc4 = netip.MustParseAddr("192.0.2.1")
	goldenDst4 = netip.MustParseAddr("198.51.100.1")
	goldenSrc6 = netip.MustParseAddr("2001:db8::1")
	goldenDst6 = netip.MustParseAddr("2001:db8::2")
)

const (
	goldenSrcPort = 5001
	goldenDstPort = 5002

	// goldenPcapEnv names a path where the test also leaves its pcap file,
	// to open it in Wireshark.
	goldenPcapEnv = "SCTP_GOLDEN_PCAP"
)

// goldenCase is one SCTP packet and what tshark must report of it.
type goldenCase struct {
	name   string
	vtag   uint32
	chunks [][]byte // encoded chunks, each padded
	// want maps a tshark field to all its values in the packet, in order,
	// as `tshark -T json -e` prints them. The ports, verification tag,
	// chunk types and chunk lengths are checked for every case without
	// being listed here.
	want map[string][]string
}

// expertWarn is the expert info severity of a warning. The severities
// are, in epan/proto.h: comment 0x00100000, chat 0x00200000, note
// 0x00400000, warning 0x00600000, error 0x00800000.
const expertWarn = 0x00600000

// checksumGood is the value of sctp.checksum.status and ip.checksum.status
// for a good checksum (PROTO_CHECKSUM_E_GOOD in epan/proto.h; 0 is bad).
const checksumGood = "1"

func TestGoldenTshark(t *testing.T) {
	tshark := findTshark(t)
	cases := goldenCases(t)

	// Our own validator must accept every golden packet too.
	for _, c := range cases {
		_, err := header.ValidatePacket(goldenSCTP(c))
		require.NoError(t, err, c.name)
	}

	canaries := goldenCanaries(t, cases[0])

	var pcap bytes.Buffer
	writePcapHeader(&pcap)
	n := 0
	for _, c := range cases {
		p := goldenSCTP(c)
		writePcapRecord(&pcap, n, ipv4Frame(p))
		writePcapRecord(&pcap, n+1, ipv6Frame(p))
		n += 2
	}
	for _, c := range canaries {
		writePcapRecord(&pcap, n, ipv4Frame(c.pkt))
		n++
	}
	path := filepath.Join(t.TempDir(), "golden.pcap")
	require.NoError(t, os.WriteFile(path, pcap.Bytes(), 0o644))
	if keep := os.Getenv(goldenPcapEnv); keep != "" {
		require.NoError(t, os.WriteFile(keep, pcap.Bytes(), 0o644))
	}

	fields := []string{
		"frame.number", "ip.proto", "ip.checksum.status", "ipv6.nxt",
		"sctp.checksum.status", "sctp.srcport", "sctp.dstport", "sctp.verification_tag",
		"sctp.chunk_type", "sctp.chunk_length",
		"_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
	}
	fixed := len(fields)
	for _, c := range cases {
		for f := range c.want {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	slices.Sort(fields[fixed:])
	frames := runTshark(t, tshark, path, fields)
	require.Len(t, frames, n, "tshark decoded a different number of frames")

	for i, c := range cases {
		for j, ipv := range []string{"ipv4", "ipv6"} {
			t.Run(c.name+"/"+ipv, func(t *testing.T) {
				f := frames[2*i+j]
				require.Equal(t, []string{strconv.Itoa(2*i + j + 1)}, f["frame.number"])
				if ipv == "ipv4" {
					assert.Equal(t, []string{"132"}, f["ip.proto"])
					assert.Equal(t, []string{checksumGood}, f["ip.checksum.status"], "IPv4 header checksum")
				} else {
					assert.Equal(t, []string{"132"}, f["ipv6.nxt"])
				}
				checkGoldenFrame(t, c, f)
			})
		}
	}
	for i, c := range canaries {
		t.Run("canary/"+c.name, func(t *testing.T) {
			c.check(t, frames[2*len(cases)+i])
		})
	}
}

// goldenCanary is a packet broken on purpose: tshark must flag it, which
// shows that the checks above would see a broken packet of ours.
type goldenCanary struct {
	name  string
	pkt   []byte
	check func(t *testing.T, f map[string][]string)
}

// goldenCanaries breaks the packet of c, which carries a DATA chunk.
func goldenCanaries(t *testing.T, c goldenCase) []goldenCanary {
	require.Equal(t, byte(header.ChunkData), c.chunks[0][0])
	badSum := goldenSCTP(c)
	badSum[8] ^= 1 // the checksum (RFC 9260 3.1)

	// A chunk length that runs past the packet (RFC 9260 3.2).
	overrun := goldenSCTP(c)
	l := header.Chunk(overrun[header.SCTPCommonHeaderLen:]).Length()
	header.Chunk(overrun[header.SCTPCommonHeaderLen:]).SetLength(l + 64)
	header.SCTP(overrun).SetChecksumCRC32c()

	return []goldenCanary{{
		name: "bad_checksum", pkt: badSum,
		check: func(t *testing.T, f map[string][]string) {
			assert.Equal(t, []string{"0"}, f["sctp.checksum.status"], "checksum status (0 is Bad)")
			assert.True(t, maxExpertSeverity(t, f) >= expertWarn, "no expert warning: %v", f["_ws.expert.message"])
		},
	}, {
		name: "chunk_overrun", pkt: overrun,
		check: func(t *testing.T, f map[string][]string) {
			assert.Equal(t, []string{checksumGood}, f["sctp.checksum.status"])
			assert.True(t, len(f["_ws.malformed"]) > 0 || maxExpertSeverity(t, f) >= expertWarn,
				"tshark did not flag a chunk length past the packet: %v", f)
		},
	}}
}

// maxExpertSeverity returns the highest severity of the frame's expert
// infos, 0 if it has none.
func maxExpertSeverity(t *testing.T, f map[string][]string) uint64 {
	var m uint64
	for _, s := range f["_ws.expert.severity"] {
		v, err := strconv.ParseUint(s, 0, 32)
		require.NoError(t, err, "expert severity %q", s)
		m = max(m, v)
	}
	return m
}

// checkGoldenFrame asserts what tshark reported of one frame.
func checkGoldenFrame(t *testing.T, c goldenCase, f map[string][]string) {
	assert.Equal(t, []string{checksumGood}, f["sctp.checksum.status"], "checksum status (1 is Good)")
	assert.Empty(t, f["_ws.malformed"], "tshark found the packet malformed")
	sev, msg := f["_ws.expert.severity"], f["_ws.expert.message"]
	for k, s := range sev {
		v, err := strconv.ParseUint(s, 0, 32)
		require.NoError(t, err, "expert severity %q", s)
		m := ""
		if k < len(msg) {
			m = msg[k]
		}
		// Warnings and errors fail. Notes, chats and comments are
		// informational (with TSN analysis on, the IPv6 copy of a DATA
		// packet would be a "Retransmitted TSN" note), so they are logged.
		if v >= expertWarn {
			t.Errorf("tshark expert info of severity %#x: %s", v, m)
		} else {
			t.Logf("tshark expert info of severity %#x: %s", v, m)
		}
	}

	var types, lengths []string
	for _, ch := range c.chunks {
		types = append(types, strconv.Itoa(int(ch[0])))
		lengths = append(lengths, strconv.Itoa(int(binary.BigEndian.Uint16(ch[2:]))))
	}
	assert.Equal(t, []string{strconv.Itoa(goldenSrcPort)}, f["sctp.srcport"])
	assert.Equal(t, []string{strconv.Itoa(goldenDstPort)}, f["sctp.dstport"])
	assert.Equal(t, []string{hex32(c.vtag)}, f["sctp.verification_tag"])
	// A case lists chunk types and lengths itself when a chunk nests
	// another (an Unrecognized Chunk Type cause does).
	if _, ok := c.want["sctp.chunk_type"]; !ok {
		assert.Equal(t, types, f["sctp.chunk_type"], "chunk types")
		assert.Equal(t, lengths, f["sctp.chunk_length"], "chunk lengths")
	}
	for _, name := range sortedKeys(c.want) {
		assert.Equal(t, c.want[name], f[name], name)
	}
}

// findTshark returns the path of tshark, or skips the test.
func findTshark(t *testing.T) string {
	p, err := exec.LookPath("tshark")
	if err != nil {
		t.Skipf("tshark not found: apt-get install tshark (Debian/Ubuntu package tshark) to run this golden check: %v", err)
	}
	return p
}

// runTshark decodes the pcap at path and returns, for each frame, the
// values of fields.
func runTshark(t *testing.T, tshark, path string, fields []string) []map[string][]string {
	args := []string{
		"-r", path, "-n",
		// The checksum is CRC32c (RFC 9260 6.8); tshark does not verify any
		// by default.
		"-o", "sctp.checksum:crc-32c",
		"-o", "ip.check_checksum:TRUE",
		// Each frame stands alone: matching TSNs across frames would see
		// the IPv6 copy of a packet as a retransmission of the IPv4 one.
		"-o", "sctp.tsn_analysis:FALSE",
		"-T", "json",
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command(tshark, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// tshark warns on stderr when run as root; that is not a failure.
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Logf("tshark stderr: %s", s)
	}
	require.NoError(t, err, "tshark %s: %s", strings.Join(args, " "), stderr.String())

	var out []struct {
		Source struct {
			Layers map[string][]string `json:"layers"`
		} `json:"_source"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), "tshark JSON")
	frames := make([]map[string][]string, len(out))
	for i, o := range out {
		frames[i] = o.Source.Layers
	}
	return frames
}

// goldenSCTP returns the SCTP packet of c with its CRC32c set.
func goldenSCTP(c goldenCase) []byte {
	b := make([]byte, header.SCTPCommonHeaderLen, 1500)
	header.SCTP(b).Encode(&header.SCTPFields{
		SrcPort:         goldenSrcPort,
		DstPort:         goldenDstPort,
		VerificationTag: c.vtag,
	})
	for _, ch := range c.chunks {
		b = append(b, ch...)
	}
	header.SCTP(b).SetChecksumCRC32c()
	return b
}

// ipv4Frame wraps an SCTP packet in an IPv4 header.
func ipv4Frame(sctp []byte) []byte {
	b := make([]byte, ipheader.IPv4MinimumSize+len(sctp))
	ip := ipheader.IPv4(b)
	ip.Encode(&ipheader.IPv4Fields{
		TotalLength: uint16(len(b)),
		Flags:       ipheader.IPv4FlagDontFragment,
		TTL:         64,
		Protocol:    header.SCTPProtocolNumber,
		SrcAddr:     tcpip.AddrFrom4(goldenSrc4.As4()),
		DstAddr:     tcpip.AddrFrom4(goldenDst4.As4()),
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	copy(b[ipheader.IPv4MinimumSize:], sctp)
	return b
}

// ipv6Frame wraps an SCTP packet in an IPv6 header.
func ipv6Frame(sctp []byte) []byte {
	b := make([]byte, ipheader.IPv6MinimumSize+len(sctp))
	ipheader.IPv6(b).Encode(&ipheader.IPv6Fields{
		PayloadLength:     uint16(len(sctp)),
		TransportProtocol: header.SCTPProtocolNumber,
		HopLimit:          64,
		SrcAddr:           tcpip.AddrFrom16(goldenSrc6.As16()),
		DstAddr:           tcpip.AddrFrom16(goldenDst6.As16()),
	})
	copy(b[ipheader.IPv6MinimumSize:], sctp)
	return b
}

// linkTypeRaw is LINKTYPE_RAW: each record is an IPv4 or IPv6 packet.
const linkTypeRaw = 101

// writePcapHeader writes a classic pcap file header (microsecond
// timestamps, little-endian).
func writePcapHeader(w *bytes.Buffer) {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4) // magic
	binary.LittleEndian.PutUint16(h[4:], 2)          // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535) // snaplen
	binary.LittleEndian.PutUint32(h[20:], linkTypeRaw)
	w.Write(h[:])
}

// writePcapRecord writes one frame, stamped i milliseconds after the epoch.
func writePcapRecord(w *bytes.Buffer, i int, frame []byte) {
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(i/1000))
	binary.LittleEndian.PutUint32(h[4:], uint32(i%1000)*1000)
	binary.LittleEndian.PutUint32(h[8:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(frame)))
	w.Write(h[:])
	w.Write(frame)
}

// enc runs an Encode method over a fresh buffer and returns what it wrote.
func enc(encode func(b []byte) int) []byte {
	b := make([]byte, 1500)
	return b[:encode(b)]
}

// concat joins encoded parameters or causes into a list.
func concat(items ...[]byte) []byte { return bytes.Join(items, nil) }

// Formatting of expected values as tshark's JSON prints them.
func u(v uint64) string     { return strconv.FormatUint(v, 10) }
func hex32(v uint32) string { return fmt.Sprintf("0x%08x", v) }
func us(vs ...uint64) []string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = u(v)
	}
	return s
}

// hexBytes formats bytes as tshark prints an FT_BYTES field.
func hexBytes(b []byte) string { return hex.EncodeToString(b) }

func sortedKeys(m map[string][]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func hex16(v uint16) string { return fmt.Sprintf("0x%04x", v) }

func hex32s(vs ...uint32) []string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = hex32(v)
	}
	return s
}
