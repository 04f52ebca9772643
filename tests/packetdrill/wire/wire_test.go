package wire

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// packet parses one inbound packet line of our own.
func packet(t *testing.T, line string) *script.SCTPPacket {
	s, err := script.Parse("0 < sctp: " + line + "\n")
	require.NoError(t, err)
	return s.Statements[0].(*script.Event).Action.(*script.Packet).SCTP
}

// Every keyword encodes to bytes that decode back into a spec the
// original matches.
func TestEncodeDecodeMatch(t *testing.T) {
	for _, line := range []string{
		"DATA[flgs=UBE, len=20, tsn=7, sid=3, ssn=9, ppid=0x33]",
		"INIT[flgs=0, tag=5, a_rwnd=1500, os=3, is=4, tsn=11, IPV4_ADDRESS[addr=192.0.2.9], IPV6_ADDRESS[addr=2001:db8::7], COOKIE_PRESERVATIVE[incr=9], HOSTNAME_ADDRESS[addr=\"peer\"], SUPPORTED_ADDRESS_TYPES[types=[IPv4, IPv6]], ECN_CAPABLE[], FORWARD_TSN_SUPPORTED[], SUPPORTED_EXTENSIONS[types=[RECONFIG, 0xc1]], ADAPTATION_INDICATION[adaptation_code_point=7], PAD[len=9, val=...]]",
		"INIT_ACK[flgs=0, tag=5, a_rwnd=1500, os=3, is=4, tsn=11, STATE_COOKIE[len=7, val=[1, 2, 3]], UNRECOGNIZED_PARAMETER[params=[PARAMETER[type=0x8123, len=6, val=[1, 2]]]]]",
		"SACK[flgs=0, cum_tsn=4, a_rwnd=9, gaps=[2:3, 5:5], dups=[3, 4]]",
		"NR_SACK[flgs=0, cum_tsn=4, a_rwnd=9, gaps=[2:3], nr_gaps=[5:6], dups=[1]]",
		"HEARTBEAT[flgs=0, HEARTBEAT_INFORMATION[len=9, val=[1, 2, 3, 4, 5]]]",
		"HEARTBEAT_ACK[flgs=0, HEARTBEAT_INFORMATION[len=8, val=[1, 2, 3, 4]]]",
		"ABORT[flgs=T, INVALID_STREAM_IDENTIFIER[sid=3], MISSING_MANDATORY_PARAMETER[types=[5, 6]], STALE_COOKIE_ERROR[staleness=9], OUT_OF_RESOURCE[], UNRESOLVABLE_ADDRESS[param=IPV4_ADDRESS[addr=1.2.3.4]], INVALID_MANDATORY_PARAMETER[], NO_USER_DATA[tsn=3], COOKIE_RECEIVED_WHILE_SHUTDOWN[], USER_INITIATED_ABORT[info=\"x\"], PROTOCOL_VIOLATION[info=\"why\"], CAUSE[code=0x99, len=6, info=[1, 2]]]",
		"ERROR[flgs=0, UNRECOGNIZED_CHUNK_TYPE[chk=CHUNK[type=0x7e, flgs=1, len=8, val=[1, 2, 3, 4]]], UNRECOGNIZED_PARAMETERS[params=[PARAMETER[type=0x8999, len=4, val=[]]]], RESTART_WITH_NEW_ADDRESSES[params=[IPV4_ADDRESS[addr=1.2.3.4]]]]",
		"SHUTDOWN[flgs=0, cum_tsn=77]", "SHUTDOWN_ACK[flgs=0]", "SHUTDOWN_COMPLETE[flgs=T]",
		"COOKIE_ECHO[flgs=0, len=9, val=[1, 2, 3, 4, 5]]", "COOKIE_ACK[flgs=0]",
		"ECNE[flgs=0, tsn=5]", "CWR[flgs=0, tsn=6]",
		"I_DATA[flgs=BE, len=22, tsn=3, sid=1, mid=4, ppid=9]",
		"I_DATA[flgs=E, len=20, tsn=3, sid=1, mid=4, fsn=2]",
		"PAD[flgs=0, len=10, val=...]",
		"RECONFIG[flgs=0, OUTGOING_SSN_RESET[req_sn=1, resp_sn=2, last_tsn=3, sids=[1, 2]], INCOMING_SSN_RESET[req_sn=4, sids=[3]], SSN_TSN_RESET[req_sn=5], RECONFIG_RESPONSE[resp_sn=6, result=1, sender_next_tsn=7, receiver_next_tsn=8], ADD_OUTGOING_STREAMS[req_sn=9, number_of_new_streams=2], ADD_INCOMING_STREAMS[req_sn=10, number_of_new_streams=3]]",
		"FORWARD_TSN[cum_tsn=9, ids=[{1, 2}, {3, 4}]]",
		"I_FORWARD_TSN[cum_tsn=9, ids=[{1, 1, 5}]]",
		"CHUNK[type=0xc1, flgs=0, len=8, val=[0, 0, 0, 1]]",
	} {
		p := packet(t, line)
		b, err := EncodeChunks(p.Chunks, nil)
		require.NoError(t, err, line)
		assert.Zero(t, len(b)%4, "padded: %s", line)
		d, err := DecodeChunks(b)
		require.NoError(t, err, line)
		assert.NoError(t, Match(p.Chunks, d), "%s\ndecoded %s", line, script.FormatChunk(d.Chunks[0]))
	}
}

