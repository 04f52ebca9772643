package script

import (
	"reflect"
	"testing"
)

// FuzzParse checks that no input makes the lexer or parser panic, and that
// whatever parses also survives the canonical round trip. Run it with
//
//	go test -run '^$' -fuzz FuzzParse ./tests/packetdrill/script
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"--tolerance_usecs=1000\n`true`\n0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3",
		"+0.1~+0.2 > sctp: DATA[flgs=IUBE, len=..., tsn=1, sid=0, ssn=0, ppid=0]; SACK[flgs=0, cum_tsn=0, a_rwnd=1, gaps=[1:2], dups=[]]",
		"* > sctp(bad_crc32c, tag=5)/udp(1 > 2): INIT[flgs=0, tag=1, a_rwnd=2, os=3, is=4, tsn=5, STATE_COOKIE[...], ...]",
		"+0 < sctp: ERROR[flgs=0, UNRECOGNIZED_CHUNK_TYPE[chk=CHUNK[type=DATA, flgs=0, len=4, val=[]]]]",
		"+0 < [sctp(1)] icmp unreachable frag_needed mtu 1500",
		"+0 < ipv6 ::1 > ::2: [ce] sctp: [0x01, 2]",
		"#ifdef X\n+0 close(3) = 0\n#else\n+0 %{ x }%\n#endif",
		"+0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{iov_base=\"a\\x00\"..., iov_len=2}], msg_flags=MSG_EOR|0x10}, 0) = -1 EAGAIN (Try again)",
		"+0 f(- -x, &y, [], {}, {a=[1, ...]}) = 0",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		text := Format(s)
		s2, err := Parse(text)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, text)
		}
		if text2 := Format(s2); text2 != text {
			t.Fatalf("canonical form not stable:\n%s\n---\n%s", text, text2)
		}
		if !equalIgnoringPos(reflect.ValueOf(s), reflect.ValueOf(s2)) {
			t.Fatalf("AST changed after round trip:\n%s", text)
		}
	})
}
