package adapter

import (
	"bytes"
	"io"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// AssocID identifies an association in the RecvInfo of its messages.
type AssocID = sctp.AssocID

// SendInfo is the per-message metadata of WriteMsg (the fields of a DATA
// chunk the sender chooses, RFC 9260 3.3.1). The zero value sends an
// ordered message on stream 0 with PPID 0, which is what Write does.
type SendInfo struct {
	// Stream is the outgoing stream; it must be below the number of
	// outbound streams negotiated for the association (see Status).
	Stream uint16
	// PPID is the Payload Protocol Identifier, an opaque number for the
	// application (IANA keeps a registry of values). It is given in host
	// order; the stack writes it to the wire in network byte order.
	PPID uint32
	// Unordered asks for delivery as soon as the message is complete,
	// ignoring the order of its stream (the U bit).
	Unordered bool
	// Context is an opaque number handed back with the message if it
	// cannot be delivered (the SendFailed notification, SCTP_CONTEXT).
	Context uint32

	// The fields below are for ManyConn.WriteMsg; Conn ignores them.

	// AssocID, if not zero, is the association the message goes to.
	AssocID AssocID
	// EOF shuts the association down gracefully after the message
	// (SCTP_EOF); Abort aborts it, the message being the reason
	// (SCTP_ABORT). With either the message may be empty.
	EOF, Abort bool
	// SendAll sends the message on every association (SCTP_SENDALL).
	SendAll bool
}

// RecvInfo is the per-message metadata ReadMsg returns.
type RecvInfo struct {
	// Stream is the stream the message arrived on.
	Stream uint16
	// SSN is the message's Stream Sequence Number (meaningless for
	// unordered messages).
	SSN uint16
	// PPID is the Payload Protocol Identifier the sender gave, in host
	// order.
	PPID uint32
	// TSN is the Transmission Sequence Number of the message's first DATA
	// chunk.
	TSN uint32
	// AssocID identifies the association.
	AssocID AssocID
	// Unordered reports that the sender asked for unordered delivery.
	Unordered bool
	// Complete reports that the returned bytes end the message, like
	// MSG_EOR in recvmsg(2) on an SCTP socket. When it is false the buffer
	// was too small: the next ReadMsg (or Read) returns the following part
	// of the same message, with the same metadata, before any other
	// message.
	Complete bool
}

// WriteMsg sends b as one message with the metadata in info (nil means the
// zero SendInfo). The message is queued whole or not at all: it returns
// len(b), or 0 and an error. When the send buffer is full it blocks until
// there is room for the whole message, the write deadline passes
// (ErrTimeout) or the Conn is closed (ErrClosed). A message larger than
// the send buffer can never fit and fails with ErrMessageTooLong. An empty b
// fails with ErrEmptyMessage, a stream beyond the association's outbound
// streams with ErrInvalidStream.
func (c *Conn) WriteMsg(b []byte, info *SendInfo) (int, error) {
	var si sctp.SendInfo
	if info != nil {
		si = sctp.SendInfo{Stream: info.Stream, PPID: info.PPID, Unordered: info.Unordered, Context: info.Context}
	}
	if len(b) == 0 {
		return 0, c.opError("write", ErrEmptyMessage)
	}
	return c.write("write", b, si)
}

// ReadMsg reads the next message, or its next part, into b and returns its
// metadata. It returns at most one message: when the message is longer
// than b, b is filled, info.Complete is false and the rest follows in the
// next reads; the part that ends the message has info.Complete set. It
// returns io.EOF after a graceful shutdown by the peer once everything has
// been read. An empty b returns 0 and no error without consuming anything.
func (c *Conn) ReadMsg(b []byte) (n int, info RecvInfo, err error) {
	return c.read("read", b)
}

func (c *Conn) read(op string, b []byte) (int, RecvInfo, error) {
	if len(b) == 0 {
		if c.isClosed() {
			return 0, RecvInfo{}, c.opError(op, ErrClosed)
		}
		return 0, RecvInfo{}, nil
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	var (
		ri sctp.RecvInfo
		n  int
	)
	// The endpoint writes through an io.Writer: a pooled one, as a local
	// would escape to the heap on every read.
	w := sliceWriters.Get().(*tcpip.SliceWriter)
	defer func() { *w = nil; sliceWriters.Put(w) }()
	err := c.retry(waiter.ReadableEvents, c.rd, func() tcpip.Error {
		*w = tcpip.SliceWriter(b)
		var terr tcpip.Error
		ri, n, terr = c.ep.ReadMsg(w, len(b))
		return terr
	})
	if err == io.EOF {
		// Like the net package: EOF is returned bare, not in an OpError.
		return 0, RecvInfo{}, io.EOF
	}
	if err != nil {
		return 0, RecvInfo{}, c.opError(op, err)
	}
	return n, RecvInfo{
		Stream:    ri.Stream,
		SSN:       ri.SSN,
		PPID:      ri.PPID,
		TSN:       ri.TSN,
		AssocID:   ri.AssocID,
		Unordered: ri.Unordered,
		Complete:  ri.Complete,
	}, nil
}

func (c *Conn) write(op string, b []byte, si sctp.SendInfo) (int, error) {
	n, err := writeMessage(b, c.waiter(nil, c.wd), func(r *bytes.Reader) (int64, tcpip.Error) { return c.ep.WriteMsg(r, si) })
	if err != nil {
		return 0, c.opError(op, err)
	}
	return int(n), nil
}

// writeMessage sends b as one message with send, waiting on w while the
// endpoint would block: each try reads the whole message
// afresh from a pooled reader, as a local one would escape to the heap on
// every write. The stream is the only option of a message the endpoint
// refuses as invalid: that is ErrInvalidStream.
func writeMessage(b []byte, w waitOn, send func(r *bytes.Reader) (int64, tcpip.Error)) (int64, error) {
	r := bytesReaders.Get().(*bytes.Reader)
	defer func() { r.Reset(nil); bytesReaders.Put(r) }()
	var (
		n             int64
		invalidStream bool
	)
	err := w.retry(waiter.WritableEvents, func() tcpip.Error {
		r.Reset(b)
		var terr tcpip.Error
		n, terr = send(r)
		if _, ok := terr.(*tcpip.ErrInvalidOptionValue); ok {
			invalidStream = true
		}
		return terr
	})
	if invalidStream {
		err = ErrInvalidStream
	}
	return n, err
}

// Pools of the reader and writer the endpoint's WriteMsg and ReadMsg take
// (interfaces, so a local one would be allocated per message).
var (
	bytesReaders = sync.Pool{New: func() any { return new(bytes.Reader) }}
	sliceWriters = sync.Pool{New: func() any { return new(tcpip.SliceWriter) }}
)
