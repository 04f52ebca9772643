package wire

import (
	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

// Numbering maps between the script's view of the stack's verification tag
// and TSNs and the values the stack really chose, as nplab packetdrill
// does. A script writes INIT[tag=1, tsn=0] for the stack's INIT (or its
// INIT ACK) and then numbers everything after that; the runner learns the
// live tag and initial TSN from the first such packet the stack sends and
// shifts every field in the stack's TSN space by the difference. The peer's
// tag and TSNs are the script's own and need no mapping. The runner decides
// when numbering starts anew (Learned = false).
type Numbering struct {
	// Learned is set once the stack's INIT or INIT ACK has been seen.
	Learned                      bool
	ScriptLocalTag, LiveLocalTag uint32
	ScriptLocalTSN, LiveLocalTSN uint32
	// RemoteTag is the peer's Initiate Tag from the script's INIT or
	// INIT ACK: the tag the stack must put on its packets.
	RemoteTag     uint32
	HaveRemoteTag bool
}

// Learn records the stack's numbering from its first INIT or INIT ACK: the
// script's expectation exp (may hold wildcards) and what was sent.
func (n *Numbering) Learn(exp, act *script.Chunk) {
	if n.Learned {
		return
	}
	n.Learned = true
	n.LiveLocalTag = uint32(intField(act, "tag"))
	n.LiveLocalTSN = uint32(intField(act, "tsn"))
	n.ScriptLocalTag, n.ScriptLocalTSN = n.LiveLocalTag, n.LiveLocalTSN
	if v, ok := concrete(exp, "tag"); ok {
		n.ScriptLocalTag = uint32(v)
	}
	if v, ok := concrete(exp, "tsn"); ok {
		n.ScriptLocalTSN = uint32(v)
	}
}

// LearnRemote records the peer's Initiate Tag from an injected INIT or
// INIT ACK.
func (n *Numbering) LearnRemote(c *script.Chunk) {
	if v, ok := concrete(c, "tag"); ok {
		n.RemoteTag, n.HaveRemoteTag = uint32(v), true
	}
}

func intField(c *script.Chunk, name string) int64 {
	v, _ := concrete(c, name)
	return v
}

func concrete(c *script.Chunk, name string) (int64, bool) {
	if f := c.Field(name); f != nil {
		return script.IntValue(f.Value)
	}
	return 0, false
}

// localToLive is what to add to a script TSN of the stack's to get the live one.
func (n *Numbering) localToLive() uint32 { return n.LiveLocalTSN - n.ScriptLocalTSN }

// InboundTag returns the verification tag for an injected packet: the
// script's explicit tag mapped into live numbering, or the tag the chunks
// call for (zero for an INIT, the peer's own tag when the T bit reflects
// it, the stack's tag otherwise).
func (n *Numbering) InboundTag(p *script.SCTPPacket) uint32 {
	reflect, hasInit := false, false
	for _, c := range p.Chunks {
		switch c.Kind {
		case script.ChunkInit:
			hasInit = true
		case script.ChunkAbort, script.ChunkShutdownComplete:
			if f := c.Field("flgs"); f != nil {
				if b, ok := script.FlagBits(c.Kind, f.Value); ok && b&1 != 0 {
					reflect = true
				}
			}
		}
	}
	if p.Tag != nil {
		if t, ok := script.IntValue(p.Tag); ok {
			v := uint32(t)
			if v == 0 || reflect {
				return v // the peer's tags are not mapped
			}
			v = v - n.ScriptLocalTag + n.LiveLocalTag
			if v == 0 {
				v = 1
			}
			return v
		}
	}
	switch {
	case hasInit:
		return 0
	case reflect:
		return n.RemoteTag
	}
	return n.LiveLocalTag
}

// Inbound returns copies of injected chunk specs with the fields that name
// the stack's tag or TSNs moved into live numbering.
func (n *Numbering) Inbound(cs []*script.Chunk) []*script.Chunk {
	d := n.localToLive()
	out := make([]*script.Chunk, len(cs))
	for i, c := range cs {
		c = cloneChunk(c)
		switch c.Kind {
		case script.ChunkInit, script.ChunkInitAck:
			if v, ok := concrete(c, "tag"); ok && n.Learned && uint32(v) == n.ScriptLocalTag {
				setInt(c.Fields, "tag", int64(n.LiveLocalTag))
			}
		case script.ChunkSack, script.ChunkNRSack:
			shift(c.Fields, "cum_tsn", d)
			shiftList(c.Fields, "dups", d)
		case script.ChunkShutdown:
			shift(c.Fields, "cum_tsn", d)
		case script.ChunkECNE, script.ChunkCWR:
			shift(c.Fields, "tsn", d)
		case script.ChunkReconfig:
			for _, p := range c.Params {
				switch p.Kind {
				case script.ParamOutgoingSSNReset, script.ParamReconfigResponse:
					shift(p.Fields, "resp_sn", d)
					shift(p.Fields, "receiver_next_tsn", d)
				}
			}
		}
		out[i] = c
	}
	return out
}

// Outbound moves the stack's fields of decoded chunks into script
// numbering, in place.
func (n *Numbering) Outbound(cs []*script.Chunk) {
	d := -n.localToLive()
	for _, c := range cs {
		switch c.Kind {
		case script.ChunkData, script.ChunkIData, script.ChunkForwardTSN, script.ChunkIForwardTSN:
			shift(c.Fields, "tsn", d)
			shift(c.Fields, "cum_tsn", d)
		case script.ChunkInit, script.ChunkInitAck:
			shift(c.Fields, "tsn", d)
			if v, ok := concrete(c, "tag"); ok && n.Learned && uint32(v) == n.LiveLocalTag {
				setInt(c.Fields, "tag", int64(n.ScriptLocalTag))
			}
		case script.ChunkReconfig:
			for _, p := range c.Params {
				switch p.Kind {
				case script.ParamOutgoingSSNReset:
					shift(p.Fields, "req_sn", d)
					shift(p.Fields, "last_tsn", d)
				case script.ParamIncomingSSNReset, script.ParamSSNTSNReset, script.ParamAddOutgoingStreams, script.ParamAddIncomingStreams:
					shift(p.Fields, "req_sn", d)
				case script.ParamReconfigResponse:
					shift(p.Fields, "sender_next_tsn", d)
				}
			}
		}
	}
}

// OutboundTag maps the tag of a packet the stack sent into script numbering.
func (n *Numbering) OutboundTag(t uint32) uint32 {
	if n.Learned && t == n.LiveLocalTag {
		return n.ScriptLocalTag
	}
	return t
}

func cloneChunk(c *script.Chunk) *script.Chunk {
	cp := *c
	cp.Fields = cloneFields(c.Fields)
	cp.Params = make([]*script.Param, len(c.Params))
	for i, p := range c.Params {
		pc := *p
		pc.Fields = cloneFields(p.Fields)
		cp.Params[i] = &pc
	}
	return &cp
}

func cloneFields(fs []*script.Field) []*script.Field {
	out := make([]*script.Field, len(fs))
	for i, f := range fs {
		fc := *f
		out[i] = &fc
	}
	return out
}

func setInt(fs []*script.Field, name string, v int64) {
	if f := findField(fs, name); f != nil {
		f.Value = script.Int{V: v}
	}
}

func shift(fs []*script.Field, name string, d uint32) {
	f := findField(fs, name)
	if f == nil {
		return
	}
	if i, ok := f.Value.(script.Int); ok {
		f.Value = script.Int{V: int64(uint32(i.V) + d), Hex: i.Hex}
	}
}

func shiftList(fs []*script.Field, name string, d uint32) {
	f := findField(fs, name)
	if f == nil {
		return
	}
	l, ok := f.Value.(*script.List)
	if !ok {
		return
	}
	nl := &script.List{Elems: make([]script.Value, len(l.Elems))}
	for i, e := range l.Elems {
		if x, ok := e.(script.Int); ok {
			e = script.Int{V: int64(uint32(x.V) + d), Hex: x.Hex}
		}
		nl.Elems[i] = e
	}
	f.Value = nl
}
