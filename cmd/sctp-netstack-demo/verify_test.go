package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/adapter"
)

// testPlan is a small plan with fragmented sizes and both orderings.
func testPlan(t *testing.T) *plan {
	t.Helper()
	p := newPlan(7, 2, 8, 100, 300)
	require.NotEmpty(t, p.ordered[0])
	require.GreaterOrEqual(t, len(p.ordered[1]), 2)
	return p
}

// echo returns the correct echo of message id.
func echo(p *plan, id uint32) ([]byte, adapter.RecvInfo) {
	m := &p.msgs[id]
	b := make([]byte, m.size)
	p.fill(m, b)
	return b, adapter.RecvInfo{Stream: m.stream, PPID: m.ppid(), Unordered: m.unordered, Complete: true}
}

// TestVerifierAcceptsGoodEchoes feeds every echo, unordered ones first:
// all must be verified.
func TestVerifierAcceptsGoodEchoes(t *testing.T) {
	p := testPlan(t)
	r := &Result{MaxUnfragmented: 100}
	r.init(p)
	v := newVerifier(p, r)
	for _, unorderedFirst := range []bool{true, false} {
		for i := range p.msgs {
			if p.msgs[i].unordered == unorderedFirst {
				v.check(echo(p, uint32(i)))
			}
		}
	}
	require.Empty(t, r.Problems)
	require.Equal(t, len(p.msgs), r.Verified)
	require.Positive(t, r.Fragmented)
}

// TestVerifierCatchesMistakes shows that each kind of bad echo is a
// problem and is not counted as verified.
func TestVerifierCatchesMistakes(t *testing.T) {
	p := testPlan(t)
	first, second := p.ordered[1][0], p.ordered[1][1]
	for _, tc := range []struct {
		name string
		feed func(v *verifier)
		want string
	}{
		{"wrong stream", func(v *verifier) {
			b, info := echo(p, first)
			info.Stream = 0
			v.check(b, info)
		}, "echo on stream 0"},
		{"wrong PPID", func(v *verifier) {
			b, info := echo(p, first)
			info.PPID ^= 0x01000000
			v.check(b, info)
		}, "PPID"},
		{"ordering flag", func(v *verifier) {
			b, info := echo(p, first)
			info.Unordered = !info.Unordered
			v.check(b, info)
		}, "unordered true"},
		{"truncated", func(v *verifier) {
			b, info := echo(p, first)
			v.check(b[:len(b)-1], info)
		}, "echo has"},
		{"corrupted", func(v *verifier) {
			b, info := echo(p, first)
			b[len(b)-1] ^= 1
			v.check(b, info)
		}, "differs"},
		{"duplicate", func(v *verifier) {
			v.check(echo(p, first))
			v.check(echo(p, first))
		}, "twice"},
		{"out of order", func(v *verifier) {
			v.check(echo(p, second))
		}, "echoed before"},
		{"unknown", func(v *verifier) {
			b, info := echo(p, first)
			b[0] = 0xff
			v.check(b, info)
		}, "unknown message"},
		{"runt", func(v *verifier) {
			v.check([]byte{1, 2, 3}, adapter.RecvInfo{Complete: true})
		}, "shorter than a message header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{}
			r.init(p)
			v := newVerifier(p, r)
			tc.feed(v)
			require.Len(t, r.Problems, 1, "%q", r.Problems)
			require.Contains(t, r.Problems[0], tc.want)
			require.False(t, r.OK())
		})
	}
}

// TestPlanRepeats checks that a seed gives the same messages and another
// seed different ones.
func TestPlanRepeats(t *testing.T) {
	a, b, c := newPlan(1, 3, 10, 1452, 9000), newPlan(1, 3, 10, 1452, 9000), newPlan(2, 3, 10, 1452, 9000)
	require.Equal(t, a.msgs, b.msgs)
	require.NotEqual(t, a.msgs, c.msgs)
	ma, _ := echo(a, 5)
	mb, _ := echo(b, 5)
	mc, _ := echo(c, 5)
	require.Equal(t, ma, mb)
	require.NotEqual(t, ma, mc)
	for _, m := range a.msgs {
		require.GreaterOrEqual(t, m.size, msgHeaderLen)
		require.LessOrEqual(t, m.size, 9000)
	}
}
