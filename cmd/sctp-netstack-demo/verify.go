package main

import (
	"bytes"

	"github.com/netstack-sctp/sctp/adapter"
)

// The checks that decide the exit status. They live apart from the
// network code so a test can show that they catch each kind of mistake.

// verifier checks echoes against the plan and records the outcome in a
// Result.
type verifier struct {
	p *plan
	r *Result
	// next[s] indexes p.ordered[s]: the ordered message of stream s whose
	// echo must come next.
	next []int
	seen []bool
	want []byte
}

func newVerifier(p *plan, r *Result) *verifier {
	return &verifier{p: p, r: r, next: make([]int, len(p.ordered)), seen: make([]bool, len(p.msgs)),
		want: make([]byte, maxSize)}
}

// check checks one echo: that it is a message that was sent and not
// echoed before, that it came back on its stream with its PPID and
// ordering flag, its length and bytes, and, for an ordered message, that
// it is the next of its stream. A good echo counts as verified, anything
// else as a problem.
func (v *verifier) check(msg []byte, info adapter.RecvInfo) {
	r, p := v.r, v.p
	m, err := p.identify(msg)
	switch {
	case err != nil:
		r.problem("%v", err)
	case v.seen[m.id]:
		r.problem("message %d echoed twice", m.id)
	case info.Stream != m.stream || info.PPID != m.ppid() || info.Unordered != m.unordered:
		r.problem("message %d: sent on stream %d, PPID %#x, unordered %v; echo on stream %d, PPID %#x, unordered %v",
			m.id, m.stream, m.ppid(), m.unordered, info.Stream, info.PPID, info.Unordered)
	case len(msg) != m.size:
		r.problem("message %d: sent %d bytes, echo has %d", m.id, m.size, len(msg))
	case !m.unordered && p.ordered[m.stream][v.next[m.stream]] != m.id:
		r.problem("stream %d: ordered message %d echoed before message %d",
			m.stream, m.id, p.ordered[m.stream][v.next[m.stream]])
	default:
		exp := v.want[:m.size]
		p.fill(m, exp)
		if !bytes.Equal(exp, msg) {
			r.problem("message %d: echo differs from what was sent", m.id)
			return
		}
		v.seen[m.id] = true
		if !m.unordered {
			v.next[m.stream]++
		}
		r.verified(m)
	}
}
