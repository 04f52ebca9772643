package script

import (
	"strings"
	"testing"
	"time"
)

// The snippets below are written for these tests; they exercise the
// grammar, not any particular script of the external corpus.

func mustParse(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	checkRoundTrip(t, "snippet", s)
	return s
}

// events returns the script's events, failing if there are other statements.
func events(t *testing.T, s *Script) []*Event {
	t.Helper()
	var out []*Event
	for _, st := range s.Statements {
		if e, ok := st.(*Event); ok {
			out = append(out, e)
		}
	}
	return out
}

func oneEvent(t *testing.T, src string) *Event {
	t.Helper()
	evs := events(t, mustParse(t, src))
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	return evs[0]
}

func onePacket(t *testing.T, src string) *Packet {
	t.Helper()
	p, ok := oneEvent(t, src).Action.(*Packet)
	if !ok {
		t.Fatalf("not a packet: %s", src)
	}
	return p
}

func oneCall(t *testing.T, src string) *Syscall {
	t.Helper()
	c, ok := oneEvent(t, src).Action.(*Syscall)
	if !ok {
		t.Fatalf("not a call: %s", src)
	}
	return c
}

func TestTimes(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		src  string
		want Time
	}{
		{"0 close(4) = 0", Time{Kind: TimeAbsolute}},
		{"2.5 close(4) = 0", Time{Kind: TimeAbsolute, Start: 2500 * ms}},
		{".75 close(4) = 0", Time{Kind: TimeAbsolute, Start: 750 * ms}},
		{"+0.003 close(4) = 0", Time{Kind: TimeRelative, Start: 3 * ms}},
		{"+1 close(4) = 0", Time{Kind: TimeRelative, Start: time.Second}},
		{"* > sctp: COOKIE_ACK[flgs=0]", Time{Kind: TimeAny}},
		{"0.2~0.4 > sctp: COOKIE_ACK[flgs=0]", Time{Kind: TimeAbsolute, Start: 200 * ms, Span: SpanRange, End: 400 * ms}},
		{"+0.2~+0.4 > sctp: COOKIE_ACK[flgs=0]", Time{Kind: TimeRelative, Start: 200 * ms, Span: SpanRange, End: 400 * ms, EndRelative: true}},
		{"+0.1...0.3 read(4, ..., 10) = 10", Time{Kind: TimeRelative, Start: 100 * ms, Span: SpanBlocking, End: 300 * ms}},
		{"0.000000001 close(4) = 0", Time{Start: 1}},
	} {
		if got := oneEvent(t, tc.src).Time; got != tc.want {
			t.Errorf("%q: time %+v, want %+v", tc.src, got, tc.want)
		}
	}
}

func TestSyscallArguments(t *testing.T) {
	c := oneCall(t, "+0 fcntl(7, F_SETFL, O_NONBLOCK | O_RDWR) = 0")
	if c.Name != "fcntl" || len(c.Args) != 3 {
		t.Fatalf("got %s with %d args", c.Name, len(c.Args))
	}
	if c.Args[0] != (Int{V: 7}) || c.Args[1] != (Ident{Name: "F_SETFL"}) {
		t.Errorf("args %v", c.Args)
	}
	or, ok := c.Args[2].(*Or)
	if !ok || len(or.Terms) != 2 || or.Terms[1] != (Ident{Name: "O_RDWR"}) {
		t.Errorf("flags %#v", c.Args[2])
	}

	c = oneCall(t, `+0 connect(7, ..., ...) = -1 EINPROGRESS (Operation now in progress)`)
	if c.Ret != (Int{V: -1}) || c.Errno != "EINPROGRESS" || c.Note != "Operation now in progress" {
		t.Errorf("result %#v %q %q", c.Ret, c.Errno, c.Note)
	}
	if !IsWildcard(c.Args[1]) {
		t.Errorf("want wildcard, got %#v", c.Args[1])
	}

	c = oneCall(t, `+0 fcntl(7, F_GETFL) = 0x6 (flags O_RDWR|O_NONBLOCK)`)
	if c.Ret != (Int{V: 6, Hex: true}) || c.Errno != "" || c.Note != "flags O_RDWR|O_NONBLOCK" {
		t.Errorf("result %#v %q %q", c.Ret, c.Errno, c.Note)
	}
}

