package script

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ParseFile reads and parses a script file.
func ParseFile(path string) (*Script, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return s, nil
}

// Parse parses a script. The error, if any, is a *ParseError naming the
// line and column of the first problem.
func Parse(src string) (s *Script, err error) {
	p := &parser{lx: newLexer(src)}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*ParseError)
			if !ok {
				panic(r)
			}
			s, err = nil, pe
		}
	}()
	p.next()
	s = &Script{}
	s.Statements = p.parseBlock(s, 0)
	return s, nil
}

// parser is a recursive-descent parser with one token of lookahead. Errors
// are raised as *ParseError panics and recovered in Parse, which keeps the
// many small productions readable.
type parser struct {
	lx       *lexer
	tok      token
	sawEvent bool
	depth    int // nesting of values/elements, bounded by maxDepth
}

// maxDepth bounds value nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failf(p.tok.pos, "values nested more than %d deep", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) next() {
	t, err := p.lx.next()
	if err != nil {
		panic(err)
	}
	p.tok = t
}

func (p *parser) failf(pos Pos, format string, args ...any) {
	panic(&ParseError{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tIdent, tInt, tFloat, tIPv4, tIPv6:
		return fmt.Sprintf("%s %q", t.kind, t.text)
	}
	return t.kind.String()
}

func (p *parser) expect(k tokKind, what string) token {
	t := p.tok
	if t.kind != k {
		p.failf(t.pos, "expected %s, found %s", what, p.describe(t))
	}
	p.next()
	return t
}

func (p *parser) accept(k tokKind) bool {
	if p.tok.kind == k {
		p.next()
		return true
	}
	return false
}

// parseBlock parses statements until end of file or, inside a conditional,
// until its #else/#endif (left as the current token).
func (p *parser) parseBlock(s *Script, depth int) []Statement {
	var out []Statement
	for {
		switch p.tok.kind {
		case tEOF:
			return out
		case tOption:
			o := p.parseOption()
			s.Options = append(s.Options, o)
			out = append(out, o)
		case tBacktick:
			// A command with no time is packetdrill's init command: only
			// one, before any event.
			if s.InitCommand != nil || p.sawEvent || depth > 0 {
				p.failf(p.tok.pos, "a `command` without a time is only allowed once, before the first event")
			}
			s.InitCommand = &Command{Text: p.tok.text}
			p.next()
		case tDirective:
			word, arg := splitDirective(p.tok.text)
			switch word {
			case "ifdef", "ifndef":
				out = append(out, p.parseConditional(s, depth, word == "ifndef", arg))
			case "else", "endif":
				if depth == 0 {
					p.failf(p.tok.pos, "#%s without #ifdef", word)
				}
				return out
			default:
				p.failf(p.tok.pos, "unknown directive #%s", word)
			}
		default:
			out = append(out, p.parseEvent())
			p.sawEvent = true
		}
	}
}

func splitDirective(text string) (word, arg string) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return "", ""
	}
	if len(f) > 1 {
		arg = f[1]
	}
	return f[0], arg
}

// parseOption parses "--name=value"; the value is an integer, word, string
// or address as in packetdrill's option grammar.
func (p *parser) parseOption() *Option {
	o := &Option{Pos: p.tok.pos, Name: p.tok.text}
	p.next()
	p.expect('=', "'=' after --"+o.Name)
	t := p.tok
	switch t.kind {
	case tInt:
		o.Value = p.parseInt(false)
	case '-':
		p.next()
		if p.tok.kind != tInt {
			p.failf(t.pos, "expected integer after '-' in option value")
		}
		o.Value = p.parseInt(true)
	case tIdent:
		o.Value = Ident{Name: t.text}
		p.next()
	case tString:
		o.Value = String{S: t.text}
		p.next()
	case tIPv4, tIPv6:
		o.Value = parseAddr(p, t)
		p.next()
	default:
		p.failf(t.pos, "expected option value, found %s", p.describe(t))
	}
	return o
}

func (p *parser) parseConditional(s *Script, depth int, negate bool, sym string) *Conditional {
	c := &Conditional{Pos: p.tok.pos, Negate: negate, Symbol: sym}
	if sym == "" {
		p.failf(c.Pos, "#ifdef needs a symbol")
	}
	if depth >= maxDepth {
		p.failf(c.Pos, "#ifdef nested more than %d deep", maxDepth)
	}
	p.next()
	c.Then = p.parseBlock(s, depth+1)
	if p.tok.kind != tDirective {
		p.failf(p.tok.pos, "missing #endif for #ifdef at line %d", c.Pos.Line)
	}
	if w, _ := splitDirective(p.tok.text); w == "else" {
		c.HasElse = true
		p.next()
		c.Else = p.parseBlock(s, depth+1)
		if p.tok.kind != tDirective {
			p.failf(p.tok.pos, "missing #endif for #ifdef at line %d", c.Pos.Line)
		}
		if w, _ := splitDirective(p.tok.text); w != "endif" {
			p.failf(p.tok.pos, "expected #endif, found #%s", w)
		}
	}
	p.next()
	return c
}

