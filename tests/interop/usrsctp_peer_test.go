//go:build usrsctp && cgo

package interop

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/netstack-sctp/sctp/tests/interop/internal/usrsctp"
)

// usrsctp's side of the scenarios. usrsctp is one stack per process; each
// test registers its own AF_CONN address (its bridge) and binds its own
// ports, so tests never see each other's associations.

// usrsctpPorts hands out usrsctp's ports: usrsctp keeps associations of
// finished tests around until their timers expire, and -count reruns the
// tests in the same process.
var usrsctpPorts atomic.Uint32

func nextUsrsctpPort() uint16 { return uint16(7000 + usrsctpPorts.Add(1)) }

// usrsctpConfig is usrsctp's process-wide configuration in these tests: the
// same lowered RTO as ours (see ourOptions), in milliseconds.
var usrsctpConfig = usrsctp.Config{RTOMin: 50, RTOInitial: 100, RTOMax: 1000}

// usrsctpSocketConfig asks for as many streams as our side and sends
// packets as large as the link carries after the bridge's IPv4 header.
func usrsctpSocketConfig(hb time.Duration) usrsctp.SocketConfig {
	return usrsctp.SocketConfig{OutStreams: streamsAsked, MTU: 1480, Heartbeat: hb}
}

// attachUsrsctp registers an AF_CONN address for w's bridge and pumps the
// packets delivered to the bridge into usrsctp.
func attachUsrsctp(t testing.TB, w *world) usrsctp.Addr {
	usrsctp.Init(usrsctpConfig)
	a := usrsctp.Register(func(pkt []byte) { w.peer.Write(pkt) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1<<16)
		for {
			n, err := w.peer.Read(buf)
			if err != nil {
				return
			}
			a.Input(buf[:n])
		}
	}()
	t.Cleanup(func() {
		w.peer.Close()
		<-done
		a.Deregister()
	})
	return a
}

// usrsctpConn is one usrsctp association and the goroutine reading it.
type usrsctpConn struct {
	s *usrsctp.Socket
	// ended receives the error that ended reading (usrsctp.ErrEOF after a
	// graceful shutdown).
	ended chan error
}

// serveUsrsctp starts reading s. With echo every message goes back on its
// stream with its PPID and U bit; with tl every message is tallied.
func serveUsrsctp(t testing.TB, s *usrsctp.Socket, echo bool, tl *tally) *usrsctpConn {
	c := &usrsctpConn{s: s, ended: make(chan error, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 16<<10) // shorter than some messages
		var msg []byte
		for {
			n, info, err := s.Recv(buf)
			if err != nil {
				c.ended <- err
				return
			}
			msg = append(msg, buf[:n]...)
			if !info.EOR {
				continue
			}
			if tl != nil {
				u := 0
				if info.Unordered {
					u = 1
				}
				tl.add(msg, info.Stream, info.PPID, u)
			}
			if echo {
				if err := s.Send(msg, info.Stream, info.PPID, info.Unordered); err != nil {
					c.ended <- err
					return
				}
			}
			msg = nil
		}
	}()
	t.Cleanup(func() {
		// A Recv blocked on a live association wakes up only when the
		// association ends (SHUT_RD does not wake it): abort it.
		select {
		case <-done:
		default:
			s.Abort([]byte("test cleanup"))
		}
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("usrsctp reader still blocked")
			return // Closing under a blocked reader is not safe.
		}
		s.Close()
	})
	return c
}