func TestSyscallStructs(t *testing.T) {
	c := oneCall(t, `+0.5 sendmsg(9, {msg_name(...)=...,
	      msg_iov(2)=[{iov_base=..., iov_len=10}, {..., 20}],
	      msg_control(32)=[{cmsg_len=32, cmsg_level=IPPROTO_SCTP, cmsg_type=SCTP_SNDINFO,
	                        cmsg_data={snd_sid=3, snd_flags=SCTP_UNORDERED|SCTP_EOF, snd_ppid=htonl(77),
	                                   snd_context=0, snd_assoc_id=...}}],
	      msg_flags=0}, 0) = 30`)
	msg := c.Args[1].(*Struct)
	if len(msg.Fields) != 4 {
		t.Fatalf("msghdr has %d fields", len(msg.Fields))
	}
	iov := msg.Fields[1]
	if iov.Name != "msg_iov" || iov.Size != (Int{V: 2}) {
		t.Errorf("msg_iov field %#v", iov)
	}
	second := iov.Value.(*List).Elems[1].(*Struct)
	if second.Fields[0].Name != "" || !IsWildcard(second.Fields[0].Value) || second.Fields[1].Value != (Int{V: 20}) {
		t.Errorf("positional iovec %#v", second)
	}
	cmsg := msg.Fields[2].Value.(*List).Elems[0].(*Struct)
	data := cmsg.Fields[3].Value.(*Struct)
	ppid := data.Fields[2].Value.(*Call)
	if ppid.Fn != "htonl" || ppid.Args[0] != (Int{V: 77}) {
		t.Errorf("snd_ppid %#v", ppid)
	}

	c = oneCall(t, `+0 sctp_sendv(3, [{iov_base="hello"..., iov_len=5}], 1, [{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("198.51.100.7")}], 1, NULL, 0, SCTP_SENDV_NOINFO, 0) = 5`)
	base := c.Args[1].(*List).Elems[0].(*Struct).Fields[0].Value
	if base != (String{S: "hello", Prefix: true}) {
		t.Errorf("iov_base %#v", base)
	}
	addr := c.Args[3].(*List).Elems[0].(*Struct).Fields[2].Value.(*Call)
	if addr.Args[0] != (String{S: "198.51.100.7"}) {
		t.Errorf("sin_addr %#v", addr)
	}

	c = oneCall(t, `+0 getsockopt(3, SOL_SOCKET, SO_LINGER, &lv, [8]) = 0`)
	if u, ok := c.Args[3].(*Unary); !ok || u.Op != "&" {
		t.Errorf("address-of %#v", c.Args[3])
	}
	c = oneCall(t, `+0 shutdown(3, SHUT_WR) = 0`)
	if c.Name != "shutdown" {
		t.Errorf("name %q", c.Name)
	}
	c = oneCall(t, `+0 sctp_getladdrs(3, 0, [...]) = 1`)
	if l := c.Args[2].(*List); len(l.Elems) != 1 || !IsWildcard(l.Elems[0]) {
		t.Errorf("array wildcard %#v", l)
	}
}

func TestDataAndSack(t *testing.T) {
	p := onePacket(t, `+0 < sctp: DATA[flgs=UBE, len=20, tsn=5, sid=2, ssn=..., ppid=0x10]`)
	if p.Dir != Inbound || len(p.SCTP.Chunks) != 1 {
		t.Fatalf("packet %#v", p)
	}
	d := p.SCTP.Chunks[0]
	if d.Kind != ChunkData || d.Kind.Code() != 0 || d.Kind.FlagLetters() != "IUBE" {
		t.Errorf("kind %v", d.Kind)
	}
	if d.Field("flgs").Value != (Ident{Name: "UBE"}) || d.Field("tsn").Value != (Int{V: 5}) ||
		!IsWildcard(d.Field("ssn").Value) || d.Field("ppid").Value != (Int{V: 16, Hex: true}) {
		t.Errorf("fields %v", FormatChunk(d))
	}
	if d.Field("fsn") != nil {
		t.Errorf("unexpected fsn")
	}

	p = onePacket(t, `* > sctp: SACK[flgs=0, cum_tsn=9, a_rwnd=..., gaps=[2:3, 5:...], dups=[7]]`)
	s := p.SCTP.Chunks[0]
	gaps := s.Field("gaps").Value.(*List)
	if len(gaps.Elems) != 2 {
		t.Fatalf("gaps %v", FormatValue(gaps))
	}
	if g := gaps.Elems[0].(*Gap); g.Start != (Int{V: 2}) || g.End != (Int{V: 3}) {
		t.Errorf("gap %v", FormatValue(g))
	}
	if g := gaps.Elems[1].(*Gap); !IsWildcard(g.End) {
		t.Errorf("gap %v", FormatValue(g))
	}

	p = onePacket(t, `+0 < sctp: I-DATA[flgs=IE, len=..., tsn=1, sid=0, mid=4, fsn=2]; I_DATA[flgs=B, tsn=2, sid=0, mid=5, ppid=3]`)
	if p.SCTP.Chunks[0].Kind != ChunkIData || p.SCTP.Chunks[1].Kind != ChunkIData {
		t.Errorf("I-DATA kinds")
	}
}

