package sctp

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// ProtocolStats are the protocol-wide counters, in the spirit of
// tcpip.TCPStats. All are atomic; reading them takes no lock.
type ProtocolStats struct {
	// PacketsReceived counts SCTP packets handed to the protocol with a
	// valid checksum; PacketsSent those written to the network.
	PacketsReceived tcpip.StatCounter
	PacketsSent     tcpip.StatCounter
	// ChunksReceived and ChunksSent count chunks by chunk type.
	ChunksReceived [256]tcpip.StatCounter
	ChunksSent     [256]tcpip.StatCounter
	// ChecksumErrors counts packets dropped for a bad CRC32c (RFC 9260 6.8).
	ChecksumErrors tcpip.StatCounter
	// MalformedPackets counts packets dropped as malformed (bad lengths).
	MalformedPackets tcpip.StatCounter
	// OutOfTheBluePackets counts packets matching no association (8.4).
	OutOfTheBluePackets tcpip.StatCounter
	// VerificationTagDrops counts packets dropped by the tag rules (8.5).
	VerificationTagDrops tcpip.StatCounter
	// AbortsSent and AbortsReceived count ABORT chunks.
	AbortsSent     tcpip.StatCounter
	AbortsReceived tcpip.StatCounter
	// Retransmissions counts retransmitted chunks by the timer that caused
	// them (T1-init: INIT, T1-cookie: COOKIE ECHO, T2: SHUTDOWN/SHUTDOWN
	// ACK, T3-rtx: DATA).
	Retransmissions [numTimers]tcpip.StatCounter
	// FastRetransmits counts chunks sent again after three miss
	// indications (RFC 9260 7.2.4).
	FastRetransmits tcpip.StatCounter
	// Timeouts counts timer expiries by timer.
	Timeouts [numTimers]tcpip.StatCounter
	// BurstSacks counts SACKs sent when a burst of received packets had
	// been processed (sack_burst.go) rather than at once or on SACK.Delay.
	BurstSacks tcpip.StatCounter
	// TimersActive is the number of armed association timers.
	TimersActive tcpip.StatCounter
	// AssociationsByState is the number of associations in each state
	// (a gauge; CLOSED is not counted).
	AssociationsByState [numStates]tcpip.StatCounter
	// ActiveEstablished and PassiveEstablished count associations that
	// reached ESTABLISHED by Connect or by a listener.
	ActiveEstablished  tcpip.StatCounter
	PassiveEstablished tcpip.StatCounter
	// FailedSetups counts associations that failed before ESTABLISHED.
	FailedSetups tcpip.StatCounter
	// Restarts counts peer restarts noticed (RFC 9260 5.2.4 A).
	Restarts tcpip.StatCounter
	// CookiesRejected counts COOKIE ECHOs whose cookie failed the MAC,
	// lifetime or replay check; StaleCookies those that were only too old.
	CookiesRejected tcpip.StatCounter
	StaleCookies    tcpip.StatCounter
	// ICMPErrors counts ICMP errors handed to associations; ICMPIgnored
	// those dropped because the tag did not match (Appendix C).
	ICMPErrors  tcpip.StatCounter
	ICMPIgnored tcpip.StatCounter
	// SendBufferFull counts writes refused with ErrWouldBlock.
	SendBufferFull tcpip.StatCounter
	// DataDropped counts new DATA chunks dropped for want of receive
	// buffer or for a TSN far outside the window (RFC 9260 6.2).
	DataDropped tcpip.StatCounter
	// ZeroWindowProbes counts DATA chunks sent into a closed window
	// (RFC 9260 6.1 A).
	ZeroWindowProbes tcpip.StatCounter
	// PathSwitches counts changes of the path new data takes (RFC 9260
	// 6.4: failover and the return to the primary).
	PathSwitches tcpip.StatCounter
	// AbandonedChunks and AbandonedMessages count the DATA chunks and
	// messages given up by their PR-SCTP policy (RFC 3758 3.4);
	// ForwardTSNsReceived the FORWARD TSN chunks that moved a
	// cumulative TSN (RFC 3758 3.6). Stack-wide only: each association's
	// counters are heap it keeps while idle.
	AbandonedChunks     tcpip.StatCounter
	AbandonedMessages   tcpip.StatCounter
	ForwardTSNsReceived tcpip.StatCounter
}

// AssocStats are one association's counters.
type AssocStats struct {
	PacketsReceived tcpip.StatCounter
	PacketsSent     tcpip.StatCounter
	ChunksReceived  ChunkCounts
	ChunksSent      ChunkCounts
	AbortsSent      tcpip.StatCounter
	AbortsReceived  tcpip.StatCounter
	Retransmissions [numTimers]tcpip.StatCounter
	Timeouts        [numTimers]tcpip.StatCounter
	DuplicateTSNs   tcpip.StatCounter
	DataBytesSent   tcpip.StatCounter
	DataBytesRecv   tcpip.StatCounter
	// FastRetransmits counts chunks marked by three miss indications;
	// FastRecoveries the times the association entered Fast Recovery
	// (RFC 9260 7.2.4).
	FastRetransmits tcpip.StatCounter
	FastRecoveries  tcpip.StatCounter
	SacksSent       tcpip.StatCounter
	// PathSwitches counts changes of the path new data takes.
	PathSwitches tcpip.StatCounter
	// HeartbeatsSent counts HEARTBEATs sent; HeartbeatAcksIgnored the
	// HEARTBEAT ACKs whose nonce or address matched no probe (5.4, 8.3).
	HeartbeatsSent       tcpip.StatCounter
	HeartbeatAcksIgnored tcpip.StatCounter
	// NotificationsDropped counts notifications dropped because the
	// reader let too many wait.
	NotificationsDropped tcpip.StatCounter
}

// ChunkCounts counts chunks by type. Each association has two, so they
// are compact: a counter for each chunk type of RFC 9260 (0 to 15) and one
// shared by all others (extensions this implementation does not speak),
// rather than 256 counters, which cost 4 KiB per association, most of an
// idle association's memory. ProtocolStats keeps a counter per type.
type ChunkCounts struct {
	c [chunkSlots]tcpip.StatCounter
}

// chunkSlots: types 0 to 15 at their own index, then one for the rest.
const chunkSlots = 16 + 1

// Of returns the counter of chunk type t; types above 15 share Other's.
func (c *ChunkCounts) Of(t header.ChunkType) *tcpip.StatCounter {
	return &c.c[min(int(t), chunkSlots-1)]
}

// Other returns the counter shared by the chunk types above 15.
func (c *ChunkCounts) Other() *tcpip.StatCounter { return &c.c[chunkSlots-1] }

// IsEndpointStats implements tcpip.EndpointStats.
func (*AssocStats) IsEndpointStats() {}

// Stats returns the counters of the SCTP protocol of s, or nil when s has
// no SCTP protocol.
func Stats(s *stack.Stack) *ProtocolStats {
	if p, ok := s.TransportProtocolInstance(ProtocolNumber).(*protocol); ok {
		return &p.stats
	}
	return nil
}
