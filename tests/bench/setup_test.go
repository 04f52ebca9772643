package bench

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Figure 5, set-up and scale: associations set up and torn down per
// second on one listener, and the heap an idle established association
// costs, each against gVisor TCP connections on the same stacks.

// setupWorkers is the number of client goroutines dialling at once.
const setupWorkers = 32

// scaleNet is a real-clock network of one server host and clients client
// hosts, each joined to the server by its own link, with room for many
// associations. TCP's TIME-WAIT is shortened so that its ports come back.
// SCTP's heartbeats are an hour apart: with 100000 idle associations the
// default 30 s would add 7000 packets a second to the set-up of the last
// ones (TCP sends no keepalives by default); the timer is armed all the
// same, so the memory is the same.
func scaleNet(tb testing.TB, clients int) (*sctptest.Network, *sctptest.Host, []*sctptest.Link) {
	o := sctp.Options{MaxAssociations: 1 << 20, HeartbeatInterval: time.Hour}
	n := sctptest.New(sctptest.Options{
		Seed:               1,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(o), tcp.NewProtocol},
	})
	tb.Cleanup(n.Close)
	srv := n.AddHost("server")
	var links []*sctptest.Link
	for i := range clients {
		l, err := n.Connect(n.AddHost(fmt.Sprint("client", i)), srv, sctptest.LinkConfig{})
		require.NoError(tb, err)
		links = append(links, l)
	}
	for _, h := range n.Hosts() {
		tw := tcpip.TCPTimeWaitTimeoutOption(time.Second)
		require.Nil(tb, h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &tw))
	}
	return n, srv, links
}

// listener accepts on one port of the server host, handing each accepted
// endpoint to keep (or closing it, if keep is nil), until stopped.
type listener struct {
	ep       tcpip.Endpoint
	wq       waiter.Queue
	accepted atomic.Int64
	stop     chan struct{}
	done     chan struct{}
}

func listen(tb testing.TB, h *sctptest.Host, proto tcpip.TransportProtocolNumber, port uint16, keep func(tcpip.Endpoint)) *listener {
	ln := &listener{stop: make(chan struct{}), done: make(chan struct{})}
	var err tcpip.Error
	ln.ep, err = h.Stack().NewEndpoint(proto, ipv4.ProtocolNumber, &ln.wq)
	require.Nil(tb, err)
	require.Nil(tb, ln.ep.Bind(tcpip.FullAddress{Port: port}))
	require.Nil(tb, ln.ep.Listen(4096))
	go func() {
		defer close(ln.done)
		e, ch := waiter.NewChannelEntry(waiter.ReadableEvents)
		ln.wq.EventRegister(&e)
		defer ln.wq.EventUnregister(&e)
		for {
			ep, _, err := ln.ep.Accept(nil)
			if err != nil {
				select {
				case <-ch:
				case <-ln.stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
				continue
			}
			if keep != nil {
				keep(ep)
			} else {
				ep.Close()
			}
			ln.accepted.Add(1)
		}
	}()
	tb.Cleanup(func() { close(ln.stop); <-ln.done; ln.ep.Close() })
	return ln
}

// dial connects a new endpoint of proto from h to addr and waits until it
// is established.
func dial(h *sctptest.Host, proto tcpip.TransportProtocolNumber, addr tcpip.FullAddress) (tcpip.Endpoint, error) {
	var wq waiter.Queue
	ep, err := h.Stack().NewEndpoint(proto, ipv4.ProtocolNumber, &wq)
	if err != nil {
		return nil, fmt.Errorf("NewEndpoint: %v", err)
	}
	e, ch := waiter.NewChannelEntry(waiter.WritableEvents)
	wq.EventRegister(&e)
	defer wq.EventUnregister(&e)
	if err := ep.Connect(addr); err != nil {
		if _, ok := err.(*tcpip.ErrConnectStarted); !ok {
			ep.Close()
			return nil, fmt.Errorf("Connect: %v", err)
		}
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			ep.Close()
			return nil, fmt.Errorf("connect timed out")
		}
	}
	if err := ep.LastError(); err != nil {
		ep.Close()
		return nil, fmt.Errorf("connect: %v", err)
	}
	return ep, nil
}

// live is the number of associations or connections not yet closed on
// the network's stacks (TCP: established ones; TIME-WAIT does not count).
func live(n *sctptest.Network, proto tcpip.TransportProtocolNumber) int {
	k := 0
	for _, h := range n.Hosts() {
		if proto == tcp.ProtocolNumber {
			k += int(h.Stack().Stats().TCP.CurrentEstablished.Value())
			continue
		}
		st := sctp.Stats(h.Stack())
		for i := range st.AssociationsByState {
			k += int(st.AssociationsByState[i].Value())
		}
	}
	return k
}

