package wire

import (
	"encoding/binary"
	"fmt"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// Echo holds what the peer has seen of the stack and may have to send back
// when a script leaves the content to the runner: the State Cookie of the
// last INIT ACK (COOKIE_ECHO[val=...]) and the Heartbeat Information of
// the last HEARTBEAT (HEARTBEAT_ACK[HEARTBEAT_INFORMATION[val=...]]).
type Echo struct {
	Cookie        []byte
	HeartbeatInfo []byte // the whole parameter list of the HEARTBEAT
	HaveCookie    bool
	HaveHeartbeat bool
}

// EncodeChunks serialises chunk specs into the chunk part of an SCTP packet.
// Missing or wildcard fields get defaults; lengths are computed unless the
// script gives one (which is then written as given, to allow malformed
// chunks). Each chunk is padded to four bytes.
func EncodeChunks(cs []*script.Chunk, echo *Echo) ([]byte, error) {
	var out []byte
	for _, c := range cs {
		b, err := encodeChunk(c, echo)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", c.Pos, c.Kind, err)
		}
		out = append(out, pad4(b)...)
	}
	return out, nil
}

// fieldReader reads typed field values with defaults.
type fieldReader struct {
	fields []*script.Field
	err    error
}

func (r *fieldReader) get(name string) script.Value {
	if f := findField(r.fields, name); f != nil && !script.IsWildcard(f.Value) {
		return f.Value
	}
	return nil
}

func (r *fieldReader) has(name string) bool { return r.get(name) != nil }

func (r *fieldReader) int(name string, def int64) int64 {
	v := r.get(name)
	if v == nil {
		return def
	}
	if i, ok := v.(script.Int); ok {
		return i.V
	}
	r.fail("field %s: want an integer, have %s", name, script.FormatValue(v))
	return def
}

func (r *fieldReader) u32(name string, def uint32) uint32 { return uint32(r.int(name, int64(def))) }
func (r *fieldReader) u16(name string, def uint16) uint16 { return uint16(r.int(name, int64(def))) }

func (r *fieldReader) bytes(name string) ([]byte, bool) {
	v := r.get(name)
	if v == nil {
		return nil, false
	}
	l, ok := v.(*script.List)
	if !ok {
		r.fail("field %s: want a byte list", name)
		return nil, false
	}
	b := make([]byte, 0, len(l.Elems))
	for _, e := range l.Elems {
		i, _ := script.IntValue(e) // "..." elements become zero
		b = append(b, byte(i))
	}
	return b, true
}

func (r *fieldReader) list(name string) []script.Value {
	if l, ok := r.get(name).(*script.List); ok {
		return l.Elems
	}
	return nil
}