func TestEncodeExactBytes(t *testing.T) {
	b, err := EncodeChunks(packet(t, "DATA[flgs=BE, len=17, tsn=1, sid=2, ssn=3, ppid=4]").Chunks, nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 3, 0, 17, 0, 0, 0, 1, 0, 2, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0}, b)
	b, err = EncodeChunks(packet(t, "SACK[flgs=0, cum_tsn=9, a_rwnd=1500, gaps=[1:2], dups=[7]]").Chunks, nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{3, 0, 0, 24, 0, 0, 0, 9, 0, 0, 5, 0xdc, 0, 1, 0, 1, 0, 1, 0, 2, 0, 0, 0, 7}, b)
	// A given length that disagrees with the content is written as given.
	b, err = EncodeChunks(packet(t, "CHUNK[type=3, flgs=0, len=8, val=[0, 0, 0, 1, 2]]").Chunks, nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{3, 0, 0, 8, 0, 0, 0, 1, 2, 0, 0, 0}, b)
}

// COOKIE_ECHO[val=...] and HEARTBEAT_ACK with an unspecified info echo
// what the stack sent, as packetdrill does.
func TestEcho(t *testing.T) {
	e := &Echo{Cookie: []byte{9, 8, 7}, HaveCookie: true, HeartbeatInfo: []byte{0, 1, 0, 6, 5, 5, 0, 0}, HaveHeartbeat: true}
	b, err := EncodeChunks(packet(t, "COOKIE_ECHO[flgs=0, len=..., val=...]; HEARTBEAT_ACK[flgs=0, HEARTBEAT_INFORMATION[len=..., val=...]]").Chunks, e)
	require.NoError(t, err)
	assert.Equal(t, []byte{10, 0, 0, 7, 9, 8, 7, 0, 5, 0, 0, 12, 0, 1, 0, 6, 5, 5, 0, 0}, b)
}

func TestMatchRules(t *testing.T) {
	act, err := DecodeChunks(mustEncode(t, "INIT_ACK[flgs=0, tag=5, a_rwnd=1500, os=3, is=4, tsn=11, STATE_COOKIE[len=8, val=[1, 2, 3, 4]], ECN_CAPABLE[]]"))
	require.NoError(t, err)
	ok := []string{
		"INIT_ACK[flgs=0, tag=5, a_rwnd=..., os=3, is=4, tsn=11, STATE_COOKIE[...], ECN_CAPABLE[]]",
		"INIT_ACK[flgs=0, tag=5, a_rwnd=..., os=3, is=4, tsn=11, ECN_CAPABLE[], STATE_COOKIE[...]]", // any order
		"INIT_ACK[tag=5, STATE_COOKIE[len=8, val=[1, ...]], ...]",
		"INIT_ACK[flgs=0, tag=5, ...]",
		"CHUNK[type=INIT_ACK, flgs=0, len=...]",
	}
	for _, line := range ok {
		assert.NoError(t, Match(packet(t, line).Chunks, act), line)
	}
	bad := []string{
		"INIT_ACK[flgs=0, tag=6, ...]",
		"INIT_ACK[flgs=0, tag=5, STATE_COOKIE[...]]", // ECN_CAPABLE not allowed without "..."
		"INIT_ACK[flgs=0, tag=5, STATE_COOKIE[len=12, val=...], ...]",
		"INIT[flgs=0, ...]",
		"INIT_ACK[flgs=0, ...]; COOKIE_ACK[flgs=0]",
	}
	for _, line := range bad {
		assert.Error(t, Match(packet(t, line).Chunks, act), line)
	}
}

