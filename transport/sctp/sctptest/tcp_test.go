package sctptest

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// enableSACK turns on SACK, which gVisor's TCP needs to cope well with
// heavy loss.
func enableSACK(t testing.TB, hs ...*Host) {
	for _, h := range hs {
		opt := tcpip.TCPSACKEnabled(true)
		require.Nil(t, h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &opt))
	}
}

// tcpTransfer is a bulk transfer from a to b's iface over gonet.
type tcpTransfer struct {
	want     [sha256.Size]byte
	got      atomic.Pointer[[sha256.Size]byte]
	received atomic.Int64
	errs     chan error
}

// startTCPTransfer sends size pseudo-random bytes from src to dst:port.
// Application goroutines block in gonet; the caller must advance time.
func startTCPTransfer(t testing.TB, src *Host, dst *Iface, port uint16, size int) *tcpTransfer {
	data := make([]byte, size)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(data)
	tr := &tcpTransfer{want: sha256.Sum256(data), errs: make(chan error, 2)}

	ln, err := gonet.ListenTCP(dst.Host().Stack(), tcpip.FullAddress{Addr: dst.IPv4(), Port: port}, ipv4.ProtocolNumber)
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			tr.errs <- err
			return
		}
		defer c.Close()
		h := sha256.New()
		buf := make([]byte, 64<<10)
		for {
			k, err := c.Read(buf)
			h.Write(buf[:k])
			// Done when every byte is in: the FIN that follows proves
			// nothing about the frame, and its retransmission back-off
			// could outlast the test on a loaded machine.
			if tr.received.Add(int64(k)) >= int64(size) || err == io.EOF {
				break
			}
			if err != nil {
				tr.errs <- err
				return
			}
		}
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		tr.got.Store(&sum)
	}()
	go func() {
		c, err := gonet.DialTCP(src.Stack(), tcpip.FullAddress{Addr: dst.IPv4(), Port: port}, ipv4.ProtocolNumber)
		if err != nil {
			tr.errs <- err
			return
		}
		if _, err := c.Write(data); err != nil {
			tr.errs <- err
		}
		if err := c.CloseWrite(); err != nil {
			tr.errs <- err
		}
		// Keep the connection until the peer has read everything.
		_, _ = io.Copy(io.Discard, c)
		c.Close()
	}()
	return tr
}

func (tr *tcpTransfer) done() bool {
	select {
	case <-tr.errs:
		return true
	default:
	}
	return tr.got.Load() != nil
}

func (tr *tcpTransfer) check(t *testing.T) {
	select {
	case err := <-tr.errs:
		t.Fatalf("transfer failed: %v", err)
	default:
	}
	got := tr.got.Load()
	require.NotNil(t, got, "transfer incomplete: %d bytes received", tr.received.Load())
	assert.Equal(t, tr.want, *got, "content hash")
}

func TestTCP10MBOverLossyReorderingLink(t *testing.T) {
	const size = 10 << 20
	im := Impairments{
		Delay:     5 * time.Millisecond,
		Loss:      0.05,
		Reorder:   0.05,
		Bandwidth: 200_000_000,
	}
	n, l := pair(t, Options{Seed: 12}, LinkConfig{Impairments: im})
	enableSACK(t, l.A().Host(), l.B().Host())
	start := time.Now()
	tr := startTCPTransfer(t, l.A().Host(), l.B(), 80, size)
	ok := n.RunUntil(tr.done, 30*time.Minute)
	st := l.Stats(AtoB)
	t.Logf("network time %v, real time %v, A>B sent %d lost %d reordered %d; B>A sent %d",
		n.Elapsed(), time.Since(start), st.Sent, st.DroppedLoss, st.Reordered, l.Stats(BtoA).Sent)
	require.True(t, ok, "not done after %v of network time; %d bytes received", n.Elapsed(), tr.received.Load())
	tr.check(t)
	assert.Greater(t, st.DroppedLoss, uint64(100))
	assert.Greater(t, st.Reordered, uint64(100))
}

func TestAutoAdvanceDrivesBlockingTCPApp(t *testing.T) {
	n, l := pair(t, Options{Seed: 13}, LinkConfig{Impairments: Impairments{Delay: 20 * time.Millisecond}})
	ln, err := gonet.ListenTCP(l.B().Host().Stack(), tcpip.FullAddress{Port: 7}, ipv4.ProtocolNumber)
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(c, c)
	}()
	n.StartAutoAdvance(time.Millisecond, 0)
	defer n.StopAutoAdvance()

	// Plain blocking application code: dial, write, read the echo.
	c, err := gonet.DialTCP(l.A().Host().Stack(), tcpip.FullAddress{Addr: l.B().IPv4(), Port: 7}, ipv4.ProtocolNumber)
	require.NoError(t, err)
	defer c.Close()
	var conn net.Conn = c
	_, err = conn.Write([]byte("ping"))
	require.NoError(t, err)
	buf := make([]byte, 4)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(buf))
	assert.GreaterOrEqual(t, n.Elapsed(), 80*time.Millisecond, "handshake and echo take two round trips")
}
