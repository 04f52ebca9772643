package runner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

func runOn(t *testing.T, platform, text string) Result {
	s, err := script.Parse(text)
	require.NoError(t, err)
	return Run(s, Config{Seed: 1, Platform: platform})
}

// twoData brings two 4-byte messages in: ordered (ppid 7), then
// unordered (ppid 9), SACKed by the second.
const twoData = `+0.0 < sctp: DATA[flgs=BE, len=20, tsn=1, sid=0, ssn=0, ppid=7]
+0.0 > sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[], dups=[]]
+0.0 < sctp: DATA[flgs=UBE, len=20, tsn=2, sid=0, ssn=0, ppid=9]
+0.2 > sctp: SACK[flgs=0, cum_tsn=2, a_rwnd=..., gaps=[], dups=[]]
`

const rcvNxtOn = `+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVRCVINFO, [1], 4) = 0
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], 4) = 0
+0.0 getsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], [4]) = 0
`

// recvRN reads the first message expecting its rcvinfo and the next
// message's nxtinfo (FreeBSD's numbers: SCTP_COMPLETE, 12-byte cmsghdr).
const recvRN = `+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(68)=[{cmsg_len=40, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_RCVINFO,
                    cmsg_data={rcv_sid=0, rcv_ssn=0, rcv_flags=0, rcv_ppid=7, rcv_tsn=1, rcv_cumtsn=2, rcv_context=0, rcv_assoc_id=...}},
                   {cmsg_len=28, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_NXTINFO,
                    cmsg_data={nxt_sid=0, nxt_flags=SCTP_UNORDERED|SCTP_COMPLETE, nxt_ppid=9, nxt_length=4, nxt_assoc_id=...}}],
  msg_flags=MSG_EOR}, 0) = 4
`

// The rcvinfo of the message read and the nxtinfo of the next, as cmsgs
// in the kernels' order, compared member by member (RFC 6458 5.3.5,
// 5.3.6); the last message has no next.
func TestRecvmsgCmsgs(t *testing.T) {
	res := runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+recvRN+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(68)=[{cmsg_len=40, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_RCVINFO,
                    cmsg_data={rcv_sid=0, rcv_flags=SCTP_UNORDERED, rcv_ppid=9, rcv_tsn=2, rcv_cumtsn=2}}],
  msg_flags=MSG_EOR}, 0) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
}

// A cmsg member, length, count or type other than the script's fails.
func TestRecvmsgCmsgMismatch(t *testing.T) {
	for _, c := range []struct{ from, to, reason string }{
		{"nxt_ppid=9", "nxt_ppid=8", "msg_control[1].cmsg_data.nxt_ppid: expected 8, have 9"},
		{"rcv_cumtsn=2", "rcv_cumtsn=1", "msg_control[0].cmsg_data.rcv_cumtsn: expected 1, have 2"},
		{"cmsg_len=28", "cmsg_len=32", "msg_control[1].cmsg_len: expected 32, have 28"},
		{"cmsg_type=SCTP_NXTINFO", "cmsg_type=SCTP_SNDRCV", "msg_control[1].cmsg_type: expected SCTP_SNDRCV, have SCTP_NXTINFO"},
		{"nxt_flags=SCTP_UNORDERED|", "nxt_flags=", "msg_control[1].cmsg_data.nxt_flags: expected SCTP_COMPLETE, have 1056"},
	} {
		res := runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+strings.Replace(recvRN, c.from, c.to, 1))
		assert.Equal(t, Fail, res.Status, "%s: %s", c.from, res)
		assert.Equal(t, c.reason, res.Reason, c.from)
	}
	res := runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(40)=[{cmsg_len=40, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_RCVINFO, cmsg_data=...}],
  msg_flags=MSG_EOR}, 0) = 4
`)
	assert.Equal(t, Fail, res.Status, "%s", res)
	assert.Contains(t, res.Reason, "msg_flags: expected MSG_EOR", "the nxtinfo did not fit: MSG_CTRUNC")
	res = runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(68)=[{cmsg_len=40, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_RCVINFO, cmsg_data=...}],
  msg_flags=MSG_EOR}, 0) = 4
`)
	assert.Equal(t, Fail, res.Status, "%s", res)
	assert.Equal(t, "msg_control: expected 1 cmsgs, have 2 (SCTP_RCVINFO, SCTP_NXTINFO)", res.Reason)
}

