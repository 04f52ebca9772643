// Package sctp implements SCTP (RFC 9260) as a transport protocol for
// gVisor's netstack: one-to-one (TCP-style, RFC 6458 4) endpoints with the
// association lifecycle of RFC 9260 sections 5, 8, 9 and 10.
//
// # Use
//
// Install the protocol beside TCP and UDP:
//
//	s := stack.New(stack.Options{
//		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol},
//		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, sctp.NewProtocol},
//	})
//
// (or sctp.NewProtocolWithOptions(o) for other RTO bounds, cookie life,
// retransmission limits, buffer sizes...). s.NewEndpoint(sctp.ProtocolNumber,
// netProto, &wq) returns a *sctp.Endpoint, which implements tcpip.Endpoint
// the way gVisor's TCP endpoint does: Bind, Listen, Accept, Connect
// (ErrConnectStarted, then WritableEvents; LastError tells success from
// failure), Read, Write, Shutdown, Close, Abort, Readiness. Write sends one
// message on stream 0 and Read returns at most one message; WriteMsg and
// ReadMsg carry the stream, PPID and ordering, Status the STATUS primitive,
// AbortCause the peer's ABORT cause. Stats(s) returns the protocol's
// counters, Endpoint.Stats the association's.
//
// Errors: ErrConnectionRefused when the peer refuses the set-up (ABORT,
// ICMP unreachable); ErrTimeout when T1 runs out (Max.Init.Retransmits) or
// the peer stops answering (Association.Max.Retrans, T5-shutdown-guard);
// ErrConnectionReset when an established association is aborted by the
// peer (or for a protocol violation); ErrClosedForSend and
// ErrClosedForReceive after a shutdown; ErrWouldBlock when nothing can be
// done now; ErrMessageTooLong for a message larger than the send buffer;
// ErrPortInUse for a taken port.
//
// # Design
//
// The design follows "Linux Kernel SCTP: The Third Transport" (section 5):
// an explicit state table (sm_statetable.go, printed in STATETABLE.md) of
// pure state functions named after their RFC 9260 sections, whose commands
// one interpreter carries out (sm_sideeffect.go); and four smart pipes:
// inqueue.go (received DATA, SACKs), ulpqueue.go (reassembly and ordering
// for the reader), outqueue.go (fragmentation, TSNs, retransmission) and
// packet.go (bundling into packets that fit the path MTU).
//
// Each bound port registers one demux with the stack (demux.go); it finds
// associations in its own table by peer address and port, so that
// multihoming can come later. Packets are processed inline on the link's
// goroutine under the association's mutex; the packets they produce are
// written after the mutex is released. Timers run on the stack's clock.
package sctp
