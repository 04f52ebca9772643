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
		e.wrExt().backlog = max(backlog, 1)
		return nil
	case EndpointInitial:
		if err := e.bindLocked(tcpip.FullAddress{}); err != nil {
			return err
		}
	case EndpointBound:
	default:
		return &tcpip.ErrInvalidEndpointState{}
	}
	e.wrExt().backlog = max(backlog, 1)
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
	ctx.lAdapt, ctx.lHasAdapt = e.rdExt().adapt, e.rdExt().hasAdapt
	ctx.lLife = e.opts().ValidCookieLife
	ctx.lNoPR = e.opts().DisablePRSCTP
	room = len(e.rdExt().acceptQ) < e.rdExt().backlog
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
	x := e.wrExt()
	x.acceptQ = append(x.acceptQ, n)
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
	x := e.rdExt()
	if len(x.acceptQ) == 0 {
		e.mu.Unlock()
		return nil, nil, &tcpip.ErrWouldBlock{}
	}
	n := x.acceptQ[0]
	x.acceptQ[0] = nil
	x.acceptQ = x.acceptQ[1:]
	if len(x.acceptQ) == 0 {
		x.acceptQ = nil
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
	var q []*Endpoint
	if e.ext != nil {
		q, e.ext.acceptQ = e.ext.acceptQ, nil
	}
	d := e.dmx
	e.state = EndpointBound
	e.mu.Unlock()
	d.setListener(nil)
	for _, n := range q {
		n.Abort()
	}
	e.waiterQueue.Notify(waiter.ReadableEvents | waiter.EventHUp)
}
