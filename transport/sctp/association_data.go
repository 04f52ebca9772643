package sctp

import (
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
	for _, t := range a.paths {
		t.flightBefore, t.acked = int32(t.flight), 0
	}
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
	if a.prsctp {
		a.out.prAfterSack() // RFC 3758 3.5 C1-C3
	}
	if r.haveRTT && r.rttPath != nil {
		r.rttPath.measure(time.Duration(r.rtt), a.o)
	}
	inFR := a.out.fastRecovery && !r.exitFR && !r.enterFR
	for _, t := range a.paths {
		if t.acked > 0 {
			// RFC 9260 8.1, 8.2: an acknowledgement of data sent to
			// the path clears its error count and the association's.
			a.pathHeard(t)
		}
		// RFC 9260 7.2.4 note: the cwnd rules for what was
		// acknowledged first, then the reaction to loss.
		t.onSackCwnd(int(t.acked), int(t.flightBefore), inFR)
		if a.out.fastRecovery || r.exitFR {
			// Rule D's allowance for what this SACK clocks out
			// (transmit) is for SACKs of a steady flow, not for one
			// that ends a loss episode with a large cumulative ack.
			t.acked = 0
		}
	}
	if r.advanced {
		a.errorCount = 0 // RFC 9260 8.1
	}
	if a.out.arwnd == 0 {
		// RFC 9260 6.1 A: SACKs keep coming while the window is closed;
		// unanswered probes do not count as errors.
		a.errorCount = 0
		for _, t := range a.paths {
			t.errorCount = 0
		}
	}
	if r.enterFR {
		if t := r.fastPath; t != nil {
			t.onFastLoss()
		}
		a.stats.FastRecoveries.Increment()
	}
	if r.fast > 0 {
		a.p.stats.FastRetransmits.IncrementBy(uint64(r.fast))
		a.stats.FastRetransmits.IncrementBy(uint64(r.fast))
	}
	if r.allAcked {
		for _, t := range a.paths {
			t.onAllAcked(now)
		}
	}
	if r.acked > 0 {
		a.notify |= waiter.WritableEvents
	}
	a.checkDry()
	// RFC 9260 6.3.2 R2, R3: stop T3 when all is acked, restart it when
	// the earliest outstanding TSN is acknowledged.
	if len(a.out.inflight) == 0 {
		a.stopTimer(timerT3Rtx)
	} else if r.advanced {
		a.startTimer(timerT3Rtx)
	} else if r.reneged && !a.timerArmed(timerT3Rtx) {
		a.startTimer(timerT3Rtx) // 6.2.1 D iii
	}
	a.checkDrained()
}

// checkDry reports SENDER_DRY once per spell of nothing queued or
// outstanding (RFC 6458 6.1.9).
//
// +checklocks:a.mu
func (a *association) checkDry() {
	if !a.dryNoted && a.connected && a.out.empty() {
		a.dryNoted = true
		a.note(&SenderDry{ID: a.id})
	}
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
	// The clock is read when something goes, not for every write that
	// the coalescing rule holds back (7% of a 64-byte message's CPU).
	var now tcpip.MonotonicTime
	sent, restartT3 := false, false
	// What the SACK just processed acknowledged on the data path: the
	// room it clocks out, for rule D below; this round uses it up.
	dp := a.dataPath()
	clocked := min(int(dp.acked), sackBurstMax*dp.pmtu)
	dp.acked = 0
	// sackFirst bundles the SACK due with the first DATA (RFC 9260 6.1),
	// on the path the DATA takes.
	sackFirst := func(t *transport) {
		if !sent && a.sackDue {
			a.sendSackTo(t)
		}
		sent = true
		a.pb.to(t)
	}
	if a.prsctp {
		// RFC 3758 4.1 TR3-TR4, 3.5 C3 and F2: give up on what the
		// policies say, and the FORWARD TSN goes first, bundled.
		if q.pr.used {
			a.prPrune(a.lazyNow(&now))
		}
		if q.pr.fwdDue {
			sackFirst(a.dataPath())
			a.sendForwardTSN()
		}
	}
	if q.nrtx > 0 {
		// Rule C, limited by the cwnd of the path each chunk takes;
		// the first packet after a T3 (6.3.3 E3) or a fast retransmit
		// (7.2.4 step 3) goes regardless.
		one := q.rtxOnePacket
		q.rtxOnePacket = false
		var budget int
		var first *transport
		for i, c := range q.inflight {
			if !c.rtx {
				continue
			}
			// RFC 9260 6.4: a chunk that timed out goes to another
			// active path if there is one.
			t := c.tp
			if c.t3 || t == nil || !t.usable() {
				t = a.altPath(t)
			}
			l := dataLen(c)
			if one {
				if first == nil {
					first, budget = t, t.pmtu-header.SCTPCommonHeaderLen
				}
				if t != first || (l > budget && sent) {
					break
				}
				budget -= l
			} else if t.flight >= t.cwnd {
				break
			}
			sackFirst(t)
			a.pb.appendData(a.peerVtag, c)
			c.rtx = false
			q.nrtx--
			c.sends++
			if c.tp != nil && c.tp != t {
				c.multi = true
			}
			c.tp = t
			q.flight += c.size
			t.flight += c.size
			t.lastSend = a.lazyNow(&now)
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
		p := a.dataPath()
		if p.flight == 0 {
			p.decayIdle(a.lazyNow(&now)) // 7.2.1: cwnd after an idle period
		}
		// Rule D: Max.Burst, by bounding the window for this round:
		// Max.Burst packets beyond those the SACK just processed
		// acknowledged (a peer that SACKs a burst at once, as we do,
		// would otherwise starve the pipe; sack_burst.go).
		cwnd := p.cwnd
		if mb := a.o.MaxBurst*p.pmtu + clocked; !a.o.NoMaxBurst && p.flight+mb < cwnd {
			cwnd = p.flight + mb
		}
		full := maxPayload(p.pmtu)
		pruned := false
		for q.pending() {
			c := q.queue[q.qhead]
			if q.pr.used && c.pr.policy == PRTTL && c.abandonDue(a.lazyNow(&now)) {
				// RFC 3758 4.1 TR3: a message whose lifetime ended
				// is not sent, also when a round reaches it behind
				// others (prPrune only sees the head of the queue).
				a.prAbandonMessage(c.tsn)
				pruned = true
				continue
			}
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
					if !a.timerArmed(timerT3Rtx) {
						a.startTimer(timerT3Rtx)
					}
					break
				}
				probe = true
			}
			t, tcwnd := p, cwnd
			if c.pin != nil && c.pin != p && c.pin.route != nil && c.pin.state != PathInactive {
				t, tcwnd = c.pin, c.pin.cwnd // ADDR_OVER: the user's path
			}
			if t.flight >= tcwnd { // rule B, one packet's overbooking
				break
			}
			// Nagle-like coalescing: with data outstanding, a packet
			// that would not be full waits for an acknowledgement. What
			// is left may still ride in the packet being built, if it
			// fits there: starting another one for it would send that
			// one part-full (and a burst of small messages would go out
			// a third emptier).
			// The rest of a message already begun is not held back.
			if !a.nodelay && len(q.inflight) > 0 && q.queued < full && c.flags&header.DataFlagBeginning != 0 && !a.pb.fitsData(dataLen(c)) {
				break
			}
			sackFirst(t)
			newData = true
			a.sendNew(c, t, a.lazyNow(&now))
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
		if pruned {
			q.prAdvance() // the FORWARD TSN goes with the next round
		}
	}
	if !sent {
		return
	}
	// RFC 9260 6.1: the I bit when the send fills the window (more is
	// waiting), or in SHUTDOWN-PENDING, so that the SACK comes without
	// the delayed-ack wait. This keeps a window-limited sender from
	// stalling on the peer's SACK timer.
	if newData && (q.pending() || a.state == StateShutdownPending) {
		a.pb.setImmediate()
	}
	// RFC 9260 6.3.2 R1 and 6.1: T3 runs while data is outstanding.
	if !a.timerArmed(timerT3Rtx) || restartT3 {
		a.startTimer(timerT3Rtx)
	}
}

