package adapter

import (
	"context"
	"net"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Conn is a one-to-one SCTP association. It implements net.Conn; see the
// package documentation for how Read and Write keep message boundaries, and
// ReadMsg and WriteMsg for the per-message metadata.
//
// Like a net.TCPConn it is safe for concurrent use: each WriteMsg is sent
// as a unit, and reads are serialized so that the parts of a message split
// over several reads go to one reader after the other.
type Conn struct {
	ep *sctp.Endpoint
	wq *waiter.Queue

	// raddr is the address dialed, the RemoteAddr of a Conn whose
	// association is not up (yet): a NoWait dial's in COOKIE-WAIT.
	raddr *Addr

	rd, wd *deadline

	// readMu serializes reads (see the type comment).
	readMu sync.Mutex

	closeOnce sync.Once
	// closed is closed by Close and Abort; it wakes blocked calls, which
	// then report ErrClosed as the net package does.
	closed chan struct{}
}

var _ net.Conn = (*Conn)(nil)

// NewConn wraps a connected endpoint and its wait queue (the queue given to
// stack.NewEndpoint, or returned by Accept). The Conn owns ep from now on.
func NewConn(wq *waiter.Queue, ep *sctp.Endpoint) *Conn {
	return &Conn{
		ep:     ep,
		wq:     wq,
		rd:     newDeadline(),
		wd:     newDeadline(),
		closed: make(chan struct{}),
	}
}

// Endpoint returns the underlying endpoint, for socket options this type
// does not wrap. Reading or writing it directly bypasses the Conn's
// deadlines and its serialization of reads.
func (c *Conn) Endpoint() *sctp.Endpoint { return c.ep }

// Read implements net.Conn. It returns the next message, whatever its
// stream, or as much of it as fits in b; the next Read continues the same
// message. It returns io.EOF after the peer shut the association down
// gracefully and all its data has been read. Use ReadMsg to learn the
// stream, PPID and where messages end.
func (c *Conn) Read(b []byte) (int, error) {
	n, _, err := c.read("read", b)
	return n, err
}

// Write implements net.Conn. It sends b as one ordered message on stream 0
// with PPID 0 and returns len(b) once the stack has queued it. An empty b
// sends nothing, since SCTP cannot carry empty messages.
func (c *Conn) Write(b []byte) (int, error) {
	if len(b) == 0 {
		if c.isClosed() {
			return 0, c.opError("write", ErrClosed)
		}
		return 0, nil
	}
	return c.write("write", b, sctp.SendInfo{})
}

// Close implements net.Conn. It starts the graceful SCTP shutdown (RFC 9260
// 9.2): data already written is still delivered, then SHUTDOWN is
// exchanged; Close does not wait for that. Blocked calls return ErrClosed.
func (c *Conn) Close() error {
	if !c.markClosed() {
		return c.opError("close", ErrClosed)
	}
	c.ep.Close()
	return nil
}

// Abort ends the association at once with an ABORT chunk carrying the
// User-Initiated Abort cause (RFC 9260 9.1); unsent and unacknowledged data
// is discarded and the peer's reads fail with ErrReset. Like Close, it
// releases the Conn.
func (c *Conn) Abort() error {
	if !c.markClosed() {
		return c.opError("abort", ErrClosed)
	}
	c.ep.Abort()
	return nil
}

// CloseWrite starts the graceful shutdown (RFC 9260 9.2) but keeps the Conn
// open for reading: once the data already written is acknowledged, the
// SHUTDOWN exchange runs and the peer's reads end with io.EOF. Unlike TCP's
// half-close, SCTP has no half-open state: the peer cannot send new data
// after it receives SHUTDOWN, so reads here return what was already in
// flight and then io.EOF. Writes after CloseWrite fail with ErrWriteClosed.
func (c *Conn) CloseWrite() error {
	if c.isClosed() {
		return c.opError("close", ErrClosed)
	}
	if err := c.ep.Shutdown(tcpip.ShutdownWrite); err != nil {
		return c.opError("close", translate(err, c.ep))
	}
	return nil
}

// LocalAddr implements net.Conn. It returns an *Addr, or nil when the
// endpoint has no local address.
func (c *Conn) LocalAddr() net.Addr {
	a, err := c.ep.GetLocalAddress()
	if err != nil {
		return nil
	}
	return AddrFromFullAddress(a)
}

// RemoteAddr implements net.Conn. It returns an *Addr: the peer's primary
// address, or while a dialed association is not up the address dialed; nil
// when there is neither.
func (c *Conn) RemoteAddr() net.Addr {
	a, err := c.ep.GetRemoteAddress()
	if err != nil {
		return addrOrNil(c.raddr)
	}
	return AddrFromFullAddress(a)
}

// SetDeadline implements net.Conn. After Close it fails with ErrClosed, as
// for the net package's connections.
func (c *Conn) SetDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", ErrClosed)
	}
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

// SetReadDeadline implements net.Conn. Reads blocked or started after t
// fail with ErrTimeout; a later SetReadDeadline can extend the deadline of
// a blocked Read.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", ErrClosed)
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline implements net.Conn. Writes waiting for send-buffer
// space after t fail with ErrTimeout; a message is never partly sent.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", ErrClosed)
	}
	c.wd.set(t)
	return nil
}

