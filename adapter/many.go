package adapter

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// ErrUnknownAssoc is returned by ManyConn calls given an association id
// the endpoint does not have (never had, ended and read to its end, or
// peeled off). It is syscall.EINVAL, as on a Linux one-to-many socket.
var ErrUnknownAssoc error = syscall.EINVAL

// ErrNotEstablished is returned by ManyConn.WriteMsg for SendInfo.EOF on
// an association that is not up yet, or that the same call would set up:
// shutting it down then would end it before its data went.
var ErrNotEstablished = errors.New("sctp: association not established")

// ManyConfig holds the options of a one-to-many endpoint. The zero value
// (or nil) listens with the stack's defaults and no notifications.
type ManyConfig struct {
	// InitMsg, if set, gives the stream counts and INIT parameters of the
	// associations the endpoint sets up or accepts (SCTP_INITMSG).
	InitMsg *InitMsg
	// ReadBuffer and WriteBuffer, if positive, set each association's
	// buffer sizes in bytes (see Dialer).
	ReadBuffer, WriteBuffer int
	// Events are the notifications ReadMsg returns (SCTP_EVENT, RFC 6458
	// 6.2.1); none by default.
	Events sctp.EventMask
	// Autoclose, if positive, shuts associations down gracefully after
	// that long without user data (SCTP_AUTOCLOSE, RFC 6458 8.1.8).
	Autoclose time.Duration
	// MaxAssociations, if positive, bounds the associations of the
	// endpoint (sctp.DefaultMaxAssociations otherwise).
	MaxAssociations int
	// NoListen makes a client: associations are set up only by sending
	// to a new peer, never accepted.
	NoListen bool
}

// ManyConn is a one-to-many (UDP-style) SCTP endpoint, RFC 6458 3: one
// port and many associations. It implements net.PacketConn: ReadFrom
// returns the next message of any association with the peer's *Addr, and
// WriteTo sends a message to a peer, setting an association up first when
// there is none (implicit set-up). ReadMsg and WriteMsg carry the
// per-message metadata, the association id and the notifications.
//
// Like Conn it is safe for concurrent use; reads are serialized so that
// the parts of a message split over several reads go to one reader after
// the other.
type ManyConn struct {
	m  *sctp.ManyEndpoint
	wq *waiter.Queue

	rd, wd *deadline

	readMu sync.Mutex

	closeOnce sync.Once
	closed    chan struct{}
}

var _ net.PacketConn = (*ManyConn)(nil)

// ListenMany creates a one-to-many endpoint bound to addr (every IP of it,
// or every local address when it has none; port 0 picks one) and, unless
// cfg.NoListen, accepting associations. cfg may be nil.
func ListenMany(s *stack.Stack, addr *Addr, cfg *ManyConfig) (*ManyConn, error) {
	if cfg == nil {
		cfg = &ManyConfig{}
	}
	opErr := func(op string, err error) error {
		return &net.OpError{Op: op, Net: Network, Addr: addrOrNil(addr), Err: err}
	}
	proto, ok := addr.netProto()
	if !ok {
		proto = defaultNetProto(s)
	}
	var wq waiter.Queue
	m, terr := sctp.NewManyEndpoint(s, proto, &wq)
	if terr != nil {
		return nil, opErr("listen", translate(terr, nil))
	}
	ep := m.Endpoint()
	fail := func(op string, err error) (*ManyConn, error) {
		m.Close()
		return nil, opErr(op, err)
	}
	if cfg.InitMsg != nil {
		if err := cfg.InitMsg.apply(ep); err != nil {
			return fail("listen", err)
		}
	}
	setBuffers(ep, cfg.ReadBuffer, cfg.WriteBuffer)
	if terr := ep.SetEvents(cfg.Events); terr != nil {
		return fail("listen", translate(terr, nil))
	}
	if cfg.Autoclose > 0 {
		if terr := m.SetAutoclose(cfg.Autoclose); terr != nil {
			return fail("listen", translate(terr, nil))
		}
	}
	if cfg.MaxAssociations > 0 {
		if terr := m.SetMaxAssociations(cfg.MaxAssociations); terr != nil {
			return fail("listen", translate(terr, nil))
		}
	}
	fas := addr.fullAddresses()
	if len(fas) > 1 {
		terr = m.BindAddrs(fas)
	} else {
		terr = m.Bind(addr.fullAddress())
	}
	if terr != nil {
		return fail("bind", translate(terr, nil))
	}
	if !cfg.NoListen {
		if terr := m.Listen(); terr != nil {
			return fail("listen", translate(terr, nil))
		}
	}
	return &ManyConn{m: m, wq: &wq, rd: newDeadline(), wd: newDeadline(), closed: make(chan struct{})}, nil
}

