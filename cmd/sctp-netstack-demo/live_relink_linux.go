//go:build linux

package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// A link that outlives its interface going down. When an interface goes
// down (ip link set veth0 down), the kernel reports ENETDOWN once on the
// AF_PACKET socket bound to it (and a TAP device's file fails reads), and
// gVisor's fdbased endpoint stops reading for good on any read error: the
// stack's NIC would stay deaf after the interface came back up, and a
// multihomed association could never return to that path. relinkEndpoint
// wraps the fdbased endpoint and, when its reader stops on an error,
// makes a new one on the same file descriptor and attaches the stack to
// it; reading resumes, and blocks, until packets come again.

// The pause before a new reader starts: an error that repeats at once (a
// TAP device's reads fail while it is down) must not spin. It doubles
// while the errors follow each other within a second, up to a second.
const (
	relinkDelay    = 10 * time.Millisecond
	relinkMaxDelay = time.Second
)

// relinkEndpoint is a stack.LinkEndpoint over the current fdbased
// endpoint of a descriptor.
type relinkEndpoint struct {
	opts fdbased.Options
	cur  atomic.Pointer[linkBox]

	mu sync.Mutex
	// disp is the stack's dispatcher, nil until attached; detached is set
	// when the NIC goes away, after which nothing restarts.
	disp     stack.NetworkDispatcher
	detached bool
	// note, if set, is told of a reader restarted (or not) after an
	// error, in words.
	note func(string)
	// delay and last pace the restarts; restart goroutines only.
	delayMu sync.Mutex
	delay   time.Duration
	last    time.Time
}

// linkBox holds the current endpoint for atomic.Pointer.
type linkBox struct{ ep stack.LinkEndpoint }

var _ stack.LinkEndpoint = (*relinkEndpoint)(nil)

// newRelinkEndpoint makes the endpoint; opts.ClosedFunc is its own.
// note, if not nil, is told of each restart in words.
func newRelinkEndpoint(opts fdbased.Options, note func(string)) (*relinkEndpoint, error) {
	r := &relinkEndpoint{opts: opts, note: note}
	ep, err := r.newInner()
	if err != nil {
		return nil, err
	}
	r.cur.Store(&linkBox{ep})
	return r, nil
}

// newInner makes an fdbased endpoint whose reader, if it stops on an
// error, gets replaced. The first one sets the descriptors up (an
// AF_PACKET socket joins a fanout group); later ones find them so.
func (r *relinkEndpoint) newInner() (stack.LinkEndpoint, error) {
	o := r.opts
	if r.cur.Load() != nil {
		o.PreConfigured = true
		o.IsPacketSocket = make([]bool, len(o.FDs))
		for i, fd := range o.FDs {
			isSocket, err := fdbased.IsSocketFD(fd)
			if err != nil {
				return nil, err
			}
			if o.IsPacketSocket[i], err = fdbased.IsPacketSocket(fd, isSocket); err != nil {
				return nil, err
			}
		}
	}
	box := &linkBox{}
	o.ClosedFunc = func(err tcpip.Error) {
		if err != nil {
			go r.restart(box, err)
		}
	}
	ep, err := fdbased.New(&o)
	if err != nil {
		return nil, err
	}
	box.ep = ep
	return ep, nil
}

// restart replaces the endpoint whose reader stopped, unless it is no
// longer the current one or the NIC is gone.
func (r *relinkEndpoint) restart(old *linkBox, why tcpip.Error) {
	r.delayMu.Lock()
	if time.Since(r.last) > relinkMaxDelay {
		r.delay = relinkDelay
	} else {
		r.delay = min(2*r.delay, relinkMaxDelay)
	}
	d, quiet := r.delay, r.delay > relinkDelay
	r.delayMu.Unlock()
	time.Sleep(d)
	r.delayMu.Lock()
	r.last = time.Now()
	r.delayMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.detached || r.disp == nil || r.inner() != old.ep {
		return
	}
	ep, err := r.newInner()
	if err != nil {
		if r.note != nil {
			r.note(fmt.Sprintf("read error (%v); cannot read it again: %v", why, err))
		}
		return
	}
	r.cur.Store(&linkBox{ep})
	ep.Attach(r.disp)
	if r.note != nil && !quiet {
		r.note(fmt.Sprintf("read error (%v), as when the interface goes down; reading again", why))
	}
}

// stop ends the restarts, before the descriptor is closed.
func (r *relinkEndpoint) stop() {
	r.mu.Lock()
	r.detached = true
	r.mu.Unlock()
}

func (r *relinkEndpoint) inner() stack.LinkEndpoint { return r.cur.Load().ep }

// Attach implements stack.NetworkLinkEndpoint.
func (r *relinkEndpoint) Attach(d stack.NetworkDispatcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d == nil {
		r.detached = true
	} else {
		r.disp, r.detached = d, false
	}
	r.inner().Attach(d)
}

// The rest goes to the current endpoint.

func (r *relinkEndpoint) MTU() uint32                        { return r.inner().MTU() }
func (r *relinkEndpoint) SetMTU(mtu uint32)                  { r.inner().SetMTU(mtu) }
func (r *relinkEndpoint) MaxHeaderLength() uint16            { return r.inner().MaxHeaderLength() }
func (r *relinkEndpoint) LinkAddress() tcpip.LinkAddress     { return r.inner().LinkAddress() }
func (r *relinkEndpoint) SetLinkAddress(a tcpip.LinkAddress) { r.inner().SetLinkAddress(a) }
func (r *relinkEndpoint) IsAttached() bool                   { return r.inner().IsAttached() }
func (r *relinkEndpoint) Wait()                              { r.inner().Wait() }
func (r *relinkEndpoint) ARPHardwareType() header.ARPHardwareType {
	return r.inner().ARPHardwareType()
}
func (r *relinkEndpoint) AddHeader(p *stack.PacketBuffer)        { r.inner().AddHeader(p) }
func (r *relinkEndpoint) ParseHeader(p *stack.PacketBuffer) bool { return r.inner().ParseHeader(p) }
func (r *relinkEndpoint) Close()                                 { r.inner().Close() }
func (r *relinkEndpoint) SetOnCloseAction(f func())              { r.inner().SetOnCloseAction(f) }
func (r *relinkEndpoint) Capabilities() stack.LinkEndpointCapabilities {
	return r.inner().Capabilities()
}

// WritePackets implements stack.LinkWriter.
func (r *relinkEndpoint) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	return r.inner().WritePackets(pkts)
}
