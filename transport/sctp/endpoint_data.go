package sctp

import (
	"gvisor.dev/gvisor/pkg/waiter"
)

// UnsentMessage is a message an association could not deliver because it
// failed (RFC 9260 11.1 O and P, RECEIVE UNSENT and RECEIVE UNACKED
// MESSAGE).
type UnsentMessage struct {
	Info SendInfo
	// Data is the whole message as written.
	Data []byte
	// Sent is set if some of it was transmitted (the peer may hold part
	// of it, never delivered); otherwise it never left.
	Sent bool
}

// UnsentMessages returns, once, the messages that were written but not
// acknowledged when the association failed (the peer's ABORT, a timeout,
// a reset) or was aborted by Abort, in the order they were written. It returns nil for an association that is
// alive or ended gracefully (a graceful shutdown delivers everything,
// RFC 9260 9.2).
func (e *Endpoint) UnsentMessages() []UnsentMessage {
	a := e.getAssoc()
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.out.failed
	a.out.failed = nil
	return m
}

// SetNoDelay turns the Nagle-like coalescing of small messages off (true)
// or on (false, the default), like SCTP_NODELAY (RFC 6458 8.1.5). Turning
// it off sends what the coalescing holds back at once, as TCP_NODELAY
// does on Linux, so that an application can flush the end of a burst
// rather than wait for the acknowledgement of the data before it (which a
// peer may delay by SACK.Delay).
func (e *Endpoint) SetNoDelay(on bool) {
	e.noDelay.Store(on)
	a := e.getAssoc()
	if a != nil {
		a.mu.Lock()
		a.nodelay = on
		if on && !a.dead {
			a.transmit()
		}
		a.unlockAndFlush()
	}
}

// SetSendBufferSize and SetReceiveBufferSize set the buffer sizes in bytes
// (SO_SNDBUF, SO_RCVBUF). The receive buffer counts before the association
// is set up (its size is the window the INIT announces); the send buffer
// may change at any time.
func (e *Endpoint) SetSendBufferSize(n int) {
	e.sockOpts().SetSendBufferSize(int64(n), true)
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		a.sndbuf = e.sndbufSize()
		a.notify |= waiter.WritableEvents
		a.unlockAndFlush()
	}
}

// SetReceiveBufferSize: see SetSendBufferSize.
func (e *Endpoint) SetReceiveBufferSize(n int) {
	e.sockOpts().SetReceiveBufferSize(int64(n), true)
}