// Endpoint returns the underlying one-to-many endpoint, for the options
// this type does not wrap: Endpoint().Endpoint() holds the defaults of
// associations to come (SetRTOInfo, SetNoDelay...), Endpoint().Assoc(id)
// one association's options and status. Reading or writing it directly
// bypasses the ManyConn's deadlines.
func (c *ManyConn) Endpoint() *sctp.ManyEndpoint { return c.m }

// SetEvents chooses the notifications ReadMsg returns, for the
// associations to come and the existing ones (SCTP_EVENT).
func (c *ManyConn) SetEvents(m sctp.EventMask) error {
	if terr := c.m.Endpoint().SetEvents(m); terr != nil {
		return c.opError("set", nil, translate(terr, nil))
	}
	for _, id := range c.m.AssocIDs() {
		if ep, terr := c.m.Assoc(id); terr == nil {
			ep.SetEvents(m)
		}
	}
	return nil
}

// AssocIDs lists the associations (SCTP_GET_ASSOC_ID_LIST).
func (c *ManyConn) AssocIDs() []AssocID { return c.m.AssocIDs() }

// Status returns the status of association id (SCTP_STATUS).
func (c *ManyConn) Status(id AssocID) (sctp.AssocStatus, error) {
	ep, terr := c.m.Assoc(id)
	if terr != nil {
		return sctp.AssocStatus{}, c.opError("status", nil, ErrUnknownAssoc)
	}
	st, terr := ep.Status()
	if terr != nil {
		return st, c.opError("status", nil, translate(terr, ep))
	}
	return st, nil
}

// RemoteAddr returns the peer addresses of association id, its primary
// path first, or nil if there is no such association.
func (c *ManyConn) RemoteAddr(id AssocID) *Addr {
	ep, terr := c.m.Assoc(id)
	if terr != nil {
		return nil
	}
	ps, terr := ep.Paths()
	if terr != nil || len(ps) == 0 {
		return nil
	}
	fas := make([]tcpip.FullAddress, len(ps))
	for i, p := range ps {
		fas[i] = p.Addr
	}
	return addrFromFulls(fas)
}

// LocalAddr implements net.PacketConn: the bound addresses and port.
func (c *ManyConn) LocalAddr() net.Addr {
	fas := c.m.LocalAddrs()
	if len(fas) == 0 {
		return nil
	}
	return addrFromFulls(fas)
}

// ReadMsg reads the next message of any association, or its next part,
// into b, or the next notification (RFC 6458 3.1.4 recvmsg). For a
// message n is its length and info says which association, stream and
// PPID it came with, info.Complete whether it ends there (when it does
// not, the rest comes with the next reads). For a notification note is
// set, n is 0 and info.AssocID is the association it is about; only the
// types subscribed (ManyConfig.Events, SetEvents) come, in order with the
// data. It blocks until there is something to read, the read deadline
// passes (ErrTimeout) or the ManyConn is closed (ErrClosed). An empty b
// returns at once and consumes nothing.
func (c *ManyConn) ReadMsg(b []byte) (n int, info RecvInfo, note sctp.Notification, err error) {
	return c.readMsg(nil, b)
}