// What does not fit in msg_control(N) is left out, with MSG_CTRUNC.
func TestRecvmsgCmsgTruncated(t *testing.T) {
	res := runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(40)=[{cmsg_len=40, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_RCVINFO, cmsg_data=...}],
  msg_flags=MSG_EOR|MSG_CTRUNC}, 0) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
	// No buffer at all: Linux says MSG_CTRUNC, FreeBSD builds nothing.
	for platform, flags := range map[string]string{"Linux": "MSG_EOR|MSG_CTRUNC", "FreeBSD": "MSG_EOR"} {
		res = runOn(t, platform, connectLines+rcvNxtOn+twoData+
			"+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}], msg_control(0)=[], msg_flags="+flags+"}, 0) = 4\n")
		assert.Equal(t, Pass, res.Status, "%s: %s", platform, res)
	}
}

// Linux: struct sctp_sndrcvinfo is 32 bytes, sinfo_cumtsn is 0 for an
// ordered message, there is no SCTP_COMPLETE and no SCTP_USE_EXT_RCVINFO.
func TestRecvInfoLinux(t *testing.T) {
	res := runOn(t, "Linux", connectLines+`
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENTS, {sctp_data_io_event=1}, 10) = 0
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_USE_EXT_RCVINFO, [1], 4) = -1 ENOPROTOOPT
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], 4) = 0
`+twoData+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(72)=[{cmsg_len=28, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_NXTINFO,
                    cmsg_data={nxt_sid=0, nxt_flags=SCTP_UNORDERED, nxt_ppid=9, nxt_length=4}},
                   {cmsg_len=44, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_SNDRCV,
                    cmsg_data={sinfo_stream=0, sinfo_flags=0, sinfo_ppid=7, sinfo_tsn=1, sinfo_cumtsn=0}}],
  msg_flags=MSG_EOR}, 0) = 4
+0.0 sctp_recvmsg(3, ..., 100, ..., ..., {sinfo_flags=SCTP_UNORDERED, sinfo_ppid=9, sinfo_tsn=2, sinfo_cumtsn=2}, MSG_EOR) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
	res = runOn(t, "Linux", connectLines+rcvNxtOn+twoData+strings.Replace(recvRN, "rcv_cumtsn=2", "rcv_cumtsn=0", 1))
	assert.Equal(t, Fail, res.Status, "%s", res)
	assert.Contains(t, res.Reason, "Linux has no SCTP_COMPLETE")
}

// sctp_recvv picks its info from the flags and the room infolen gives
// (RFC 6458 9.13), and says which in infotype and infolen.
func TestRecvvInfo(t *testing.T) {
	res := runOn(t, "FreeBSD", connectLines+rcvNxtOn+twoData+`
+0.0 sctp_recvv(3, [{iov_base=..., iov_len=100}], 1, ..., 16,
  {recvv_rcvinfo={rcv_sid=0, rcv_ppid=7, rcv_tsn=1, rcv_cumtsn=2}, recvv_nxtinfo={nxt_flags=SCTP_UNORDERED|SCTP_COMPLETE, nxt_ppid=9, nxt_length=4}},
  [44], [SCTP_RECVV_RN], [MSG_EOR]) = 4
+0.0 sctp_recvv(3, [{iov_base=..., iov_len=100}], 1, ..., 16, {rcv_ppid=9, rcv_flags=SCTP_UNORDERED}, [44], [SCTP_RECVV_RN], [MSG_EOR]) = 4
`)
	assert.Equal(t, Fail, res.Status, "%s", res)
	assert.Equal(t, "infolen: expected 44, have 28", res.Reason, "nothing next: the rcvinfo alone")
	res = runOn(t, "FreeBSD", connectLines+`
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], 4) = 0
`+twoData+`
+0.0 sctp_recvv(3, [{iov_base=..., iov_len=100}], 1, ..., 16, {nxt_sid=0, nxt_flags=1056, nxt_ppid=9, nxt_length=4}, [16], [SCTP_RECVV_NXTINFO], [MSG_EOR]) = 4
+0.0 sctp_recvv(3, [{iov_base=..., iov_len=100}], 1, ..., 16, NULL, [0], [SCTP_RECVV_NOINFO], [MSG_EOR]) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
}

// FreeBSD's SCTP_EXTRCV: the sctp_sndrcvinfo with the next message's
// stream, flags, length and ppid.
func TestExtRcvInfo(t *testing.T) {
	res := runOn(t, "FreeBSD", connectLines+`
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENTS, {sctp_data_io_event=1}, 11) = 0
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_USE_EXT_RCVINFO, [1], 4) = 0
+0.0 getsockopt(3, IPPROTO_SCTP, SCTP_USE_EXT_RCVINFO, [1], [4]) = 0
`+twoData+`
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(140)=[{cmsg_len=140, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_EXTRCV,
                     cmsg_data={sinfo_stream=0, sinfo_ppid=7, sinfo_tsn=1, sinfo_cumtsn=2, sinfo_pr_value=0,
                                serinfo_next_flags=SCTP_NEXT_MSG_AVAIL|SCTP_NEXT_MSG_ISCOMPLETE|SCTP_NEXT_MSG_IS_UNORDERED,
                                serinfo_next_stream=0, serinfo_next_length=4, serinfo_next_ppid=9}}],
  msg_flags=MSG_EOR}, 0) = 4
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(140)=[{cmsg_len=140, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_EXTRCV,
                     cmsg_data={sinfo_flags=SCTP_UNORDERED, sinfo_ppid=9, serinfo_next_flags=0, serinfo_next_aid=0, serinfo_next_length=0}}],
  msg_flags=MSG_EOR}, 0) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
}

