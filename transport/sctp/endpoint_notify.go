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