func TestInitParameters(t *testing.T) {
	p := onePacket(t, `+0 > sctp: INIT_ACK[flgs=0, tag=..., a_rwnd=4096, os=10, is=10, tsn=100,
	    STATE_COOKIE[...], IPV4_ADDRESS[addr=203.0.113.9], IPV6_ADDRESS[addr=2001:db8::5],
	    SUPPORTED_EXTENSIONS[types=[FORWARD_TSN, I-DATA, 0xc1]], SUPPORTED_ADDRESS_TYPES[types=[IPv6, 5]],
	    ECN_CAPABLE[], COOKIE_PRESERVATIVE[incr=...], ADAPTATION_INDICATION[adaptation_code_point=9],
	    PARAMETER[type=0x8001, len=6, val=[0xaa, 0xbb]], ...]`)
	c := p.SCTP.Chunks[0]
	if c.Kind != ChunkInitAck || !c.More || len(c.Params) != 9 {
		t.Fatalf("INIT_ACK: more=%v, %d params", c.More, len(c.Params))
	}
	if !c.Params[0].Any || c.Params[0].Kind != ParamStateCookie {
		t.Errorf("STATE_COOKIE[...] %#v", c.Params[0])
	}
	if a := c.Params[2].Field("addr").Value.(Addr); a.A.String() != "2001:db8::5" {
		t.Errorf("IPv6 address %v", a.A)
	}
	if k := c.Params[8].Kind; k != ParamGeneric || k.Code() != -1 {
		t.Errorf("generic parameter kind %v", k)
	}
	if c.Params[3].Kind.Code() != 0x8008 {
		t.Errorf("SUPPORTED_EXTENSIONS code %#x", c.Params[3].Kind.Code())
	}
}

func TestErrorCauses(t *testing.T) {
	p := onePacket(t, `+0 < sctp: ERROR[flgs=0, UNRECOGNIZED_CHUNK_TYPE[chk=CHUNK[type=0xee, flgs=3, len=4, val=[]]],
	    UNRESOLVABLE_ADDRESS[param=HOSTNAME_ADDRESS[addr="peer.example"]],
	    RESTART_WITH_NEW_ADDRESSES[params=[IPV4_ADDRESS[addr=192.0.2.4], IPV4_ADDRESS[addr=...]]],
	    MISSING_MANDATORY_PARAMETER[types=[7]], CAUSE[code=99, len=..., info=...],
	    USER_INITIATED_ABORT[info="bye"]]`)
	c := p.SCTP.Chunks[0]
	if len(c.Causes) != 6 || len(c.Params) != 0 {
		t.Fatalf("%d causes %d params", len(c.Causes), len(c.Params))
	}
	chk := c.Causes[0].Field("chk").Value.(*Chunk)
	if chk.Kind != ChunkGeneric || chk.Field("type").Value != (Int{V: 0xee, Hex: true}) {
		t.Errorf("nested chunk %v", FormatChunk(chk))
	}
	host := c.Causes[1].Field("param").Value.(*Param)
	if host.Kind != ParamHostnameAddress || host.Field("addr").Value != (String{S: "peer.example"}) {
		t.Errorf("nested param %v", FormatValue(host))
	}
	params := c.Causes[2].Field("params").Value.(*List)
	if len(params.Elems) != 2 || params.Elems[1].(*Param).Field("addr").Value != (Wildcard{}) {
		t.Errorf("nested params %v", FormatValue(params))
	}
	if c.Causes[5].Kind.Code() != 12 {
		t.Errorf("USER_INITIATED_ABORT code %d", c.Causes[5].Kind.Code())
	}

	p = onePacket(t, `+0 > sctp: ABORT[flgs=T, INVALID_STREAM_IDENTIFIER[sid=...], ...]`)
	if a := p.SCTP.Chunks[0]; a.Field("flgs").Value != (Ident{Name: "T"}) || !a.More || a.Causes[0].Kind != CauseInvalidStreamIdentifier {
		t.Errorf("ABORT %v", FormatChunk(a))
	}
}

