package script

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Format prints a script in canonical form: one statement per line, single
// spaces, no comments, chunk/parameter names in their canonical spelling.
// Parsing the output yields the same AST (positions aside), which the
// round-trip test checks over the corpus; it is meant for debugging the
// parser and for showing the runner's view of a script.
func Format(s *Script) string {
	var b strings.Builder
	for _, st := range s.Statements {
		if _, ok := st.(*Option); !ok {
			break
		}
		formatBlock(&b, []Statement{st})
	}
	if s.InitCommand != nil {
		b.WriteString("`" + s.InitCommand.Text + "`\n")
	}
	i := 0
	for i < len(s.Statements) {
		if _, ok := s.Statements[i].(*Option); !ok {
			break
		}
		i++
	}
	formatBlock(&b, s.Statements[i:])
	return b.String()
}

func formatBlock(b *strings.Builder, sts []Statement) {
	for _, st := range sts {
		switch st := st.(type) {
		case *Option:
			b.WriteString("--" + st.Name + "=" + FormatValue(st.Value) + "\n")
		case *Conditional:
			if st.Negate {
				b.WriteString("#ifndef " + st.Symbol + "\n")
			} else {
				b.WriteString("#ifdef " + st.Symbol + "\n")
			}
			formatBlock(b, st.Then)
			if st.HasElse {
				b.WriteString("#else\n")
				formatBlock(b, st.Else)
			}
			b.WriteString("#endif\n")
		case *Event:
			b.WriteString(FormatEvent(st))
			b.WriteByte('\n')
		}
	}
}

// FormatEvent prints one event on a single line.
func FormatEvent(e *Event) string {
	return FormatTime(e.Time) + " " + FormatAction(e.Action)
}

// FormatTime prints a time spec ("+0.1", "*", "0.1~0.2").
func FormatTime(t Time) string {
	var s string
	switch t.Kind {
	case TimeAny:
		return "*"
	case TimeRelative:
		s = "+"
	}
	s += formatSeconds(t.Start)
	switch t.Span {
	case SpanRange:
		s += "~"
	case SpanBlocking:
		s += "..."
	default:
		return s
	}
	if t.EndRelative {
		s += "+"
	}
	return s + formatSeconds(t.End)
}

func formatSeconds(d time.Duration) string {
	whole := int64(d / time.Second)
	frac := int64(d % time.Second)
	f := strings.TrimRight(fmt.Sprintf("%09d", frac), "0")
	if f == "" {
		f = "0"
	}
	return strconv.FormatInt(whole, 10) + "." + f
}

// FormatAction prints a socket call, packet or command.
func FormatAction(a Action) string {
	switch a := a.(type) {
	case *Command:
		return "`" + a.Text + "`"
	case *Code:
		return "%{ " + a.Text + " }%"
	case *Syscall:
		return formatSyscall(a)
	case *Packet:
		return formatPacket(a)
	}
	return fmt.Sprintf("<unknown action %T>", a)
}

func formatSyscall(s *Syscall) string {
	var b strings.Builder
	b.WriteString(s.Name + "(" + formatValues(s.Args) + ") = " + FormatValue(s.Ret))
	if s.Errno != "" {
		b.WriteString(" " + s.Errno)
	}
	if s.HasNote {
		b.WriteString(" (" + s.Note + ")")
	}
	return b.String()
}

