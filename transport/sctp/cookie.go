package sctp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// cookieData is what a State Cookie carries: everything needed to build the
// association when the COOKIE ECHO comes back, so that a listener keeps no
// state per INIT (RFC 9260 5.1.3).
type cookieData struct {
	created     int64  // wall clock, ns
	lifeMS      uint32 // lifetime granted, ms
	localTag    uint32 // our Initiate Tag (INIT ACK)
	peerTag     uint32 // the peer's Initiate Tag (INIT)
	localTSN    uint32
	peerTSN     uint32
	peerRwnd    uint32
	outStreams  uint16 // negotiated: min(our OS, peer's MIS)
	inStreams   uint16 // negotiated: min(our MIS, peer's OS)
	localTieTag uint32 // RFC 9260 5.2.2
	peerTieTag  uint32
	localPort   uint16
	peerPort    uint16
	netProto    tcpip.NetworkProtocolNumber
	localAddr   tcpip.Address
	peerAddr    tcpip.Address
	// peerAddrs are the other addresses the peer's INIT listed, so that a
	// later INIT can be checked for new ones (RFC 9260 5.2.1, 5.2.2).
	peerAddrs  [maxPeerAddrs]tcpip.Address
	npeerAddrs int
	// peerAdapt is the peer's Adaptation Layer Indication, if hasAdapt
	// (RFC 5061 4.2.6), for SCTP_ADAPTATION_INDICATION.
	peerAdapt uint32
	hasAdapt  bool
	// prsctp: both sides offered PR-SCTP (RFC 3758 3.3).
	prsctp bool
}

// maxPeerAddrs bounds the peer addresses a TCB (and a cookie) remembers.
const maxPeerAddrs = 8

// Cookie layout: a fixed body, 17 bytes per extra peer address, then
// HMAC-SHA256 over it all. cookieBodyLen and cookieLen are the sizes with
// no extra address.
const (
	cookieVersion = 1
	cookieBodyLen = 96
	cookieMACLen  = sha256.Size
	cookieLen     = cookieBodyLen + cookieMACLen
	cookieAddrLen = 17
)

// size returns the length of c's cookie.
func (c *cookieData) size() int { return cookieLen + cookieAddrLen*c.npeerAddrs }

func putAddr(b []byte, a tcpip.Address) {
	s := a.AsSlice()
	b[0] = byte(len(s))
	clear(b[1:17])
	copy(b[1:17], s)
}

func getAddr(b []byte) (tcpip.Address, bool) {
	n := int(b[0])
	switch n {
	case 0:
		return tcpip.Address{}, true
	case 4, 16:
		return tcpip.AddrFromSlice(b[1 : 1+n]), true
	}
	return tcpip.Address{}, false
}

// encode writes the cookie body into b (cookieBodyLen bytes).
func (c *cookieData) encode(b []byte) {
	be := binary.BigEndian
	b[0] = cookieVersion
	b[1], b[2], b[3] = 0, 0, 0
	if c.hasAdapt {
		b[1] = 1
	}
	if c.prsctp {
		b[1] |= 2
	}
	be.PutUint32(b[92:], c.peerAdapt)
	be.PutUint64(b[4:], uint64(c.created))
	be.PutUint32(b[12:], c.lifeMS)
	be.PutUint32(b[16:], c.localTag)
	be.PutUint32(b[20:], c.peerTag)
	be.PutUint32(b[24:], c.localTSN)
	be.PutUint32(b[28:], c.peerTSN)
	be.PutUint32(b[32:], c.peerRwnd)
	be.PutUint16(b[36:], c.outStreams)
	be.PutUint16(b[38:], c.inStreams)
	be.PutUint32(b[40:], c.localTieTag)
	be.PutUint32(b[44:], c.peerTieTag)
	be.PutUint16(b[48:], c.localPort)
	be.PutUint16(b[50:], c.peerPort)
	be.PutUint16(b[52:], uint16(c.netProto))
	b[54], b[55] = 0, 0
	putAddr(b[56:73], c.localAddr)
	putAddr(b[73:90], c.peerAddr)
	b[90], b[91] = byte(c.npeerAddrs), 0
	for i := 0; i < c.npeerAddrs; i++ {
		putAddr(b[cookieBodyLen+cookieAddrLen*i:], c.peerAddrs[i])
	}
}

// decode reads a cookie body; false if it is not one of ours.
func (c *cookieData) decode(b []byte) bool {
	if len(b) < cookieLen || b[0] != cookieVersion {
		return false
	}
	c.npeerAddrs = int(b[90])
	if c.npeerAddrs > maxPeerAddrs || len(b) != c.size() {
		return false
	}
	for i := 0; i < c.npeerAddrs; i++ {
		a, ok := getAddr(b[cookieBodyLen+cookieAddrLen*i:])
		if !ok {
			return false
		}
		c.peerAddrs[i] = a
	}
	be := binary.BigEndian
	c.created = int64(be.Uint64(b[4:]))
	c.lifeMS = be.Uint32(b[12:])
	c.localTag = be.Uint32(b[16:])
	c.peerTag = be.Uint32(b[20:])
	c.localTSN = be.Uint32(b[24:])
	c.peerTSN = be.Uint32(b[28:])
	c.peerRwnd = be.Uint32(b[32:])
	c.outStreams = be.Uint16(b[36:])
	c.inStreams = be.Uint16(b[38:])
	c.localTieTag = be.Uint32(b[40:])
	c.peerTieTag = be.Uint32(b[44:])
	c.localPort = be.Uint16(b[48:])
	c.peerPort = be.Uint16(b[50:])
	c.netProto = tcpip.NetworkProtocolNumber(be.Uint16(b[52:]))
	c.hasAdapt, c.peerAdapt = b[1]&1 != 0, be.Uint32(b[92:])
	c.prsctp = b[1]&2 != 0
	var ok1, ok2 bool
	c.localAddr, ok1 = getAddr(b[56:73])
	c.peerAddr, ok2 = getAddr(b[73:90])
	return ok1 && ok2
}

