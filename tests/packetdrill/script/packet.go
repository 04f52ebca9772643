package script

import "net/netip"

// ecnWords are the IP ECN markings accepted in a "[...]" packet prefix.
var ecnWords = map[string]bool{"noecn": true, "ect0": true, "ect1": true, "ect01": true, "ce": true}

// rawElem is a NAME[...] element before it is typed by the schema in
// chunks.go. The parser cannot type it alone: PAD is both a chunk and a
// parameter, and whether a nested element is a parameter or a cause depends
// on the enclosing chunk.
type rawElem struct {
	pos   Pos
	name  string
	items []rawItem
}

// rawItem is one entry of an element: "name=value", a nested element, or "...".
type rawItem struct {
	pos      Pos
	field    string
	value    Value
	elem     *rawElem
	ellipsis bool
}

func (*rawElem) isValue() {}

func parseAddr(p *parser, t token) Addr {
	a, err := netip.ParseAddr(t.text)
	if err != nil {
		p.failf(t.pos, "bad address %s", t.text)
	}
	return Addr{A: a}
}

// parseElement parses "[items]" after the element name token.
func (p *parser) parseElement(name token) *rawElem {
	p.enter()
	defer p.leave()
	e := &rawElem{pos: name.pos, name: name.text}
	p.expect('[', "'['")
	if p.tok.kind != ']' {
		for {
			e.items = append(e.items, p.parseItem())
			if !p.accept(',') {
				break
			}
		}
	}
	p.expect(']', "',' or ']' in "+name.text+"[...]")
	return e
}

func (p *parser) parseItem() rawItem {
	it := rawItem{pos: p.tok.pos}
	switch p.tok.kind {
	case tEllipsis:
		p.next()
		it.ellipsis = true
		return it
	case tIdent:
		name := p.tok
		p.next()
		switch p.tok.kind {
		case '=':
			p.next()
			it.field = name.text
			it.value = p.parseValue(true)
			return it
		case '[':
			it.elem = p.parseElement(name)
			return it
		}
	}
	p.failf(it.pos, "expected name=value, NAME[...] or \"...\", found %s", p.describe(p.tok))
	return it
}

// parsePacket parses a packet line after the time:
//
//	< [encapsulations] [ecn] sctp[(bad_crc32c, tag=N)][/udp(s > d)]: chunks
//	< [encapsulations] [sctp(N)] icmp type [code] [mtu M]
func (p *parser) parsePacket() *Packet {
	pk := &Packet{Dir: Inbound}
	if p.tok.kind == '>' {
		pk.Dir = Outbound
	}
	p.next()
	for p.tok.kind == tIdent {
		e := p.parseEncap()
		if e == nil {
			break
		}
		pk.Encaps = append(pk.Encaps, e)
	}
	var echo *Echoed
	if p.tok.kind == '[' {
		open := p.tok
		p.next()
		w := p.expect(tIdent, "ECN marking or quoted header")
		if ecnWords[w.text] {
			pk.ECN = w.text
		} else {
			echo = &Echoed{Proto: w.text}
			p.expect('(', "'(' in quoted header")
			for {
				echo.Args = append(echo.Args, p.parsePrimary(false))
				if !p.accept(',') {
					break
				}
			}
			p.expect(')', "')'")
			echo.UDP = p.parseOptUDP()
		}
		if p.tok.kind != ']' {
			p.failf(open.pos, "unterminated [...] before packet")
		}
		p.next()
	}
	proto := p.expect(tIdent, "protocol (sctp or icmp)")
	switch proto.text {
	case "sctp":
		if echo != nil {
			p.failf(proto.pos, "a quoted header only applies to icmp packets")
		}
		pk.SCTP = p.parseSCTP()
	case "icmp":
		if pk.ECN != "" {
			p.failf(proto.pos, "ECN marking is not supported on icmp packets")
		}
		ic := &ICMPPacket{Echoed: echo}
		ic.Type = p.expect(tIdent, "ICMP type").text
		if p.tok.kind == tIdent && p.tok.text != "mtu" {
			ic.Code = p.tok.text
			p.next()
		}
		if p.tok.kind == tIdent && p.tok.text == "mtu" {
			p.next()
			ic.MTU = p.parsePrimary(false)
		}
		pk.ICMP = ic
	default:
		p.failf(proto.pos, "unsupported packet protocol %q (SCTP scripts use sctp or icmp)", proto.text)
	}
	return pk
}