func (r *fieldReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func findField(fs []*script.Field, name string) *script.Field {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// lenVal resolves a len/val pair with header size hdr: the value bytes and
// the length to write. A given len with a wildcard val means len-hdr zero
// bytes; a given val with a wildcard len means the natural length.
func lenVal(r *fieldReader, hdr int) ([]byte, int) {
	val, haveVal := r.bytes("val")
	if !haveVal {
		n := int(r.int("len", int64(hdr))) - hdr
		val = make([]byte, max(n, 0))
	}
	return val, int(r.int("len", int64(hdr+len(val))))
}

func flags(c *script.Chunk, r *fieldReader) uint8 {
	f := findField(c.Fields, "flgs")
	if f == nil || script.IsWildcard(f.Value) {
		return 0
	}
	b, ok := script.FlagBits(c.Kind, f.Value)
	if !ok {
		r.fail("bad flags %s", script.FormatValue(f.Value))
	}
	return b
}

func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// tlvChunk and tlv16 build a chunk, or a parameter or cause: a type and
// length header in front of body, the length field set to length (or the
// natural length if < 0).
func tlvChunk(typ, fl uint8, body []byte, length int) []byte {
	if length < 0 {
		length = 4 + len(body)
	}
	b := []byte{typ, fl}
	b = be16(b, uint16(length))
	return append(b, body...)
}

func tlv16(typ uint16, body []byte, length int) []byte {
	if length < 0 {
		length = 4 + len(body)
	}
	b := be16(nil, typ)
	b = be16(b, uint16(length))
	return append(b, body...)
}

func encodeChunk(c *script.Chunk, echo *Echo) ([]byte, error) {
	r := &fieldReader{fields: c.Fields}
	fl := flags(c, r)
	code := uint8(c.Kind.Code())
	explicitLen := int(r.int("len", -1))
	var body []byte
	switch c.Kind {
	case script.ChunkData:
		body = be32(body, r.u32("tsn", 0))
		body = be16(body, r.u16("sid", 0))
		body = be16(body, r.u16("ssn", 0))
		body = be32(body, r.u32("ppid", 0))
		n := max(explicitLen-16, 0)
		body = append(body, make([]byte, n)...)
	case script.ChunkIData:
		body = be32(body, r.u32("tsn", 0))
		body = be16(body, r.u16("sid", 0))
		body = be16(body, 0)
		body = be32(body, r.u32("mid", 0))
		if fl&0x02 != 0 { // B: the first fragment carries the PPID
			body = be32(body, r.u32("ppid", r.u32("fsn", 0)))
		} else {
			body = be32(body, r.u32("fsn", r.u32("ppid", 0)))
		}
		n := max(explicitLen-20, 0)
		body = append(body, make([]byte, n)...)
	case script.ChunkInit, script.ChunkInitAck:
		body = be32(body, r.u32("tag", 0))
		body = be32(body, r.u32("a_rwnd", 1500))
		body = be16(body, r.u16("os", 1))
		body = be16(body, r.u16("is", 1))
		body = be32(body, r.u32("tsn", 0))
		ps, err := encodeParams(c.Params)
		if err != nil {
			return nil, err
		}
		body = append(body, ps...)
		explicitLen = -1
	case script.ChunkSack, script.ChunkNRSack:
		gaps := r.list("gaps")
		nrgaps := r.list("nr_gaps")
		dups := r.list("dups")
		body = be32(body, r.u32("cum_tsn", 0))
		body = be32(body, r.u32("a_rwnd", 1500))
		body = be16(body, uint16(len(gaps)))
		if c.Kind == script.ChunkNRSack {
			body = be16(body, uint16(len(nrgaps)))
		}
		body = be16(body, uint16(len(dups)))
		if c.Kind == script.ChunkNRSack {
			body = be16(body, 0)
		}
		body = appendGaps(body, gaps)
		body = appendGaps(body, nrgaps)
		for _, d := range dups {
			i, _ := script.IntValue(d)
			body = be32(body, uint32(i))
		}
		explicitLen = -1
	case script.ChunkHeartbeat, script.ChunkHeartbeatAck, script.ChunkReconfig:
		if c.Kind == script.ChunkHeartbeatAck && echo != nil && echo.HaveHeartbeat && wantsEcho(c) {
			body = append(body, echo.HeartbeatInfo...)
		} else {
			ps, err := encodeParams(c.Params)
			if err != nil {
				return nil, err
			}
			body = ps
		}
	case script.ChunkAbort, script.ChunkError:
		cs, err := encodeCauses(c.Causes)
		if err != nil {
			return nil, err
		}
		body = cs
	case script.ChunkShutdown:
		body = be32(body, r.u32("cum_tsn", 0))
	case script.ChunkECNE, script.ChunkCWR:
		body = be32(body, r.u32("tsn", 0))
	case script.ChunkCookieEcho:
		if echo != nil && echo.HaveCookie && !r.has("val") {
			// The script leaves the cookie to us: echo the stack's own.
			body = append(body, echo.Cookie...)
			explicitLen = -1
		} else {
			body, explicitLen = lenVal(r, 4)
		}
	case script.ChunkPad:
		body, explicitLen = lenVal(r, 4)
	case script.ChunkForwardTSN:
		body = be32(body, r.u32("cum_tsn", 0))
		for _, e := range r.list("ids") {
			t := tupleInts(e)
			body = be16(body, uint16(t[0]))
			body = be16(body, uint16(t[1]))
		}
	case script.ChunkIForwardTSN:
		body = be32(body, r.u32("cum_tsn", 0))
		for _, e := range r.list("ids") {
			t := tupleInts(e)
			body = be16(body, uint16(t[0]))
			body = be16(body, uint16(t[1]))
			body = be32(body, uint32(t[2]))
		}
	case script.ChunkGeneric:
		tv := r.get("type")
		t, ok := script.ChunkTypeCode(tv)
		if !ok {
			return nil, fmt.Errorf("CHUNK needs a type")
		}
		code = t
		body, explicitLen = lenVal(r, 4)
	case script.ChunkShutdownAck, script.ChunkCookieAck, script.ChunkShutdownComplete:
	default:
		return nil, fmt.Errorf("cannot encode %s", c.Kind)
	}
	if r.err != nil {
		return nil, r.err
	}
	return tlvChunk(code, fl, body, explicitLen), nil
}

// wantsEcho reports whether a HEARTBEAT_ACK spec leaves its Heartbeat
// Information to the runner (no parameters, or one whose val is "...").
func wantsEcho(c *script.Chunk) bool {
	if len(c.Params) == 0 {
		return true
	}
	for _, p := range c.Params {
		if p.Kind != script.ParamHeartbeatInfo {
			return false
		}
		if p.Any {
			continue
		}
		if f := p.Field("val"); f != nil && !script.IsWildcard(f.Value) {
			return false
		}
	}
	return true
}

func appendGaps(b []byte, gaps []script.Value) []byte {
	for _, g := range gaps {
		gb, ok := g.(*script.Gap)
		if !ok {
			continue
		}
		s, _ := script.IntValue(gb.Start)
		e, _ := script.IntValue(gb.End)
		b = be16(b, uint16(s))
		b = be16(b, uint16(e))
	}
	return b
}

func tupleInts(v script.Value) [3]int64 {
	var out [3]int64
	if s, ok := v.(*script.Struct); ok {
		for i, f := range s.Fields {
			if i < 3 {
				out[i], _ = script.IntValue(f.Value)
			}
		}
	}
	return out
}

func encodeParams(ps []*script.Param) ([]byte, error) {
	var out []byte
	for _, p := range ps {
		b, err := encodeParam(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Kind, err)
		}
		out = append(out, pad4(b)...)
	}
	return out, nil
}

func addrBytes(v script.Value, want int) ([]byte, bool) {
	switch v := v.(type) {
	case script.Addr:
		if v.A.Is4() && want == 4 {
			a := v.A.As4()
			return a[:], true
		}
		if want == 16 {
			a := v.A.As16()
			return a[:], true
		}
	case script.String:
		return append([]byte(v.S), 0), true
	}
	return nil, false
}

func encodeParam(p *script.Param) ([]byte, error) {
	r := &fieldReader{fields: p.Fields}
	code := uint16(p.Kind.Code())
	length := -1
	var body []byte
	switch p.Kind {
	case script.ParamHeartbeatInfo, script.ParamStateCookie, script.ParamPad:
		body, length = lenVal(r, 4)
	case script.ParamIPv4Address, script.ParamIPv6Address, script.ParamHostnameAddress:
		want := 4
		if p.Kind == script.ParamIPv6Address {
			want = 16
		}
		if v := r.get("addr"); v != nil {
			b, ok := addrBytes(v, want)
			if !ok {
				return nil, fmt.Errorf("bad address %s", script.FormatValue(v))
			}
			body = b
		} else if p.Kind != script.ParamHostnameAddress {
			body = make([]byte, want)
		}
	case script.ParamUnrecognizedParameter:
		ps, err := nestedParams(r.get("params"))
		if err != nil {
			return nil, err
		}
		body = ps
	case script.ParamCookiePreservative:
		body = be32(body, r.u32("incr", 0))
	case script.ParamSupportedAddressTypes:
		for _, e := range r.list("types") {
			t, _ := script.AddrTypeCode(e)
			body = be16(body, t)
		}
	case script.ParamOutgoingSSNReset:
		body = be32(body, r.u32("req_sn", 0))
		body = be32(body, r.u32("resp_sn", 0))
		body = be32(body, r.u32("last_tsn", 0))
		body = appendU16s(body, r.list("sids"))
	case script.ParamIncomingSSNReset:
		body = be32(body, r.u32("req_sn", 0))
		body = appendU16s(body, r.list("sids"))
	case script.ParamSSNTSNReset:
		body = be32(body, r.u32("req_sn", 0))
	case script.ParamReconfigResponse:
		body = be32(body, r.u32("resp_sn", 0))
		body = be32(body, r.u32("result", 0))
		if r.has("sender_next_tsn") || r.has("receiver_next_tsn") {
			body = be32(body, r.u32("sender_next_tsn", 0))
			body = be32(body, r.u32("receiver_next_tsn", 0))
		}
	case script.ParamAddOutgoingStreams, script.ParamAddIncomingStreams:
		body = be32(body, r.u32("req_sn", 0))
		body = be16(body, r.u16("number_of_new_streams", 0))
		body = be16(body, 0)
	case script.ParamECNCapable, script.ParamForwardTSNSupported:
	case script.ParamSupportedExtensions:
		for _, e := range r.list("types") {
			t, _ := script.ChunkTypeCode(e)
			body = append(body, t)
		}
	case script.ParamAdaptationIndication:
		body = be32(body, r.u32("adaptation_code_point", 0))
	case script.ParamReconfigGeneric:
		code = r.u16("type", 0)
		val, _ := r.bytes("val")
		body = be32(nil, r.u32("req_sn", 0))
		body = append(body, val...)
		length = int(r.int("len", int64(4+len(body))))
	case script.ParamGeneric:
		code = r.u16("type", 0)
		body, length = lenVal(r, 4)
	default:
		return nil, fmt.Errorf("cannot encode parameter %s", p.Kind)
	}
	if r.err != nil {
		return nil, r.err
	}
	return tlv16(code, body, length), nil
}

func nestedParams(v script.Value) ([]byte, error) {
	l, ok := v.(*script.List)
	if !ok {
		return nil, nil
	}
	var ps []*script.Param
	for _, e := range l.Elems {
		if p, ok := e.(*script.Param); ok {
			ps = append(ps, p)
		}
	}
	return encodeParams(ps)
}

func appendU16s(b []byte, vs []script.Value) []byte {
	for _, v := range vs {
		i, _ := script.IntValue(v)
		b = be16(b, uint16(i))
	}
	return b
}

func encodeCauses(cs []*script.Cause) ([]byte, error) {
	var out []byte
	for _, c := range cs {
		b, err := encodeCause(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Kind, err)
		}
		out = append(out, pad4(b)...)
	}
	return out, nil
}