func TestOtherChunks(t *testing.T) {
	p := onePacket(t, `+0 > sctp: HEARTBEAT[flgs=0, HEARTBEAT_INFORMATION[len=12, val=...]];
	    SHUTDOWN[flgs=0, cum_tsn=3]; SHUTDOWN_ACK[flgs=...]; SHUTDOWN_COMPLETE[flgs=T];
	    COOKIE_ECHO[flgs=0, len=..., val=[1, 2]]; COOKIE_ACK[flgs=0]; ECNE[flgs=0, tsn=4]; CWR[flgs=0, tsn=4];
	    NR_SACK[flgs=0, cum_tsn=1, a_rwnd=10, gaps=[], nr_gaps=[3:4], dups=...]; PAD[flgs=0, len=100, val=...];
	    FORWARD_TSN[cum_tsn=8, ids=[{1, 2}, {3, 4}]]; I_FORWARD_TSN[cum_tsn=8, ids=[{1, 0, 9}]];
	    RECONFIG[flgs=0, OUTGOING_SSN_RESET[req_sn=1, resp_sn=0, last_tsn=7, sids=[1, 2]],
	             INCOMING_SSN_RESET[req_sn=2, sids=[]], SSN_TSN_RESET[req_sn=3],
	             RECONFIG_RESPONSE[resp_sn=1, result=..., sender_next_tsn=0x10, receiver_next_tsn=...],
	             ADD_OUTGOING_STREAMS[req_sn=4, number_of_new_streams=2], ADD_INCOMING_STREAMS[req_sn=5, number_of_new_streams=...],
	             RECONFIG_REQUEST_GENERIC[type=19, len=8, req_sn=6, val=[]]]`)
	want := []ChunkKind{ChunkHeartbeat, ChunkShutdown, ChunkShutdownAck, ChunkShutdownComplete, ChunkCookieEcho,
		ChunkCookieAck, ChunkECNE, ChunkCWR, ChunkNRSack, ChunkPad, ChunkForwardTSN, ChunkIForwardTSN, ChunkReconfig}
	if len(p.SCTP.Chunks) != len(want) {
		t.Fatalf("%d chunks", len(p.SCTP.Chunks))
	}
	for i, c := range p.SCTP.Chunks {
		if c.Kind != want[i] {
			t.Errorf("chunk %d is %v, want %v", i, c.Kind, want[i])
		}
	}
	if n := len(p.SCTP.Chunks[12].Params); n != 7 {
		t.Errorf("RECONFIG has %d params", n)
	}
	if k, ok := ChunkForwardTSN.FieldKind("ids"); !ok || k != FieldSSNIDs {
		t.Errorf("FORWARD_TSN ids kind %v", k)
	}
}

func TestPacketHeaders(t *testing.T) {
	p := onePacket(t, `+0 < sctp(bad_crc32c, tag=77)/udp(9899 > 9899): COOKIE_ACK[flgs=0]`)
	if !p.SCTP.BadCRC32C || p.SCTP.Tag != (Int{V: 77}) || p.SCTP.UDP.Dst != (Int{V: 9899}) {
		t.Errorf("header %+v", p.SCTP)
	}
	p = onePacket(t, `+0 < sctp: [0x0b, 0x00, 0x00, 0x04]`)
	if !p.SCTP.IsRaw || string(p.SCTP.Raw) != "\x0b\x00\x00\x04" || len(p.SCTP.Chunks) != 0 {
		t.Errorf("raw %+v", p.SCTP)
	}
	p = onePacket(t, `+0 > sctp:`)
	if p.SCTP.IsRaw || len(p.SCTP.Chunks) != 0 {
		t.Errorf("empty %+v", p.SCTP)
	}
	p = onePacket(t, `+0 < [sctp(3)] icmp unreachable port_unreachable`)
	if p.ICMP == nil || p.ICMP.Echoed.Proto != "sctp" || p.ICMP.Code != "port_unreachable" || p.ICMP.MTU != nil {
		t.Errorf("icmp %+v", p.ICMP)
	}
	p = onePacket(t, `+0 < icmp unreachable frag_needed mtu 1280`)
	if p.ICMP.Echoed != nil || p.ICMP.MTU != (Int{V: 1280}) {
		t.Errorf("icmp %+v", p.ICMP)
	}
	p = onePacket(t, `+0 > ipv4 192.0.2.1 > 192.0.2.2: ipv6 2001:db8::1 > 2001:db8::2: gre: mpls (label 16, tc 0, [S], ttl 64): [ect0] sctp: DATA[flgs=BE, len=17, tsn=1, sid=0, ssn=0, ppid=0]`)
	if len(p.Encaps) != 4 || p.ECN != "ect0" {
		t.Fatalf("encaps %d ecn %q", len(p.Encaps), p.ECN)
	}
	if e := p.Encaps[1]; e.Kind != "ipv6" || FormatValue(e.Dst) != "2001:db8::2" {
		t.Errorf("ipv6 encap %+v", e)
	}
	if m := p.Encaps[3].MPLS; len(m) != 1 || !m[0].Bottom || m[0].TTL != (Int{V: 64}) {
		t.Errorf("mpls %+v", m)
	}
}

