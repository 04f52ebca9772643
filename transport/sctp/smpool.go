package sctp

import "sync"

// Pools for the scratch of running events that would otherwise be
// allocated per event: frames (per association they are a quarter of an
// idle association's memory) and the events of the hot user calls, which
// escape through the state table's indirect calls.

// framePool holds the frames runLocked runs events in. A frame is over a
// kilobyte (the state functions' scratch: cookie, INIT parameters,
// commands); pooled, an idle association holds none, where keeping one
// per association would be a quarter of its memory.
var framePool = sync.Pool{New: func() any { return new(smFrame) }}

func getFrame() *smFrame { return framePool.Get().(*smFrame) }

// putFrame drops the frame's references to associations (runLocked
// resets the rest when it takes the frame again) and pools it.
func putFrame(f *smFrame) {
	f.ctx.a, f.ctx.p = nil, nil
	f.x = execEnv{}
	framePool.Put(f)
}

// eventPool holds the events of user calls that carry nothing but their
// type (the read path's PRM_RECEIVE), and those of a packet's chunks
// (handleChunksFrom).
var eventPool = sync.Pool{New: func() any { return new(event) }}

// runPlain runs an event of type typ that carries nothing else, from the
// pool rather than the heap.
//
// +checklocks:a.mu
func (a *association) runPlain(typ eventType) disposition {
	ev := eventPool.Get().(*event)
	*ev = event{typ: typ}
	d := a.runLocked(ev)
	*ev = event{}
	eventPool.Put(ev)
	return d
}

// sendScratch is the event and message of one WriteMsg. Both escape
// through the state table's indirect calls; pooled, a send allocates
// nothing but its payload.
type sendScratch struct {
	ev    event
	msg   outMessage
	small [outInlineMax]byte // a small message's bytes (sendMsg)
}

var sendScratchPool = sync.Pool{New: func() any { return new(sendScratch) }}