// ReadMsgContext is ReadMsg that also gives up when ctx is done, with an
// error wrapping ctx.Err() (ErrTimeout for a passed deadline).
func (c *ManyConn) ReadMsgContext(ctx context.Context, b []byte) (n int, info RecvInfo, note sctp.Notification, err error) {
	return c.readMsg(ctx, b)
}

func (c *ManyConn) readMsg(ctx context.Context, b []byte) (int, RecvInfo, sctp.Notification, error) {
	if len(b) == 0 {
		if c.isClosed() {
			return 0, RecvInfo{}, nil, c.opError("read", nil, ErrClosed)
		}
		return 0, RecvInfo{}, nil, nil
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	var (
		ri sctp.RecvInfo
		nt sctp.Notification
		n  int
	)
	w := sliceWriters.Get().(*tcpip.SliceWriter) // as Conn.read
	defer func() { *w = nil; sliceWriters.Put(w) }()
	err := c.retry(ctx, waiter.ReadableEvents, c.rd, func() tcpip.Error {
		*w = tcpip.SliceWriter(b)
		var terr tcpip.Error
		ri, nt, n, terr = c.m.RecvMsg(w, len(b))
		return terr
	})
	if err != nil {
		return 0, RecvInfo{}, nil, c.opError("read", nil, err)
	}
	if nt != nil {
		return 0, RecvInfo{AssocID: nt.Assoc()}, nt, nil
	}
	return n, RecvInfo{
		Stream:    ri.Stream,
		SSN:       ri.SSN,
		PPID:      ri.PPID,
		TSN:       ri.TSN,
		AssocID:   ri.AssocID,
		Unordered: ri.Unordered,
		Complete:  ri.Complete,
	}, nil, nil
}

// ReadFrom implements net.PacketConn: it returns the next message (or
// part, as ReadMsg) of any association and the peer's *Addr, every peer
// address with the primary first. Notifications are read and dropped:
// use ReadMsg to see them.
func (c *ManyConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, info, note, err := c.ReadMsg(b)
		if err != nil || len(b) == 0 {
			return n, nil, err
		}
		if note != nil {
			continue
		}
		var from net.Addr
		if a := c.RemoteAddr(info.AssocID); a != nil {
			from = a
		}
		return n, from, nil
	}
}

// WriteMsg sends b as one message (RFC 6458 3.1.4 sendmsg): to
// association info.AssocID if it is set, else to the peer at to (an
// *Addr; all its IPs name one multihomed peer), setting an association up
// first when there is none with it; the message goes once the association
// is up. info also gives the stream, PPID and flags (nil is the zero
// SendInfo): SendAll sends the message on every association, EOF shuts
// the association down gracefully after it and Abort aborts the
// association, b being the reason; with EOF or Abort b may be empty. EOF
// needs an established association: send the first message without it.
//
// Like Conn.WriteMsg it queues the whole message or nothing, blocking
// while the association's send buffer is full, until the write deadline
// (ErrTimeout) or Close (ErrClosed). An unknown AssocID fails with
// ErrUnknownAssoc, a missing destination with syscall.EDESTADDRREQ, a
// stream beyond the association's with ErrInvalidStream, a new peer when
// MaxAssociations are up with syscall.ENOBUFS, EOF on an association not
// up yet with ErrNotEstablished.
func (c *ManyConn) WriteMsg(b []byte, info *SendInfo, to net.Addr) (int, error) {
	return c.writeMsg(nil, b, info, to)
}

// WriteMsgContext is WriteMsg that also gives up when ctx is done.
func (c *ManyConn) WriteMsgContext(ctx context.Context, b []byte, info *SendInfo, to net.Addr) (int, error) {
	return c.writeMsg(ctx, b, info, to)
}

// WriteTo implements net.PacketConn: b as one message on stream 0 to the
// peer at addr (an *Addr), set up first if need be.
func (c *ManyConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	return c.writeMsg(nil, b, nil, addr)
}