func TestScriptStructure(t *testing.T) {
	s := mustParse(t, `--tolerance_usecs=25000
--ip_version=ipv4
--offset=-3
--remote_ip="2001:db8::7"
// a comment
/* a block
   comment */
`+"`echo start`"+`
0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3
#ifdef Linux
+0 `+"`sysctl -q net.sctp.x=1`"+`
#else
+0 %{ print("bsd") }%
#endif
#ifndef FreeBSD
+0 close(3) = 0
#endif
`)
	if len(s.Options) != 4 || s.Options[0].Name != "tolerance_usecs" || s.Options[0].Value != (Int{V: 25000}) ||
		s.Options[1].Value != (Ident{Name: "ipv4"}) || s.Options[2].Value != (Int{V: -3}) ||
		s.Options[3].Value != (String{S: "2001:db8::7"}) {
		t.Errorf("options %+v", s.Options)
	}
	if s.InitCommand == nil || s.InitCommand.Text != "echo start" {
		t.Errorf("init command %+v", s.InitCommand)
	}
	if len(s.Statements) != 7 {
		t.Fatalf("%d statements", len(s.Statements))
	}
	cond := s.Statements[5].(*Conditional)
	if cond.Symbol != "Linux" || !cond.HasElse || cond.Pos.Line != 10 {
		t.Errorf("conditional %+v", cond)
	}
	if code := cond.Else[0].(*Event).Action.(*Code); code.Text != `print("bsd")` {
		t.Errorf("code %q", code.Text)
	}
	linux := s.Resolve(func(sym string) bool { return sym == "Linux" })
	if len(linux) != 7 { // 4 options, socket, sysctl, close
		t.Errorf("Linux view has %d statements", len(linux))
	}
	if cmd := linux[5].(*Event).Action.(*Command); !strings.HasPrefix(cmd.Text, "sysctl") {
		t.Errorf("Linux branch %q", cmd.Text)
	}
	bsd := s.Resolve(func(sym string) bool { return sym == "FreeBSD" })
	if len(bsd) != 6 {
		t.Errorf("FreeBSD view has %d statements", len(bsd))
	}
	if e := s.Statements[4].(*Event); e.Pos.Line != 9 {
		t.Errorf("socket line %d", e.Pos.Line)
	}
}