func mustEncode(t *testing.T, line string) []byte {
	b, err := EncodeChunks(packet(t, line).Chunks, nil)
	require.NoError(t, err)
	return b
}

func TestNumbering(t *testing.T) {
	var n Numbering
	exp := packet(t, "INIT[flgs=0, tag=1, a_rwnd=..., os=..., is=..., tsn=100, ...]").Chunks[0]
	act := packet(t, "INIT[flgs=0, tag=0xabcdef, a_rwnd=1, os=1, is=1, tsn=5000]").Chunks[0]
	n.Learn(exp, act)
	n.LearnRemote(packet(t, "INIT_ACK[flgs=0, tag=2, tsn=1]").Chunks[0])

	in := n.Inbound(packet(t, "SACK[flgs=0, cum_tsn=101, a_rwnd=1, gaps=[1:1], dups=[100]]").Chunks)
	assert.Equal(t, "SACK[flgs=0, cum_tsn=5001, a_rwnd=1, gaps=[1:1], dups=[5000]]", script.FormatChunk(in[0]))
	assert.Equal(t, uint32(0xabcdef), n.InboundTag(packet(t, "COOKIE_ACK[flgs=0]")))
	assert.Equal(t, uint32(2), n.InboundTag(packet(t, "ABORT[flgs=T]")))
	assert.Equal(t, uint32(0), n.InboundTag(packet(t, "INIT[flgs=0, tag=3, tsn=1]")))
	p := packet(t, "COOKIE_ACK[flgs=0]")
	p.Tag = script.Int{V: 1}
	assert.Equal(t, uint32(0xabcdef), n.InboundTag(p))

	out := packet(t, "DATA[flgs=BE, len=20, tsn=5003, sid=0, ssn=0, ppid=0]; INIT_ACK[flgs=0, tag=0xabcdef, tsn=5000]").Chunks
	n.Outbound(out)
	assert.Equal(t, "DATA[flgs=BE, len=20, tsn=103, sid=0, ssn=0, ppid=0]", script.FormatChunk(out[0]))
	assert.Equal(t, "INIT_ACK[flgs=0, tag=1, tsn=100]", script.FormatChunk(out[1]))
}

// Every inbound packet of the external corpus survives encode, decode and
// match against its own spec, unless its script gives lengths that
// contradict the content on purpose.
func TestCorpusInboundRoundTrip(t *testing.T) {
	dir := os.Getenv("PACKETDRILL_SCTP_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "conformance", "packetdrill-sctp")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("packetdrill SCTP corpus not found at %s (set PACKETDRILL_SCTP_DIR)", dir)
	}
	n, skipped := 0, 0
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pkt") {
			return err
		}
		s, err := script.ParseFile(path)
		require.NoError(t, err)
		for _, st := range s.Resolve(func(string) bool { return true }) {
			e, ok := st.(*script.Event)
			if !ok {
				continue
			}
			p, ok := e.Action.(*script.Packet)
			if !ok || p.SCTP == nil || p.SCTP.IsRaw || p.Dir != script.Inbound {
				continue
			}
			b, err := EncodeChunks(p.SCTP.Chunks, nil)
			if !assert.NoError(t, err, "%s:%d", path, e.Pos.Line) {
				continue
			}
			dec, err := DecodeChunks(b)
			if err != nil || Match(p.SCTP.Chunks, dec) != nil {
				skipped++ // deliberately malformed (given lengths)
				continue
			}
			n++
		}
		return nil
	}))
	t.Logf("%d inbound packets round-tripped, %d deliberately malformed", n, skipped)
	assert.Greater(t, n, 10*skipped)
}
