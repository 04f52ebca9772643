package interop

import (
	"context"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/sctp"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/tests/bench"
	ours "github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Figure 4 of BENCHMARKS.md: our SCTP against pion/sctp, each talking to
// itself in this process, in alternating rounds (bench.Compare). Ours runs
// on two gVisor stacks joined by a clean real-clock sctptest link with MTU
// 1500; pion's two associations are joined by memPipe, an in-memory packet
// connection carrying SCTP packets of at most 1480 bytes (the same SCTP
// packet size). Each sender keeps at most 1 MiB queued: our send buffer is
// 1 MiB, and pion's writer waits for its buffered amount to fall below
// 512 KiB whenever it passes 1 MiB. Units are messages delivered to the
// receiving application.
//
//	go test -p 1 -run '^$' -bench VsPion -count 5 ./tests/interop/

const (
	vsBulk   = 64 << 10
	vsSmall  = 64
	vsQueued = 1 << 20
)

// BenchmarkVsPion compares bulk (64 KiB messages, MB/s) and small
// messages (64 bytes, msg/s) on one ordered stream.
func BenchmarkVsPion(b *testing.B) {
	for _, c := range []struct {
		name string
		size int
	}{{"Bulk", vsBulk}, {"Msg64", vsSmall}} {
		b.Run(c.name, func(b *testing.B) {
			unitBytes := c.size
			if c.size < 1024 {
				unitBytes = 0
			}
			bench.Compare(b, "msg", unitBytes, oursSelf(b, c.size), pionSelf(b, c.size))
		})
	}
}

// oursSelf is our SCTP to itself over sctptest.
func oursSelf(b *testing.B, size int) bench.Contender {
	n := sctptest.New(sctptest.Options{
		Seed:               1,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{ours.NewProtocolWithOptions(ours.Options{SendBufferSize: vsQueued, ReceiveBufferSize: vsQueued})},
	})
	b.Cleanup(n.Close)
	ha, hb := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(ha, hb, sctptest.LinkConfig{MTU: 1500})
	require.NoError(b, err)
	addr := adapter.AddrFromFullAddress(tcpip.FullAddress{Addr: l.B().IPv4(), Port: 5000})
	ln, err := adapter.Listen(hb.Stack(), addr)
	require.NoError(b, err)
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() { c, _ := ln.Accept(); acc <- c }()
	cli, err := adapter.Dial(ha.Stack(), addr)
	require.NoError(b, err)
	srv := (<-acc).(*adapter.Conn)
	b.Cleanup(func() { cli.Abort(); srv.Abort() })

	var got atomic.Int64
	go func() {
		buf := make([]byte, vsBulk)
		for {
			if _, _, err := srv.ReadMsg(buf); err != nil {
				return
			}
			got.Add(1)
		}
	}()
	msg := make([]byte, size)
	var sent int64
	return bench.Contender{Name: "SCTP", Run: func(k int) {
		for range k {
			if _, err := cli.WriteMsg(msg, &adapter.SendInfo{PPID: ppidBase}); err != nil {
				b.Fatal(err)
			}
		}
		// Flush what coalescing holds at the end of the round, lest it
		// wait for a delayed SACK (see tests/bench's flush).
		cli.Endpoint().SetNoDelay(true)
		cli.Endpoint().SetNoDelay(false)
		sent += int64(k)
		waitCount(&got, sent)
	}}
}

// pionSelf is pion to itself over memPipe.
func pionSelf(b *testing.B, size int) bench.Contender {
	ca, cb := memPipe()
	opts := func(c net.Conn, name string) []sctp.AssociationOption {
		return []sctp.AssociationOption{
			sctp.WithNetConn(c),
			sctp.WithName(name),
			sctp.WithLoggerFactory(&logging.DefaultLoggerFactory{Writer: os.Stderr, DefaultLogLevel: logging.LogLevelError}),
			sctp.WithMTU(1480),
		}
	}
	srvCh := make(chan *sctp.Association, 1)
	go func() {
		var so []sctp.ServerOption
		for _, o := range opts(cb, "server") {
			so = append(so, o)
		}
		a, err := sctp.ServerWithOptions(so...)
		if err != nil {
			b.Error(err)
		}
		srvCh <- a
	}()
	var co []sctp.ClientOption
	for _, o := range opts(ca, "client") {
		co = append(co, o)
	}
	cli, err := sctp.ClientContext(context.Background(), co...)
	require.NoError(b, err)
	srv := <-srvCh
	require.NotNil(b, srv)
	b.Cleanup(func() { cli.Close(); srv.Close(); ca.Close(); cb.Close() })

	s, err := cli.OpenStream(0, sctp.PayloadProtocolIdentifier(ppidBase))
	require.NoError(b, err)
	lowCh := make(chan struct{}, 1)
	s.SetBufferedAmountLowThreshold(vsQueued / 2)
	s.OnBufferedAmountLow(func() {
		select {
		case lowCh <- struct{}{}:
		default:
		}
	})
	var got atomic.Int64
	go func() {
		rs, err := srv.AcceptStream()
		if err != nil {
			return
		}
		buf := make([]byte, vsBulk)
		for {
			if _, _, err := rs.ReadSCTP(buf); err != nil {
				return
			}
			got.Add(1)
		}
	}()
	msg := make([]byte, size)
	var sent int64
	return bench.Contender{Name: "pion", Run: func(k int) {
		for range k {
			for s.BufferedAmount() > vsQueued {
				select {
				case <-lowCh:
				case <-time.After(10 * time.Millisecond):
				}
			}
			if _, err := s.WriteSCTP(msg, sctp.PayloadProtocolIdentifier(ppidBase)); err != nil {
				b.Fatal(err)
			}
		}
		sent += int64(k)
		waitCount(&got, sent)
	}}
}

// waitCount waits until c reaches v.
func waitCount(c *atomic.Int64, v int64) {
	for d := time.Microsecond; c.Load() < v; d = min(2*d, time.Millisecond) {
		time.Sleep(d)
	}
}

// memPipe returns two connected in-memory packet conns: each Write is
// copied and becomes one Read at the other end, in order, without loss;
// a writer blocks while 1024 packets wait (a lossless wire, which only
// flatters the stack that uses it).
func memPipe() (net.Conn, net.Conn) {
	ab, ba := make(chan []byte, 1024), make(chan []byte, 1024)
	done := make(chan struct{})
	var once sync.Once
	closeFn := func() { once.Do(func() { close(done) }) }
	return &memConn{in: ba, out: ab, done: done, close: closeFn}, &memConn{in: ab, out: ba, done: done, close: closeFn}
}

type memConn struct {
	in, out chan []byte
	done    chan struct{}
	close   func()
}

func (c *memConn) Read(p []byte) (int, error) {
	select {
	case b := <-c.in:
		return copy(p, b), nil
	case <-c.done:
		return 0, net.ErrClosed
	}
}

func (c *memConn) Write(p []byte) (int, error) {
	select {
	case c.out <- append([]byte(nil), p...):
		return len(p), nil
	case <-c.done:
		return 0, net.ErrClosed
	}
}

func (c *memConn) Close() error                     { c.close(); return nil }
func (c *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "mem" }