// BenchmarkSetupTeardown is figure 5's rate: setupWorkers goroutines on
// one client host each dial the server's one listener, and close as soon
// as the association is established; the server closes each as soon as it
// accepts it (SCTP: SHUTDOWN, TCP: FIN). A unit is one association set up
// and torn down; each round ends when none is left (TCP: none
// established). Reports SCTP-assoc/s, TCP-assoc/s and SCTP/TCP.
func BenchmarkSetupTeardown(b *testing.B) {
	n, srv, links := scaleNet(b, 1)
	_ = srv
	mk := func(name string, proto tcpip.TransportProtocolNumber, port uint16) Contender {
		ln := listen(b, links[0].B().Host(), proto, port, nil)
		addr := tcpip.FullAddress{Addr: links[0].B().IPv4(), Port: port}
		var done int64
		return Contender{Name: name, Run: func(k int) {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range min(setupWorkers, k) {
				wg.Go(func() {
					for next.Add(1) <= int64(k) {
						ep, err := dial(links[0].A().Host(), proto, addr)
						if err != nil {
							b.Error(err)
							return
						}
						ep.Close()
					}
				})
			}
			wg.Wait()
			done += int64(k)
			for ln.accepted.Load() < done || live(n, proto) > 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}}
	}
	Compare(b, "assoc", 0, mk("SCTP", sctp.ProtocolNumber, 7000), mk("TCP", tcp.ProtocolNumber, 7001))
}

// BenchmarkIdleHeap prints figure 5's heap per idle established association:
// SCTP_IDLE_ASSOCS associations (default 100000) from
// four client hosts to one listener, then the live heap after a GC,
// against as many TCP connections on fresh stacks. Both ends of each
// association live in this process: the figure per association end is
// half the heap per association, and the server's end alone is what the
// heap profile attributes to the accepting paths (serverPaths).
func BenchmarkIdleHeap(b *testing.B) {
	t := b
	count := 100000
	if s := os.Getenv("SCTP_IDLE_ASSOCS"); s != "" {
		var err error
		count, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	for _, p := range []struct {
		name  string
		proto tcpip.TransportProtocolNumber
	}{{"SCTP", sctp.ProtocolNumber}, {"TCP", tcp.ProtocolNumber}} {
		per, server := idleHeap(t, p.proto, count)
		t.Logf("%-4s %d idle associations: %.0f B per association end (%.0f B both ends); server end %.0f B", p.name, count, per/2, per, server)
	}
}

// serverPaths name the functions under which a protocol allocates the
// server's end of an association (the listener's handling of the
// handshake and Accept).
var serverPaths = map[tcpip.TransportProtocolNumber][]string{
	sctp.ProtocolNumber: {"sctp.(*protocol).handleClosed", "sctp.(*Endpoint).Accept"},
	tcp.ProtocolNumber:  {"tcp.(*Endpoint).handleListenSegment", "tcp.(*listenContext)", "tcp.(*Endpoint).Accept"},
}

// idleHeap returns the heap bytes per established association (both ends)
// and the part of it allocated on the server's paths.
func idleHeap(t testing.TB, proto tcpip.TransportProtocolNumber, count int) (perAssoc, serverEnd float64) {
	const clients = 4
	n, srv, links := scaleNet(t, clients)
	var mu sync.Mutex
	eps := make([]tcpip.Endpoint, 0, 2*count)
	keep := func(ep tcpip.Endpoint) { mu.Lock(); eps = append(eps, ep); mu.Unlock() }
	ln := listen(t, srv, proto, 8000, keep)
	before := heapInUse()
	server0 := heapOnPaths(serverPaths[proto])
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = profileRate
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range setupWorkers {
		l := links[w%clients]
		wg.Go(func() {
			for next.Add(1) <= int64(count) {
				ep, err := dial(l.A().Host(), proto, tcpip.FullAddress{Addr: l.B().IPv4(), Port: 8000})
				if err != nil {
					t.Error(err)
					return
				}
				keep(ep)
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return ln.accepted.Load() == int64(count) }, time.Minute, 10*time.Millisecond)
	runtime.MemProfileRate = rate
	require.False(t, t.Failed())
	time.Sleep(100 * time.Millisecond) // Let the last handshakes' timers and queues settle.
	after := heapInUse()
	server1 := heapOnPaths(serverPaths[proto])
	require.Equal(t, 2*count, live(n, proto))
	mu.Lock()
	for _, ep := range eps {
		ep.Abort()
	}
	mu.Unlock()
	runtime.KeepAlive(eps)
	return float64(after-before) / float64(count), float64(server1-server0) / float64(count)
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// profileRate is the heap profile's sampling rate while associations are
// set up: fine enough for a figure within a few percent, coarse enough not
// to slow the set-up of 100000 associations down.
const profileRate = 256

// heapOnPaths is the live heap (as of the last collection) that the heap
// profile attributes to allocations under any of the named functions,
// scaled up for the sampling as pprof does.
func heapOnPaths(paths []string) int64 {
	recs := make([]runtime.MemProfileRecord, 1024)
	for {
		n, ok := runtime.MemProfile(recs, true)
		if ok {
			recs = recs[:n]
			break
		}
		recs = make([]runtime.MemProfileRecord, n+n/2)
	}
	var sum float64
	for i := range recs {
		r := &recs[i]
		if r.InUseObjects() == 0 {
			continue
		}
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if slices.ContainsFunc(paths, func(p string) bool { return strings.HasSuffix(f.Function, p) || strings.Contains(f.Function, p+".") }) {
				avg := float64(r.InUseBytes()) / float64(r.InUseObjects())
				sum += float64(r.InUseBytes()) / (1 - math.Exp(-avg/profileRate))
				break
			}
			if !more {
				break
			}
		}
	}
	return int64(sum)
}
