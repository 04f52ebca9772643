// Package script parses nplab packetdrill SCTP scripts into a typed AST.
//
// It is the first layer of the packetdrill runner (see ../README.md): the
// runner needs to know, line by line, which socket call to make and which
// packet to inject or expect, with every SCTP field either a concrete value
// or a wildcard, so that it can translate tags and TSNs between the script's
// and our stack's numbering and compare packets field by field. Parsing is
// kept separate from execution so it can be tested against the whole corpus
// before the execution-side APIs exist.
package script

import (
	"fmt"
	"time"
)

// Pos is a 1-based source position, kept on every statement, chunk, parameter,
// cause and field so the runner can report mismatches against the script line.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Script is a parsed packetdrill file.
type Script struct {
	// Options are the `--name=value` command-line options a script carries
	// (e.g. --tolerance_usecs), in source order.
	Options []*Option
	// InitCommand is a backtick command given before the first event with
	// no time; packetdrill runs it before the script starts. Nil if absent.
	InitCommand *Command
	// Statements are the events and conditional blocks in source order.
	Statements []Statement
}

// Statement is a top-level script element: *Option, *Event or *Conditional.
type Statement interface {
	Position() Pos
	isStatement()
}

// Option is a `--name=value` line. Options also appear in Script.Options;
// they are kept in Statements too so their placement round-trips.
type Option struct {
	Pos   Pos
	Name  string
	Value Value // Int, Ident, String or Addr
}

// Conditional is a `#ifdef SYM` / `#ifndef SYM` block. The corpus uses them
// to hold platform-specific expectations (Linux vs FreeBSD); the runner picks
// a branch with Script.Resolve.
type Conditional struct {
	Pos     Pos
	Negate  bool // #ifndef
	Symbol  string
	Then    []Statement
	Else    []Statement // nil when there is no #else
	HasElse bool
}

// Event is one timed line: a socket call, a packet or a shell command.
type Event struct {
	Pos    Pos
	Time   Time
	Action Action
}

func (o *Option) Position() Pos      { return o.Pos }
func (c *Conditional) Position() Pos { return c.Pos }
func (e *Event) Position() Pos       { return e.Pos }
func (*Option) isStatement()         {}
func (*Conditional) isStatement()    {}
func (*Event) isStatement()          {}

// TimeKind says how an event's time is anchored.
type TimeKind uint8

const (
	// TimeAbsolute is "0.1": seconds since the script started.
	TimeAbsolute TimeKind = iota
	// TimeRelative is "+0.1": seconds after the previous event.
	TimeRelative
	// TimeAny is "*": whenever it happens (outbound packets only, in practice).
	TimeAny
)

// SpanKind says whether a time is a point, a tolerance range or a blocking span.
type SpanKind uint8

const (
	SpanNone     SpanKind = iota
	SpanRange             // "0.1~0.2": the event must happen within [Start, End]
	SpanBlocking          // "0.1...0.2": a blocking call starting at Start, returning at End
)

// Time is an event's time spec. Durations are exact: the decimal text is
// converted without going through floating point, so printing round-trips.
type Time struct {
	Kind  TimeKind
	Start time.Duration
	Span  SpanKind
	End   time.Duration
	// EndRelative is set for "+a~+b": End is relative to the previous event.
	EndRelative bool
}

// Action is what an event does: *Syscall, *Packet, *Command or *Code.
type Action interface{ isAction() }

// Command is a backtick shell line, e.g. `sysctl -w ...`. The corpus uses it
// for platform sysctls that the runner will map or ignore.
type Command struct {
	Text string
}

// Syscall is a socket API call with its expected result:
// name(args) = Ret [Errno] [(Note)].
type Syscall struct {
	Name  string
	Args  []Value
	Ret   Value
	Errno string // e.g. "EINPROGRESS"; empty if none
	// Note is the free text in parentheses after the result, e.g.
	// "Operation now in progress" or "flags O_RDWR". It is documentation.
	Note    string
	HasNote bool
}

// Code is a "%{ ... }%" snippet (Python in packetdrill) run at that time.
type Code struct {
	Text string
}

func (*Command) isAction() {}
func (*Code) isAction()    {}
func (*Syscall) isAction() {}
func (*Packet) isAction()  {}

// Direction is a packet's direction relative to the stack under test.
type Direction uint8

const (
	// Inbound ("<") packets are injected into the stack under test.
	Inbound Direction = iota
	// Outbound (">") packets must be sent by the stack under test.
	Outbound
)

