package sctp

import (
	"io"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// RecvMsg reads the next notification or message of the association, in
// the order they happened (RFC 6458 recvmsg, a notification being
// MSG_NOTIFICATION): a notification is returned alone (n 0), a message as
// ReadMsg returns it. Only subscribed notifications (SetEvents) come;
// those of a failed association are still read before its error.
func (e *Endpoint) RecvMsg(dst io.Writer, count int) (RecvInfo, Notification, int, tcpip.Error) {
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		nt := a.nextNote()
		id := a.id
		a.mu.Unlock()
		if nt != nil {
			return RecvInfo{AssocID: id}, nt, 0, nil
		}
	}
	ri, n, err := e.readMsg(dst, count, false)
	return ri.RecvInfo, nil, n, err
}

// NextInfo describes what the next read returns, without reading it (RFC
// 6458 5.3.6 SCTP_NXTINFO); false when nothing is waiting. A
// notification that goes before the next message is reported as such.
func (e *Endpoint) NextInfo() (NextInfo, bool) {
	a := e.getAssoc()
	if a == nil {
		return NextInfo{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.noteDue() {
		return NextInfo{AssocID: a.id, Notification: a.r().notes[0].n}, true
	}
	if !a.ulp.readable() {
		return NextInfo{}, false
	}
	m := a.ulp.peek()
	return NextInfo{Stream: m.sid, PPID: m.ppid, AssocID: a.id, Length: m.size - m.read,
		Unordered: m.unordered, Complete: m.complete && !m.aborted}, true
}
