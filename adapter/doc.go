// Package adapter gives applications net.Conn and net.Listener values for
// one-to-one (TCP-style) SCTP associations of a gVisor netstack, and a
// net.PacketConn-like ManyConn for one-to-many (UDP-style) endpoints, the way
// gvisor.dev/gvisor/pkg/tcpip/adapters/gonet does for TCP and UDP.
//
// A Conn is one association. Besides the byte-oriented net.Conn methods it
// has message calls, because SCTP is message oriented:
//
//   - Write sends b as one message on stream 0, and Read returns at most one
//     message (or the first part of it when b is too short; the next Read
//     returns the rest). Message boundaries are therefore kept even through
//     plain Read and Write.
//   - WriteMsg and ReadMsg carry the per-message metadata of RFC 9260: the
//     stream identifier, the Payload Protocol Identifier, the unordered flag
//     and, on receive, the stream sequence number, the TSN and whether the
//     returned bytes end the message (RecvInfo.Complete, the equivalent of
//     MSG_EOR on a Linux SCTP socket).
//
// A ManyConn (ListenMany) is a one-to-many endpoint (RFC 6458 3), shaped
// like a net.PacketConn: one port, many associations. ReadMsg returns a
// message with its association id, stream and PPID, or a notification
// (sctp.Notification: COMM_UP, SHUTDOWN, SEND_FAILED...); WriteMsg sends to
// an association by id or to a peer address, setting an association up
// for a new peer; Peeloff turns one association into a Conn.
//
// Errors are *net.OpError values whose Err wraps sentinels that errors.Is
// understands: ErrTimeout (also os.ErrDeadlineExceeded) for deadlines,
// ErrAssocTimeout when the peer stopped answering, ErrRefused, ErrReset (an
// *AbortError carrying the cause when the peer's ABORT had one),
// ErrWriteClosed, ErrMessageTooLong, ErrInvalidStream and ErrClosed
// (net.ErrClosed). A graceful SHUTDOWN by the peer ends reading with a bare
// io.EOF, as in the net package. Errors without a sentinel are *StackError.
//
// Deadlines use the wall clock, like the standard library's: they are set
// with time.Time values from time.Now and fire in real time even when the
// stack runs on a simulated clock.
package adapter