func encodeCause(c *script.Cause) ([]byte, error) {
	r := &fieldReader{fields: c.Fields}
	code := uint16(c.Kind.Code())
	length := -1
	var body []byte
	switch c.Kind {
	case script.CauseInvalidStreamIdentifier:
		body = be16(body, r.u16("sid", 0))
		body = be16(body, 0)
	case script.CauseMissingMandatoryParameter:
		ts := r.list("types")
		body = be32(body, uint32(len(ts)))
		body = appendU16s(body, ts)
	case script.CauseStaleCookieError:
		body = be32(body, r.u32("staleness", 0))
	case script.CauseUnresolvableAddress:
		if p, ok := r.get("param").(*script.Param); ok {
			b, err := encodeParam(p)
			if err != nil {
				return nil, err
			}
			body = b
		}
	case script.CauseUnrecognizedChunkType:
		if ch, ok := r.get("chk").(*script.Chunk); ok {
			b, err := encodeChunk(ch, nil)
			if err != nil {
				return nil, err
			}
			body = b
		}
	case script.CauseUnrecognizedParameters, script.CauseRestartWithNewAddresses:
		ps, err := nestedParams(r.get("params"))
		if err != nil {
			return nil, err
		}
		body = ps
	case script.CauseNoUserData:
		body = be32(body, r.u32("tsn", 0))
	case script.CauseUserInitiatedAbort, script.CauseProtocolViolation:
		if s, ok := r.get("info").(script.String); ok {
			body = []byte(s.S)
		}
	case script.CauseOutOfResource, script.CauseInvalidMandatoryParameter, script.CauseCookieReceivedWhileShutdown:
	case script.CauseGeneric:
		code = r.u16("code", 0)
		info, ok := r.bytes("info")
		if !ok {
			info = make([]byte, max(int(r.int("len", 4))-4, 0))
		}
		body = info
		length = int(r.int("len", int64(4+len(info))))
	default:
		return nil, fmt.Errorf("cannot encode cause %s", c.Kind)
	}
	if r.err != nil {
		return nil, r.err
	}
	return tlv16(code, body, length), nil
}