// parseEvent parses "time action".
func (p *parser) parseEvent() *Event {
	ev := &Event{Pos: p.tok.pos}
	ev.Time = p.parseTime()
	switch p.tok.kind {
	case tBacktick:
		ev.Action = &Command{Text: p.tok.text}
		p.next()
	case tCode:
		ev.Action = &Code{Text: p.tok.text}
		p.next()
	case '<', '>':
		ev.Action = p.parsePacket()
	case tIdent:
		ev.Action = p.parseSyscall()
	default:
		p.failf(p.tok.pos, "expected socket call, packet or `command` after time, found %s", p.describe(p.tok))
	}
	// As in packetdrill, "*" and ranges only make sense for packets the
	// stack sends; a blocking span only for calls.
	pk, _ := ev.Action.(*Packet)
	outbound := pk != nil && pk.Dir == Outbound
	switch {
	case ev.Time.Kind == TimeAny && !outbound:
		p.failf(ev.Pos, "time * can only be used with outbound packets")
	case ev.Time.Span == SpanRange && !outbound:
		p.failf(ev.Pos, "a time range can only be used with outbound packets")
	case ev.Time.Span == SpanBlocking && !isCall(ev.Action):
		p.failf(ev.Pos, "a blocking time span can only be used with socket calls")
	case ev.Time.Span == SpanRange && ev.Time.EndRelative == (ev.Time.Kind == TimeAbsolute):
		p.failf(ev.Pos, "a time range needs both ends absolute or both relative")
	case ev.Time.Span != SpanNone && !ev.Time.EndRelative && ev.Time.Kind == TimeAbsolute && ev.Time.End < ev.Time.Start,
		ev.Time.Span == SpanRange && ev.Time.EndRelative && ev.Time.End < ev.Time.Start:
		p.failf(ev.Pos, "time range is backwards")
	}
	return ev
}

func isCall(a Action) bool {
	_, ok := a.(*Syscall)
	return ok
}

func (p *parser) parseTime() Time {
	var t Time
	if p.accept('*') {
		t.Kind = TimeAny
		return t
	}
	if p.accept('+') {
		t.Kind = TimeRelative
	}
	t.Start = p.parseSeconds()
	switch p.tok.kind {
	case '~':
		t.Span = SpanRange
	case tEllipsis:
		t.Span = SpanBlocking
	default:
		return t
	}
	p.next()
	t.EndRelative = p.accept('+')
	t.End = p.parseSeconds()
	return t
}