// Status returns the association's state and parameters as the endpoint
// reports them.
func (c *Conn) Status() (sctp.AssocStatus, error) {
	st, err := c.ep.Status()
	if err != nil {
		return st, c.opError("status", translate(err, c.ep))
	}
	return st, nil
}

// WaitConnected waits until the association is up, for a Conn dialed with
// Dialer.NoWait (for any other Conn it returns at once). It returns nil
// once the four-way handshake has completed, or the error that ended the
// association: the set-up's (ErrRefused, ErrAssocTimeout), or, should it
// already have ended again, that error. ctx bounds the wait; the Conn's
// deadlines do not apply.
func (c *Conn) WaitConnected(ctx context.Context) error {
	if c.isClosed() {
		return c.opError("dial", ErrClosed)
	}
	err, werr := waitFor(ctx, c.wq, c.closed, waiter.WritableEvents, nil, func() tcpip.Error {
		// As in waitConnected: Connect on an association reports its
		// progress (the address is not used).
		switch err := c.ep.Connect(tcpip.FullAddress{}).(type) {
		case *tcpip.ErrAlreadyConnecting:
			return &tcpip.ErrWouldBlock{}
		case *tcpip.ErrAlreadyConnected:
			return nil
		default:
			return err
		}
	})
	switch {
	case werr != nil:
		return c.opError("dial", werr)
	case err != nil:
		return c.opError("dial", translate(err, c.ep))
	}
	return nil
}

// markClosed records that Close or Abort was called; it reports false when
// that already happened.
func (c *Conn) markClosed() bool {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
		c.rd.stop()
		c.wd.stop()
	})
	return first
}

func (c *Conn) isClosed() bool { return closedChan(c.closed) }

// retry runs op until it returns something other than ErrWouldBlock,
// waiting between tries for one of the events in mask, the deadline dl or
// Close, in the way gonet does. It returns the translated error.
//
// The first try happens before registering with the wait queue because it
// usually succeeds; after registering op is tried again before waiting, so
// an event between the two tries is not lost.
func (c *Conn) retry(mask waiter.EventMask, dl *deadline, op func() tcpip.Error) error {
	return c.waiter(nil, dl).retry(mask, op)
}

// waiter is what a Conn's calls wait on.
func (c *Conn) waiter(ctx context.Context, dl *deadline) waitOn {
	return waitOn{ctx: ctx, wq: c.wq, closed: c.closed, dl: dl, ep: c.ep}
}

// waitOn is what a call of a Conn or ManyConn waits on, and how the
// endpoint's errors read as the package's.
type waitOn struct {
	ctx    context.Context
	wq     *waiter.Queue
	closed <-chan struct{}
	dl     *deadline
	// ep, a Conn's endpoint, translates its errors; a ManyConn has none
	// (translateMany).
	ep *sctp.Endpoint
}

// retry runs op until it does not return ErrWouldBlock (waitFor) and
// returns its translated error, or ErrClosed once the Conn was closed.
func (w waitOn) retry(mask waiter.EventMask, op func() tcpip.Error) error {
	if closedChan(w.closed) {
		return ErrClosed
	}
	err, werr := waitFor(w.ctx, w.wq, w.closed, mask, w.dl, op)
	switch {
	case werr != nil:
		return werr
	case err == nil:
		return nil
	case closedChan(w.closed):
		// Close raced with op: report it as the net package does rather
		// than the endpoint's view of its own teardown.
		return ErrClosed
	}
	if w.ep == nil {
		return translateMany(err)
	}
	return translate(err, w.ep)
}

// closedChan reports whether ch, a Conn's closed channel, is closed.
func closedChan(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// waitFor runs op until it does not block: once at once, then, registered
// with wq so that no event between two tries is lost, again after each
// event (EventHUp and EventErr wake it too: resets and shutdowns make op
// fail rather than block). It returns op's last error, or the reason the
// wait ended: the deadline dl (ErrTimeout; nil is none), ctx (if not nil),
// or Close.
func waitFor(ctx context.Context, wq *waiter.Queue, closed <-chan struct{}, mask waiter.EventMask, dl *deadline, op func() tcpip.Error) (tcpip.Error, error) {
	var ctxDone <-chan struct{}
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return nil, contextError(err)
		}
		ctxDone = ctx.Done()
	}
	done := dl.done()
	select {
	case <-done:
		return nil, ErrTimeout
	default:
	}
	err := op()
	if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
		return err, nil
	}
	entry, ch := waiter.NewChannelEntry(mask | waiter.EventHUp | waiter.EventErr)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)
	for {
		err = op()
		if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
			return err, nil
		}
		select {
		case <-done:
			return nil, ErrTimeout
		case <-ctxDone:
			return nil, contextError(ctx.Err())
		case <-closed:
			return nil, ErrClosed
		case <-ch:
		}
	}
}

func (c *Conn) opError(op string, err error) *net.OpError {
	return &net.OpError{
		Op:     op,
		Net:    Network,
		Source: c.LocalAddr(),
		Addr:   c.RemoteAddr(),
		Err:    err,
	}
}
