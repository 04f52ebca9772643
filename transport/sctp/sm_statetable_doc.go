package sctp

//go:generate go test -run TestStateTableFile -update-statetable .

import (
	"reflect"
	"runtime"
	"strings"
)

// fnName returns a state function's name without the package path.
func fnName(fn stateFn) string {
	if fn == nil {
		return "(empty)"
	}
	n := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	return n[strings.LastIndexByte(n, '.')+1:]
}

// stateTableMarkdown prints the state table like Figure 2 of the paper:
// one row per event, one column per state, each cell naming its state
// function (and so its RFC 9260 section).
func stateTableMarkdown() string {
	var b strings.Builder
	b.WriteString("# SCTP state table\n\n")
	b.WriteString("Generated from `stateTable` (sm_statetable.go) by `go generate ./transport/sctp`;\n")
	b.WriteString("a test fails when this file is stale. Each cell names the state function run for the\n")
	b.WriteString("event in the state; the digits in a name are the RFC 9260 section it implements\n")
	b.WriteString("(`sfDo5_2_4DupCookie` is section 5.2.4).\n")
	kind := ""
	for ev := eventType(0); ev < numEventTypes; ev++ {
		if k := ev.kind(); k != kind {
			kind = k
			b.WriteString("\n## " + k + "\n\n| Event |")
			for s := State(0); s < numStates; s++ {
				b.WriteString(" " + s.String() + " |")
			}
			b.WriteString("\n|---|")
			for s := State(0); s < numStates; s++ {
				b.WriteString("---|")
			}
			b.WriteString("\n")
		}
		b.WriteString("| " + ev.String() + " |")
		for s := State(0); s < numStates; s++ {
			b.WriteString(" " + fnName(stateTable[ev][s]) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}
