package adapter

import (
	"net"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// DefaultBacklog is the listen backlog Listen uses: the number of
// associations that completed the handshake but were not accepted yet. It
// matches the usual Linux somaxconn, as gonet does.
const DefaultBacklog = 4096

// ListenConfig holds the options of a listening endpoint. The zero value is
// the default Listen uses.
type ListenConfig struct {
	// Backlog is the accept queue length (DefaultBacklog if zero).
	Backlog int
	// InitMsg, if set, gives the stream counts and INIT parameters that
	// accepted associations negotiate.
	InitMsg *InitMsg
	// ReadBuffer and WriteBuffer, if positive, set the buffer sizes that
	// accepted associations inherit (see Dialer).
	ReadBuffer, WriteBuffer int
}

// Listener accepts one-to-one SCTP associations. It implements
// net.Listener.
type Listener struct {
	ep *sctp.Endpoint
	wq *waiter.Queue
	dl *deadline

	closeOnce sync.Once
	// closed is closed by Close; it wakes a blocked Accept.
	closed chan struct{}
}

var _ net.Listener = (*Listener)(nil)

// Listen creates an endpoint listening on addr (its first IP, or every
// local address when it has none). A listener without an address uses IPv4
// if the stack has it, else IPv6.
func Listen(s *stack.Stack, addr *Addr) (*Listener, error) {
	var lc ListenConfig
	return lc.Listen(s, addr)
}

// Listen is like the package's Listen with the options of lc.
func (lc *ListenConfig) Listen(s *stack.Stack, addr *Addr) (*Listener, error) {
	opErr := func(op string, err error) error {
		return &net.OpError{Op: op, Net: Network, Addr: addrOrNil(addr), Err: err}
	}
	proto, ok := addr.netProto()
	if !ok {
		proto = defaultNetProto(s)
	}
	var wq waiter.Queue
	ep, err := newEndpoint(s, proto, &wq)
	if err != nil {
		return nil, opErr("listen", err)
	}
	if lc.InitMsg != nil {
		if err := lc.InitMsg.apply(ep); err != nil {
			ep.Close()
			return nil, opErr("listen", err)
		}
	}
	setBuffers(ep, lc.ReadBuffer, lc.WriteBuffer)
	if terr := bindTo(ep, addr); terr != nil {
		ep.Close()
		return nil, opErr("bind", translate(terr, nil))
	}
	backlog := lc.Backlog
	if backlog <= 0 {
		backlog = DefaultBacklog
	}
	if terr := ep.Listen(backlog); terr != nil {
		ep.Close()
		return nil, opErr("listen", translate(terr, nil))
	}
	return NewListener(&wq, ep), nil
}

// NewListener wraps a listening endpoint and its wait queue. The Listener
// owns ep from now on.
func NewListener(wq *waiter.Queue, ep *sctp.Endpoint) *Listener {
	return &Listener{ep: ep, wq: wq, dl: newDeadline(), closed: make(chan struct{})}
}

// Accept implements net.Listener; it returns a *Conn.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptSCTP()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptSCTP waits for the next association and returns it. It fails with
// ErrClosed once the Listener is closed (also when Close interrupts it) and
// with ErrTimeout when the deadline set by SetDeadline passes.
func (l *Listener) AcceptSCTP() (*Conn, error) {
	if l.isClosed() {
		return nil, l.opError(ErrClosed)
	}
	done := l.dl.done()
	accept := func() (*Conn, tcpip.Error) {
		ep, wq, err := l.ep.Accept(nil)
		if err != nil {
			return nil, err
		}
		sep, ok := ep.(*sctp.Endpoint)
		if !ok {
			// Cannot happen with this package's protocol; reject rather
			// than panic.
			ep.Close()
			return nil, &tcpip.ErrUnknownProtocol{}
		}
		return NewConn(wq, sep), nil
	}
	c, err := accept()
	if _, ok := err.(*tcpip.ErrWouldBlock); ok {
		entry, ch := waiter.NewChannelEntry(waiter.ReadableEvents | waiter.EventHUp | waiter.EventErr)
		l.wq.EventRegister(&entry)
		defer l.wq.EventUnregister(&entry)
		for {
			c, err = accept()
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
				break
			}
			select {
			case <-l.closed:
				return nil, l.opError(ErrClosed)
			case <-done:
				return nil, l.opError(ErrTimeout)
			case <-ch:
			}
		}
	}
	if err != nil {
		if l.isClosed() {
			return nil, l.opError(ErrClosed)
		}
		return nil, l.opError(translate(err, nil))
	}
	return c, nil
}

// Close implements net.Listener. It stops listening, aborts associations
// not accepted yet and makes pending and later Accept calls fail with
// ErrClosed. Accepted Conns are not affected.
func (l *Listener) Close() error {
	first := false
	l.closeOnce.Do(func() {
		first = true
		close(l.closed)
		l.dl.stop()
	})
	if !first {
		return l.opError(ErrClosed)
	}
	l.ep.Close()
	return nil
}

// Addr implements net.Listener. It returns an *Addr, or nil if the
// endpoint has no local address.
func (l *Listener) Addr() net.Addr {
	a, err := l.ep.GetLocalAddress()
	if err != nil {
		return nil
	}
	return AddrFromFullAddress(a)
}

// SetDeadline sets the deadline of Accept, as net.TCPListener's does; the
// zero time clears it.
func (l *Listener) SetDeadline(t time.Time) error {
	if l.isClosed() {
		return &net.OpError{Op: "set", Net: Network, Addr: l.Addr(), Err: ErrClosed}
	}
	l.dl.set(t)
	return nil
}

// Endpoint returns the listening endpoint, for socket options this type
// does not wrap.
func (l *Listener) Endpoint() *sctp.Endpoint { return l.ep }

func (l *Listener) isClosed() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

func (l *Listener) opError(err error) *net.OpError {
	return &net.OpError{Op: "accept", Net: Network, Addr: l.Addr(), Err: err}
}