func TestPositions(t *testing.T) {
	s := mustParse(t, "+0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n\n+1 < sctp: DATA[flgs=BE,\n  len=20, tsn=1, sid=0, ssn=0, ppid=0]")
	ev := events(t, s)[1]
	c := ev.Action.(*Packet).SCTP.Chunks[0]
	if ev.Pos != (Pos{3, 1}) || c.Pos != (Pos{3, 12}) || c.Field("len").Pos != (Pos{4, 3}) {
		t.Errorf("positions: event %v chunk %v len %v", ev.Pos, c.Pos, c.Field("len").Pos)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		line      int
	}{
		{"+0 < sctp: DATUM[flgs=0]", "unknown chunk type DATUM", 1},
		{"+0 < sctp: DATA[flgs=0, color=1]", `DATA has no field "color"`, 1},
		{"+0 < sctp: DATA[tsn=1, tsn=2]", "duplicate field tsn", 1},
		{"+0 < sctp: DATA[flgs=BX]", `bad flags "BX"`, 1},
		{"+0 < sctp: SHUTDOWN_COMPLETE[flgs=E]", `bad flags "E"`, 1},
		{"+0 < sctp: DATA[sid=65536]", "out of range", 1},
		{"+0 < sctp: COOKIE_ECHO[val=[256]]", "out of range", 1},
		{"+0 < sctp: COOKIE_ACK[flgs=0];", "expected chunk", 1},
		{"+0 < sctp: INIT[flgs=0, INVALID_STREAM_IDENTIFIER[sid=1]]", "unknown parameter type", 1},
		{"+0 < sctp: ABORT[flgs=0, STATE_COOKIE[len=4]]", "unknown error cause", 1},
		{"+0 < sctp: SACK[gaps=[1]]", "start:end", 1},
		{"+0 < sctp: FORWARD_TSN[ids=[{1, 2, 3}]]", "{sid, ssn}", 1},
		{"+0 < sctp: SUPPORTED_EXTENSIONS[types=[]]", "unknown chunk type", 1},
		{"+0 < sctp: INIT[flgs=0, SUPPORTED_ADDRESS_TYPES[types=[IPv5]]]", "unknown address type", 1},
		{"+0 < sctp: DATA[flgs=0, ...]", "no parameters", 1},
		{"+0 < sctp: INIT[..., tag=1]", "after parameters", 1},
		{"+0 < tcp: S 0:0(0)", "unsupported packet protocol", 1},
		{"+0 close(3)\n+1 close(4) = 0", "expected '='", 2},
		{"+0 write(3, \"abc) = 3", "unterminated string", 1},
		{"+0 write(3, \"abc\n\") = 3", "newline in string", 1},
		{"#endif", "#endif without #ifdef", 1},
		{"#ifdef Linux\n+0 close(3) = 0\n", "missing #endif", 3},
		{"#pragma once", "unknown directive", 1},
		{"close(3) = 0", "expected time", 1},
		{"+0 close(3) = 0 (unfinished\n", "unterminated note", 1},
		{"+0 `echo", "unterminated backtick", 1},
		{"/* open", "unterminated /* comment", 1},
		{"--tolerance_usecs 5", "expected '='", 1},
		{"+0 close(3) = 0\n`late`", "before the first event", 2},
		{"+0 read(3, " + strings.Repeat("[", 100) + ") = 0", "nested more than", 1},
		{"+0 < sctp(tag=1, tag=2): COOKIE_ACK[flgs=0]", "bad_crc32c and/or tag", 1},
		{"+0 < sctp: STATE_COOKIE[len=4]", "unknown chunk type STATE_COOKIE", 1},
		{"+0 $", "unexpected character", 1},
		{"* close(3) = 0", "time * can only be used with outbound packets", 1},
		{"* < sctp: COOKIE_ACK[flgs=0]", "time * can only be used with outbound packets", 1},
		{"0.1~0.2 close(3) = 0", "range can only be used with outbound", 1},
		{"0.2~0.1 > sctp: COOKIE_ACK[flgs=0]", "backwards", 1},
		{"+0.1~0.2 > sctp: COOKIE_ACK[flgs=0]", "both ends", 1},
		{"+0...0.2 > sctp: COOKIE_ACK[flgs=0]", "only be used with socket calls", 1},
		{"0.5...0.2 read(3, ..., 1) = 1", "backwards", 1},
	} {
		_, err := Parse(tc.src)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error %q", tc.src, tc.want)
			continue
		}
		pe, ok := err.(*ParseError)
		if !ok || !strings.Contains(pe.Msg, tc.want) || pe.Pos.Line != tc.line {
			t.Errorf("Parse(%q) = %v, want line %d containing %q", tc.src, err, tc.line, tc.want)
		}
	}
}

func TestFormatCanonical(t *testing.T) {
	s := mustParse(t, "  +0.10   < sctp:DATA[flgs=BE,len=17,tsn=1,sid=0,ssn=0,ppid=0]  // data\n*  >   sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[], dups=[]]")
	want := "+0.1 < sctp: DATA[flgs=BE, len=17, tsn=1, sid=0, ssn=0, ppid=0]\n* > sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[], dups=[]]\n"
	if got := Format(s); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	v := &Unary{Op: "-", X: &Unary{Op: "-", X: Ident{Name: "x"}}}
	if got := FormatValue(v); got != "- -x" {
		t.Errorf("nested negation printed as %q", got)
	}
}
