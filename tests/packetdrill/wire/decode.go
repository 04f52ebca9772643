package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// Decoded is a packet's chunks as fully populated specs: every field of
// the keyword is present with its concrete value. Raw keeps each element's
// bytes (header included, padding excluded) so that generic specs
// (CHUNK[...], PARAMETER[...], CAUSE[...]) can be matched against any
// element.
type Decoded struct {
	Chunks []*script.Chunk
	Raw    map[any][]byte
}

var (
	chunkByCode = map[int]script.ChunkKind{}
	paramByCode = map[int]script.ParamKind{}
	causeByCode = map[int]script.CauseKind{}
)

func init() {
	for k := script.ChunkKind(0); k <= script.ChunkGeneric; k++ {
		if c := k.Code(); c >= 0 {
			chunkByCode[c] = k
		}
	}
	for k := script.ParamKind(0); k <= script.ParamGeneric; k++ {
		if c := k.Code(); c >= 0 {
			paramByCode[c] = k
		}
	}
	for k := script.CauseKind(0); k <= script.CauseGeneric; k++ {
		if c := k.Code(); c >= 0 {
			causeByCode[c] = k
		}
	}
}

// DecodeChunks decodes the chunk part of an SCTP packet. Elements that are
// too short for their type's layout are decoded with the generic keyword.
func DecodeChunks(b []byte) (*Decoded, error) {
	d := &Decoded{Raw: map[any][]byte{}}
	for len(b) > 0 {
		if len(b) < 4 {
			return d, fmt.Errorf("%d trailing bytes after the last chunk", len(b))
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 || n > len(b) {
			return d, fmt.Errorf("chunk type %d with bad length %d (%d bytes left)", b[0], n, len(b))
		}
		raw := b[:n]
		c := d.chunk(raw)
		d.Chunks = append(d.Chunks, c)
		b = b[min(len(b), (n+3)&^3):]
	}
	return d, nil
}

func num(v int64) script.Int                        { return script.Int{V: v} }
func hex(v int64) script.Int                        { return script.Int{V: v, Hex: true} }
func fld(name string, v script.Value) *script.Field { return &script.Field{Name: name, Value: v} }

func byteList(b []byte) *script.List {
	l := &script.List{Elems: make([]script.Value, len(b))}
	for i, x := range b {
		l.Elems[i] = hex(int64(x))
	}
	return l
}

// genericChunk describes raw as CHUNK[type, flgs, len, val].
func genericChunk(raw []byte) *script.Chunk {
	return &script.Chunk{Kind: script.ChunkGeneric, Fields: []*script.Field{
		fld("type", hex(int64(raw[0]))), fld("flgs", hex(int64(raw[1]))),
		fld("len", num(u16at(raw, 2))), fld("val", byteList(raw[4:])),
	}}
}

func u16at(b []byte, i int) int64 { return int64(binary.BigEndian.Uint16(b[i:])) }
func u32at(b []byte, i int) int64 { return int64(binary.BigEndian.Uint32(b[i:])) }

func (d *Decoded) chunk(raw []byte) (c *script.Chunk) {
	defer func() { d.Raw[c] = raw }()
	k, known := chunkByCode[int(raw[0])]
	body := raw[4:]
	fl := num(int64(raw[1]))
	if !known {
		return genericChunk(raw)
	}
	c = &script.Chunk{Kind: k}
	add := func(name string, v script.Value) { c.Fields = append(c.Fields, fld(name, v)) }
	short := func(n int) bool { return len(body) < n }
	switch k {
	case script.ChunkData:
		if short(12) {
			return genericChunk(raw)
		}
		add("flgs", flagIdent(k, raw[1]))
		add("len", num(int64(len(raw))))
		add("tsn", num(u32at(body, 0)))
		add("sid", num(u16at(body, 4)))
		add("ssn", num(u16at(body, 6)))
		add("ppid", num(u32at(body, 8)))
	case script.ChunkIData:
		if short(16) {
			return genericChunk(raw)
		}
		add("flgs", flagIdent(k, raw[1]))
		add("len", num(int64(len(raw))))
		add("tsn", num(u32at(body, 0)))
		add("sid", num(u16at(body, 4)))
		add("mid", num(u32at(body, 8)))
		if raw[1]&0x02 != 0 {
			add("ppid", num(u32at(body, 12)))
		} else {
			add("fsn", num(u32at(body, 12)))
		}
	case script.ChunkInit, script.ChunkInitAck:
		if short(16) {
			return genericChunk(raw)
		}
		add("flgs", fl)
		add("tag", num(u32at(body, 0)))
		add("a_rwnd", num(u32at(body, 4)))
		add("os", num(u16at(body, 8)))
		add("is", num(u16at(body, 10)))
		add("tsn", num(u32at(body, 12)))
		c.Params = d.params(body[16:])
	case script.ChunkSack, script.ChunkNRSack:
		hdr := 12
		if k == script.ChunkNRSack {
			hdr = 16
		}
		if short(hdr) {
			return genericChunk(raw)
		}
		ng := int(u16at(body, 8))
		nnr, nd := 0, int(u16at(body, 10))
		if k == script.ChunkNRSack {
			nnr, nd = int(u16at(body, 10)), int(u16at(body, 12))
		}
		if len(body) < hdr+4*(ng+nnr+nd) {
			return genericChunk(raw)
		}
		add("flgs", fl)
		add("cum_tsn", num(u32at(body, 0)))
		add("a_rwnd", num(u32at(body, 4)))
		p := hdr
		gaps := func(n int) *script.List {
			l := &script.List{Elems: []script.Value{}}
			for i := 0; i < n; i++ {
				l.Elems = append(l.Elems, &script.Gap{Start: num(u16at(body, p)), End: num(u16at(body, p+2))})
				p += 4
			}
			return l
		}
		add("gaps", gaps(ng))
		if k == script.ChunkNRSack {
			add("nr_gaps", gaps(nnr))
		}
		dups := &script.List{Elems: []script.Value{}}
		for i := 0; i < nd; i++ {
			dups.Elems = append(dups.Elems, num(u32at(body, p)))
			p += 4
		}
		add("dups", dups)
	case script.ChunkHeartbeat, script.ChunkHeartbeatAck, script.ChunkReconfig:
		add("flgs", fl)
		c.Params = d.params(body)
	case script.ChunkAbort, script.ChunkError:
		if k == script.ChunkAbort {
			add("flgs", flagIdent(k, raw[1]))
		} else {
			add("flgs", fl)
		}
		c.Causes = d.causes(body)
	case script.ChunkShutdown:
		if short(4) {
			return genericChunk(raw)
		}
		add("flgs", fl)
		add("cum_tsn", num(u32at(body, 0)))
	case script.ChunkECNE, script.ChunkCWR:
		if short(4) {
			return genericChunk(raw)
		}
		add("flgs", fl)
		add("tsn", num(u32at(body, 0)))
	case script.ChunkCookieEcho, script.ChunkPad:
		add("flgs", fl)
		add("len", num(int64(len(raw))))
		add("val", byteList(body))
	case script.ChunkShutdownComplete:
		add("flgs", flagIdent(k, raw[1]))
	case script.ChunkShutdownAck, script.ChunkCookieAck:
		add("flgs", fl)
	case script.ChunkForwardTSN, script.ChunkIForwardTSN:
		each := 4
		if k == script.ChunkIForwardTSN {
			each = 8
		}
		if short(4) || (len(body)-4)%each != 0 {
			return genericChunk(raw)
		}
		add("cum_tsn", num(u32at(body, 0)))
		ids := &script.List{Elems: []script.Value{}}
		for p := 4; p < len(body); p += each {
			t := &script.Struct{Fields: []script.StructField{{Value: num(u16at(body, p))}, {Value: num(u16at(body, p+2))}}}
			if each == 8 {
				t.Fields = append(t.Fields, script.StructField{Value: num(u32at(body, p+4))})
			}
			ids.Elems = append(ids.Elems, t)
		}
		add("ids", ids)
	default:
		return genericChunk(raw)
	}
	return c
}

// flagIdent prints flags with the kind's letters when it has them.
func flagIdent(k script.ChunkKind, f uint8) script.Value {
	letters := k.FlagLetters()
	if letters == "" || f>>len(letters) != 0 {
		return hex(int64(f))
	}
	s := ""
	for i, l := range letters {
		if f&(1<<(len(letters)-1-i)) != 0 {
			s += string(l)
		}
	}
	if s == "" {
		return num(0)
	}
	return script.Ident{Name: s}
}

// walk splits a TLV list with 16-bit types into elements (unpadded).
func walk(b []byte) (elems [][]byte, rest []byte) {
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 || n > len(b) {
			break
		}
		elems = append(elems, b[:n])
		b = b[min(len(b), (n+3)&^3):]
	}
	return elems, b
}

