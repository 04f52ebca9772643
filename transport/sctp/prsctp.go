package sctp

import (
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Partial reliability, the sender's side (RFC 3758 3.5, 4.1; RFC 7496).
//
// A message sent with a policy (SendInfo.TTL, PRPolicy) keeps it on each
// of its chunks. When PR-SCTP is in use on the association, the policy is
// evaluated where the sender acts on the chunk anyway (RFC 3758 4.1
// implementation note): before its first transmission (TR3: the chunk
// at the head of the queue) and before a retransmission (TR4: a chunk
// marked by T3-rtx or fast retransmit). A chunk given up is "abandoned"
// (3.4) with all the fragments of its message (A3): it leaves the flight
// (A2) and stays in the outqueue, never sent again, until the peer's
// cumulative ack covers it. The Advanced.Peer.Ack.Point (A1) moves over
// abandoned TSNs (C1, C2), and while it is ahead of the peer's cumulative
// ack a FORWARD TSN tells the peer to move too (C3-C5, A5).
//
// Messages without a policy cost nothing here: prTag returns at once and
// the pruning looks at a chunk only when PR-SCTP is in use.

// PRPolicy is a partial reliability policy (RFC 6458 5.3.7, RFC 7496 4).
type PRPolicy uint8

// Partial reliability policies.
const (
	PRNone PRPolicy = iota // SCTP_PR_SCTP_NONE: reliable
	PRTTL                  // SCTP_PR_SCTP_TTL: timed reliability (RFC 3758 4.1), value in ms
	PRRtx                  // SCTP_PR_SCTP_RTX: limited retransmissions (RFC 7496 3.2), value a count
)

// PRInfo is SCTP_DEFAULT_PRINFO (RFC 7496 4.2, RFC 6458 5.3.7).
type PRInfo struct {
	Policy PRPolicy
	Value  uint32
}

// prChunk is a chunk's policy: PRTTL gives up at expire, PRRtx after
// limit retransmissions.
type prChunk struct {
	policy PRPolicy
	limit  uint32
	expire tcpip.MonotonicTime
}

// prSender is the outqueue's PR-SCTP state.
type prSender struct {
	// advPt is the Advanced.Peer.Ack.Point (RFC 3758 3.5 A1).
	advPt uint32
	// fwdDue asks transmit for a FORWARD TSN (C3, A5).
	fwdDue bool
	// used is set once a message with a policy was queued: until then
	// there is nothing to prune.
	used bool
}

// fwdStreams is scratch for the stream/SSN pairs of a FORWARD TSN,
// pooled rather than kept by every association (its idle heap).
var fwdStreams = sync.Pool{New: func() any { return new([]header.ForwardTSNStream) }}

func (s *prSender) reset(cum uint32) {
	*s = prSender{advPt: cum}
}

// onT3 is RFC 3758 3.5 A5: on T3-rtx expiry, a FORWARD TSN the peer has
// not acted on goes again.
func (s *prSender) onT3(cum uint32) {
	if tsnLT(cum, s.advPt) {
		s.fwdDue = true
	}
}

// policyOf returns the policy a message is sent with: its own, else the
// endpoint's default (RFC 6458 8.1.34 SCTP_DEFAULT_PRINFO). A TTL alone
// is timed reliability, as sinfo_timetolive is on Linux and FreeBSD.
func policyOf(info *SendInfo, o *Options, now tcpip.MonotonicTime) prChunk {
	pol, val, ttl := info.PRPolicy, info.PRValue, info.TTL
	if pol == PRNone && ttl > 0 {
		pol = PRTTL
	}
	if pol == PRNone {
		pol, val = o.DefaultPRPolicy, o.DefaultPRValue
	}
	switch pol {
	case PRTTL:
		if ttl <= 0 {
			ttl = time.Duration(val) * time.Millisecond
		}
		if ttl <= 0 {
			return prChunk{} // RFC 3758 4.1 TR1: no lifetime, reliable
		}
		return prChunk{policy: PRTTL, expire: now.Add(ttl)}
	case PRRtx:
		return prChunk{policy: PRRtx, limit: val}
	}
	return prChunk{}
}

// prTag gives the chunks of the message just queued (TSNs from first on)
// its policy. The lifetime starts now, when the user hands the message
// over (RFC 3758 4.1, as Linux and FreeBSD count it).
//
// +checklocks:a.mu
func (a *association) prTag(info *SendInfo, first uint32) {
	if info.PRPolicy == PRNone && info.TTL == 0 && a.o.DefaultPRPolicy == PRNone {
		return
	}
	pc := policyOf(info, a.o, a.p.stack.Clock().NowMonotonic())
	if pc.policy == PRNone {
		return
	}
	q := &a.out
	q.pr.used = true
	for i := len(q.queue) - 1; i >= q.qhead && tsnLTE(first, q.queue[i].tsn); i-- {
		q.queue[i].pr = pc
	}
}

// abandonDue reports whether c's policy gives it up now. A retransmission
// limit is checked when c waits for a retransmission: sends counts the
// first transmission too.
func (c *outChunk) abandonDue(now tcpip.MonotonicTime) bool {
	switch c.pr.policy {
	case PRTTL:
		return !now.Before(c.pr.expire) // RFC 3758 4.1 TR3, TR4
	case PRRtx:
		return c.rtx && uint32(c.sends) > c.pr.limit // RFC 7496 3.2
	}
	return false
}

// chunkAt returns the chunk of TSN tsn, in flight or queued, or nil.
func (q *outqueue) chunkAt(tsn uint32) *outChunk {
	// inflight holds consecutive TSNs from cumAck+1; the queue the
	// consecutive TSNs after them.
	if n := len(q.inflight); n > 0 {
		if i := tsn - q.inflight[0].tsn; i < uint32(n) {
			return q.inflight[i]
		}
	}
	if q.pending() {
		if i := tsn - q.queue[q.qhead].tsn; i < uint32(len(q.queue)-q.qhead) {
			return q.queue[q.qhead+int(i)]
		}
	}
	return nil
}

// prPrune abandons what the policies give up: chunks waiting for a
// retransmission (RFC 3758 4.1 TR4, RFC 7496 3.2) and messages at the
// head of the queue whose lifetime expired before their first
// transmission (TR3). Then the Advanced.Peer.Ack.Point moves (C2).
//
// +checklocks:a.mu
func (a *association) prPrune(now tcpip.MonotonicTime) {
	q := &a.out
	if !q.pr.used {
		return
	}
	n := 0
	if q.nrtx > 0 {
		for i := 0; i < len(q.inflight); i++ {
			c := q.inflight[i]
			if c.rtx && c.pr.policy != PRNone && c.abandonDue(now) {
				a.prAbandonMessage(c.tsn)
				n++
			}
		}
	}
	for q.pending() {
		c := q.queue[q.qhead]
		if c.pr.policy != PRTTL || !c.abandonDue(now) {
			break
		}
		a.prAbandonMessage(c.tsn)
		n++
	}
	if n > 0 {
		if q.nrtx == 0 {
			q.rtxOnePacket = false // nothing left to retransmit
		}
		q.prAdvance()
	}
}

// prAbandonMessage abandons the message that TSN tsn belongs to, all its
// fragments (RFC 3758 3.5 A3), and reports it to the user
// (SCTP_SEND_FAILED_EVENT, RFC 6458 6.1.11).
//
// +checklocks:a.mu
func (a *association) prAbandonMessage(tsn uint32) {
	q := &a.out
	first := tsn
	for {
		c := q.chunkAt(first)
		if c == nil || c.flags&header.DataFlagBeginning != 0 || q.chunkAt(first-1) == nil {
			break
		}
		first--
	}
	sent := false
	var last *outChunk
	for t := first; ; t++ {
		c := q.chunkAt(t)
		if c == nil {
			break
		}
		if !c.abandoned {
			if !q.pending() || tsnLT(c.tsn, q.queue[q.qhead].tsn) {
				sent = sent || c.sends > 0
			} else {
				// Never sent: it moves to the chunks in flight, whose
				// TSNs the FORWARD TSN covers (RFC 3758 4.1 TR4).
				q.queue[q.qhead] = nil
				q.qhead++
				q.queued -= c.size
				q.inflight = append(q.inflight, c)
			}
			q.abandon(c)
			a.p.stats.AbandonedChunks.Increment()
		}
		if c.flags&header.DataFlagEnd != 0 {
			last = c
			break
		}
	}
	if q.qhead == len(q.queue) {
		clear(q.queue)
		q.queue, q.qhead = q.queue[:0], 0
	}
	if last == nil || !last.hasMessage() {
		return // reported already (or its end was acknowledged)
	}
	a.p.stats.AbandonedMessages.Increment()
	if a.events&EventSendFailed != 0 {
		a.note(&SendFailed{
			ID:   a.id,
			Info: SendInfo{Stream: last.sid, PPID: last.ppid, Unordered: last.flags&header.DataFlagUnordered != 0, Context: last.ctx},
			Data: append([]byte(nil), last.message()...),
			Sent: sent,
		})
	}
	// Not handed back again by UnsentMessages.
	last.dropMessage()
}

// abandon gives up on c: it is no longer outstanding (RFC 3758 3.5 A2),
// which credits the flight size and so the peer's window as we see it,
// and it is never sent again.
func (q *outqueue) abandon(c *outChunk) {
	c.abandoned = true
	switch {
	case c.rtx:
		c.rtx = false
		q.nrtx--
	case c.sends > 0 && !c.gapAck:
		q.flight -= c.size
		c.leaveFlight()
	}
	if q.rttActive && q.rttTSN == c.tsn {
		q.rttActive = false
	}
}

// prAfterSack is RFC 3758 3.5 C1-C3, after the SACK was processed (A4).
func (q *outqueue) prAfterSack() {
	q.prAdvance()
}

// prAdvance moves the Advanced.Peer.Ack.Point up to the peer's
// cumulative ack (C1), then over the abandoned TSNs that follow (C2),
// and asks for a FORWARD TSN if it is ahead of the peer (C3).
func (q *outqueue) prAdvance() {
	s := &q.pr
	if tsnLT(s.advPt, q.cumAck) {
		s.advPt = q.cumAck // C1
	}
	for {
		c := q.chunkAt(s.advPt + 1)
		if c == nil || !c.abandoned {
			break
		}
		s.advPt++ // C2
	}
	if tsnLT(q.cumAck, s.advPt) {
		s.fwdDue = true // C3
	}
}

// sendForwardTSN puts a FORWARD TSN in the packet being built (RFC 3758
// 3.2, 3.5 C3-C4): the Advanced.Peer.Ack.Point, and for each stream with
// ordered abandoned messages the highest SSN abandoned. If the pairs do
// not fit one packet, the point reported is lowered to the last TSN
// whose pair fits (C4). The caller keeps T3-rtx running (C5).
//
// +checklocks:a.mu
func (a *association) sendForwardTSN() {
	q := &a.out
	s := &q.pr
	s.fwdDue = false
	room := (a.pb.maxChunk() - header.ForwardTSNChunkHeaderLen) / header.ForwardTSNStreamLen
	cum := s.advPt
	idsp := fwdStreams.Get().(*[]header.ForwardTSNStream)
	defer fwdStreams.Put(idsp)
	ids := (*idsp)[:0]
	defer func() { *idsp = ids[:0] }()
	for _, c := range q.inflight {
		if tsnLT(cum, c.tsn) {
			break
		}
		if c.flags&header.DataFlagUnordered != 0 {
			continue // C4: unordered chunks have no SSN to report
		}
		j := 0
		for j < len(ids) && ids[j].StreamID != c.sid {
			j++
		}
		if j < len(ids) {
			ids[j].SSN = c.ssn // later TSNs carry later SSNs
			continue
		}
		if len(ids) == room {
			cum = c.tsn - 1 // C4: what fits one packet
			break
		}
		ids = append(ids, header.ForwardTSNStream{StreamID: c.sid, SSN: c.ssn})
	}
	if cum == q.cumAck {
		return
	}
	l := header.ForwardTSNChunkLen(len(ids))
	b := a.pb.reserve(a.peerVtag, l, header.ChunkForwardTSN)
	f := header.ForwardTSNFields{NewCumulativeTSN: cum, Streams: ids}
	header.ForwardTSNChunk(b).Encode(&f)
}

// PRSCTP reports whether partial reliability is in use on the
// association: both sides announced Forward-TSN-Supported (RFC 3758 3.3,
// 4.2 "forward tsn supported").
func (e *Endpoint) PRSCTP() bool {
	a := e.getAssoc()
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.prsctp
}

// SetDefaultPRInfo sets the policy of messages sent without one
// (RFC 6458 8.1.34 / RFC 7496 4.2 SCTP_DEFAULT_PRINFO).
func (e *Endpoint) SetDefaultPRInfo(pi PRInfo) tcpip.Error {
	if pi.Policy > PRRtx {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		o.DefaultPRPolicy, o.DefaultPRValue = pi.Policy, pi.Value
		return nil
	})
}

// DefaultPRInfo returns SCTP_DEFAULT_PRINFO.
func (e *Endpoint) DefaultPRInfo() PRInfo {
	o := e.getOpt()
	return PRInfo{Policy: o.DefaultPRPolicy, Value: o.DefaultPRValue}
}

// prParam appends the Forward-TSN-Supported parameter if offer (RFC 3758
// 3.3.1), returning its length.
func prParam(b []byte, offer bool) int {
	if !offer {
		return 0
	}
	return header.ForwardTSNSupportedParam(b).Encode()
}
