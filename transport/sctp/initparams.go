package sctp

import (
	"encoding/binary"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// maxUnrecognized bounds the unrecognized parameters reported back.
const maxUnrecognized = 4

// initInfo is an INIT or INIT ACK parsed and checked (RFC 9260 3.3.2,
// 3.3.3, 5.1.2). Slices alias the received chunk.
type initInfo struct {
	tag, arwnd, tsn uint32
	os, mis         uint16
	cookie          []byte // INIT ACK: the State Cookie
	preserve        uint32 // Cookie Preservative: suggested increment, ms
	addrTypes       uint8  // Supported Address Types seen (bit 0 IPv4, bit 1 IPv6)
	adapt           uint32 // Adaptation Layer Indication (RFC 5061 4.2.6), if hasAdapt
	hasAdapt        bool
	hasAddrTypes    bool
	fwdTSN          bool         // Forward-TSN-Supported (RFC 3758 3.1)
	hostName        header.Param // a Host Name Address, which we cannot resolve
	// addrs are the IPv4 and IPv6 Address parameters (RFC 9260 3.3.2.1);
	// addrParams the parameters themselves, for a Restart with New
	// Addresses cause.
	addrs      [maxPeerAddrs]tcpip.Address
	addrParams [maxPeerAddrs]header.Param
	naddrs     int
	unrec      [maxUnrecognized]header.Param
	nunrec     int
}

// initVerdict is what the receiver of an INIT or INIT ACK must do.
type initVerdict uint8

const (
	initOK             initVerdict = iota
	initDiscard                    // silently discard (Initiate Tag 0 in an INIT)
	initAbortInvalid               // ABORT, Invalid Mandatory Parameter
	initAbortMissing               // ABORT, Missing Mandatory Parameter (State Cookie)
	initAbortUnresolve             // ABORT, Unresolvable Address
	initAbortViolation             // ABORT, Protocol Violation (malformed parameters)
	initAbortZeroTag               // INIT ACK with Initiate Tag 0: ABORT with the T bit
)

// cause returns the error cause of an ABORT verdict.
func (v initVerdict) cause() header.CauseCode {
	switch v {
	case initAbortInvalid:
		return header.CauseInvalidMandatoryParameter
	case initAbortMissing:
		return header.CauseMissingMandatoryParameter
	case initAbortUnresolve:
		return header.CauseUnresolvableAddress
	case initAbortViolation:
		return header.CauseProtocolViolation
	}
	return 0
}

// parseInit checks an INIT (ack false) or INIT ACK chunk. family is the
// address type the packet came over (1 IPv4, 2 IPv6), for Supported Address
// Types (RFC 9260 5.1.2).
func parseInit(c header.Chunk, ack bool, family uint8, ii *initInfo) initVerdict {
	*ii = initInfo{}
	if len(c) < header.InitChunkHeaderLen {
		return initAbortViolation
	}
	ic := header.InitChunk(c)
	ii.tag = ic.InitiateTag()
	ii.arwnd = ic.AdvertisedReceiverWindowCredit()
	ii.os = ic.NumberOfOutboundStreams()
	ii.mis = ic.NumberOfInboundStreams()
	ii.tsn = ic.InitialTSN()
	if ii.tag == 0 {
		// RFC 9260 3.3.2: discard an INIT; 3.3.3: ABORT with T for INIT ACK.
		if ack {
			return initAbortZeroTag
		}
		return initDiscard
	}
	// RFC 9260 3.3.2, 3.3.3: a_rwnd >= 1500, OS and MIS not 0.
	if ii.arwnd < 1500 || ii.os == 0 || ii.mis == 0 {
		return initAbortInvalid
	}
	it := header.NewParamIter(ic.Params())
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		v := p.Value()
		switch p.Type() {
		case header.ParamIPv4Address, header.ParamIPv6Address:
			if (p.Type() == header.ParamIPv4Address && len(v) != 4) || (p.Type() == header.ParamIPv6Address && len(v) != 16) {
				return initAbortViolation
			}
			if ii.naddrs < maxPeerAddrs {
				ii.addrs[ii.naddrs] = tcpip.AddrFromSlice(v)
				ii.addrParams[ii.naddrs] = p
				ii.naddrs++
			}
		case header.ParamStateCookie:
			if !ack {
				return initAbortViolation
			}
			ii.cookie = v
		case header.ParamCookiePreservative:
			if len(v) != 4 {
				return initAbortViolation
			}
			ii.preserve = binary.BigEndian.Uint32(v)
		case header.ParamHostNameAddress:
			// RFC 9260 5.1.2: host names are not supported; ABORT.
			ii.hostName = p
		case header.ParamSupportedAddressTypes:
			if len(v)%2 != 0 {
				return initAbortViolation
			}
			ii.hasAddrTypes = true
			for i := 0; i+1 < len(v); i += 2 {
				switch header.ParamType(binary.BigEndian.Uint16(v[i:])) {
				case header.ParamIPv4Address:
					ii.addrTypes |= 1
				case header.ParamIPv6Address:
					ii.addrTypes |= 2
				}
			}
		case header.ParamAdaptationLayerInd:
			// RFC 5061 4.2.6: reported to the user (RFC 6458 6.1.6).
			if len(v) != 4 {
				return initAbortViolation
			}
			ii.adapt, ii.hasAdapt = binary.BigEndian.Uint32(v), true
		case header.ParamForwardTSNSupported:
			ii.fwdTSN = true // RFC 3758 3.3.2
		case header.ParamSupportedExtensions:
			// RFC 5061 4.2.7: FORWARD TSN listed there says PR-SCTP
			// as well as its own parameter does (FreeBSD sends both).
			for _, t := range v {
				if header.ChunkType(t) == header.ChunkForwardTSN {
					ii.fwdTSN = true
				}
			}
		default:
			// RFC 9260 3.2.1: the two high bits say what to do.
			a := p.Type().UnrecognizedAction()
			if a.Report() && ii.nunrec < maxUnrecognized {
				ii.unrec[ii.nunrec] = p
				ii.nunrec++
			}
			if !a.Skip() {
				goto done
			}
		}
	}
	if it.Err() != nil {
		return initAbortViolation
	}
done:
	if ii.hostName != nil {
		return initAbortUnresolve
	}
	// RFC 9260 5.1.2: if the peer lists address types, ours must be there.
	if ii.hasAddrTypes && ii.addrTypes&family == 0 {
		return initAbortUnresolve
	}
	if ack && ii.cookie == nil {
		return initAbortMissing
	}
	return initOK
}
