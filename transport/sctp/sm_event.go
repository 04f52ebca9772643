package sctp

import (
	"unsafe"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// eventType is one row of the state table. Events fall into four kinds
// (paper 5.1): chunks, primitives, timeouts and other events.
type eventType uint8

// Chunk events: one per RFC 9260 chunk type, and one for all unknown types.
const (
	evData eventType = iota
	evInit
	evInitAck
	evSack
	evHeartbeat
	evHeartbeatAck
	evAbort
	evShutdown
	evShutdownAck
	evError
	evCookieEcho
	evCookieAck
	evShutdownComplete
	evForwardTSN // RFC 3758 3.2
	evUnknownChunk

	// Primitives (RFC 9260 11.1).
	evPrmAssociate
	evPrmSend
	evPrmReceive
	evPrmShutdown
	evPrmAbort
	evPrmRequestHeartbeat
	evPrmStatus

	// Timeouts.
	evTimeoutT1Init
	evTimeoutT1Cookie
	evTimeoutT2Shutdown
	evTimeoutT3Rtx
	evTimeoutT5ShutdownGuard
	evTimeoutHeartbeat
	evTimeoutSack
	evTimeoutAutoclose

	// Other events.
	evOtherSendQueueDrained
	evOtherICMPProtoUnreachable
	evOtherICMPPortUnreachable
	evOtherICMPPacketTooBig

	numEventTypes
)

var eventNames = [numEventTypes]string{
	"DATA", "INIT", "INIT ACK", "SACK", "HEARTBEAT", "HEARTBEAT ACK", "ABORT",
	"SHUTDOWN", "SHUTDOWN ACK", "ERROR", "COOKIE ECHO", "COOKIE ACK",
	"SHUTDOWN COMPLETE", "FORWARD TSN", "unknown chunk",
	"PRM_ASSOCIATE", "PRM_SEND", "PRM_RECEIVE", "PRM_SHUTDOWN", "PRM_ABORT",
	"PRM_REQUESTHEARTBEAT", "PRM_STATUS",
	"T1-init", "T1-cookie", "T2-shutdown", "T3-rtx", "T5-shutdown-guard",
	"heartbeat", "delayed SACK", "autoclose",
	"send queue drained", "ICMP protocol unreachable", "ICMP port unreachable",
	"ICMP packet too big",
}

func (t eventType) String() string {
	if t < numEventTypes {
		return eventNames[t]
	}
	return "EVENT(?)"
}

// eventKind names the four kinds of event of the paper's section 5.1.
func (t eventType) kind() string {
	switch {
	case t <= evUnknownChunk:
		return "Chunks"
	case t <= evPrmStatus:
		return "Primitives"
	case t <= evTimeoutAutoclose:
		return "Timeouts"
	default:
		return "Other events"
	}
}

// chunkEvent maps a chunk type to its row. ECNE and CWR are reserved and
// the other extensions are not negotiated, so they count as unknown
// chunks; FORWARD TSN has its row (RFC 3758), which treats it as unknown
// when PR-SCTP was not negotiated.
func chunkEvent(t header.ChunkType) eventType {
	switch t {
	case header.ChunkData:
		return evData
	case header.ChunkInit:
		return evInit
	case header.ChunkInitAck:
		return evInitAck
	case header.ChunkSack:
		return evSack
	case header.ChunkHeartbeat:
		return evHeartbeat
	case header.ChunkHeartbeatAck:
		return evHeartbeatAck
	case header.ChunkAbort:
		return evAbort
	case header.ChunkShutdown:
		return evShutdown
	case header.ChunkShutdownAck:
		return evShutdownAck
	case header.ChunkError:
		return evError
	case header.ChunkCookieEcho:
		return evCookieEcho
	case header.ChunkCookieAck:
		return evCookieAck
	case header.ChunkShutdownComplete:
		return evShutdownComplete
	case header.ChunkForwardTSN:
		return evForwardTSN
	}
	return evUnknownChunk
}

// packetInfo is what the state functions may know of the packet carrying a
// chunk: its common header and addresses. It lives on the receiver's stack.
type packetInfo struct {
	vtag       uint32
	srcPort    uint16
	dstPort    uint16
	srcAddr    tcpip.Address
	dstAddr    tcpip.Address
	netProto   tcpip.NetworkProtocolNumber
	nicID      tcpip.NICID
	singleton  bool // the packet carries exactly one chunk
	firstChunk bool // the chunk is the packet's first
	hasData    bool // the packet carries DATA (for SACK every 2nd packet)
	replied    int  // bytes of control chunks sent in answer so far (reply.go)

	// The received packet, for DATA payloads taken by reference (see
	// payloadView); nil for packets built by hand.
	pkt    *stack.PacketBuffer
	chunks []byte       // the packet's chunks, contiguous
	view   *buffer.View // a view of chunks, made on first use

	// A split packet (inpacket_split.go): chunks is in head, whose last
	// chunk, at split, is a DATA chunk header whose user data is ext,
	// in the packet's view extView. head is kept across uses.
	ext     []byte
	extView *buffer.View
	split   int
	head    *[splitHeadMax]byte
}

// payloadView returns a view of p, a sub-slice of the packet's chunks,
// sharing the packet's memory (no copy), or nil if that is not possible.
func (pi *packetInfo) payloadView(p []byte) *buffer.View {
	if pi.pkt == nil || len(p) == 0 {
		return nil
	}
	if pi.ext != nil {
		return pi.extPayload(p)
	}
	if pi.view == nil {
		b := pi.pkt.Data().ToBuffer()
		vl := b.AsViewList()
		front := vl.Front()
		if front == nil || front.Size() < len(pi.chunks) || &front.AsSlice()[0] != &pi.chunks[0] {
			b.Release()
			pi.pkt = nil // not contiguous after all: copy
			return nil
		}
		pi.view = front.Clone()
		b.Release()
	}
	// p lies within chunks (the chunk iterator slices it, possibly
	// capping capacities): its offset is the distance between the two.
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(p))) - uintptr(unsafe.Pointer(unsafe.SliceData(pi.chunks))))
	if off < 0 || off+len(p) > len(pi.chunks) {
		return nil
	}
	v := pi.view.Clone()
	v.TrimFront(off)
	v.CapLength(len(p))
	return v
}

// release drops the view of the packet.
func (pi *packetInfo) release() {
	if pi.view != nil {
		pi.view.Release()
	}
	*pi = packetInfo{head: pi.head}
}

// event is one input to the state machine. Only the fields of its kind are
// set. It is built on the caller's stack; nothing in it escapes.
type event struct {
	typ eventType

	// Chunk events.
	chunk header.Chunk
	pkt   *packetInfo

	// Primitive SEND.
	msg *outMessage

	// Primitive ABORT: the reason given by the user, if any.
	abortReason []byte

	// ICMP events.
	mtu uint32

	// addr is the peer address an ICMP error or a primitive is about
	// (the unspecified address for the association as a whole).
	addr tcpip.Address

	// now is the time of the event on the stack's clock (wall clock, for
	// cookie lifetimes): set for arriving chunks, 0 for other events.
	now int64
}