func formatPacket(p *Packet) string {
	var b strings.Builder
	if p.Dir == Inbound {
		b.WriteString("< ")
	} else {
		b.WriteString("> ")
	}
	for _, e := range p.Encaps {
		switch e.Kind {
		case "ipv4", "ipv6":
			b.WriteString(e.Kind + " " + FormatValue(e.Src) + " > " + FormatValue(e.Dst) + ": ")
		case "mpls":
			b.WriteString("mpls")
			for _, m := range e.MPLS {
				b.WriteString(" (label " + FormatValue(m.Label) + ", tc " + FormatValue(m.TC) + ", ")
				if m.Bottom {
					b.WriteString("[S], ")
				}
				b.WriteString("ttl " + FormatValue(m.TTL) + ")")
			}
			b.WriteString(": ")
		default:
			b.WriteString(e.Kind + ": ")
		}
	}
	if p.ECN != "" {
		b.WriteString("[" + p.ECN + "] ")
	}
	if ic := p.ICMP; ic != nil {
		if e := ic.Echoed; e != nil {
			b.WriteString("[" + e.Proto + "(" + formatValues(e.Args) + ")" + formatUDP(e.UDP) + "] ")
		}
		b.WriteString("icmp " + ic.Type)
		if ic.Code != "" {
			b.WriteString(" " + ic.Code)
		}
		if ic.MTU != nil {
			b.WriteString(" mtu " + FormatValue(ic.MTU))
		}
		return b.String()
	}
	sp := p.SCTP
	b.WriteString("sctp")
	switch {
	case sp.BadCRC32C && sp.Tag != nil:
		b.WriteString("(bad_crc32c, tag=" + FormatValue(sp.Tag) + ")")
	case sp.BadCRC32C:
		b.WriteString("(bad_crc32c)")
	case sp.Tag != nil:
		b.WriteString("(tag=" + FormatValue(sp.Tag) + ")")
	}
	b.WriteString(formatUDP(sp.UDP) + ":")
	if sp.IsRaw {
		parts := make([]string, len(sp.Raw))
		for i, x := range sp.Raw {
			parts[i] = fmt.Sprintf("0x%02x", x)
		}
		b.WriteString(" [" + strings.Join(parts, ", ") + "]")
		return b.String()
	}
	for i, c := range sp.Chunks {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + FormatChunk(c))
	}
	return b.String()
}

func formatUDP(u *UDPEncap) string {
	if u == nil {
		return ""
	}
	return "/udp(" + FormatValue(u.Src) + " > " + FormatValue(u.Dst) + ")"
}

// FormatChunk prints a chunk spec, e.g. DATA[flgs=BE, len=1016, tsn=1].
func FormatChunk(c *Chunk) string {
	parts := formatFields(c.Fields)
	for _, p := range c.Params {
		parts = append(parts, FormatValue(p))
	}
	for _, cs := range c.Causes {
		parts = append(parts, FormatValue(cs))
	}
	if c.More {
		parts = append(parts, "...")
	}
	return c.Kind.String() + "[" + strings.Join(parts, ", ") + "]"
}

func formatFields(fs []*Field) []string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, f.Name+"="+FormatValue(f.Value))
	}
	return parts
}

func formatValues(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = FormatValue(v)
	}
	return strings.Join(parts, ", ")
}

// FormatValue prints a value in script syntax.
func FormatValue(v Value) string {
	switch v := v.(type) {
	case Wildcard:
		return "..."
	case Int:
		if v.Hex {
			if v.V < 0 {
				return fmt.Sprintf("-0x%x", -v.V)
			}
			return fmt.Sprintf("0x%x", v.V)
		}
		return strconv.FormatInt(v.V, 10)
	case Ident:
		return v.Name
	case String:
		if v.Prefix {
			return quote(v.S) + "..."
		}
		return quote(v.S)
	case Addr:
		return v.A.String()
	case *Gap:
		return FormatValue(v.Start) + ":" + FormatValue(v.End)
	case *List:
		return "[" + formatValues(v.Elems) + "]"
	case *Struct:
		parts := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			switch {
			case f.Name == "":
				parts[i] = FormatValue(f.Value)
			case f.Size != nil:
				parts[i] = f.Name + "(" + FormatValue(f.Size) + ")=" + FormatValue(f.Value)
			default:
				parts[i] = f.Name + "=" + FormatValue(f.Value)
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *Or:
		parts := make([]string, len(v.Terms))
		for i, t := range v.Terms {
			parts[i] = FormatValue(t)
		}
		return strings.Join(parts, "|")
	case *Call:
		return v.Fn + "(" + formatValues(v.Args) + ")"
	case *Unary:
		x := FormatValue(v.X)
		if strings.HasPrefix(x, "-") {
			x = " " + x // "- -1", not "--1" (an option)
		}
		return v.Op + x
	case *Chunk:
		return FormatChunk(v)
	case *Param:
		if v.Any {
			return v.Kind.String() + "[...]"
		}
		return v.Kind.String() + "[" + strings.Join(formatFields(v.Fields), ", ") + "]"
	case *Cause:
		if v.Any {
			return v.Kind.String() + "[...]"
		}
		return v.Kind.String() + "[" + strings.Join(formatFields(v.Fields), ", ") + "]"
	}
	return fmt.Sprintf("<unknown value %T>", v)
}

// quote writes a string with the escapes the lexer understands.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