// expired reports whether the cookie's lifetime has passed at now, and by
// how many microseconds (for the Stale Cookie cause, RFC 9260 3.3.10.3).
func (c *cookieData) expired(now int64) (bool, uint32) {
	end := c.created + int64(c.lifeMS)*int64(time.Millisecond)
	if now <= end {
		return false, 0
	}
	us := (now - end) / int64(time.Microsecond)
	if us > int64(^uint32(0)) {
		us = int64(^uint32(0))
	}
	return true, uint32(us)
}

// cookieSecrets is one generation of signing keys: the current secret and
// the one before it (RFC 9260 5.1.3 suggests changing the secret key
// periodically). It is immutable; rotation swaps the pointer, so verifying
// takes no lock.
type cookieSecrets struct {
	cur, prev  [32]byte
	hasPrev    bool
	rotateAt   tcpip.MonotonicTime
	curPool    sync.Pool
	prevPool   sync.Pool
	generation uint64
}

func newCookieSecrets(cur [32]byte, prev *[32]byte, rotateAt tcpip.MonotonicTime, gen uint64) *cookieSecrets {
	s := &cookieSecrets{cur: cur, rotateAt: rotateAt, generation: gen}
	if prev != nil {
		s.prev = *prev
		s.hasPrev = true
	}
	s.curPool.New = func() any { return hmac.New(sha256.New, s.cur[:]) }
	s.prevPool.New = func() any { return hmac.New(sha256.New, s.prev[:]) }
	return s
}

func macWith(pool *sync.Pool, body []byte, out []byte) {
	h := pool.Get().(hash.Hash)
	h.Reset()
	h.Write(body)
	h.Sum(out[:0])
	pool.Put(h)
}

// cookieKeys holds the protocol's secrets.
type cookieKeys struct {
	p       *protocol
	secrets atomic.Pointer[cookieSecrets]
	rotMu   sync.Mutex // serialises rotation only
}

func (k *cookieKeys) init(p *protocol) {
	k.p = p
	var key [32]byte
	k.fill(&key)
	k.secrets.Store(newCookieSecrets(key, nil, p.stack.Clock().NowMonotonic().Add(p.opts.CookieSecretRotation), 0))
}

func (k *cookieKeys) fill(key *[32]byte) {
	if _, err := k.p.stack.SecureRNG().Reader.Read(key[:]); err != nil {
		panic("sctp: no randomness for the cookie secret: " + err.Error())
	}
}

// current returns the secrets, rotating them first if their time has come.
// Called by the interpreter when issuing a cookie, never by state functions.
func (k *cookieKeys) current() *cookieSecrets {
	s := k.secrets.Load()
	now := k.p.stack.Clock().NowMonotonic()
	if now.Before(s.rotateAt) {
		return s
	}
	k.rotMu.Lock()
	defer k.rotMu.Unlock()
	s = k.secrets.Load()
	if now.Before(s.rotateAt) {
		return s
	}
	var key [32]byte
	k.fill(&key)
	prev := s.cur
	ns := newCookieSecrets(key, &prev, now.Add(k.p.opts.CookieSecretRotation), s.generation+1)
	k.secrets.Store(ns)
	return ns
}

// sign writes the cookie for c into b (c.size() bytes).
func (k *cookieKeys) sign(b []byte, c *cookieData) {
	s := k.current()
	body := c.size() - cookieMACLen
	c.encode(b[:body])
	macWith(&s.curPool, b[:body], b[body:body])
}

// verify checks a cookie's MAC against the current and previous secrets
// (RFC 9260 5.1.5 steps 1-2) and unpacks it. It takes no lock.
func (k *cookieKeys) verify(b []byte, c *cookieData) bool {
	if len(b) < cookieLen || len(b) > cookieLen+cookieAddrLen*maxPeerAddrs {
		return false
	}
	body := len(b) - cookieMACLen
	s := k.secrets.Load()
	var mac [cookieMACLen]byte
	macWith(&s.curPool, b[:body], mac[:])
	ok := hmac.Equal(mac[:], b[body:])
	if !ok && s.hasPrev {
		macWith(&s.prevPool, b[:body], mac[:])
		ok = hmac.Equal(mac[:], b[body:])
	}
	return ok && c.decode(b)
}

// replayCache remembers the tag pairs of cookies that built an association
// until the cookies expire, so that a cookie replayed after its association
// is gone builds nothing (an accepted cookie is good for one association).
type replayCache struct {
	m       sync.Map // uint64 tags -> int64 expiry (wall ns)
	n       atomic.Int64
	sweepAt atomic.Int64
}

func replayKey(localTag, peerTag uint32) uint64 { return uint64(localTag)<<32 | uint64(peerTag) }

// used reports whether the cookie with these tags already built an
// association. A lock-free read: safe from state functions.
func (r *replayCache) used(localTag, peerTag uint32) bool {
	_, ok := r.m.Load(replayKey(localTag, peerTag))
	return ok
}

// add records a cookie's tags until its expiry and drops expired entries
// now and then.
func (r *replayCache) add(localTag, peerTag uint32, expiry, now int64) {
	if _, loaded := r.m.LoadOrStore(replayKey(localTag, peerTag), expiry); !loaded {
		r.n.Add(1)
	}
	if now < r.sweepAt.Load() {
		return
	}
	r.sweepAt.Store(now + int64(time.Second))
	r.m.Range(func(k, v any) bool {
		if v.(int64) < now {
			r.m.Delete(k)
			r.n.Add(-1)
		}
		return true
	})
}
