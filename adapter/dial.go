package adapter

import (
	"context"
	"net"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	gheader "gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// InitMsg holds the association parameters announced in INIT and INIT ACK
// and the INIT retransmission limits, as SCTP_INITMSG does on Linux (RFC
// 6458 8.1.3). Zero fields keep the stack's defaults.
type InitMsg struct {
	// OutStreams is the number of outbound streams requested.
	OutStreams uint16
	// MaxInStreams is the largest number of inbound streams accepted.
	MaxInStreams uint16
	// MaxAttempts is how often INIT is sent before dialing fails with
	// ErrAssocTimeout (Max.Init.Retransmits + 1).
	MaxAttempts int
	// MaxInitTimeout caps the INIT retransmission timeout.
	MaxInitTimeout time.Duration
}

func (m *InitMsg) apply(ep *sctp.Endpoint) error {
	if err := ep.SetInitMsg(m.OutStreams, m.MaxInStreams, m.MaxAttempts, m.MaxInitTimeout); err != nil {
		return translate(err, nil)
	}
	return nil
}

// Dialer holds the options for dialing an association. The zero value
// dials from any local address with the stack's defaults.
type Dialer struct {
	// LocalAddr, if set, is bound before connecting (its first IP; the
	// port may be 0 to let the stack choose).
	LocalAddr *Addr
	// InitMsg, if set, is applied before connecting.
	InitMsg *InitMsg
	// Timeout, if positive, limits the whole dial like a context deadline.
	Timeout time.Duration
	// ReadBuffer and WriteBuffer, if positive, set the receive and send
	// buffer sizes in bytes (SO_RCVBUF, SO_SNDBUF), clamped to the stack's
	// limits. They must be chosen before dialing: the association sizes
	// its receive window and send queue when it is created. The send
	// buffer also bounds the largest message (ErrMessageTooLong).
	ReadBuffer, WriteBuffer int
	// NoWait makes DialContext return the Conn as soon as the INIT is on
	// its way, like a non-blocking connect(2), rather than after the
	// four-way handshake. Messages written meanwhile are queued: those
	// written before the INIT ACK comes back go in the COOKIE ECHO's
	// packet as far as they fit (RFC 9260 5.1), so the peer holds them as
	// soon as its side of the association exists, the way to reach a
	// peer that sends first and closes; later ones wait for the COOKIE
	// ACK. Reads wait for the peer's data; a failed set-up is the error
	// of the next Read or Write (ErrRefused, ErrAssocTimeout), and
	// Conn.WaitConnected waits for the handshake's end. ctx and Timeout
	// then bound only DialContext itself; the handshake is bounded by
	// InitMsg's limits.
	NoWait bool
}

// setBuffers applies ReadBuffer and WriteBuffer options to ep.
func setBuffers(ep *sctp.Endpoint, read, write int) {
	if read > 0 {
		ep.SocketOptions().SetReceiveBufferSize(int64(read), true)
	}
	if write > 0 {
		ep.SocketOptions().SetSendBufferSize(int64(write), true)
	}
}

// Dial establishes an association with raddr (its first IP) from any
// local address.
func Dial(s *stack.Stack, raddr *Addr) (*Conn, error) {
	return DialContext(context.Background(), s, nil, raddr)
}

// DialContext establishes an association with raddr, bound to laddr if it
// is not nil. When ctx is done before the four-way handshake completes, the
// attempt is abandoned and DialContext returns an error wrapping ctx.Err()
// (ErrTimeout for a passed deadline, which errors.Is also matches against
// context.DeadlineExceeded).
func DialContext(ctx context.Context, s *stack.Stack, laddr, raddr *Addr) (*Conn, error) {
	d := Dialer{LocalAddr: laddr}
	return d.DialContext(ctx, s, raddr)
}

// DialContext is like the package's DialContext with the options of d.
//
// Errors wrap ErrRefused when the peer answers with ABORT (nothing listens
// there, or it is out of resources), ErrAssocTimeout when INIT or COOKIE
// ECHO went unanswered too often, and ErrTimeout or context.Canceled when
// ctx ended the attempt.
func (d *Dialer) DialContext(ctx context.Context, s *stack.Stack, raddr *Addr) (*Conn, error) {
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: Network, Source: addrOrNil(d.LocalAddr), Addr: addrOrNil(raddr), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, opErr(contextError(err))
	}
	proto, ok := raddr.netProto()
	if !ok {
		return nil, opErr(&AddrError{Err: "no remote IP address", Addr: raddr.String()})
	}
	if lp, ok := d.LocalAddr.netProto(); ok && lp != proto {
		return nil, opErr(errMixedFamilies)
	}

	var wq waiter.Queue
	ep, err := newEndpoint(s, proto, &wq)
	if err != nil {
		return nil, opErr(err)
	}
	fail := func(err error) (*Conn, error) {
		ep.Close()
		return nil, opErr(err)
	}
	if d.InitMsg != nil {
		if err := d.InitMsg.apply(ep); err != nil {
			return fail(err)
		}
	}
	setBuffers(ep, d.ReadBuffer, d.WriteBuffer)
	if d.LocalAddr != nil {
		if terr := bindTo(ep, d.LocalAddr); terr != nil {
			return fail(translate(terr, nil))
		}
	}

	// Register before Connect so the completion cannot be missed.
	entry, ch := waiter.NewChannelEntry(waiter.WritableEvents | waiter.EventHUp | waiter.EventErr)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)

	fa := raddr.fullAddress()
	switch terr := ep.ConnectAddrs(raddr.fullAddresses()).(type) {
	case nil:
	case *tcpip.ErrConnectStarted:
		if d.NoWait {
			break
		}
		if err := waitConnected(ctx, ep, fa, ch); err != nil {
			return fail(err)
		}
	default:
		return fail(translate(terr, ep))
	}
	c := NewConn(&wq, ep)
	c.raddr = raddr
	return c, nil
}