// lazyNow returns *now, reading the clock into it the first time.
func (a *association) lazyNow(now *tcpip.MonotonicTime) tcpip.MonotonicTime {
	if *now == (tcpip.MonotonicTime{}) {
		*now = a.p.stack.Clock().NowMonotonic()
	}
	return *now
}

// lowerPMTU takes an ICMP Packet Too Big into path t's MTU, never below
// the floor (RFC 9260 10 item 7, 8.3 of RFC 8899's spirit).
//
// +checklocks:a.mu
func (a *association) lowerPMTU(t *transport, mtu int) {
	if mtu <= 0 || mtu >= t.pmtu {
		return
	}
	mtu = max(mtu, a.o.MinPMTU)
	t.pmtu = mtu
	if a.pb.dst == t {
		a.pb.mtu = mtu
	}
	// Messages not yet begun go out in chunks that fit.
	a.out.refragment(a.minPMTU())
}

// sendNew puts the next queued chunk, c, in the packet being built for
// path t: it is outstanding from now on (RFC 9260 6.1, 6.3.1 C1).
//
// +checklocks:a.mu
func (a *association) sendNew(c *outChunk, t *transport, now tcpip.MonotonicTime) {
	q := &a.out
	a.pb.appendData(a.peerVtag, c)
	q.queue[q.qhead] = nil
	q.qhead++
	q.queued -= c.size
	c.sends = 1
	c.sentAt = now
	c.tp = t
	q.inflight = append(q.inflight, c)
	q.flight += c.size
	t.flight += c.size
	t.lastSend = now
	if !q.rttActive {
		q.rttActive, q.rttTSN, q.rttStart, q.rttPath = true, c.tsn, now, t
	}
	a.stats.DataBytesSent.IncrementBy(uint64(c.size))
}

// bundleWithCookie puts queued DATA into the packet of the COOKIE ECHO
// being sent, as much as fits it and the peer's window (RFC 9260 5.1: DATA
// MAY be bundled with the COOKIE ECHO, which comes first), so that the
// first message costs no extra round trip. T3 covers it from now on;
// what is lost goes again once the association is up.
//
// +checklocks:a.mu
func (a *association) bundleWithCookie() {
	q := &a.out
	t := a.pb.dst
	if t == nil || !q.pending() {
		return
	}
	now := a.p.stack.Clock().NowMonotonic()
	sent := false
	for q.pending() {
		c := q.queue[q.qhead]
		if dataLen(c) > a.pb.room() || uint32(c.size) > q.rwnd() || q.flight+c.size > t.cwnd {
			break
		}
		a.sendNew(c, t, now)
		sent = true
	}
	if q.qhead == len(q.queue) {
		clear(q.queue)
		q.queue, q.qhead = q.queue[:0], 0
	}
	if sent {
		a.startTimer(timerT3Rtx)
	}
}