func (c *ManyConn) writeMsg(ctx context.Context, b []byte, info *SendInfo, to net.Addr) (int, error) {
	var si sctp.SendInfo
	if info != nil {
		si = sctp.SendInfo{
			Stream: info.Stream, PPID: info.PPID, Unordered: info.Unordered,
			Context: info.Context, AssocID: info.AssocID,
			EOF: info.EOF, Abort: info.Abort, SendAll: info.SendAll,
		}
	}
	var fas []tcpip.FullAddress
	if to != nil {
		a, ok := to.(*Addr)
		if !ok || a == nil || len(a.IPs) == 0 {
			return 0, c.opError("write", to, &AddrError{Err: "not an SCTP address with an IP", Addr: to.String()})
		}
		fas = a.fullAddresses()
	}
	if len(b) == 0 && !si.EOF && !si.Abort {
		return 0, c.opError("write", to, ErrEmptyMessage)
	}
	n, err := writeMessage(b, c.waiter(ctx, c.wd), func(r *bytes.Reader) (int64, tcpip.Error) { return c.m.SendMsg(r, fas, si) })
	if err != nil {
		return 0, c.opError("write", to, err)
	}
	return int(n), nil
}

// Peeloff branches association id off into a one-to-one Conn of its own
// (RFC 6458 9.2 sctp_peeloff) with everything unread still in it; the
// ManyConn no longer sees it.
func (c *ManyConn) Peeloff(id AssocID) (*Conn, error) {
	if c.isClosed() {
		return nil, c.opError("peeloff", nil, ErrClosed)
	}
	ep, wq, terr := c.m.Peeloff(id)
	if terr != nil {
		return nil, c.opError("peeloff", nil, ErrUnknownAssoc)
	}
	return NewConn(wq, ep), nil
}

// Close implements net.PacketConn. It shuts every association down
// gracefully (data already written is still delivered) and releases the
// port once they are gone; blocked calls return ErrClosed.
func (c *ManyConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
		c.rd.stop()
		c.wd.stop()
	})
	if !first {
		return c.opError("close", nil, ErrClosed)
	}
	c.m.Close()
	return nil
}

// SetDeadline implements net.PacketConn.
func (c *ManyConn) SetDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", nil, ErrClosed)
	}
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

// SetReadDeadline implements net.PacketConn.
func (c *ManyConn) SetReadDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", nil, ErrClosed)
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline implements net.PacketConn.
func (c *ManyConn) SetWriteDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", nil, ErrClosed)
	}
	c.wd.set(t)
	return nil
}

func (c *ManyConn) isClosed() bool { return closedChan(c.closed) }

// retry is Conn.retry for the one-to-many endpoint, with a context: op
// runs until it does not return ErrWouldBlock, waiting between tries for
// an event in mask, the deadline, ctx or Close.
func (c *ManyConn) retry(ctx context.Context, mask waiter.EventMask, dl *deadline, op func() tcpip.Error) error {
	return c.waiter(ctx, dl).retry(mask, op)
}

// waiter is what a ManyConn's calls wait on.
func (c *ManyConn) waiter(ctx context.Context, dl *deadline) waitOn {
	return waitOn{ctx: ctx, wq: c.wq, closed: c.closed, dl: dl}
}

// translateMany is translate with the errors proper to one-to-many calls.
func translateMany(err tcpip.Error) error {
	switch err.(type) {
	case *tcpip.ErrBadAddress:
		return ErrUnknownAssoc
	case *tcpip.ErrDestinationRequired:
		return syscall.EDESTADDRREQ
	case *tcpip.ErrNoBufferSpace:
		return syscall.ENOBUFS
	case *tcpip.ErrInvalidEndpointState:
		return ErrNotEstablished
	}
	return translate(err, nil)
}

func (c *ManyConn) opError(op string, addr net.Addr, err error) *net.OpError {
	return &net.OpError{Op: op, Net: Network, Source: c.LocalAddr(), Addr: addr, Err: err}
}
