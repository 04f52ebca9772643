package sctp

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// TestHandshakeConcurrentRealClock runs a writer and a reader on their own
// goroutines against the real clock and the link's delivery goroutines, so
// that the race detector sees the locking of the data path, timers and
// waiter notifications.
func TestHandshakeConcurrentRealClock(t *testing.T) {
	n := sctptest.New(sctptest.Options{
		Seed:               90,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocolWithOptions(Options{DelayedAckTime: 10 * time.Millisecond})},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(a, b, sctptest.LinkConfig{})
	require.NoError(t, err)

	var lwq waiter.Queue
	lep, terr := b.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &lwq)
	require.Nil(t, terr)
	require.Nil(t, lep.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, lep.Listen(4))
	lEntry, lCh := waiter.NewChannelEntry(waiter.ReadableEvents)
	lwq.EventRegister(&lEntry)

	var cwq waiter.Queue
	cep, terr := a.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &cwq)
	require.Nil(t, terr)
	cEntry, cCh := waiter.NewChannelEntry(waiter.WritableEvents | waiter.EventErr)
	cwq.EventRegister(&cEntry)
	require.IsType(t, &tcpip.ErrConnectStarted{}, cep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: 5000}))
	select {
	case <-cCh:
	case <-time.After(10 * time.Second):
		t.Fatal("connect timed out")
	}
	require.Nil(t, cep.LastError())

	var sep tcpip.Endpoint
	var swq *waiter.Queue
	for sep == nil {
		sep, swq, terr = lep.Accept(nil)
		if terr != nil {
			select {
			case <-lCh:
			case <-time.After(10 * time.Second):
				t.Fatal("accept timed out")
			}
		}
	}
	const msgs = 300
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // writer
		defer wg.Done()
		buf := make([]byte, 2000)
		for i := 0; i < msgs; {
			buf[0] = byte(i)
			_, err := cep.Write(bytes.NewReader(buf), tcpip.WriteOptions{})
			if _, ok := err.(*tcpip.ErrWouldBlock); ok {
				select {
				case <-cCh:
				case <-time.After(50 * time.Millisecond):
				}
				continue
			}
			if err != nil {
				t.Errorf("write: %v", err)
				return
			}
			i++
		}
		cep.Close()
	}()
	go func() { // reader
		defer wg.Done()
		rEntry, rCh := waiter.NewChannelEntry(waiter.ReadableEvents)
		swq.EventRegister(&rEntry)
		defer swq.EventUnregister(&rEntry)
		var sink bytes.Buffer
		for i := 0; ; {
			sink.Reset()
			_, err := sep.Read(&sink, tcpip.ReadOptions{})
			switch err.(type) {
			case nil:
				if sink.Len() != 2000 || sink.Bytes()[0] != byte(i) {
					t.Errorf("message %d: %d bytes, first %d", i, sink.Len(), sink.Bytes()[0])
					return
				}
				i++
			case *tcpip.ErrWouldBlock:
				select {
				case <-rCh:
				case <-time.After(50 * time.Millisecond):
				}
			case *tcpip.ErrClosedForReceive:
				if i != msgs {
					t.Errorf("EOF after %d messages", i)
				}
				return
			default:
				t.Errorf("read: %v", err)
				return
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("transfer timed out")
	}
	sep.Close()
	lep.Close()
}

// TestHandshakeConcurrentManyRealClock runs 20 clients at once against one
// listener on the real clock: accepts, echoes and closes race with each
// other on the shared port.
func TestHandshakeConcurrentManyRealClock(t *testing.T) {
	n := sctptest.New(sctptest.Options{
		Seed:               91,
		RealClock:          true,
		TransportProtocols: []stack.TransportProtocolFactory{NewProtocolWithOptions(Options{DelayedAckTime: 10 * time.Millisecond})},
	})
	t.Cleanup(n.Close)
	a, b := n.AddHost("a"), n.AddHost("b")
	l, err := n.Connect(a, b, sctptest.LinkConfig{})
	require.NoError(t, err)

	var lwq waiter.Queue
	lep, terr := b.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &lwq)
	require.Nil(t, terr)
	require.Nil(t, lep.Bind(tcpip.FullAddress{Port: 5000}))
	require.Nil(t, lep.Listen(64))
	lEntry, lCh := waiter.NewChannelEntry(waiter.ReadableEvents)
	lwq.EventRegister(&lEntry)

	const clients = 20
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Server: accept and echo one message on each association.
	go func() {
		for {
			ep, wq, err := lep.Accept(nil)
			if err != nil {
				select {
				case <-lCh:
					continue
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
					continue
				}
			}
			go func() {
				e, ch := waiter.NewChannelEntry(waiter.ReadableEvents)
				wq.EventRegister(&e)
				defer wq.EventUnregister(&e)
				var buf bytes.Buffer
				for {
					buf.Reset()
					_, err := ep.Read(&buf, tcpip.ReadOptions{})
					if _, ok := err.(*tcpip.ErrWouldBlock); ok {
						select {
						case <-ch:
						case <-time.After(10 * time.Millisecond):
						}
						continue
					}
					if err != nil {
						ep.Close()
						return
					}
					ep.Write(bytes.NewReader(buf.Bytes()), tcpip.WriteOptions{})
				}
			}()
		}
	}()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var wq waiter.Queue
			ep, err := a.Stack().NewEndpoint(ProtocolNumber, ipv4.ProtocolNumber, &wq)
			if err != nil {
				t.Error(err)
				return
			}
			e, ch := waiter.NewChannelEntry(waiter.ReadableEvents | waiter.WritableEvents | waiter.EventErr)
			wq.EventRegister(&e)
			defer wq.EventUnregister(&e)
			ep.Connect(tcpip.FullAddress{Addr: l.B().IPv4(), Port: 5000})
			deadline := time.After(20 * time.Second)
			for ep.Readiness(waiter.WritableEvents) == 0 {
				select {
				case <-ch:
				case <-deadline:
					t.Errorf("client %d: connect timed out", i)
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
			if err := ep.LastError(); err != nil {
				t.Errorf("client %d: %v", i, err)
				return
			}
			msg := []byte{byte(i), 1, 2, 3}
			if _, err := ep.Write(bytes.NewReader(msg), tcpip.WriteOptions{}); err != nil {
				t.Errorf("client %d: write: %v", i, err)
				return
			}
			var buf bytes.Buffer
			for {
				_, err := ep.Read(&buf, tcpip.ReadOptions{})
				if err == nil {
					break
				}
				if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
					t.Errorf("client %d: read: %v", i, err)
					return
				}
				select {
				case <-ch:
				case <-deadline:
					t.Errorf("client %d: echo timed out", i)
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
			if !bytes.Equal(buf.Bytes(), msg) {
				t.Errorf("client %d: echo %v", i, buf.Bytes())
			}
			ep.Close()
		}(i)
	}
	wg.Wait()
	close(stop)
	lep.Close()
}
