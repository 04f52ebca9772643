package runner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

func runText(t *testing.T, text string) Result {
	s, err := script.Parse(text)
	require.NoError(t, err)
	return Run(s, Config{Seed: 1})
}

const connectLines = `
 0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3
+0.0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0.0 connect(3, ..., ...) = -1 EINPROGRESS
+0.0 > sctp: INIT[flgs=0, tag=1, a_rwnd=..., os=..., is=..., tsn=1, ...]
+0.0 < sctp: INIT_ACK[flgs=0, tag=2, a_rwnd=10000, os=1, is=1, tsn=1, STATE_COOKIE[len=8, val=...]]
+0.0 > sctp: COOKIE_ECHO[flgs=0, len=8, val=...]
+0.0 < sctp: COOKIE_ACK[flgs=0]
`

// firstData is the association's first DATA chunk and its SACK, at once.
const firstData = `+0.0 < sctp: DATA[flgs=BE, len=20, tsn=1, sid=0, ssn=0, ppid=0]
+0.0 > sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[], dups=[]]
`

func TestPacketMismatchShowsBothPackets(t *testing.T) {
	res := runText(t, connectLines+`
+0.0 write(3, ..., 10) = 10
+0.0 > sctp: DATA[flgs=BE, len=26, tsn=2, sid=0, ssn=0, ppid=0]
`)
	assert.Equal(t, Fail, res.Status)
	assert.Equal(t, 11, res.Line)
	assert.Contains(t, res.Reason, "field tsn: expected 2, actual 1")
	assert.Contains(t, res.Expected, "DATA[flgs=BE, len=26, tsn=2")
	assert.Contains(t, res.Actual, "DATA[flgs=BE, len=26, tsn=1")
}

func TestPacketTiming(t *testing.T) {
	// The association's first DATA is SACKed at once (RFC 9260 5.1); the
	// delayed SACK of the next comes 200 ms after it, not 100 ms.
	res := runText(t, connectLines+firstData+`
+0.0 < sctp: DATA[flgs=BE, len=20, tsn=2, sid=0, ssn=1, ppid=0]
+0.1 > sctp: SACK[flgs=0, cum_tsn=2, a_rwnd=..., gaps=[], dups=[]]
`)
	assert.Equal(t, Fail, res.Status)
	assert.Contains(t, res.Reason, "no packet")
	res = runText(t, connectLines+firstData+`
+0.0 < sctp: DATA[flgs=BE, len=20, tsn=2, sid=0, ssn=1, ppid=0]
+0.3 > sctp: SACK[flgs=0, cum_tsn=2, a_rwnd=..., gaps=[], dups=[]]
`)
	assert.Equal(t, Fail, res.Status)
	assert.Contains(t, res.Reason, "packet sent at 0.200000, expected in [0.296000, 0.304000]")
	res = runText(t, "--tolerance_usecs=150000\n"+connectLines+firstData+`
+0.0 < sctp: DATA[flgs=BE, len=20, tsn=2, sid=0, ssn=1, ppid=0]
+0.3 > sctp: SACK[flgs=0, cum_tsn=2, a_rwnd=..., gaps=[], dups=[]]
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
}

func TestCallResults(t *testing.T) {
	res := runText(t, connectLines+`
+0.0 read(3, ..., 10) = -1 ECONNRESET
`)
	assert.Equal(t, Fail, res.Status)
	assert.Equal(t, "read: returned -1 EAGAIN, expected -1 ECONNRESET", res.Reason)
	res = runText(t, connectLines+`
+0.0 getsockopt(3, IPPROTO_SCTP, SCTP_STATUS, {sstat_state=SCTP_COOKIE_WAIT}, [176]) = 0
`)
	assert.Equal(t, Fail, res.Status)
	assert.Contains(t, res.Reason, "SCTP_STATUS.sstat_state: expected SCTP_COOKIE_WAIT")
}

func TestUnsupportedIsFoundBeforeRunning(t *testing.T) {
	for text, reason := range map[string]string{
		connectLines + "+0.0 read(3, ..., 10) = 0\n+0 setsockopt(3, IPPROTO_SCTP, SCTP_AUTH_KEY, {}, 8) = 0\n":             "AUTH (RFC 4895)",
		"0 `sysctl -w net.inet.sctp.ecn_enable=1`\n":                                                                       "ECN",
		connectLines + "+0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENT, {se_type=SCTP_AUTHENTICATION_EVENT, se_on=1}, 8) = 0\n": "AUTH (RFC 4895)",
		connectLines + "+0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENT, {se_type=SCTP_STREAM_RESET_EVENT, se_on=1}, 8) = 0\n":   "RECONFIG (RFC 6525)",
		connectLines + "+0 setsockopt(3, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, [2], 4) = 0\n":                            "socket option SCTP_FRAGMENT_INTERLEAVE",
	} {
		res := runText(t, text)
		assert.Equal(t, Unsupported, res.Status, "%s", text)
		assert.Equal(t, reason, res.Category(), "%s", res)
	}
	// Turning an extension's events off is what the stack does anyway.
	res := runText(t, connectLines+"+0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENT, {se_type=SCTP_AUTHENTICATION_EVENT, se_on=0}, 8) = 0\n")
	assert.Equal(t, Pass, res.Status, "%s", res)
}

// Option lengths follow the platform: Linux wants the exact struct size
// for SCTP_RTOINFO, FreeBSD at least that size.
func TestOptionLength(t *testing.T) {
	line := "+0 setsockopt(3, IPPROTO_SCTP, SCTP_RTOINFO, {srto_initial=100, srto_max=200, srto_min=50}, 17) = %s\n"
	for platform, want := range map[string]string{"Linux": "-1 EINVAL", "FreeBSD": "0"} {
		s, err := script.Parse(connectLines + fmt.Sprintf(line, want))
		require.NoError(t, err)
		res := Run(s, Config{Seed: 1, Platform: platform})
		assert.Equal(t, Pass, res.Status, "%s: %s", platform, res)
	}
}

// A notification the script does not expect fails the read with its type.
func TestUnexpectedNotification(t *testing.T) {
	res := runText(t, strings.Replace(connectLines, "+0.0 connect", "+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENT, {se_type=SCTP_ASSOC_CHANGE, se_on=1}, 8) = 0\n+0.0 connect", 1)+
		"+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}], msg_flags=MSG_EOR}, 0) = 20\n")
	assert.Equal(t, Fail, res.Status, "%s", res)
	assert.Contains(t, res.Reason, "SCTP_ASSOC_CHANGE")
}

func TestBlockingCallMustReturn(t *testing.T) {
	res := runText(t, connectLines+`
+0.0 fcntl(3, F_SETFL, O_RDWR) = 0
+0.0 read(3, ..., 10) = 10
`)
	assert.Equal(t, Fail, res.Status)
	assert.Equal(t, 11, res.Line)
	assert.Equal(t, "read: never returned", res.Reason)
}
