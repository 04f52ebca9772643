package adapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Sentinel errors. The *net.OpError values returned by this package wrap
// them, so callers test with errors.Is rather than by matching strings.
var (
	// ErrClosed is returned by operations on a Conn or Listener after its
	// Close (or Abort), and by operations that Close interrupted. It is
	// net.ErrClosed, so code written for the net package keeps working.
	ErrClosed = net.ErrClosed

	// ErrTimeout is returned when a deadline set with SetDeadline,
	// SetReadDeadline or SetWriteDeadline passes, or when the context given
	// to DialContext reaches its deadline. It is a net.Error whose Timeout
	// reports true, and errors.Is matches it against os.ErrDeadlineExceeded
	// and context.DeadlineExceeded as well.
	ErrTimeout error = &timeoutError{msg: "i/o timeout"}

	// ErrAssocTimeout is returned when the stack gave the association up
	// because the peer stopped answering: INIT or COOKIE ECHO retransmitted
	// Max.Init.Retransmits times while dialing (RFC 9260 5.1), or the
	// association's error counter passing Association.Max.Retrans
	// (RFC 9260 8.1). errors.Is matches it against ErrTimeout (it is a
	// timeout) and syscall.ETIMEDOUT, but not against
	// os.ErrDeadlineExceeded: retrying the same call on the same Conn
	// cannot succeed.
	ErrAssocTimeout error = &timeoutError{msg: "sctp: association timed out (peer not responding)", assoc: true}

	// ErrRefused is returned by Dial when the peer answered the INIT with an
	// ABORT, typically because nothing listens on the port (RFC 9260 8.4).
	// It is syscall.ECONNREFUSED, as for a refused TCP connection.
	ErrRefused error = syscall.ECONNREFUSED

	// ErrReset is returned once the peer has aborted the association with
	// an ABORT chunk. When the ABORT carried an error cause the error is an
	// *AbortError, which errors.Is also matches against ErrReset. It is
	// syscall.ECONNRESET, as for a TCP connection reset by a RST.
	ErrReset error = syscall.ECONNRESET

	// ErrWriteClosed is returned by writes after CloseWrite, or after the
	// peer started a graceful shutdown: from then on SCTP accepts no new
	// user data (RFC 9260 9.2). It is syscall.EPIPE, as for TCP.
	ErrWriteClosed error = syscall.EPIPE

	// ErrMessageTooLong is returned by writes of a message larger than the
	// send buffer, which could never be queued whole. It is
	// syscall.EMSGSIZE, as on a Linux SCTP socket.
	ErrMessageTooLong error = syscall.EMSGSIZE

	// ErrInvalidStream is returned by WriteMsg for a stream identifier not
	// below the number of outbound streams of the association (see
	// Status; RFC 9260 6.5).
	ErrInvalidStream = errors.New("sctp: invalid stream identifier")

	// ErrEmptyMessage is returned by WriteMsg for an empty message: a DATA
	// chunk must carry at least one byte (RFC 9260 3.3.1).
	ErrEmptyMessage = errors.New("sctp: empty message")
)

// timeoutError is the type of ErrTimeout and ErrAssocTimeout. Its Timeout
// and Temporary methods make it a net.Error like the net package's own
// timeout errors.
type timeoutError struct {
	msg string
	// assoc marks ErrAssocTimeout: a protocol-level failure, not a passed
	// deadline.
	assoc bool
}

func (e *timeoutError) Error() string   { return e.msg }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return !e.assoc }

// Is makes errors.Is(ErrTimeout, os.ErrDeadlineExceeded) and
// errors.Is(ErrTimeout, context.DeadlineExceeded) true, and
// errors.Is(ErrAssocTimeout, ErrTimeout) true.
func (e *timeoutError) Is(target error) bool {
	if e.assoc {
		return target == ErrTimeout || target == syscall.ETIMEDOUT
	}
	return target == os.ErrDeadlineExceeded || target == context.DeadlineExceeded
}

// AbortError is the error returned after the peer aborted the association
// with an ABORT chunk that carried an error cause (RFC 9260 3.3.7). It
// reports the first cause; errors.Is(err, ErrReset) is true for it.
type AbortError struct {
	// Cause is the cause code, for example header.CauseUserInitiatedAbort
	// when the peer application aborted.
	Cause header.CauseCode
	// Info is the cause-specific information (for a User-Initiated Abort,
	// the upper layer's reason, if any).
	Info []byte
}

// Error implements error.
func (e *AbortError) Error() string {
	if len(e.Info) == 0 {
		return fmt.Sprintf("%v: ABORT by peer, cause %v", ErrReset, e.Cause)
	}
	return fmt.Sprintf("%v: ABORT by peer, cause %v (%q)", ErrReset, e.Cause, e.Info)
}

// Unwrap returns ErrReset, so errors.Is(err, ErrReset) holds.
func (e *AbortError) Unwrap() error { return ErrReset }

// StackError carries a netstack error this package has no sentinel for, so
// callers can still inspect it with errors.As.
type StackError struct {
	Err tcpip.Error
}

// Error implements error.
func (e *StackError) Error() string { return e.Err.String() }

// causer is the part of the endpoint that reports why it was aborted. It is
// an interface so the translation can be tested without an association.
type causer interface {
	AbortCause() (header.CauseCode, []byte, bool)
}

// translate turns a netstack error into the error placed in a
// net.OpError's Err field. ep, if not nil, is asked for the ABORT cause of
// a reset.
func translate(err tcpip.Error, ep causer) error {
	switch err.(type) {
	case *tcpip.ErrClosedForReceive:
		return io.EOF
	case *tcpip.ErrConnectionRefused:
		return ErrRefused
	case *tcpip.ErrConnectionReset:
		if ep != nil {
			if code, info, ok := ep.AbortCause(); ok {
				return &AbortError{Cause: code, Info: append([]byte(nil), info...)}
			}
		}
		return ErrReset
	case *tcpip.ErrTimeout:
		return ErrAssocTimeout
	case *tcpip.ErrClosedForSend:
		return ErrWriteClosed
	case *tcpip.ErrConnectionAborted:
		return syscall.ECONNABORTED
	case *tcpip.ErrMessageTooLong:
		return ErrMessageTooLong
	case *tcpip.ErrNotConnected:
		return syscall.ENOTCONN
	default:
		return &StackError{Err: err}
	}
}
