package sctp

import "time"

// Options are the protocol-wide parameters. Zero values mean the defaults
// of RFC 9260 16 (or, for values the RFC leaves open, those of Linux).
type Options struct {
	// RTOInitial, RTOMin and RTOMax bound the retransmission timeout
	// (RFC 9260 6.3.1, 16).
	RTOInitial, RTOMin, RTOMax time.Duration
	// ValidCookieLife is the lifetime of the State Cookies we issue
	// (Valid.Cookie.Life, RFC 9260 5.1.3).
	ValidCookieLife time.Duration
	// HeartbeatInterval is HB.interval (RFC 9260 8.3).
	HeartbeatInterval time.Duration
	// DelayedAckTime is SACK.Delay (RFC 9260 6.2).
	DelayedAckTime time.Duration
	// MaxInitRetransmits is Max.Init.Retransmits (RFC 9260 5.1).
	MaxInitRetransmits int
	// AssociationMaxRetrans is Association.Max.Retrans (RFC 9260 8.1).
	AssociationMaxRetrans int
	// PathMaxRetrans is Path.Max.Retrans (RFC 9260 8.2).
	PathMaxRetrans int
	// NoHeartbeats starts new paths with heartbeats on idle confirmed
	// paths off (SPP_HB_DISABLE as an endpoint default, RFC 6458 8.1.12).
	NoHeartbeats bool
	// PotentiallyFailedMaxRetrans is PFMR of RFC 7829: a path with more
	// errors than this, and not more than PathMaxRetrans, is Potentially
	// Failed and gets no new data while another path is active. Default
	// 0: a path is left after its first timeout. DisablePotentiallyFailed
	// turns the PF state off (RFC 9260 alone).
	PotentiallyFailedMaxRetrans int
	DisablePotentiallyFailed    bool
	// OutStreams is the number of outbound streams we ask for, MaxInStreams
	// the most inbound streams we allow (RFC 9260 5.1.1). Default 10 / 65535
	// as in Linux.
	OutStreams, MaxInStreams uint16
	// SendBufferSize and ReceiveBufferSize are the default buffer sizes of
	// new endpoints, in bytes.
	SendBufferSize, ReceiveBufferSize int
	// MaxAssociations bounds the associations of the whole protocol; INITs
	// beyond it are refused with an Out of Resource ABORT. Default 65536.
	MaxAssociations int
	// CookieSecretRotation is how often the cookie signing secret changes;
	// cookies signed with the previous secret stay valid. Default
	// ValidCookieLife, so that no cookie outlives both secrets.
	CookieSecretRotation time.Duration
	// MinPMTU is the floor below which ICMP Packet Too Big does not lower the
	// path MTU (RFC 9260 Appendix C). Default 512 (RFC 9260 8.3 of 4960's
	// heirs; Linux uses 512 too).
	MinPMTU int
	// MaxPeerAddresses bounds the peer addresses (paths) an association
	// keeps; the peer's further addresses are ignored (its INIT is still
	// taken). Default and most 8, what a State Cookie has room for.
	MaxPeerAddresses int
	// DisableFragments refuses messages that do not fit one DATA chunk
	// instead of fragmenting them (RFC 6458 8.1.9).
	DisableFragments bool
	// MaxSeg, if set, caps the user data of a DATA chunk below what the
	// path MTU allows (RFC 6458 8.1.16 SCTP_MAXSEG).
	MaxSeg int
	// SackFrequency is how many packets with DATA get one SACK (RFC
	// 6458 8.1.19 sack_freq). Default 2, as RFC 9260 6.2 recommends; 1
	// acknowledges every packet. Larger values (as Linux and FreeBSD
	// accept) trade acknowledgements for a slower sender: the SACK timer
	// still bounds the delay, and gaps and duplicates are SACKed at once.
	SackFrequency int
	// PartialDeliveryPoint is the size of an incomplete message at which
	// its delivery to the reader starts (RFC 6458 8.1.21). Default: half
	// the receive buffer.
	PartialDeliveryPoint int
	// MaxBurst is Max.Burst, the most packets of new data one send may
	// put in flight beyond what is outstanding (RFC 9260 6.1 D, 16).
	// Default 4.
	MaxBurst int
	// NoMaxBurst turns burst mitigation off (RFC 6458 SCTP_MAX_BURST
	// 0): a send may fill the congestion window at once.
	NoMaxBurst bool
	// DisablePRSCTP leaves the Forward-TSN-Supported parameter out of
	// our INIT and INIT ACK: no partial reliability (RFC 3758 3.3). By
	// default it is offered, as Linux and FreeBSD do.
	DisablePRSCTP bool
	// DefaultPRPolicy and DefaultPRValue are the partial reliability
	// policy of messages whose SendInfo names none (RFC 6458 8.1.34
	// SCTP_DEFAULT_PRINFO): see SendInfo.PRPolicy.
	DefaultPRPolicy PRPolicy
	DefaultPRValue  uint32
}

