package interop

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// pcapDirEnv names a directory where the tests keep their pcaps (one per
// test, named after it) instead of a temporary directory, for looking at a
// run in Wireshark.
const pcapDirEnv = "INTEROP_PCAP_DIR"

// lossy is the impaired link of the robustness scenarios, each way: 5%
// loss, 5% of the packets held back 5 ms so that later ones overtake them,
// and 2% delivered twice (so that duplicate TSNs are met and reported).
var lossy = sctptest.Impairments{
	Loss:         0.05,
	Reorder:      0.05,
	ReorderDelay: 5 * time.Millisecond,
	Delay:        time.Millisecond,
	Duplicate:    0.02,
}

// ourOptions are our stack's protocol options in these tests: RFC 9260
// defaults except a lower RTO (the link's RTT is a few milliseconds, and
// the RFC's 1 s RTO.Min would make every loss cost a second of the test).
func ourOptions() sctp.Options {
	return sctp.Options{
		RTOInitial: 100 * time.Millisecond,
		RTOMin:     50 * time.Millisecond,
		RTOMax:     time.Second,
	}
}

// world is our stack on one host and a foreign SCTP stack bridged onto the
// other end of the link, on the real clock: the foreign stacks keep their
// own timers in real time, so the simulated clock could not drive them.
type world struct {
	net  *sctptest.Network
	link *sctptest.Link
	// ours is the stack under test (side A of the link).
	ours *stack.Stack
	// peer is the foreign stack's packet conn (side B, intercepted).
	peer *bridge

	allowMu sync.Mutex
	// +checklocks:allowMu
	allow func(tsharkFrame) bool
}

// allowMalformed lets the pcap check accept the frames f accepts.
func (w *world) allowMalformed(f func(tsharkFrame) bool) {
	w.allowMu.Lock()
	defer w.allowMu.Unlock()
	w.allow = f
}

// worldConfig tunes newWorld.
type worldConfig struct {
	// Impair applies to both directions of the link.
	Impair sctptest.Impairments
	// Options are our stack's (ourOptions if zero).
	Options *sctp.Options
	// NoPcap skips the capture (benchmarks: writing it costs throughput).
	NoPcap bool
	Seed   uint64
}

// newWorld builds the network. Its cleanup closes the network and then
// checks the pcap with tshark; register the foreign stack's cleanup after
// calling newWorld so that it runs first.
func newWorld(tb testing.TB, cfg worldConfig) *world {
	tb.Helper()
	opts := ourOptions()
	if cfg.Options != nil {
		opts = *cfg.Options
	}
	no := sctptest.Options{
		RealClock:          true,
		Seed:               cfg.Seed,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(opts)},
	}
	var pcapPath string
	var pcapFile *os.File
	if !cfg.NoPcap {
		pcapPath = pcapPathFor(tb)
		f, err := os.Create(pcapPath)
		require.NoError(tb, err)
		pcapFile = f
		no.Pcap = f
	}
	n := sctptest.New(no)
	w := &world{net: n}
	tb.Cleanup(func() {
		n.Close()
		if pcapFile == nil {
			return
		}
		require.NoError(tb, n.PcapError())
		require.NoError(tb, pcapFile.Close())
		if t, ok := tb.(*testing.T); ok {
			w.allowMu.Lock()
			allow := w.allow
			w.allowMu.Unlock()
			checkPcap(t, pcapPath, allow)
		}
	})
	us := n.AddHost("ours")
	them := n.AddRawHost("peer")
	l, err := n.Connect(us, them, sctptest.LinkConfig{NoIPv6: true, Impairments: cfg.Impair})
	require.NoError(tb, err)
	w.link, w.ours, w.peer = l, us.Stack(), newBridge(l.B())
	return w
}

// pcapPathFor returns where tb's capture goes.
func pcapPathFor(tb testing.TB) string {
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(tb.Name(), "_") + ".pcap"
	if dir := os.Getenv(pcapDirEnv); dir != "" {
		require.NoError(tb, os.MkdirAll(dir, 0o755))
		return filepath.Join(dir, name)
	}
	return filepath.Join(tb.TempDir(), name)
}

// ourAddr is our stack's address with port.
func (w *world) ourAddr(port uint16) *adapter.Addr {
	return adapter.AddrFrom(netip.AddrPortFrom(sctptest.ToNetip(w.link.A().IPv4()), port))
}

// peerAddr is the foreign stack's address with port.
func (w *world) peerAddr(port uint16) *adapter.Addr {
	return adapter.AddrFrom(netip.AddrPortFrom(sctptest.ToNetip(w.link.B().IPv4()), port))
}

// setImpair changes both directions' impairments.
func (w *world) setImpair(im sctptest.Impairments) {
	w.link.SetImpairments(sctptest.Both, im)
}