// parseEncap parses one outer header if the current identifier starts one.
func (p *parser) parseEncap() *Encap {
	switch p.tok.text {
	case "ipv4", "ipv6":
		e := &Encap{Kind: p.tok.text}
		p.next()
		e.Src = p.parsePrimary(false)
		p.expect('>', "'>' between addresses")
		e.Dst = p.parsePrimary(false)
		p.expect(':', "':' after "+e.Kind+" header")
		return e
	case "gre":
		p.next()
		p.expect(':', "':' after gre")
		return &Encap{Kind: "gre"}
	case "mpls":
		p.next()
		e := &Encap{Kind: "mpls"}
		for p.accept('(') {
			var m MPLSEntry
			p.expectWord("label")
			m.Label = p.parsePrimary(false)
			p.expect(',', "','")
			p.expectWord("tc")
			m.TC = p.parsePrimary(false)
			p.expect(',', "','")
			if p.accept('[') {
				p.expectWord("S")
				p.expect(']', "']'")
				p.expect(',', "','")
				m.Bottom = true
			}
			p.expectWord("ttl")
			m.TTL = p.parsePrimary(false)
			p.expect(')', "')'")
			e.MPLS = append(e.MPLS, m)
		}
		p.expect(':', "':' after mpls labels")
		return e
	}
	return nil
}

func (p *parser) expectWord(w string) {
	t := p.tok
	if t.kind != tIdent || t.text != w {
		p.failf(t.pos, "expected %q, found %s", w, p.describe(t))
	}
	p.next()
}

// parseOptUDP parses an optional "/udp(sport > dport)".
func (p *parser) parseOptUDP() *UDPEncap {
	if !p.accept('/') {
		return nil
	}
	p.expectWord("udp")
	p.expect('(', "'('")
	u := &UDPEncap{Src: p.parsePrimary(false)}
	p.expect('>', "'>' between UDP ports")
	u.Dst = p.parsePrimary(false)
	p.expect(')', "')'")
	return u
}

func (p *parser) parseSCTP() *SCTPPacket {
	sp := &SCTPPacket{}
	if p.accept('(') {
		for {
			n := p.expect(tIdent, "bad_crc32c or tag=")
			switch {
			case n.text == "bad_crc32c" && !sp.BadCRC32C && sp.Tag == nil:
				sp.BadCRC32C = true
			case n.text == "tag" && sp.Tag == nil:
				p.expect('=', "'='")
				sp.Tag = p.parsePrimary(false)
			default:
				p.failf(n.pos, "expected bad_crc32c and/or tag=N in sctp(...), found %q", n.text)
			}
			if !p.accept(',') {
				break
			}
		}
		p.expect(')', "')'")
	}
	sp.UDP = p.parseOptUDP()
	p.expect(':', "':' after sctp")
	if p.tok.kind == '[' {
		t := p.tok
		l := p.parsePrimary(false).(*List)
		sp.IsRaw, sp.Raw = true, []byte{}
		for _, v := range l.Elems {
			b, ok := v.(Int)
			if !ok || b.V < 0 || b.V > 255 {
				p.failf(t.pos, "raw packet bytes must be integers 0..255")
			}
			sp.Raw = append(sp.Raw, byte(b.V))
		}
		return sp
	}
	if !p.startsChunk() {
		return sp // empty chunk list
	}
	for {
		sp.Chunks = append(sp.Chunks, p.parseChunk())
		if !p.accept(';') {
			break
		}
	}
	return sp
}

// startsChunk reports whether the current token can begin a chunk spec.
// Chunk names are upper case; statements never start with an identifier.
func (p *parser) startsChunk() bool {
	return p.tok.kind == tIdent && isUpper(p.tok.text[0])
}

func (p *parser) parseChunk() *Chunk {
	t := p.tok
	if t.kind != tIdent {
		p.failf(t.pos, "expected chunk, found %s", p.describe(t))
	}
	p.next()
	if p.tok.kind != '[' {
		p.failf(p.tok.pos, "expected '[' after chunk name %s", t.text)
	}
	e := p.parseElement(t)
	c, err := toChunk(e)
	if err != nil {
		panic(err)
	}
	return c
}
