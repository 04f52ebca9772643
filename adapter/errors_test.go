package adapter

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

type fakeCauser struct {
	code header.CauseCode
	info []byte
	ok   bool
}

func (f fakeCauser) AbortCause() (header.CauseCode, []byte, bool) { return f.code, f.info, f.ok }

func TestTimeoutErrors(t *testing.T) {
	var ne net.Error
	assert.ErrorAs(t, ErrTimeout, &ne)
	assert.True(t, ne.Timeout())
	assert.ErrorIs(t, ErrTimeout, os.ErrDeadlineExceeded)
	assert.ErrorIs(t, ErrTimeout, context.DeadlineExceeded)

	// An association timeout is a timeout, but not a passed deadline.
	assert.ErrorAs(t, ErrAssocTimeout, &ne)
	assert.True(t, ne.Timeout())
	assert.ErrorIs(t, ErrAssocTimeout, ErrTimeout)
	assert.ErrorIs(t, ErrAssocTimeout, syscall.ETIMEDOUT)
	assert.NotErrorIs(t, ErrAssocTimeout, os.ErrDeadlineExceeded)
	assert.NotErrorIs(t, ErrTimeout, ErrAssocTimeout)

	op := &net.OpError{Op: "read", Net: Network, Err: ErrTimeout}
	assert.ErrorIs(t, op, os.ErrDeadlineExceeded)
	assert.True(t, op.Timeout())
}

func TestAbortError(t *testing.T) {
	var err error = &net.OpError{Op: "read", Net: Network, Err: &AbortError{Cause: header.CauseUserInitiatedAbort, Info: []byte("bye")}}
	assert.ErrorIs(t, err, ErrReset)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	var ae *AbortError
	if assert.ErrorAs(t, err, &ae) {
		assert.Equal(t, header.CauseUserInitiatedAbort, ae.Cause)
		assert.Equal(t, []byte("bye"), ae.Info)
	}
	assert.Contains(t, err.Error(), "USER_INITIATED_ABORT")
	assert.Contains(t, err.Error(), "bye")
	assert.Contains(t, (&AbortError{Cause: header.CauseProtocolViolation}).Error(), "PROTOCOL_VIOLATION")
}

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		in   tcpip.Error
		want error
	}{
		{&tcpip.ErrClosedForReceive{}, io.EOF},
		{&tcpip.ErrConnectionRefused{}, ErrRefused},
		{&tcpip.ErrConnectionReset{}, ErrReset},
		{&tcpip.ErrTimeout{}, ErrAssocTimeout},
		{&tcpip.ErrClosedForSend{}, ErrWriteClosed},
		{&tcpip.ErrConnectionAborted{}, syscall.ECONNABORTED},
		{&tcpip.ErrNotConnected{}, syscall.ENOTCONN},
		{&tcpip.ErrMessageTooLong{}, ErrMessageTooLong},
	} {
		assert.Equal(t, tc.want, translate(tc.in, nil), "%T", tc.in)
	}
	assert.ErrorIs(t, translate(&tcpip.ErrConnectionRefused{}, nil), syscall.ECONNREFUSED)

	// Unknown errors stay inspectable.
	err := translate(&tcpip.ErrNoBufferSpace{}, nil)
	var se *StackError
	if assert.ErrorAs(t, err, &se) {
		assert.Equal(t, &tcpip.ErrNoBufferSpace{}, se.Err)
	}
	assert.Equal(t, (&tcpip.ErrNoBufferSpace{}).String(), err.Error())

	// A reset reports the ABORT cause when the endpoint has one, on a copy
	// of the cause information.
	info := []byte{1, 2}
	err = translate(&tcpip.ErrConnectionReset{}, fakeCauser{code: header.CauseProtocolViolation, info: info, ok: true})
	var ae *AbortError
	if assert.ErrorAs(t, err, &ae) {
		assert.Equal(t, header.CauseProtocolViolation, ae.Cause)
		info[0] = 9
		assert.Equal(t, []byte{1, 2}, ae.Info)
	}
	assert.True(t, errors.Is(err, ErrReset))
	assert.Equal(t, ErrReset, translate(&tcpip.ErrConnectionReset{}, fakeCauser{}))
	assert.Equal(t, net.ErrClosed, ErrClosed)
}