// waitConnected waits for the handshake started by Connect to end. It asks
// by calling Connect again, as for a TCP socket: ErrAlreadyConnecting while
// the handshake runs, ErrAlreadyConnected once it succeeded (even if the
// association was shut down or aborted since, which the Conn's first call
// then reports), or the association's error. Unlike polling the state this
// cannot miss an association that came up and went down between two
// wake-ups. It returns nil on success, else the error for the caller's
// net.OpError.
func waitConnected(ctx context.Context, ep *sctp.Endpoint, fa tcpip.FullAddress, ch <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return contextError(ctx.Err())
		case <-ch:
		}
		switch err := ep.Connect(fa).(type) {
		case *tcpip.ErrAlreadyConnecting:
		case *tcpip.ErrAlreadyConnected:
			return nil
		default:
			return translate(err, ep)
		}
	}
}

// contextError maps the error of a done context: a passed deadline becomes
// ErrTimeout (which errors.Is matches against context.DeadlineExceeded too),
// cancellation stays context.Canceled.
func contextError(err error) error {
	if err == context.DeadlineExceeded {
		return ErrTimeout
	}
	return err
}

// newEndpoint creates an SCTP endpoint on s.
func newEndpoint(s *stack.Stack, proto tcpip.NetworkProtocolNumber, wq *waiter.Queue) (*sctp.Endpoint, error) {
	ep, terr := s.NewEndpoint(sctp.ProtocolNumber, proto, wq)
	if terr != nil {
		return nil, translate(terr, nil)
	}
	sep, ok := ep.(*sctp.Endpoint)
	if !ok {
		ep.Close()
		return nil, &StackError{Err: &tcpip.ErrUnknownProtocol{}}
	}
	return sep, nil
}

// defaultNetProto picks the network protocol of an endpoint without an
// address: IPv4 when the stack has it, else IPv6.
func defaultNetProto(s *stack.Stack) tcpip.NetworkProtocolNumber {
	if s.NetworkProtocolInstance(gheader.IPv4ProtocolNumber) != nil {
		return gheader.IPv4ProtocolNumber
	}
	return gheader.IPv6ProtocolNumber
}

// addrOrNil keeps a nil *Addr from becoming a non-nil net.Addr in errors.
func addrOrNil(a *Addr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}
