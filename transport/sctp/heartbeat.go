package sctp

import (
	"encoding/binary"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Heartbeats (RFC 9260 8.3) and path verification (5.4). One association
// timer, timerHeartbeat, runs to the earliest path whose probe is due;
// each path keeps its own schedule, nonce and outstanding probe.

// hbInfoLen is the length of our Heartbeat Info: send time (8), nonce (8),
// address length (1), 3 reserved, the path's address (16).
const hbInfoLen = 36

// hbIntervalFor is how long after now path t is probed next: every RTO
// while it is unconfirmed or Potentially Failed (RFC 9260 5.4, RFC 7829
// 5.1), else its RTO plus HB.interval, jittered by +/- half the RTO
// (RFC 9260 8.3).
//
// +checklocks:a.mu
func (a *association) hbIntervalFor(t *transport) time.Duration {
	if (t.state == PathUnconfirmed && t.errorCount <= t.pathMaxRetrans) || t.state == PathPotentiallyFailed {
		return t.rto
	}
	d := t.rto + t.hbInterval
	if t.rto > 1 {
		d += time.Duration(a.p.stack.InsecureRNG().Int63n(int64(t.rto))) - t.rto/2
	}
	return d
}

// heartbeatDue is how long until the next path's probe is due.
//
// +checklocks:a.mu
func (a *association) heartbeatDue() time.Duration {
	now := a.p.stack.Clock().NowMonotonic()
	var next tcpip.MonotonicTime
	for i, t := range a.paths {
		if t.hbNext == (tcpip.MonotonicTime{}) {
			// A new path: an unconfirmed or failing one is probed at
			// once, a confirmed one after a full interval.
			t.hbNext = now
			if t.state == PathActive {
				t.hbNext = now.Add(a.hbIntervalFor(t))
			}
		}
		if i == 0 || t.hbNext.Before(next) {
			next = t.hbNext
		}
	}
	return max(next.Sub(now), time.Millisecond)
}

// hbDuePaths reports which paths' probes are due at now.
//
// +checklocks:a.mu
func (a *association) hbDue(t *transport, now tcpip.MonotonicTime) bool {
	return t.hbNext != (tcpip.MonotonicTime{}) && !now.Before(t.hbNext)
}

// heartbeatPath runs path t's heartbeat schedule: it counts a probe that
// went unanswered for an RTO as an error (RFC 9260 8.3; for the
// association only on a confirmed path, 5.4), then probes the path if it
// needs it: unconfirmed, Potentially Failed, or idle with heartbeats on.
//
// +checklocks:a.mu
func (a *association) heartbeatPath(t *transport) {
	now := a.p.stack.Clock().NowMonotonic()
	if t.hbOutstanding && now.Sub(t.hbSentAt) >= t.rto {
		t.hbOutstanding = false
		a.pathError(t, t.confirmed())
		t.backoff(a.o)
	}
	probe := !t.confirmed() || t.state == PathPotentiallyFailed ||
		(!t.hbDisabled && t.flight == 0 && now.Sub(t.lastSend) >= t.hbInterval)
	if probe && !t.hbOutstanding {
		a.sendHeartbeat(t)
	}
	t.hbNext = now.Add(a.hbIntervalFor(t))
}

// sendHeartbeat probes path t (RFC 9260 8.3). The info carries the send
// time, a random nonce the ACK must echo and the path's address (5.4).
//
// +checklocks:a.mu
func (a *association) sendHeartbeat(t *transport) {
	if t.route == nil {
		a.refreshRoute(t)
	}
	if t.route == nil && t.confirmed() && t.state != PathPotentiallyFailed {
		return // tried again after HB.interval
	}
	t.hbNonce = uint64(a.p.randTag())<<32 | uint64(a.p.randTag())
	now := a.p.stack.Clock().NowMonotonic()
	t.hbOutstanding = true
	t.hbSentAt = now
	if t.route == nil {
		// An unconfirmed or Potentially Failed path, probed every RTO,
		// with no route to its address: the probe is lost at the first
		// hop and goes unanswered like any other (RFC 9260 8.3: error
		// count, RTO doubled; RFC 7829 5.1). Trying again every RTO
		// instead would keep an idle association with an unreachable
		// peer address busy for ever (5.4).
		return
	}
	var info [hbInfoLen]byte
	binary.BigEndian.PutUint64(info[:], uint64(now.Sub(tcpipZero)))
	binary.BigEndian.PutUint64(info[8:], t.hbNonce)
	info[16] = byte(t.addr.Len())
	copy(info[20:], t.addr.AsSlice())
	a.pb.to(t)
	l := header.PaddedLen(header.HeartbeatChunkLen(len(info)))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkHeartbeat)
	header.HeartbeatChunk(b).Encode(&header.HeartbeatFields{Info: info[:]})
	a.stats.HeartbeatsSent.Increment()
}

// processHeartbeatAck takes the echo of our probe: if its nonce is the
// one sent to the address it names, that path is confirmed and alive and
// the RTT is a sample (RFC 9260 8.3, 5.4). Anything else is ignored.
//
// +checklocks:a.mu
func (a *association) processHeartbeatAck(c header.Chunk) {
	info := header.HeartbeatChunk(c).Info().SenderSpecificInfo()
	if len(info) != hbInfoLen || (info[16] != 4 && info[16] != 16) {
		a.stats.HeartbeatAcksIgnored.Increment()
		return
	}
	t := a.pathFor(tcpip.AddrFromSlice(info[20 : 20+int(info[16])]))
	if t == nil || !t.hbOutstanding || binary.BigEndian.Uint64(info[8:]) != t.hbNonce {
		a.stats.HeartbeatAcksIgnored.Increment()
		return
	}
	sent := time.Duration(binary.BigEndian.Uint64(info))
	now := a.p.stack.Clock().NowMonotonic().Sub(tcpipZero)
	t.hbOutstanding = false
	t.measure(now-sent, a.o)
	a.pathHeard(t)
}