func (d *Decoded) params(b []byte) []*script.Param {
	elems, _ := walk(b)
	out := make([]*script.Param, 0, len(elems))
	for _, raw := range elems {
		p := d.param(raw)
		d.Raw[p] = raw
		out = append(out, p)
	}
	return out
}

func genericParam(raw []byte) *script.Param {
	return &script.Param{Kind: script.ParamGeneric, Fields: []*script.Field{
		fld("type", hex(u16at(raw, 0))), fld("len", num(int64(len(raw)))), fld("val", byteList(raw[4:])),
	}}
}

func (d *Decoded) param(raw []byte) *script.Param {
	k, known := paramByCode[int(u16at(raw, 0))]
	if !known {
		return genericParam(raw)
	}
	body := raw[4:]
	p := &script.Param{Kind: k}
	add := func(name string, v script.Value) { p.Fields = append(p.Fields, fld(name, v)) }
	switch k {
	case script.ParamHeartbeatInfo, script.ParamStateCookie, script.ParamPad:
		add("len", num(int64(len(raw))))
		add("val", byteList(body))
	case script.ParamIPv4Address, script.ParamIPv6Address:
		a, ok := netip.AddrFromSlice(body)
		if !ok || (k == script.ParamIPv4Address) != a.Is4() {
			return genericParam(raw)
		}
		add("addr", script.Addr{A: a})
	case script.ParamHostnameAddress:
		s := string(body)
		for i := range len(s) {
			if s[i] == 0 {
				s = s[:i]
				break
			}
		}
		add("addr", script.String{S: s})
	case script.ParamUnrecognizedParameter:
		l := &script.List{}
		for _, q := range d.params(body) {
			l.Elems = append(l.Elems, q)
		}
		add("params", l)
	case script.ParamCookiePreservative:
		if len(body) < 4 {
			return genericParam(raw)
		}
		add("incr", num(u32at(body, 0)))
	case script.ParamSupportedAddressTypes:
		l := &script.List{Elems: []script.Value{}}
		for i := 0; i+2 <= len(body); i += 2 {
			t := u16at(body, i)
			l.Elems = append(l.Elems, addrTypeValue(t))
		}
		add("types", l)
	case script.ParamOutgoingSSNReset, script.ParamIncomingSSNReset:
		hdr := 12
		if k == script.ParamIncomingSSNReset {
			hdr = 4
		}
		if len(body) < hdr || (len(body)-hdr)%2 != 0 {
			return genericParam(raw)
		}
		add("req_sn", num(u32at(body, 0)))
		if k == script.ParamOutgoingSSNReset {
			add("resp_sn", num(u32at(body, 4)))
			add("last_tsn", num(u32at(body, 8)))
		}
		l := &script.List{Elems: []script.Value{}}
		for i := hdr; i+2 <= len(body); i += 2 {
			l.Elems = append(l.Elems, num(u16at(body, i)))
		}
		add("sids", l)
	case script.ParamSSNTSNReset:
		if len(body) < 4 {
			return genericParam(raw)
		}
		add("req_sn", num(u32at(body, 0)))
	case script.ParamReconfigResponse:
		if len(body) < 8 {
			return genericParam(raw)
		}
		add("resp_sn", num(u32at(body, 0)))
		add("result", num(u32at(body, 4)))
		if len(body) >= 16 {
			add("sender_next_tsn", num(u32at(body, 8)))
			add("receiver_next_tsn", num(u32at(body, 12)))
		}
	case script.ParamAddOutgoingStreams, script.ParamAddIncomingStreams:
		if len(body) < 8 {
			return genericParam(raw)
		}
		add("req_sn", num(u32at(body, 0)))
		add("number_of_new_streams", num(u16at(body, 4)))
	case script.ParamECNCapable, script.ParamForwardTSNSupported:
	case script.ParamSupportedExtensions:
		l := &script.List{Elems: []script.Value{}}
		for _, t := range body {
			l.Elems = append(l.Elems, chunkTypeValue(t))
		}
		add("types", l)
	case script.ParamAdaptationIndication:
		if len(body) < 4 {
			return genericParam(raw)
		}
		add("adaptation_code_point", num(u32at(body, 0)))
	default:
		return genericParam(raw)
	}
	return p
}

