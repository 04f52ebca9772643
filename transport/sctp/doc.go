// Package sctp implements SCTP (RFC 9260) as a transport protocol for
// gVisor's netstack: one-to-one (TCP-style, RFC 6458 4) endpoints with the
// association lifecycle of RFC 9260 sections 5, 8, 9 and 10, reliable
// multi-stream transfer (6, 7) and multihoming (5.4, 6.4, 8).
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
// ReadMsg carry the stream, PPID and ordering (a message larger than the
// receive buffer comes in parts, RecvInfo.Complete false until its end),
// Status the STATUS primitive, AbortCause the peer's ABORT cause,
// UnsentMessages what a failed association could not deliver. SetNoDelay
// turns off the Nagle-like coalescing of small messages;
// SetSendBufferSize and SetReceiveBufferSize size the buffers. Stats(s)
// returns the protocol's counters, Endpoint.Stats the association's.
//
// # Multihoming
//
// An association keeps one path (transport.go) per peer address, each
// with its own route and source address, RTO, cwnd, error counter, path
// MTU, heartbeat schedule and state: UNCONFIRMED, ACTIVE, POTENTIALLY
// FAILED (RFC 7829) or INACTIVE. BindAddrs and UnbindAddrs are sctp_bindx,
// ConnectAddrs sctp_connectx; an unbound or wildcard endpoint uses every
// address of the stack (both families for an IPv6 endpoint that is not
// V6ONLY) and lists them in its INIT or INIT ACK. Addresses the peer lists
// are confirmed by a HEARTBEAT carrying a random nonce before data uses
// them (RFC 9260 5.4, heartbeat.go). New data goes to the primary path
// while it is active (SetPrimary), else to another active path; a chunk
// that timed out is retransmitted to another active path; a path leaves
// the rotation after PotentiallyFailedMaxRetrans+1 timeouts and is probed
// every RTO until it answers, and the association fails after
// Association.Max.Retrans errors (association_paths.go). Paths lists the
// paths (SCTP_GET_PEER_ADDR_INFO), PathEvents the changes
// (SCTP_PEER_ADDR_CHANGE), SetPathParams sets HB.interval,
// Path.Max.Retrans and turns heartbeats off, RequestHeartbeatTo probes on
// demand. Routes are looked up again when a path fails.
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
// inqueue.go (received DATA: TSN map, window, one copy or none of the
// payload), ulpqueue.go with reassembly.go and streams.go (reassembly,
// partial delivery, per-stream ordering for the reader), outqueue.go
// (fragmentation, TSNs, retransmission marking) and packet.go (bundling
// into packets that fit the path MTU, SACK first). sack.go builds and
// applies SACKs (gap blocks, duplicates, HTNA miss indications, Fast
// Recovery); sack_burst.go sends the SACK owed every second packet when
// the burst of packets being delivered has been processed;
// inpacket_split.go takes a received DATA payload that arrived as a view of
// its own by reference; association_data.go sends what rules A-D of RFC 9260 6.1
// allow (Nagle-like coalescing, Max.Burst, zero window probes, the I
// bit), congestion.go and rto.go are the path's cwnd/ssthresh/pba (7.2)
// and RTO (6.3).
//
// The data path allocates nothing per chunk in steady state: chunks and
// messages are recycled through free lists, events run in pooled frames,
// payloads live in pooled buffer views (or, up to 128 bytes received, in
// the chunk's own buffer). User data is copied once on the way out (the
// write into the message, which DATA chunks and packets share by
// reference; payloads under 512 bytes are copied into the packet instead,
// which is cheaper than sharing them) and at most once on the way in (a
// large payload stays in the received packet's memory).
//
// Each bound port registers one demux with the stack (demux.go), once per
// address of a bindx; it finds associations in its own table by peer
// address and port, under every address of the peer. Packets are processed inline on the link's
// goroutine under the association's mutex; the packets they produce are
// written after the mutex is released. Timers run on the stack's clock.
package sctp