// Defaults that RFC 9260 does not fix.
const (
	defaultOutStreams      = 10
	defaultMaxInStreams    = 65535
	defaultSendBuffer      = 1 << 20
	defaultReceiveBuffer   = 1 << 20
	defaultMaxAssociations = 65536
	defaultMinPMTU         = 512
	defaultMaxBurst        = 4
	minBufferSize          = 4 << 10
	// maxSackFrequency bounds SackFrequency (a 16-bit count is plenty:
	// the SACK timer fires long before).
	maxSackFrequency = 1<<16 - 1
)

// DefaultOptions returns the options with every default filled in.
func DefaultOptions() Options {
	var o Options
	o.fill()
	return o
}

// fill replaces zero values by defaults and repairs contradictions.
func (o *Options) fill() {
	d := rfc9260Defaults
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur(&o.RTOInitial, d.rtoInitial)
	setDur(&o.RTOMin, d.rtoMin)
	setDur(&o.RTOMax, d.rtoMax)
	setDur(&o.ValidCookieLife, d.cookieLife)
	setDur(&o.HeartbeatInterval, d.hbInterval)
	setDur(&o.DelayedAckTime, d.sackDelay)
	setDur(&o.CookieSecretRotation, o.ValidCookieLife)
	setInt(&o.MaxInitRetransmits, d.maxInit)
	setInt(&o.AssociationMaxRetrans, d.assocMaxRetrans)
	setInt(&o.PathMaxRetrans, d.pathMaxRetrans)
	setInt(&o.SendBufferSize, defaultSendBuffer)
	setInt(&o.ReceiveBufferSize, defaultReceiveBuffer)
	setInt(&o.MaxAssociations, defaultMaxAssociations)
	setInt(&o.MinPMTU, defaultMinPMTU)
	setInt(&o.MaxBurst, defaultMaxBurst)
	setInt(&o.MaxPeerAddresses, maxPeerAddrs)
	if o.MaxPeerAddresses > maxPeerAddrs {
		o.MaxPeerAddresses = maxPeerAddrs
	}
	setInt(&o.SackFrequency, 2)
	o.SackFrequency = min(o.SackFrequency, maxSackFrequency)
	if o.DelayedAckTime > 500*time.Millisecond {
		o.DelayedAckTime = 500 * time.Millisecond // RFC 9260 6.2: at most 500 ms
	}
	if o.OutStreams == 0 {
		o.OutStreams = defaultOutStreams
	}
	if o.MaxInStreams == 0 {
		o.MaxInStreams = defaultMaxInStreams
	}
	if o.RTOMin > o.RTOMax {
		o.RTOMin = o.RTOMax
	}
	if o.RTOInitial < o.RTOMin {
		o.RTOInitial = o.RTOMin
	}
	if o.RTOInitial > o.RTOMax {
		o.RTOInitial = o.RTOMax
	}
	if o.SendBufferSize < minBufferSize {
		o.SendBufferSize = minBufferSize
	}
	if o.ReceiveBufferSize < minBufferSize {
		o.ReceiveBufferSize = minBufferSize
	}
}
