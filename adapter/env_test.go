package adapter

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// testTimeout bounds every blocking call of the tests, so a missing wake-up
// fails the test instead of hanging it.
const testTimeout = 10 * time.Second

// env is two hosts joined by one perfect link. newEnv runs it on the real
// clock, since the adapter's blocking calls need time to move on its own;
// the simulated clock works too when auto-advance drives it (sim_test.go).
type env struct {
	net              *sctptest.Network
	link             *sctptest.Link
	client, server   *stack.Stack
	clientIP, servIP netip.Addr
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, sctptest.Options{RealClock: true})
}

// newEnvWith is newEnv with network options (the SCTP protocol is added).
func newEnvWith(t *testing.T, opts sctptest.Options) *env {
	t.Helper()
	opts.TransportProtocols = append(opts.TransportProtocols, sctp.NewProtocol)
	n := sctptest.New(opts)
	t.Cleanup(n.Close)
	c, s := n.AddHost("client"), n.AddHost("server")
	l, err := n.Connect(c, s, sctptest.LinkConfig{})
	require.NoError(t, err)
	return &env{
		net:      n,
		link:     l,
		client:   c.Stack(),
		server:   s.Stack(),
		clientIP: toNetip(l.A().IPv4()),
		servIP:   toNetip(l.B().IPv4()),
	}
}

func toNetip(a tcpip.Address) netip.Addr {
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}

// serverAddr is the server's address with port.
func (e *env) serverAddr(port uint16) *Addr {
	return AddrFrom(netip.AddrPortFrom(e.servIP, port))
}

// listen starts a listener on the server and closes it at the end of the
// test.
func (e *env) listen(t *testing.T, port uint16, lc *ListenConfig) *Listener {
	t.Helper()
	if lc == nil {
		lc = &ListenConfig{}
	}
	ln, err := lc.Listen(e.server, e.serverAddr(port))
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

// pair dials from the client to a listener on the server and returns both
// ends, with deadlines of testTimeout and closed at the end of the test.
func (e *env) pair(t *testing.T, d *Dialer, lc *ListenConfig) (client, server *Conn) {
	t.Helper()
	const port = 5000
	ln := e.listen(t, port, lc)
	require.NoError(t, ln.SetDeadline(time.Now().Add(testTimeout)))
	type result struct {
		c   *Conn
		err error
	}
	accepted := make(chan result, 1)
	go func() {
		c, err := ln.AcceptSCTP()
		accepted <- result{c, err}
	}()
	if d == nil {
		d = &Dialer{}
	}
	d.Timeout = testTimeout
	client, err := d.DialContext(t.Context(), e.client, e.serverAddr(port))
	require.NoError(t, err)
	r := <-accepted
	require.NoError(t, r.err)
	for _, c := range []*Conn{client, r.c} {
		require.NoError(t, c.SetDeadline(time.Now().Add(testTimeout)))
		t.Cleanup(func() { c.Close() })
	}
	return client, r.c
}

// readMsg reads one message part with a buffer of size n.
func readMsg(t *testing.T, c *Conn, n int) ([]byte, RecvInfo) {
	t.Helper()
	b := make([]byte, n)
	got, info, err := c.ReadMsg(b)
	require.NoError(t, err)
	return b[:got], info
}
