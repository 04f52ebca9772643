package sctp

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"
)

// Listen implements tcpip.Endpoint. The listener keeps no state per INIT:
// everything travels in the State Cookie (RFC 9260 5.1.3).
func (e *Endpoint) Listen(backlog int) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch e.state {
	case EndpointListen:
		e.backlog = max(backlog, 1)
		return nil
	case EndpointInitial:
		if err := e.bindLocked(tcpip.FullAddress{}); err != nil {
			return err
		}
	case EndpointBound:
	default:
		return &tcpip.ErrInvalidEndpointState{}
	}
	e.backlog = max(backlog, 1)
	e.state = EndpointListen
	e.dmx.setListener(e)
	return nil
}

// listenParams tells the CLOSED state machine whether new associations are
// taken, and with which INIT parameters.
func (e *Endpoint) listenParams(ctx *smContext) (listening, room bool) {
	e.mu.Lock()
	if e.state != EndpointListen {
		e.mu.Unlock()
		return false, false
	}
	ctx.lOut, ctx.lMaxIn, ctx.lRcvbuf = e.initOut, e.initMaxIn, e.rcvbufSize()
	ctx.lBound, ctx.lFam = e.bound, e.families() // bound is fixed once listening
	ctx.lAdapt, ctx.lHasAdapt = e.adapt, e.hasAdapt
	ctx.lLife = e.opts().ValidCookieLife
	ctx.lNoPR = e.opts().DisablePRSCTP
	room = len(e.acceptQ) < e.backlog
	many := e.many
	e.mu.Unlock()
	if many != nil {
		room = many.room() // one-to-many: the association limit
	}
	return true, room
}

// enqueueAccept queues an established association for Accept; false if the
// listener is gone.
func (e *Endpoint) enqueueAccept(n *Endpoint) bool {
	if e == nil {
		return false
	}
	e.mu.Lock()
	if e.state != EndpointListen {
		e.mu.Unlock()
		return false
	}
	if m := e.many; m != nil {
		e.mu.Unlock()
		return m.adopt(n) // one-to-many: accepted implicitly
	}
	e.acceptQ = append(e.acceptQ, n)
	e.mu.Unlock()
	e.waiterQueue.Notify(waiter.ReadableEvents)
	return true
}

// Accept implements tcpip.Endpoint.
func (e *Endpoint) Accept(peerAddr *tcpip.FullAddress) (tcpip.Endpoint, *waiter.Queue, tcpip.Error) {
	e.mu.Lock()
	if e.state != EndpointListen {
		e.mu.Unlock()
		return nil, nil, &tcpip.ErrInvalidEndpointState{}
	}
	if len(e.acceptQ) == 0 {
		e.mu.Unlock()
		return nil, nil, &tcpip.ErrWouldBlock{}
	}
	n := e.acceptQ[0]
	e.acceptQ[0] = nil
	e.acceptQ = e.acceptQ[1:]
	if len(e.acceptQ) == 0 {
		e.acceptQ = nil
	}
	e.mu.Unlock()
	if peerAddr != nil {
		*peerAddr, _ = n.GetRemoteAddress()
	}
	return n, n.waiterQueue, nil
}

// closeListener stops listening; associations not yet accepted are
// aborted, accepted ones go on.
func (e *Endpoint) closeListener() {
	e.mu.Lock()
	if e.state != EndpointListen {
		e.mu.Unlock()
		return
	}
	q := e.acceptQ
	e.acceptQ = nil
	d := e.dmx
	e.state = EndpointBound
	e.mu.Unlock()
	d.setListener(nil)
	for _, n := range q {
		n.Abort()
	}
	e.waiterQueue.Notify(waiter.ReadableEvents | waiter.EventHUp)
}
