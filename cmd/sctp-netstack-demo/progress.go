package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Progress while the messages fly. On a terminal one line is rewritten in
// place (carriage return, then erase to the end of the line) ten times a
// second; anywhere else, a log or a pipe, control characters would be
// garbage, so a plain line is printed every second instead.

const (
	liveInterval  = 100 * time.Millisecond
	plainInterval = time.Second
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

// progress prints the counters periodically until stop.
type progress struct {
	w     io.Writer
	live  bool
	ctr   *counters
	total int64
	start time.Time
	quit  chan struct{}
	done  chan struct{}
}

// startProgress starts printing the progress of ctr towards total
// messages.
func startProgress(w io.Writer, live bool, ctr *counters, total int64) *progress {
	p := &progress{w: w, live: live, ctr: ctr, total: total, start: time.Now(),
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
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			if p.live {
				// Leave the final state on screen and end the line.
				fmt.Fprintf(p.w, "\r%s%s\n", p.line(), eraseLine)
			}
			return
		case <-t.C:
			if p.live {
				fmt.Fprintf(p.w, "\r%s%s", p.line(), eraseLine)
			} else {
				fmt.Fprintln(p.w, p.line())
			}
		}
	}
}

// line renders the counters.
func (p *progress) line() string {
	sent, echoed := p.ctr.sentMsgs.Load(), p.ctr.echoedMsgs.Load()
	el := time.Since(p.start)
	rate := float64(p.ctr.echoedBytes.Load()) / max(el.Seconds(), 1e-9)
	return fmt.Sprintf("  sent %d/%d, echoed %d/%d (%3.0f%%), %s/s, %v",
		sent, p.total, echoed, p.total, 100*float64(echoed)/float64(max(p.total, 1)),
		fmtBytes(int64(rate)), el.Round(10*time.Millisecond))
}

// stop stops the printing and waits for the last line.
func (p *progress) stop() {
	close(p.quit)
	<-p.done
}
