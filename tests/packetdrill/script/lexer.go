package script

import (
	"fmt"
	"net/netip"
	"strings"
)

// tokKind classifies tokens. Single-character punctuation uses its own rune
// value so the parser can write expect('[').
type tokKind int

const (
	tEOF tokKind = -1 - iota
	tIdent
	tInt      // decimal or 0x hex integer
	tFloat    // decimal with a fraction: only times use it
	tIPv4     // 1.2.3.4
	tIPv6     // 2001:db8::1 (needs "::" or at least two colons)
	tString   // "..." (text holds the unquoted value)
	tBacktick // `...` (text holds the inside)
	tOption   // --name (text holds the name); "=value" follows as tokens
	tCode     // %{ ... }% (text holds the trimmed inside)
	tDirective
	tEllipsis // ...
)

type token struct {
	kind tokKind
	text string
	pos  Pos
	off  int // byte offset of the token start
}

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of file"
	case tIdent:
		return "identifier"
	case tInt:
		return "integer"
	case tFloat:
		return "number"
	case tIPv4, tIPv6:
		return "address"
	case tString:
		return "string"
	case tBacktick:
		return "backtick command"
	case tOption:
		return "option"
	case tCode:
		return "%{ code }%"
	case tDirective:
		return "directive"
	case tEllipsis:
		return "\"...\""
	}
	return fmt.Sprintf("%q", rune(k))
}

// lexer is a pull tokenizer over the whole script. The grammar is free-form
// (calls and chunk lists span lines), so newlines are whitespace; the two
// line-oriented constructs (#directives at the start of a line, and result
// notes, which are prose) are handled by dedicated scans. Columns count bytes.
type lexer struct {
	src  string
	off  int
	line int
	col  int
}

// ParseError is a syntax error at a source position.
type ParseError struct {
	Pos Pos
	Msg string
}

func (e *ParseError) Error() string { return e.Pos.String() + ": " + e.Msg }

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, col: 1} }

func (l *lexer) errf(p Pos, format string, args ...any) *ParseError {
	return &ParseError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

func (l *lexer) peekByte(i int) byte {
	if l.off+i < len(l.src) {
		return l.src[l.off+i]
	}
	return 0
}

// atLineStart reports whether only blanks precede the current offset on its line.
func (l *lexer) atLineStart() bool {
	for i := l.off - 1; i >= 0; i-- {
		switch l.src[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
			continue
		default:
			return false
		}
	}
	return true
}

// skipSpace skips whitespace and comments.
func (l *lexer) skipSpace() *ParseError {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '/' && l.peekByte(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peekByte(1) == '*':
			p := Pos{l.line, l.col}
			i := strings.Index(l.src[l.off+2:], "*/")
			if i < 0 {
				return l.errf(p, "unterminated /* comment")
			}
			l.advance(i + 4)
		default:
			return nil
		}
	}
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }

// next returns the next token.
func (l *lexer) next() (token, *ParseError) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	t := token{pos: Pos{l.line, l.col}, off: l.off}
	if l.off >= len(l.src) {
		t.kind = tEOF
		return t, nil
	}
	c := l.src[l.off]
	start := l.off
	switch {
	case c == '#' && l.atLineStart():
		end := strings.IndexByte(l.src[l.off:], '\n')
		if end < 0 {
			end = len(l.src) - l.off
		}
		t.kind, t.text = tDirective, strings.TrimSpace(l.src[l.off+1:l.off+end])
		l.advance(end)
	case c == '-' && l.peekByte(1) == '-' && isLetter(l.peekByte(2)):
		n := 2
		for l.off+n < len(l.src) && (isLetter(l.src[l.off+n]) || isDigit(l.src[l.off+n])) {
			n++
		}
		t.kind, t.text = tOption, l.src[l.off+2:l.off+n]
		l.advance(n)
	case c == '%' && l.peekByte(1) == '{':
		i := strings.Index(l.src[l.off+2:], "}%")
		if i < 0 {
			return t, l.errf(t.pos, "unterminated %%{ code }%% block")
		}
		t.kind, t.text = tCode, strings.Trim(l.src[l.off+2:l.off+2+i], " \t")
		l.advance(i + 4)
	case c == '.' && isDigit(l.peekByte(1)):
		l.scanNumber(&t)
	case c == '.' && l.peekByte(1) == '.' && l.peekByte(2) == '.':
		t.kind = tEllipsis
		l.advance(3)
	case c == '"':
		s, n, err := scanString(l.src[l.off:])
		if err != "" {
			return t, l.errf(t.pos, "%s", err)
		}
		t.kind, t.text = tString, s
		l.advance(n)
	case c == '`':
		i := strings.IndexByte(l.src[l.off+1:], '`')
		if i < 0 {
			return t, l.errf(t.pos, "unterminated backtick command")
		}
		t.kind, t.text = tBacktick, l.src[l.off+1:l.off+1+i]
		l.advance(i + 2)
	case isDigit(c) || c == ':' && l.peekByte(1) == ':':
		if n, ok := l.scanIPv6(); ok {
			t.kind, t.text = tIPv6, l.src[start:start+n]
			l.advance(n)
			break
		}
		if c == ':' {
			t.kind = tokKind(c)
			l.advance(1)
			break
		}
		l.scanNumber(&t)
	case isLetter(c):
		if n, ok := l.scanIPv6(); ok {
			t.kind, t.text = tIPv6, l.src[start:start+n]
			l.advance(n)
			break
		}
		n := 0
		for l.off+n < len(l.src) {
			b := l.src[l.off+n]
			if isLetter(b) || isDigit(b) {
				n++
				continue
			}
			// Join "I-DATA" style chunk names: upper-case words linked by '-'.
			if b == '-' && l.off+n+1 < len(l.src) && isUpper(l.src[l.off+n+1]) && allUpper(l.src[l.off:l.off+n]) {
				n++
				continue
			}
			break
		}
		t.kind, t.text = tIdent, l.src[start:start+n]
		l.advance(n)
	case strings.IndexByte("+-~*<>:;,=|&()[]{}/", c) >= 0:
		t.kind = tokKind(c)
		l.advance(1)
	default:
		return t, l.errf(t.pos, "unexpected character %q", c)
	}
	return t, nil
}

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return s != ""
}

