package sctptest

import (
	"fmt"
	"time"
)

// EventKind says what an Event reports.
type EventKind uint8

// Event kinds.
const (
	// EventSend: a packet entered a link direction and its fate was
	// decided (Verdict, Due, Bit).
	EventSend EventKind = iota + 1
	// EventDeliver: a copy was handed to the receiving stack.
	EventDeliver
	// EventDrop: a copy in flight was dropped on arrival (direction cut
	// meanwhile, dropped by a filter, receiving NIC detached, or network
	// closed).
	EventDrop
)

// String implements fmt.Stringer.
func (k EventKind) String() string {
	switch k {
	case EventSend:
		return "send"
	case EventDeliver:
		return "deliver"
	case EventDrop:
		return "drop"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one entry of the decision log passed to Options.Trace. With the
// same seed, configuration and traffic, the sequence of events of each link
// direction is identical from run to run.
type Event struct {
	Kind EventKind
	// At is the network time (time since New) of the event.
	At   time.Duration
	Link int
	Dir  Dir
	// Index numbers the packets of one direction in send order, from 0.
	// Both copies of a duplicated packet carry the same Index.
	Index uint64
	// Size is the packet size in bytes (IP header included).
	Size int
	// Verdict is the send-time decision for EventSend. For EventDeliver
	// and EventDrop it holds the arrival flags instead: Duplicated marks
	// the second copy, and DropFilter, Replaced and Intercepted report
	// what the direction's hooks did (see Link.SetFilter).
	Verdict Verdict
	// Due is the scheduled arrival time (EventSend of a packet not dropped).
	Due time.Duration
	// Bit is the index of the flipped bit (counting from the first bit of
	// the IP header) when Verdict has Corrupted, else -1.
	Bit int
}

// String implements fmt.Stringer; it is meant for logs and diffs.
func (e Event) String() string {
	s := fmt.Sprintf("%v %s link%d/%v #%d %dB %v", e.At, e.Kind, e.Link, e.Dir, e.Index, e.Size, e.Verdict)
	if e.Kind == EventSend && !e.Verdict.Dropped() {
		s += fmt.Sprintf(" due=%v", e.Due)
	}
	if e.Bit >= 0 {
		s += fmt.Sprintf(" bit=%d", e.Bit)
	}
	return s
}