func addrTypeValue(t int64) script.Value {
	switch t {
	case 5:
		return script.Ident{Name: "IPv4"}
	case 6:
		return script.Ident{Name: "IPv6"}
	case 11:
		return script.Ident{Name: "HOSTNAME"}
	}
	return num(t)
}

func chunkTypeValue(t byte) script.Value {
	if k, ok := chunkByCode[int(t)]; ok {
		return script.Ident{Name: k.String()}
	}
	return hex(int64(t))
}

func (d *Decoded) causes(b []byte) []*script.Cause {
	elems, _ := walk(b)
	out := make([]*script.Cause, 0, len(elems))
	for _, raw := range elems {
		c := d.cause(raw)
		d.Raw[c] = raw
		out = append(out, c)
	}
	return out
}

func genericCause(raw []byte) *script.Cause {
	return &script.Cause{Kind: script.CauseGeneric, Fields: []*script.Field{
		fld("code", num(u16at(raw, 0))), fld("len", num(int64(len(raw)))), fld("info", byteList(raw[4:])),
	}}
}

func (d *Decoded) cause(raw []byte) *script.Cause {
	k, known := causeByCode[int(u16at(raw, 0))]
	if !known {
		return genericCause(raw)
	}
	body := raw[4:]
	c := &script.Cause{Kind: k}
	add := func(name string, v script.Value) { c.Fields = append(c.Fields, fld(name, v)) }
	switch k {
	case script.CauseInvalidStreamIdentifier:
		if len(body) < 2 {
			return genericCause(raw)
		}
		add("sid", num(u16at(body, 0)))
	case script.CauseMissingMandatoryParameter:
		if len(body) < 4 {
			return genericCause(raw)
		}
		l := &script.List{Elems: []script.Value{}}
		for i := 4; i+2 <= len(body); i += 2 {
			l.Elems = append(l.Elems, num(u16at(body, i)))
		}
		add("types", l)
	case script.CauseStaleCookieError, script.CauseNoUserData:
		if len(body) < 4 {
			return genericCause(raw)
		}
		name := "staleness"
		if k == script.CauseNoUserData {
			name = "tsn"
		}
		add(name, num(u32at(body, 0)))
	case script.CauseUnresolvableAddress:
		if ps := d.params(body); len(ps) == 1 {
			add("param", ps[0])
		} else {
			return genericCause(raw)
		}
	case script.CauseUnrecognizedChunkType:
		if len(body) < 4 {
			return genericCause(raw)
		}
		n := min(int(u16at(body, 2)), len(body))
		inner := body[:max(n, 4)]
		ch := d.chunk(inner)
		add("chk", ch)
	case script.CauseUnrecognizedParameters, script.CauseRestartWithNewAddresses:
		l := &script.List{}
		for _, q := range d.params(body) {
			l.Elems = append(l.Elems, q)
		}
		add("params", l)
	case script.CauseUserInitiatedAbort, script.CauseProtocolViolation:
		add("info", script.String{S: string(body)})
	case script.CauseOutOfResource, script.CauseInvalidMandatoryParameter, script.CauseCookieReceivedWhileShutdown:
	default:
		return genericCause(raw)
	}
	return c
}

// Abbreviate returns copies of decoded chunks whose byte lists longer than
// n are cut to n bytes and "...", for printing.
func Abbreviate(cs []*script.Chunk, n int) []*script.Chunk {
	out := make([]*script.Chunk, len(cs))
	for i, c := range cs {
		c = cloneChunk(c)
		abbrevFields(c.Fields, n)
		for _, p := range c.Params {
			abbrevFields(p.Fields, n)
		}
		out[i] = c
	}
	return out
}

func abbrevFields(fs []*script.Field, n int) {
	for _, f := range fs {
		if l, ok := f.Value.(*script.List); ok && len(l.Elems) > n {
			if _, isByte := l.Elems[0].(script.Int); isByte {
				f.Value = &script.List{Elems: append(append([]script.Value(nil), l.Elems[:n]...), script.Wildcard{})}
			}
		}
	}
}
