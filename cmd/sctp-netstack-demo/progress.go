package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// Progress while the messages fly, and the events that happen meanwhile
// (a link cut, a path failing over). On a terminal one line is rewritten
// in place (carriage return, then erase to the end of the line) ten times
// a second, and an event is printed above it; anywhere else, a log or a
// pipe, control characters would be garbage, so a plain progress line is
// printed every second and events as lines of their own.

const (
	liveInterval  = 100 * time.Millisecond
	plainInterval = time.Second
	// pollInterval is how often the watchers run: path events are shown
	// within a few milliseconds of happening.
	pollInterval = 5 * time.Millisecond
	// eraseLine is the ANSI "erase to end of line" sequence, so a shorter
	// line does not leave the tail of a longer one behind.
	eraseLine = "\x1b[K"
)

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// watcher is polled every pollInterval while the progress line runs; it
// reports what it sees with progress.event.
type watcher func(p *progress)

// progress prints the counters periodically, and the watchers' events as
// they come, until stop.
type progress struct {
	w        io.Writer
	live     bool
	ctr      *counters
	total    int64
	start    time.Time
	watchers []watcher
	// status, if set, is appended to the progress line (e.g. the path
	// data takes).
	status func() string
	quit   chan struct{}
	done   chan struct{}
	// onLine is set while a live progress line is on screen.
	onLine bool
	// pending are the events of the current poll, printed in time order
	// once every watcher has run.
	pending []pendingEvent
}

type pendingEvent struct {
	at  time.Duration
	msg string
}

// startProgress starts printing the progress of ctr towards total
// messages, polling the watchers.
func startProgress(w io.Writer, live bool, ctr *counters, total int64, status func() string, ws ...watcher) *progress {
	p := &progress{w: w, live: live, ctr: ctr, total: total, start: time.Now(), watchers: ws, status: status,
		quit: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *progress) run() {
	defer close(p.done)
	interval := plainInterval
	if p.live {
		interval = liveInterval
	}
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	next := p.start.Add(interval)
	for {
		select {
		case <-p.quit:
			p.poll()
			if p.live {
				// Leave the final state on screen and end the line.
				fmt.Fprintf(p.w, "\r%s%s\n", p.line(), eraseLine)
			}
			return
		case now := <-t.C:
			p.poll()
			if now.Before(next) {
				continue
			}
			next = now.Add(interval)
			if p.live {
				fmt.Fprintf(p.w, "\r%s%s", p.line(), eraseLine)
				p.onLine = true
			} else {
				fmt.Fprintln(p.w, p.line())
			}
		}
	}
}

// poll runs the watchers and prints their events.
func (p *progress) poll() {
	for _, w := range p.watchers {
		w(p)
	}
	sort.SliceStable(p.pending, func(i, j int) bool { return p.pending[i].at < p.pending[j].at })
	for _, e := range p.pending {
		msg := fmt.Sprintf("  %7s  %s", fmtOffset(e.at), e.msg)
		if p.live && p.onLine {
			fmt.Fprintf(p.w, "\r%s%s\n%s%s", msg, eraseLine, p.line(), eraseLine)
		} else {
			fmt.Fprintln(p.w, msg)
		}
	}
	p.pending = p.pending[:0]
}

// elapsed is the time since the progress started.
func (p *progress) elapsed() time.Duration { return time.Since(p.start) }

// event reports an event that happened at (since the start), to be
// printed above the progress line. Only watchers call it, on the progress
// goroutine.
func (p *progress) event(at time.Duration, format string, args ...any) {
	p.pending = append(p.pending, pendingEvent{at, fmt.Sprintf(format, args...)})
}

// fmtOffset formats a time since the start, e.g. "+1.234s".
func fmtOffset(d time.Duration) string {
	return fmt.Sprintf("+%.3fs", max(d, 0).Seconds())
}

// line renders the counters.
func (p *progress) line() string {
	sent, echoed := p.ctr.sentMsgs.Load(), p.ctr.echoedMsgs.Load()
	el := time.Since(p.start)
	rate := float64(p.ctr.echoedBytes.Load()) / max(el.Seconds(), 1e-9)
	s := fmt.Sprintf("  sent %d/%d, echoed %d/%d (%3.0f%%), %s/s, %v",
		sent, p.total, echoed, p.total, 100*float64(echoed)/float64(max(p.total, 1)),
		fmtBytes(int64(rate)), el.Round(10*time.Millisecond))
	if p.status != nil {
		if st := p.status(); st != "" {
			s += ", " + st
		}
	}
	return s
}

// stop stops the printing and waits for the last line.
func (p *progress) stop() {
	close(p.quit)
	<-p.done
}
