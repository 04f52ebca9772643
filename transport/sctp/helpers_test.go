package sctp

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// testEnv is two hosts, a and b, on one link of the simulated network,
// with SCTP installed.
type testEnv struct {
	t    *testing.T
	n    *sctptest.Network
	link *sctptest.Link
	a, b *sctptest.Host
	// aAddr and bAddr are the IPv4 addresses of a and b.
	aAddr, bAddr tcpip.Address
}

func newTestEnv(t *testing.T, seed uint64, o Options, cfg sctptest.LinkConfig) *testEnv {
	t.Helper()
	n := sctptest.New(sctptest.Options{
		Seed:               seed,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocolWithOptions(o)},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(a, b, cfg)
	require.NoError(t, err)
	return &testEnv{t: t, n: n, link: l, a: a, b: b, aAddr: l.A().IPv4(), bAddr: l.B().IPv4()}
}

// run advances the network in 10 ms steps until cond holds or max has
// passed. SCTP processes packets and timers synchronously, so no Settle is
// needed between steps.
func (e *testEnv) run(cond func() bool, max time.Duration) bool {
	return e.runStep(cond, max, 10*time.Millisecond)
}

func (e *testEnv) runStep(cond func() bool, max, step time.Duration) bool {
	deadline := e.n.Elapsed() + max
	for !cond() {
		if e.n.Elapsed() >= deadline {
			return false
		}
		e.n.Advance(step)
	}
	return true
}

func (e *testEnv) newEP(h *sctptest.Host) (*Endpoint, *waiter.Queue) {
	e.t.Helper()
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &wq)
	require.Nil(e.t, err)
	return ep.(*Endpoint), &wq
}

// listen makes a listener on h:port.
func (e *testEnv) listen(h *sctptest.Host, port uint16) *Endpoint {
	e.t.Helper()
	ep, _ := e.newEP(h)
	require.Nil(e.t, ep.Bind(tcpip.FullAddress{Port: port}))
	require.Nil(e.t, ep.Listen(16))
	return ep
}

// dial starts an association from h to addr:port.
func (e *testEnv) dial(h *sctptest.Host, addr tcpip.Address, port uint16) *Endpoint {
	e.t.Helper()
	ep, _ := e.newEP(h)
	err := ep.Connect(tcpip.FullAddress{Addr: addr, Port: port})
	require.IsType(e.t, &tcpip.ErrConnectStarted{}, err)
	return ep
}

func (e *testEnv) stateOf(ep *Endpoint) State {
	a := ep.getAssoc()
	if a == nil {
		return StateClosed
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// accept waits for an association on l.
func (e *testEnv) accept(l *Endpoint, max time.Duration) *Endpoint {
	e.t.Helper()
	var got tcpip.Endpoint
	ok := e.run(func() bool {
		n, _, err := l.Accept(nil)
		if err == nil {
			got = n
			return true
		}
		return false
	}, max)
	require.True(e.t, ok, "no association accepted")
	return got.(*Endpoint)
}

// connectPair builds an association from a (client) to b (server) on port.
func (e *testEnv) connectPair(port uint16) (client, server, listener *Endpoint) {
	e.t.Helper()
	l := e.listen(e.b, port)
	c := e.dial(e.a, e.bAddr, port)
	s := e.accept(l, 10*time.Second)
	require.True(e.t, e.run(func() bool { return e.stateOf(c) == StateEstablished }, 10*time.Second))
	require.Nil(e.t, c.LastError())
	return c, s, l
}

// readAll reads one message from ep, waiting for it.
func (e *testEnv) readMsg(ep *Endpoint, max time.Duration) ([]byte, RecvInfo, tcpip.Error) {
	e.t.Helper()
	var buf bytes.Buffer
	var info RecvInfo
	var err tcpip.Error
	e.run(func() bool {
		info, _, err = ep.ReadMsg(&buf, -1)
		_, wb := err.(*tcpip.ErrWouldBlock)
		return !wb
	}, max)
	return buf.Bytes(), info, err
}

func (e *testEnv) write(ep *Endpoint, b []byte, info SendInfo) {
	e.t.Helper()
	var r bytes.Reader
	r.Reset(b)
	n, err := ep.WriteMsg(&r, info)
	require.Nil(e.t, err)
	require.Equal(e.t, int64(len(b)), n)
}

func protoStats(h *sctptest.Host) *ProtocolStats { return Stats(h.Stack()) }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

const waiterReadable = waiter.ReadableEvents