// parseSeconds converts a decimal seconds literal exactly (no float rounding).
func (p *parser) parseSeconds() time.Duration {
	t := p.tok
	if t.kind != tInt && t.kind != tFloat {
		p.failf(t.pos, "expected time, found %s", p.describe(t))
	}
	p.next()
	whole, frac, _ := strings.Cut(t.text, ".")
	if len(frac) > 9 {
		p.failf(t.pos, "time %s has more than nanosecond precision", t.text)
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > int64(1<<62)/int64(time.Second) {
		p.failf(t.pos, "bad time %s", t.text)
	}
	ns := int64(0)
	if frac != "" {
		f, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		ns = f
	}
	return time.Duration(w)*time.Second + time.Duration(ns)
}

// parseSyscall parses "name(args) = ret [ERRNO] [(note)]".
func (p *parser) parseSyscall() *Syscall {
	sc := &Syscall{Name: p.tok.text}
	p.next()
	p.expect('(', "'(' after "+sc.Name)
	if p.tok.kind != ')' {
		for {
			sc.Args = append(sc.Args, p.parseValue(false))
			if !p.accept(',') {
				break
			}
		}
	}
	p.expect(')', "',' or ')' in arguments of "+sc.Name)
	p.expect('=', "'=' and the expected result of "+sc.Name)
	sc.Ret = p.parseValue(false)
	if p.tok.kind == tIdent {
		sc.Errno = p.tok.text
		p.next()
	}
	if p.tok.kind == '(' {
		note, err := p.lx.rawParen(p.tok.off, p.tok.pos)
		if err != nil {
			panic(err)
		}
		sc.Note, sc.HasNote = note, true
		p.next()
	}
	return sc
}

// parseValue parses an expression. inPacket enables the packet-only forms:
// nested chunk/parameter elements NAME[...] and gap blocks a:b.
func (p *parser) parseValue(inPacket bool) Value {
	v := p.parsePrimary(inPacket)
	if p.tok.kind != '|' {
		return v
	}
	or := &Or{Terms: []Value{v}}
	for p.accept('|') {
		or.Terms = append(or.Terms, p.parsePrimary(inPacket))
	}
	return or
}

func (p *parser) parsePrimary(inPacket bool) Value {
	p.enter()
	defer p.leave()
	t := p.tok
	var v Value
	switch t.kind {
	case tEllipsis:
		p.next()
		v = Wildcard{}
	case tInt:
		v = p.parseInt(false)
	case '-':
		p.next()
		if p.tok.kind == tInt {
			v = p.parseInt(true)
		} else {
			v = &Unary{Op: "-", X: p.parsePrimary(inPacket)}
		}
	case '&':
		p.next()
		v = &Unary{Op: "&", X: p.parsePrimary(inPacket)}
	case tString:
		p.next()
		v = String{S: t.text}
		if p.tok.kind == tEllipsis {
			// "abc"... : a buffer that must start with "abc".
			p.next()
			v = String{S: t.text, Prefix: true}
		}
	case tIPv4, tIPv6:
		p.next()
		v = parseAddr(p, t)
	case tIdent:
		p.next()
		switch {
		case p.tok.kind == '(':
			v = p.parseCall(t.text, inPacket)
		case inPacket && p.tok.kind == '[':
			v = p.parseElement(t)
		default:
			v = Ident{Name: t.text}
		}
	case '[':
		p.next()
		l := &List{}
		if p.tok.kind != ']' {
			for {
				l.Elems = append(l.Elems, p.parseValue(inPacket))
				if !p.accept(',') {
					break
				}
			}
		}
		p.expect(']', "',' or ']' in list")
		v = l
	case '{':
		v = p.parseStruct(inPacket)
	default:
		p.failf(t.pos, "expected a value, found %s", p.describe(t))
	}
	if inPacket && p.tok.kind == ':' {
		p.next()
		v = &Gap{Start: v, End: p.parsePrimary(inPacket)}
	}
	return v
}

func (p *parser) parseInt(neg bool) Int {
	t := p.tok
	p.next()
	text := t.text
	hex := strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0X")
	var u uint64
	var err error
	if hex {
		u, err = strconv.ParseUint(text[2:], 16, 64)
	} else {
		u, err = strconv.ParseUint(text, 10, 64)
	}
	if err != nil || u > 1<<63-1 {
		p.failf(t.pos, "integer %s out of range", text)
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return Int{V: v, Hex: hex}
}

func (p *parser) parseCall(fn string, inPacket bool) *Call {
	c := &Call{Fn: fn}
	p.expect('(', "'('")
	if p.tok.kind != ')' {
		for {
			c.Args = append(c.Args, p.parseValue(inPacket))
			if !p.accept(',') {
				break
			}
		}
	}
	p.expect(')', "',' or ')' in call of "+fn)
	return c
}

// parseStruct parses "{a=1, b(len)=v, positional}".
func (p *parser) parseStruct(inPacket bool) *Struct {
	p.expect('{', "'{'")
	s := &Struct{}
	if p.tok.kind != '}' {
		for {
			s.Fields = append(s.Fields, p.parseStructField(inPacket))
			if !p.accept(',') {
				break
			}
		}
	}
	p.expect('}', "',' or '}' in struct")
	return s
}

func (p *parser) parseStructField(inPacket bool) StructField {
	if p.tok.kind != tIdent {
		return StructField{Value: p.parseValue(inPacket)}
	}
	name := p.tok
	p.next()
	switch p.tok.kind {
	case '=':
		p.next()
		return StructField{Name: name.text, Value: p.parseValue(inPacket)}
	case '(':
		c := p.parseCall(name.text, inPacket)
		if p.accept('=') {
			if len(c.Args) != 1 {
				p.failf(name.pos, "member %s(...) needs exactly one size", name.text)
			}
			return StructField{Name: name.text, Size: c.Args[0], Value: p.parseValue(inPacket)}
		}
		return StructField{Value: p.continueValue(c, inPacket)}
	}
	var v Value = Ident{Name: name.text}
	if inPacket && p.tok.kind == '[' {
		v = p.parseElement(name)
	}
	return StructField{Value: p.continueValue(v, inPacket)}
}

// continueValue finishes an expression whose first primary was already parsed.
func (p *parser) continueValue(v Value, inPacket bool) Value {
	if inPacket && p.tok.kind == ':' {
		p.next()
		v = &Gap{Start: v, End: p.parsePrimary(inPacket)}
	}
	if p.tok.kind != '|' {
		return v
	}
	or := &Or{Terms: []Value{v}}
	for p.accept('|') {
		or.Terms = append(or.Terms, p.parsePrimary(inPacket))
	}
	return or
}
