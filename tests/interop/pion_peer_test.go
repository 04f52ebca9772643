package interop

import (
	"encoding/binary"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pion/logging"
	"github.com/pion/sctp"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// pionPort is the port pion uses as source and destination when it
// initiates (pion has no port option); as a server it answers from the
// port the INIT was sent to.
const pionPort = 5000

// logSink collects pion's log lines: the scenarios report what pion
// complained about, which is how its RFC deviations show up (an unparsable
// chunk type, for instance).
type logSink struct {
	mu sync.Mutex
	// +checklocks:mu
	lines []string
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// matching returns the lines containing substr.
func (l *logSink) matching(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.lines {
		if strings.Contains(s, substr) {
			out = append(out, s)
		}
	}
	return out
}

// report logs pion's warnings and errors on t, at most max of them.
func (l *logSink) report(t *testing.T, max int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, s := range l.lines {
		if i == max {
			t.Logf("pion: ... %d more lines", len(l.lines)-max)
			break
		}
		t.Logf("pion: %s", s)
	}
}

// pionOptions configures a pion association on w's bridge. RTOMax is
// lowered to 300 ms because pion's RTO.Min is fixed at 1 s (RFC 9260's
// value) and RTO.Max caps it: at 1 s per loss the lossy scenarios would
// take minutes. The MTU is the link's less the 20-byte IPv4 header the
// bridge adds.
func pionOptions(w *world, log *logSink) []sctp.AssociationOption {
	return []sctp.AssociationOption{
		sctp.WithNetConn(w.peer),
		sctp.WithName("pion"),
		sctp.WithLoggerFactory(&logging.DefaultLoggerFactory{
			Writer:          log,
			DefaultLogLevel: logging.LogLevelWarn,
			ScopeLevels:     map[string]logging.LogLevel{},
		}),
		sctp.WithMTU(1480),
		sctp.WithRTOMax(300),
	}
}

func pionServerOptions(w *world, log *logSink) []sctp.ServerOption {
	var out []sctp.ServerOption
	for _, o := range pionOptions(w, log) {
		out = append(out, o)
	}
	return out
}

func pionClientOptions(w *world, log *logSink) []sctp.ClientOption {
	var out []sctp.ClientOption
	for _, o := range pionOptions(w, log) {
		out = append(out, o)
	}
	return out
}

// pionPeer is a running pion association and its accept loop.
type pionPeer struct {
	a   *sctp.Association
	log *logSink
	// gone is closed when pion's association has ended: pion closes its
	// accept channel when its read loop exits.
	gone chan struct{}
}

// startPion runs the accept loop of a. With echo, each accepted stream is
// served by a goroutine that sends every message back on the same stream
// with the same PPID (odd streams unordered, as the workload wants).
func startPion(a *sctp.Association, log *logSink, echo bool) *pionPeer {
	p := &pionPeer{a: a, log: log, gone: make(chan struct{})}
	go func() {
		defer close(p.gone)
		for {
			s, err := a.AcceptStream()
			if err != nil {
				return
			}
			id := s.StreamIdentifier()
			if echo {
				s.SetReliabilityParams(unordered(id), sctp.ReliabilityTypeReliable, 0)
				go echoPionStream(s)
			}
		}
	}()
	return p
}

// echoPionStream sends back every message read from s until s fails.
func echoPionStream(s *sctp.Stream) {
	buf := make([]byte, 1<<17)
	for {
		n, ppi, err := s.ReadSCTP(buf)
		if err != nil {
			return
		}
		if _, err := s.WriteSCTP(buf[:n], ppi); err != nil {
			return
		}
	}
}

// stripSupportedAddressTypes returns pkt without the Supported Address
// Types parameter if pkt is an INIT carrying one, else nil.
//
// It works around a pion deviation from RFC 9260: pion does not know the
// INIT parameters of RFC 9260 3.3.2.1 (IPv4 and IPv6 Address, Cookie
// Preservative, Host Name Address, Supported Address Types), takes them for
// unrecognized parameters whose high bits 00 mean "stop processing", and
// then drops the whole INIT ("INIT with unknown param"), whereas 3.2.1 only
// tells a receiver to stop processing parameters. Our INIT carries
// Supported Address Types (3.3.2.1.5), as Linux's does, so pion never
// answers it: TestPionDropsINITWithSupportedAddressTypes shows this. The
// scenarios where pion is the server strip the parameter on the link so
// that the rest can be tested; our stack sends its INIT unchanged.
func stripSupportedAddressTypes(pkt []byte) []byte {
	const (
		commonLen = 12
		initFixed = 20 // chunk header and the INIT's fixed fields
	)
	if len(pkt) < commonLen+initFixed || pkt[commonLen] != 1 {
		return nil
	}
	chunk := pkt[commonLen:]
	clen := int(binary.BigEndian.Uint16(chunk[2:]))
	if clen < initFixed || clen > len(chunk) {
		return nil
	}
	var params []byte
	found, lastPad := false, 0
	for b := chunk[initFixed:clen]; len(b) >= 4; {
		plen := int(binary.BigEndian.Uint16(b[2:]))
		if plen < 4 || plen > len(b) {
			return nil
		}
		padded := min((plen+3)&^3, len(b))
		if binary.BigEndian.Uint16(b) == uint16(header.ParamSupportedAddressTypes) {
			found = true
		} else {
			lastPad = (plen+3)&^3 - plen
			params = append(params, b[:plen]...)
			params = append(params, make([]byte, lastPad)...)
		}
		b = b[padded:]
	}
	if !found {
		return nil
	}
	out := append([]byte(nil), pkt[:commonLen+initFixed]...)
	out = append(out, params...)
	// The chunk length leaves out the last parameter's padding (3.2).
	binary.BigEndian.PutUint16(out[commonLen+2:], uint16(initFixed+len(params)-lastPad))
	header.SCTP(out).SetChecksumCRC32c()
	return out
}

// dropEmptyHeartbeats keeps pion's HEARTBEATs without Heartbeat Info off
// the link, logging how many there were. pion sends one when its tail loss
// probe fires just as its flight empties (deviation 2 in INTEROP.md), and
// our stack rightly aborts the association on it, which would end a
// scenario at random (seen about once in 40 runs). Dropping it loses only
// a probe whose answer pion could not parse anyway (deviation 3).
// TestPionHeartbeatWithoutInfo lets it through.
func dropEmptyHeartbeats(t testing.TB, w *world) {
	var n atomic.Int32
	w.peer.editHooks(func(h *bridgeHooks) {
		h.dropSent = func(pkt []byte) bool {
			_, types := chunkTypes(pkt)
			if len(types) == 1 && types[0] == chunkHeartbeat && len(pkt) == header.SCTPCommonHeaderLen+4 {
				n.Add(1)
				return true
			}
			return false
		}
	})
	t.Cleanup(func() {
		if k := n.Load(); k > 0 {
			t.Logf("dropped %d empty HEARTBEATs from pion", k)
		}
	})
}
