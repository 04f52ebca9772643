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
	var r sackResult
	if c.Type() == header.ChunkShutdown {
		// A SHUTDOWN acknowledges up to its cumulative TSN; build a
		// SACK-shaped view keeping the peer's last window.
		cum := header.ShutdownChunk(c).CumulativeTSNAck()
		if !tsnLT(cum, a.out.unsentTSN()) {
			return
		}
		var s [header.SackChunkHeaderLen]byte
		header.SackChunk(s[:]).Encode(&header.SackFields{CumTSNAck: cum, ARwnd: a.out.arwnd})
		a.out.sack(header.SackChunk(s[:]), now, &r)
	} else {
		a.out.sack(header.SackChunk(c), now, &r)
	}
	if r.ignored {
		return
	}
	p := &a.path
	if r.haveRTT {
		p.measure(time.Duration(r.rtt), &a.p.opts)
	}
	if r.advanced {
		// RFC 9260 8.1, 8.2: an acknowledgement clears the error counts.
		p.errorCount = 0
	}
	if a.out.arwnd == 0 {
		// RFC 9260 6.1 A: SACKs keep coming while the window is closed;
		// unanswered probes do not count as errors.
		p.errorCount = 0
	}
	// RFC 9260 7.2.4 note: the cwnd rules for what was acknowledged
	// first, then the reaction to loss.
	p.onSackCwnd(r.acked, r.flightBefore, a.out.fastRecovery && !r.exitFR && !r.enterFR)
	if r.enterFR {
		p.onFastLoss()
		a.stats.FastRecoveries.Increment()
	}
	if r.fast > 0 {
		a.p.stats.FastRetransmits.IncrementBy(uint64(r.fast))
		a.stats.FastRetransmits.IncrementBy(uint64(r.fast))
	}
	if r.allAcked {
		p.onAllAcked(now)
	}
	if r.acked > 0 {
		a.notify |= waiter.WritableEvents
	}
	// RFC 9260 6.3.2 R2, R3: stop T3 when all is acked, restart it when
	// the earliest outstanding TSN is acknowledged.
	if len(a.out.inflight) == 0 {
		a.stopTimer(timerT3Rtx)
	} else if r.advanced {
		a.startTimer(timerT3Rtx)
	} else if r.reneged && !a.timers[timerT3Rtx].armed {
		a.startTimer(timerT3Rtx) // 6.2.1 D iii
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

// flushOutqueue sends what the windows allow now, or at the end of the
// packet being processed, so that the SACK for its DATA goes first in the
// packets we send back (RFC 9260 6.1 bundling).
//
// +checklocks:a.mu
func (a *association) flushOutqueue() {
	if a.inPacket {
		a.flushWanted = true
		return
	}
	a.transmit()
}

// transmit sends what the windows allow (RFC 9260 6.1): chunks marked for
// retransmission first (rule C), then new ones while rules A (the peer's
// window), B (cwnd) and D (Max.Burst) allow, bundled by the packet builder
// behind any SACK due. Data never goes out before ESTABLISHED.
//
// +checklocks:a.mu
func (a *association) transmit() {
	if !a.state.established() || a.state == StateShutdownAckSent {
		return
	}
	q := &a.out
	p := &a.path
	now := a.p.stack.Clock().NowMonotonic()
	sent, restartT3 := false, false
	sackFirst := func() {
		if !sent && a.sackDue {
			a.sendSack() // RFC 9260 6.1: bundle the SACK due with DATA
		}
		sent = true
	}
	if q.nrtx > 0 {
		// Rule C, limited by cwnd; the first packet after a T3 (6.3.3
		// E3) or a fast retransmit (7.2.4 step 3) goes regardless.
		budget := a.pb.maxChunk()
		one := q.rtxOnePacket
		q.rtxOnePacket = false
		for i, c := range q.inflight {
			if !c.rtx {
				continue
			}
			l := dataLen(c)
			if one {
				if l > budget && sent {
					break
				}
				budget -= l
			} else if q.flight >= p.cwnd {
				break
			}
			sackFirst()
			a.pb.appendData(a.peerVtag, c)
			c.rtx = false
			q.nrtx--
			c.sends++
			q.flight += c.size
			if i == 0 {
				restartT3 = true // 6.1: the earliest outstanding goes again
			}
			if c.t3 {
				c.t3 = false
				a.p.stats.Retransmissions[timerT3Rtx].Increment()
				a.stats.Retransmissions[timerT3Rtx].Increment()
			}
		}
	}
	newData := false
	if q.nrtx == 0 && q.pending() {
		if len(q.inflight) == 0 {
			p.decayIdle(now) // 7.2.1: cwnd after an idle period
		}
		// Rule D: Max.Burst, by bounding the window for this round.
		cwnd := p.cwnd
		if mb := a.p.opts.MaxBurst * p.pmtu; q.flight+mb < cwnd {
			cwnd = q.flight + mb
		}
		full := maxPayload(p.pmtu)
		for q.pending() {
			c := q.queue[q.qhead]
			probe := false
			if uint32(c.size) > q.rwnd() {
				// Rule A: a zero window probe only with nothing
				// outstanding, and one RTO after the window closed
				// (T3 times it); this is also the sender's silly
				// window avoidance: nothing smaller than a chunk goes.
				if len(q.inflight) > 0 {
					break
				}
				if !q.probeDue {
					if !a.timers[timerT3Rtx].armed {
						a.startTimer(timerT3Rtx)
					}
					break
				}
				probe = true
			}
			if q.flight >= cwnd { // rule B, one packet's overbooking
				break
			}
			// Nagle-like coalescing: with data outstanding, a packet
			// that would not be full waits for an acknowledgement.
			if !a.nodelay && len(q.inflight) > 0 && q.queued < full && !a.pb.hasData() {
				break
			}
			sackFirst()
			newData = true
			a.pb.appendData(a.peerVtag, c)
			q.queue[q.qhead] = nil
			q.qhead++
			q.queued -= c.size
			c.sends = 1
			c.sentAt = now
			q.inflight = append(q.inflight, c)
			q.flight += c.size
			if !q.rttActive {
				q.rttActive, q.rttTSN, q.rttStart = true, c.tsn, now
			}
			a.stats.DataBytesSent.IncrementBy(uint64(c.size))
			if probe {
				q.probeDue = false
				a.p.stats.ZeroWindowProbes.Increment()
				break
			}
		}
		if q.qhead == len(q.queue) {
			clear(q.queue)
			q.queue, q.qhead = q.queue[:0], 0
		}
	}
	if !sent {
		return
	}
	p.lastSend = now
	// RFC 9260 6.1: the I bit when the send fills the window (more is
	// waiting), or in SHUTDOWN-PENDING, so that the SACK comes without
	// the delayed-ack wait. This keeps a window-limited sender from
	// stalling on the peer's SACK timer.
	if newData && (q.pending() || a.state == StateShutdownPending) {
		a.pb.setImmediate()
	}
	// RFC 9260 6.3.2 R1 and 6.1: T3 runs while data is outstanding.
	if !a.timers[timerT3Rtx].armed || restartT3 {
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
	// Messages not yet begun go out in chunks that fit.
	a.out.refragment(mtu)
}