// A notification waiting next is reported as such, with its struct's
// length on the platform.
func TestNextIsNotification(t *testing.T) {
	res := runOn(t, "FreeBSD", connectLines+`
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_EVENT, {se_type=SCTP_SHUTDOWN_EVENT, se_on=1}, 8) = 0
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], 4) = 0
+0.0 < sctp: DATA[flgs=BE, len=20, tsn=1, sid=0, ssn=0, ppid=7]
+0.0 > sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[], dups=[]]
+0.0 < sctp: SHUTDOWN[flgs=0, cum_tsn=0]
+0.0 > sctp: SHUTDOWN_ACK[flgs=0]
+0.0 recvmsg(3, {msg_iov(1)=[{iov_base=..., iov_len=100}],
  msg_control(28)=[{cmsg_len=28, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_NXTINFO,
                    cmsg_data={nxt_sid=0, nxt_flags=SCTP_NOTIFICATION, nxt_ppid=0, nxt_length=12}}],
  msg_flags=MSG_EOR}, 0) = 4
`)
	assert.Equal(t, Pass, res.Status, "%s", res)
}

// On a one-to-many socket the next message may be another
// association's, which the endpoint API cannot tell.
func TestNextInfoOneToMany(t *testing.T) {
	res := runText(t, `
 0.0 socket(..., SOCK_SEQPACKET, IPPROTO_SCTP) = 3
+0.0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0.0 bind(3, ..., ...) = 0
+0.0 listen(3, 1) = 0
+0.0 setsockopt(3, IPPROTO_SCTP, SCTP_RECVNXTINFO, [1], 4) = 0
+0.1 < sctp: INIT[flgs=0, tag=1234, a_rwnd=65536, os=2, is=2, tsn=1000]
+0.0 > sctp(tag=1234): INIT_ACK[flgs=0, tag=1, a_rwnd=..., os=..., is=..., tsn=1, STATE_COOKIE[...], ...]
+0.1 < sctp: COOKIE_ECHO[flgs=0, len=..., val=...]; DATA[flgs=BE, len=116, tsn=1000, sid=1, ssn=0, ppid=3]
+0.0 > sctp(tag=1234): COOKIE_ACK[flgs=0]; SACK[flgs=0, cum_tsn=1000, a_rwnd=..., gaps=[], dups=[]]
+0.0 sctp_recvv(3, [{iov_base=..., iov_len=1000}], 1, ..., 20, NULL, [0], [SCTP_RECVV_NOINFO], [MSG_EOR]) = 100
`)
	assert.Equal(t, Unsupported, res.Status, "%s", res)
	assert.Contains(t, res.Reason, "SCTP_NXTINFO on a one-to-many socket")
}