// scanIPv6 recognises an IPv6 literal at the current offset without
// consuming it. A run of hex digits, colons and dots counts only with "::" or
// two or more colons, so SACK gaps ("1:2") and "sctp:" stay separate tokens.
func (l *lexer) scanIPv6() (int, bool) {
	n := 0
	colons := 0
	for l.off+n < len(l.src) {
		b := l.src[l.off+n]
		if b == ':' {
			colons++
		} else if !isHex(b) && b != '.' {
			break
		}
		n++
	}
	if l.off+n < len(l.src) && (isLetter(l.src[l.off+n]) || isDigit(l.src[l.off+n])) {
		return 0, false
	}
	if colons < 2 {
		return 0, false
	}
	if _, err := netip.ParseAddr(l.src[l.off : l.off+n]); err == nil {
		return n, true
	}
	// "ipv6 fd00::1 > fd00::2:" ends the address at the header's colon.
	if n > 1 && l.src[l.off+n-1] == ':' {
		if _, err := netip.ParseAddr(l.src[l.off : l.off+n-1]); err == nil {
			return n - 1, true
		}
	}
	return 0, false
}

// scanNumber lexes an integer, hex integer, decimal number or IPv4 address.
func (l *lexer) scanNumber(t *token) {
	start := l.off
	n := 0
	if l.src[l.off] == '0' && (l.peekByte(1) == 'x' || l.peekByte(1) == 'X') && isHex(l.peekByte(2)) {
		n = 2
		for l.off+n < len(l.src) && isHex(l.src[l.off+n]) {
			n++
		}
		t.kind, t.text = tInt, l.src[start:start+n]
		l.advance(n)
		return
	}
	dots := 0
	for l.off+n < len(l.src) {
		b := l.src[l.off+n]
		if isDigit(b) {
			n++
			continue
		}
		// A dot continues the number only if a digit follows, so "0.0...0.1"
		// splits into 0.0, "...", 0.1.
		if b == '.' && l.off+n+1 < len(l.src) && isDigit(l.src[l.off+n+1]) && dots < 3 {
			dots++
			n++
			continue
		}
		break
	}
	t.text = l.src[start : start+n]
	switch dots {
	case 0:
		t.kind = tInt
	case 1:
		t.kind = tFloat
	default:
		t.kind = tIPv4
	}
	l.advance(n)
}

// scanString reads a double-quoted string with C-style escapes; it returns
// the unescaped value and the number of bytes consumed.
func scanString(s string) (string, int, string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), i + 1, ""
		case '\n':
			return "", 0, "newline in string"
		case '\\':
			i++
			if i >= len(s) {
				return "", 0, "unterminated string"
			}
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x':
				if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
					b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
					i += 2
				} else {
					return "", 0, "bad \\x escape in string"
				}
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, "unterminated string"
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// rawParen returns the text between an opening parenthesis at offset open
// and its matching close on the same line, and moves the lexer past it. It
// reads result notes such as "(Operation now in progress)" verbatim, since
// they are prose rather than tokens.
func (l *lexer) rawParen(open int, p Pos) (string, *ParseError) {
	depth := 0
	for i := open; i < len(l.src); i++ {
		switch l.src[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				text := l.src[open+1 : i]
				l.off, l.line, l.col = open, p.Line, p.Col
				l.advance(i + 1 - open)
				return strings.TrimSpace(text), nil
			}
		case '\n':
			return "", l.errf(p, "unterminated note: missing ')' on the same line")
		}
	}
	return "", l.errf(p, "unterminated note")
}
