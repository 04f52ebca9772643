package runner

import (
	"fmt"
	"strings"
)

// Status is a script's outcome.
type Status int

const (
	// Pass: every event happened as the script says.
	Pass Status = iota
	// Fail: an event did not (Result.Line says which).
	Fail
	// Unsupported: the script needs something the stack or the runner
	// does not have (Result.Reason says what).
	Unsupported
)

func (s Status) String() string {
	switch s {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	}
	return "UNSUPPORTED"
}

// Result is the outcome of one script.
type Result struct {
	Status Status
	// Line is the script line of the failing or unsupported event (0 if
	// none applies).
	Line int
	// Reason is one line: what failed or which feature is missing. For
	// Unsupported it starts with a short category (see Category).
	Reason string
	// Expected and Actual show a packet mismatch side by side (decoded
	// packets in script syntax); empty otherwise.
	Expected, Actual string
}

// Category is the reason up to the first colon: the missing feature for
// Unsupported results, the kind of mismatch for failures. Summaries count
// scripts by it.
func (r Result) Category() string {
	if i := strings.Index(r.Reason, ":"); i > 0 {
		return r.Reason[:i]
	}
	return r.Reason
}

// String prints the result as the command prints it: the status, the line,
// the reason and, for packet mismatches, both packets.
func (r Result) String() string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	if r.Line > 0 {
		fmt.Fprintf(&b, " line %d", r.Line)
	}
	if r.Reason != "" {
		b.WriteString(": " + r.Reason)
	}
	if r.Expected != "" || r.Actual != "" {
		b.WriteString("\n    expected: " + r.Expected)
		b.WriteString("\n    actual:   " + r.Actual)
	}
	return b.String()
}

// unsupportedError stops a run that needs a missing feature.
type unsupportedError struct{ reason string }

func (e *unsupportedError) Error() string { return e.reason }

func unsupported(format string, args ...any) error {
	return &unsupportedError{fmt.Sprintf(format, args...)}
}

// failure is a failed expectation, possibly with two packets to show.
type failure struct {
	msg              string
	expected, actual string
}

func (f *failure) Error() string { return f.msg }

func failf(format string, args ...any) error {
	return &failure{msg: fmt.Sprintf(format, args...)}
}
