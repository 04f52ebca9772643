package sctp

import (
	"encoding/binary"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// tcpipZero is the origin of the monotonic clock, for heartbeat stamps.
var tcpipZero tcpip.MonotonicTime

// processSack applies a SACK, or the cumulative ack of a SHUTDOWN
// (RFC 9260 6.2.1, 9.2), to the outqueue, the RTO and cwnd.
//
// +checklocks:a.mu
func (a *association) processSack(c header.Chunk) {
	now := a.p.stack.Clock().NowMonotonic()
	var acked int
	var advanced bool
	var rtt int64
	var haveRTT, fast bool
	flightBefore := a.out.flight
	if c.Type() == header.ChunkShutdown {
		// A SHUTDOWN acknowledges up to its cumulative TSN; build a
		// SACK-shaped view keeping the peer's last window.
		var s [header.SackChunkHeaderLen]byte
		header.SackChunk(s[:]).Encode(&header.SackFields{
			CumTSNAck: header.ShutdownChunk(c).CumulativeTSNAck(),
			ARwnd:     a.out.peerRwnd + uint32(a.out.flight),
		})
		if tsnLTE(a.out.nextTSN, header.ShutdownChunk(c).CumulativeTSNAck()) {
			return
		}
		acked, advanced, rtt, haveRTT, fast = a.out.sack(header.SackChunk(s[:]), now)
	} else {
		acked, advanced, rtt, haveRTT, fast = a.out.sack(header.SackChunk(c), now)
	}
	if haveRTT {
		a.path.measure(time.Duration(rtt), &a.p.opts)
	}
	if advanced {
		// RFC 9260 8.1, 8.2: an acknowledgement clears the error counts.
		a.path.errorCount = 0
		// RFC 9260 7.2.1: cwnd grows only while it is used.
		a.path.onAck(acked, flightBefore >= a.path.cwnd-a.path.pmtu)
	}
	if fast {
		// RFC 9260 7.2.4, 7.2.3: halve cwnd for the loss.
		a.path.ssthresh = max(a.path.cwnd/2, 4*a.path.pmtu)
		a.path.cwnd = a.path.ssthresh
		a.p.stats.FastRetransmits.Increment()
	}
	if acked > 0 {
		a.notify |= waiter.WritableEvents
	}
	// RFC 9260 6.3.2 R2, R3: stop T3 when all is acked, restart it when
	// the earliest outstanding TSN is acknowledged.
	if len(a.out.inflight) == 0 {
		a.stopTimer(timerT3Rtx)
	} else if advanced {
		a.startTimer(timerT3Rtx)
	}
	a.checkDrained()
}

// checkDrained raises the "send queue drained" event when a shutdown
// waits for it (RFC 9260 9.2).
//
// +checklocks:a.mu
func (a *association) checkDrained() {
	if (a.state == StateShutdownPending || a.state == StateShutdownReceived) && a.out.empty() {
		ev := event{typ: evOtherSendQueueDrained}
		a.runLocked(&ev)
	}
}

// transmit sends what the windows allow: chunks marked for retransmission
// first, then new ones, bundled by the packet builder (RFC 9260 6.1,
// 6.3.3). Data never goes out before ESTABLISHED.
//
// +checklocks:a.mu
func (a *association) transmit() {
	if !a.state.established() || a.state == StateShutdownAckSent {
		return
	}
	q := &a.out
	now := a.p.stack.Clock().NowMonotonic()
	sent := false
	// Retransmissions: on T3 only what fits in one packet (RFC 9260 6.3.3
	// E3); the rest follows as SACKs open the window.
	if q.nrtx > 0 {
		budget := a.pb.maxChunk()
		for _, c := range q.inflight {
			if !c.rtx {
				continue
			}
			l := dataLen(c)
			if l > budget && sent {
				break
			}
			budget -= l
			a.pb.appendData(a.peerVtag, c)
			c.rtx = false
			q.nrtx--
			c.sends++
			q.flight += c.size
			sent = true
			if c.t3 {
				c.t3 = false
				a.p.stats.Retransmissions[timerT3Rtx].Increment()
				a.stats.Retransmissions[timerT3Rtx].Increment()
			}
		}
	}
	for q.nrtx == 0 && q.pending() {
		c := q.queue[q.qhead]
		if !q.canSend(c.size, a.path.cwnd) {
			break
		}
		a.pb.appendData(a.peerVtag, c)
		q.queue[q.qhead] = nil
		q.qhead++
		c.sends = 1
		c.sentAt = now
		q.inflight = append(q.inflight, c)
		q.flight += c.size
		if !q.rttActive {
			q.rttActive, q.rttTSN, q.rttStart = true, c.tsn, now
		}
		a.stats.DataBytesSent.IncrementBy(uint64(c.size))
		sent = true
	}
	if q.qhead == len(q.queue) {
		q.queue, q.qhead = q.queue[:0], 0
	}
	// RFC 9260 6.3.2 R1: T3 runs while data is outstanding.
	if sent && !a.timers[timerT3Rtx].armed {
		a.startTimer(timerT3Rtx)
	}
}

// sendHeartbeat probes the path (RFC 9260 8.3). The info carries the send
// time and a nonce that the ACK must echo.
//
// +checklocks:a.mu
func (a *association) sendHeartbeat() {
	if a.hbOutstanding {
		a.path.errorCount++ // RFC 9260 8.3: an unanswered probe
	}
	a.hbNonce = uint64(a.p.randTag())<<32 | uint64(a.p.randTag())
	var info [16]byte
	binary.BigEndian.PutUint64(info[:], uint64(a.p.stack.Clock().NowMonotonic().Sub(tcpipZero)))
	binary.BigEndian.PutUint64(info[8:], a.hbNonce)
	l := header.PaddedLen(header.HeartbeatChunkLen(len(info)))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkHeartbeat)
	header.HeartbeatChunk(b).Encode(&header.HeartbeatFields{Info: info[:]})
	a.hbOutstanding = true
}

// processHeartbeatAck takes the echo of our probe: the path is alive and
// the RTT is a sample (RFC 9260 8.3).
//
// +checklocks:a.mu
func (a *association) processHeartbeatAck(c header.Chunk) {
	info := header.HeartbeatChunk(c).Info().SenderSpecificInfo()
	if len(info) != 16 || binary.BigEndian.Uint64(info[8:]) != a.hbNonce || !a.hbOutstanding {
		return
	}
	sent := time.Duration(binary.BigEndian.Uint64(info))
	now := a.p.stack.Clock().NowMonotonic().Sub(tcpipZero)
	a.path.measure(now-sent, &a.p.opts)
	a.hbOutstanding = false
	a.path.errorCount = 0
}

// lowerPMTU takes an ICMP Packet Too Big into the path MTU, never below
// the floor (RFC 9260 10 item 7, 8.3 of RFC 8899's spirit).
//
// +checklocks:a.mu
func (a *association) lowerPMTU(mtu int) {
	if mtu <= 0 || mtu >= a.path.pmtu {
		return
	}
	mtu = max(mtu, a.p.opts.MinPMTU)
	a.path.pmtu = mtu
	a.pb.mtu = mtu
}