// Packet is a "<" or ">" line. Exactly one of SCTP and ICMP is set.
type Packet struct {
	Dir Direction
	// Encaps are outer headers given before the packet ("ipv4 A > B:",
	// "ipv6 A > B:", "gre:", "mpls (label ...):"), outermost first.
	Encaps []*Encap
	// ECN is the IP ECN marking from a "[ect0]"-style prefix, empty if absent.
	ECN  string
	SCTP *SCTPPacket
	ICMP *ICMPPacket
}

// Encap is one outer header of an encapsulated packet.
type Encap struct {
	Kind     string // "ipv4", "ipv6", "gre" or "mpls"
	Src, Dst Value  // addresses for ipv4/ipv6
	MPLS     []MPLSEntry
}

// MPLSEntry is "(label L, tc T, [S], ttl N)" in an mpls encapsulation.
type MPLSEntry struct {
	Label, TC, TTL Value
	Bottom         bool // the "[S]" bottom-of-stack marker
}

// UDPEncap is "/udp(sport > dport)": SCTP over UDP (RFC 6951).
type UDPEncap struct {
	Src, Dst Value
}

// SCTPPacket is "sctp[(bad_crc32c, tag=N)][/udp(s > d)]: chunk; chunk; ...".
type SCTPPacket struct {
	// BadCRC32C asks for a wrong checksum on an injected packet.
	BadCRC32C bool
	// Tag is the explicit verification tag from "sctp(tag=N)", nil if the
	// runner should use the association's tag (the normal case).
	Tag Value
	UDP *UDPEncap
	// Chunks in wire order; may be empty ("sctp: " with nothing after it).
	Chunks []*Chunk
	// IsRaw marks a packet whose chunks are given as raw bytes
	// ("sctp: [0x01, 0x00, ...]"); Raw then holds them and Chunks is empty.
	IsRaw bool
	Raw   []byte
}

// ICMPPacket is "[sctp(N)] icmp TYPE [CODE] [mtu M]": an ICMP error quoting
// the start of a packet of ours (for SCTP, its common header with tag N).
type ICMPPacket struct {
	Echoed *Echoed // nil when no quoted header is given
	Type   string  // e.g. "unreachable"
	Code   string  // e.g. "frag_needed"; empty if absent
	MTU    Value   // nil if absent
}

// Echoed describes the quoted packet of an ICMP error: "sctp(tag)",
// "udp(len)" or "udplite(len, coverage)", optionally with "/udp(s > d)".
type Echoed struct {
	Proto string
	Args  []Value
	UDP   *UDPEncap
}

// Chunk is one SCTP chunk spec such as DATA[flgs=BE, tsn=1, ...].
type Chunk struct {
	Pos  Pos
	Kind ChunkKind
	// Fields in source order; each name is valid for Kind (see chunks.go).
	Fields []*Field
	// Params holds nested parameters (INIT, INIT_ACK, HEARTBEAT, RECONFIG...).
	Params []*Param
	// Causes holds nested error causes (ABORT, ERROR).
	Causes []*Cause
	// More is a trailing "..." in the list: any further parameters/causes match.
	More bool
}

// Param is an SCTP parameter spec such as STATE_COOKIE[len=4, val=...].
type Param struct {
	Pos    Pos
	Kind   ParamKind
	Fields []*Field
	// Any is "NAME[...]": the parameter must be present, content unchecked.
	Any bool
}

// Cause is an SCTP error cause spec such as INVALID_STREAM_IDENTIFIER[sid=1].
type Cause struct {
	Pos    Pos
	Kind   CauseKind
	Fields []*Field
	// Any is "NAME[...]": the cause must be present, content unchecked.
	Any bool
}

// Field is "name=value" inside a chunk, parameter or cause.
type Field struct {
	Pos   Pos
	Name  string
	Value Value
}

// Field returns the named field of c, or nil.
func (c *Chunk) Field(name string) *Field { return findField(c.Fields, name) }

// Field returns the named field of p, or nil.
func (p *Param) Field(name string) *Field { return findField(p.Fields, name) }

// Field returns the named field of c, or nil.
func (c *Cause) Field(name string) *Field { return findField(c.Fields, name) }

func findField(fs []*Field, name string) *Field {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Resolve flattens conditional blocks: a "#ifdef SYM" branch is taken when
// defined(SYM) is true. The runner calls it with the platform it emulates.
func (s *Script) Resolve(defined func(string) bool) []Statement {
	return resolve(s.Statements, defined)
}

func resolve(in []Statement, defined func(string) bool) []Statement {
	var out []Statement
	for _, st := range in {
		c, ok := st.(*Conditional)
		if !ok {
			out = append(out, st)
			continue
		}
		if defined(c.Symbol) != c.Negate {
			out = append(out, resolve(c.Then, defined)...)
		} else {
			out = append(out, resolve(c.Else, defined)...)
		}
	}
	return out
}
