package wire

import (
	"fmt"
	"strings"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// Match compares the chunks a script expects with those the stack sent
// (already translated into script numbering). It returns nil on a match
// or an error naming the first difference.
//
// Rules, after nplab packetdrill: chunks match one to one and in order;
// a field the script leaves out or gives as "..." is not checked, nor is
// the content of NAME[...]. Unlike nplab, parameters and causes are matched
// regardless of their order (RFC 9260 does not fix it); without a trailing
// "..." the chunk may hold no others.
func Match(exp []*script.Chunk, act *Decoded) error {
	if len(exp) != len(act.Chunks) {
		return fmt.Errorf("expected %d chunks, got %d", len(exp), len(act.Chunks))
	}
	for i, e := range exp {
		if err := act.matchChunk(e, act.Chunks[i]); err != nil {
			return fmt.Errorf("chunk %d (%s): %w", i+1, e.Kind, err)
		}
	}
	return nil
}

func (d *Decoded) matchChunk(e, a *script.Chunk) error {
	if e.Kind == script.ChunkGeneric {
		raw, ok := d.Raw[a]
		if !ok {
			return fmt.Errorf("no bytes for %s", a.Kind)
		}
		a = genericChunk(raw)
	}
	if e.Kind != a.Kind {
		return fmt.Errorf("expected %s, got %s", e.Kind, script.FormatChunk(a))
	}
	if err := d.matchFields(e.Fields, a.Fields, e.Kind); err != nil {
		return err
	}
	if err := matchList(len(e.Params), len(a.Params), e.More, func(i, j int) error {
		return d.matchParam(e.Params[i], a.Params[j])
	}, func(i int) string { return script.FormatValue(e.Params[i]) }, func(j int) string { return script.FormatValue(a.Params[j]) }); err != nil {
		return err
	}
	return matchList(len(e.Causes), len(a.Causes), e.More, func(i, j int) error {
		return d.matchCause(e.Causes[i], a.Causes[j])
	}, func(i int) string { return script.FormatValue(e.Causes[i]) }, func(j int) string { return script.FormatValue(a.Causes[j]) })
}

// matchList pairs each expected element with a distinct actual one.
func matchList(ne, na int, more bool, match func(i, j int) error, showE, showA func(int) string) error {
	used := make([]bool, na)
	for i := 0; i < ne; i++ {
		var firstErr error
		found := false
		for j := 0; j < na && !found; j++ {
			if used[j] {
				continue
			}
			if err := match(i, j); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			used[j], found = true, true
		}
		if !found {
			if firstErr != nil && na == ne {
				return fmt.Errorf("%s not found (closest difference: %v)", showE(i), firstErr)
			}
			return fmt.Errorf("%s not found", showE(i))
		}
	}
	if !more {
		var extra []string
		for j, u := range used {
			if !u {
				extra = append(extra, showA(j))
			}
		}
		if len(extra) > 0 {
			return fmt.Errorf("unexpected %s", strings.Join(extra, ", "))
		}
	}
	return nil
}

func (d *Decoded) matchParam(e, a *script.Param) error {
	if e.Kind == script.ParamGeneric {
		raw, ok := d.Raw[a]
		if !ok {
			return fmt.Errorf("no bytes for %s", a.Kind)
		}
		a = genericParam(raw)
		if !e.Any && !fieldsEqualType(e.Fields, a.Fields) {
			return fmt.Errorf("parameter type differs")
		}
	}
	if e.Kind != a.Kind {
		return fmt.Errorf("expected %s, got %s", e.Kind, a.Kind)
	}
	if e.Any {
		return nil
	}
	return d.matchFields(e.Fields, a.Fields, 0)
}

func fieldsEqualType(e, a []*script.Field) bool {
	ef, af := findField(e, "type"), findField(a, "type")
	if ef == nil || script.IsWildcard(ef.Value) {
		return true
	}
	ei, _ := script.IntValue(ef.Value)
	ai, _ := script.IntValue(af.Value)
	return ei == ai
}

func (d *Decoded) matchCause(e, a *script.Cause) error {
	if e.Kind == script.CauseGeneric {
		raw, ok := d.Raw[a]
		if !ok {
			return fmt.Errorf("no bytes for %s", a.Kind)
		}
		a = genericCause(raw)
	}
	if e.Kind != a.Kind {
		return fmt.Errorf("expected %s, got %s", e.Kind, a.Kind)
	}
	if e.Any {
		return nil
	}
	return d.matchFields(e.Fields, a.Fields, 0)
}

func (d *Decoded) matchFields(es, as []*script.Field, k script.ChunkKind) error {
	for _, ef := range es {
		if script.IsWildcard(ef.Value) {
			continue
		}
		af := findField(as, ef.Name)
		if af == nil {
			return fmt.Errorf("field %s: expected %s, absent", ef.Name, script.FormatValue(ef.Value))
		}
		ok := false
		if ef.Name == "flgs" {
			eb, ok1 := script.FlagBits(k, ef.Value)
			ab, ok2 := script.FlagBits(k, af.Value)
			ok = ok1 && ok2 && eb == ab
		} else {
			ok = d.matchValue(ef.Value, af.Value)
		}
		if !ok {
			return fmt.Errorf("field %s: expected %s, actual %s", ef.Name, script.FormatValue(ef.Value), script.FormatValue(af.Value))
		}
	}
	return nil
}

// numeric reads an integer or a symbolic type name as its number.
func numeric(v script.Value) (int64, bool) {
	switch v := v.(type) {
	case script.Int:
		return v.V, true
	case script.Ident:
		if c, ok := script.ChunkTypeCode(v); ok {
			return int64(c), true
		}
		if c, ok := script.AddrTypeCode(v); ok {
			return int64(c), true
		}
	}
	return 0, false
}

func (d *Decoded) matchValue(e, a script.Value) bool {
	if script.IsWildcard(e) {
		return true
	}
	if en, ok := numeric(e); ok {
		an, ok := numeric(a)
		return ok && en == an
	}
	switch e := e.(type) {
	case script.String:
		as, ok := a.(script.String)
		if !ok {
			return false
		}
		if e.Prefix {
			return strings.HasPrefix(as.S, e.S)
		}
		return as.S == e.S
	case script.Addr:
		aa, ok := a.(script.Addr)
		return ok && aa.A == e.A
	case *script.Gap:
		ag, ok := a.(*script.Gap)
		return ok && d.matchValue(e.Start, ag.Start) && d.matchValue(e.End, ag.End)
	case *script.List:
		al, ok := a.(*script.List)
		if !ok {
			return false
		}
		for i, x := range e.Elems {
			if script.IsWildcard(x) && i == len(e.Elems)-1 {
				return true // a trailing "..." matches the rest
			}
			if i >= len(al.Elems) || !d.matchValue(x, al.Elems[i]) {
				return false
			}
		}
		return len(e.Elems) == len(al.Elems)
	case *script.Struct:
		as, ok := a.(*script.Struct)
		if !ok || len(as.Fields) != len(e.Fields) {
			return false
		}
		for i := range e.Fields {
			if !d.matchValue(e.Fields[i].Value, as.Fields[i].Value) {
				return false
			}
		}
		return true
	case *script.Chunk:
		ac, ok := a.(*script.Chunk)
		return ok && d.matchChunk(e, ac) == nil
	case *script.Param:
		ap, ok := a.(*script.Param)
		return ok && d.matchParam(e, ap) == nil
	}
	return false
}
