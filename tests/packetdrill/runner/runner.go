package runner

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/tests/packetdrill/wire"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Addresses and ports of packetdrill's defaults, which the corpus's struct
// literals name: the stack under test is 192.168.0.1, the scripted peer
// 192.0.2.1, and both sides use port 8080 unless the script binds others.
var (
	LocalIPv4  = netip.MustParseAddr("192.168.0.1")
	RemoteIPv4 = netip.MustParseAddr("192.0.2.1")
	LocalIPv6  = netip.MustParseAddr("fd3d:fa7b:d17d::1")
	RemoteIPv6 = netip.MustParseAddr("2001:db8::1")
)

const (
	defaultPort    = 8080
	peerPassive    = 49152 // the peer's port when it opens the association
	defaultTol     = 4 * time.Millisecond
	anyTimeLimit   = 600 * time.Second // how long "*" waits for a packet
	settleAtTheEnd = time.Second       // blocking calls get this long after the last event
)

// Config chooses how scripts run.
type Config struct {
	// Platform picks the #ifdef branch: "Linux" (default) or "FreeBSD".
	Platform string
	// Seed seeds the network (tags, TSNs, cookies).
	Seed uint64
	// Tolerance is how far an outbound packet may be from its scripted
	// time; --tolerance_usecs in the script overrides it. Default 4 ms, as
	// packetdrill's.
	Tolerance time.Duration
	// Options are the protocol options before the script's sysctls.
	Options sctp.Options
	// Trace, if set, receives every packet sent and injected, decoded.
	Trace io.Writer
}

// RunFile parses and runs one script file.
func RunFile(path string, cfg Config) Result {
	s, err := script.ParseFile(path)
	if err != nil {
		return Result{Status: Fail, Reason: "parse: " + err.Error()}
	}
	return Run(s, cfg)
}

// run is the state of one script run.
type run struct {
	cfg  Config
	tol  time.Duration
	net  *sctptest.Network
	dut  *sctptest.Host
	link *sctptest.Link
	cap  *sctptest.Capture
	t0   time.Duration // network time of script time 0
	prev time.Duration // script time of the previous event
	num  wire.Numbering
	echo wire.Echo
	// lastOut is the last SCTP packet the stack sent, which ICMP errors
	// quote.
	lastOut []byte
	v6      bool // the socket under test is IPv6
	// ipv6Mode makes "..." in socket() mean AF_INET6: packetdrill's
	// --ip_version=ipv6, chosen for scripts that name IPv6 addresses.
	ipv6Mode bool
	// ports are the live ports of the association under test (zero:
	// packetdrill's default 8080).
	ports   struct{ local, remote uint16 }
	fds     map[int]*socket
	pending []*pendingCall
	opts    sctp.Options
	consts  *constants
}

// Run executes a parsed script.
func Run(s *script.Script, cfg Config) (res Result) {
	if cfg.Platform == "" {
		cfg.Platform = "Linux"
	}
	r := &run{cfg: cfg, tol: cfg.Tolerance, fds: map[int]*socket{}, opts: cfg.Options}
	r.consts = constantsFor(cfg.Platform)
	if r.tol <= 0 {
		r.tol = defaultTol
	}
	for _, o := range s.Options {
		if o.Name == "tolerance_usecs" {
			if v, ok := script.IntValue(o.Value); ok {
				r.tol = time.Duration(v) * time.Microsecond
			}
		}
	}
	stmts := s.Resolve(func(sym string) bool { return sym == cfg.Platform })
	var events []*script.Event
	for _, st := range stmts {
		if e, ok := st.(*script.Event); ok {
			events = append(events, e)
		}
	}
	// Static check first, so that a script needing a missing feature is
	// reported as such even when an earlier line would fail.
	if s.InitCommand != nil {
		if err := r.sysctl(s.InitCommand.Text); err != nil {
			return Result{Status: Unsupported, Reason: err.Error()}
		}
	}
	for _, e := range events {
		if err := r.check(e); err != nil {
			return Result{Status: Unsupported, Line: e.Pos.Line, Reason: err.Error()}
		}
	}
	r.ipv6Mode = namesIPv6(events)
	r.setup()
	defer r.teardown()
	line := 0
	defer func() {
		// A panic in the stack or the runner fails this script only.
		if p := recover(); p != nil {
			res = Result{Status: Fail, Line: line, Reason: fmt.Sprintf("panic: %v", p)}
		}
	}()
	for _, e := range events {
		line = e.Pos.Line
		if err := r.event(e); err != nil {
			return resultOf(e.Pos.Line, err)
		}
	}
	if err := r.finish(); err != nil {
		return resultOf(0, err)
	}
	return Result{Status: Pass}
}

func resultOf(line int, err error) Result {
	var le *lineError
	if errors.As(err, &le) {
		line = le.line
	}
	var u *unsupportedError
	if errors.As(err, &u) {
		return Result{Status: Unsupported, Line: line, Reason: u.reason}
	}
	var f *failure
	if errors.As(err, &f) {
		return Result{Status: Fail, Line: line, Reason: f.msg, Expected: f.expected, Actual: f.actual}
	}
	return Result{Status: Fail, Line: line, Reason: err.Error()}
}

// check reports what a line needs that we do not have, before running.
func (r *run) check(e *script.Event) error {
	switch a := e.Action.(type) {
	case *script.Command:
		return r.sysctl(a.Text) // applied to r.opts before the stack exists
	case *script.Code:
		return unsupported("python code blocks: not run by this runner")
	case *script.Packet:
		return checkPacket(a)
	case *script.Syscall:
		return r.checkCall(a)
	}
	return nil
}

func checkPacket(p *script.Packet) error {
	if len(p.Encaps) > 0 {
		return unsupported("encapsulation: %s", p.Encaps[0].Kind)
	}
	if p.ECN != "" {
		return unsupported("ECN: IP ECN marking")
	}
	if p.SCTP != nil && p.SCTP.UDP != nil {
		return unsupported("SCTP over UDP: RFC 6951 encapsulation")
	}
	if p.ICMP != nil && p.Dir == script.Outbound {
		return unsupported("outbound ICMP: not expected of an SCTP stack")
	}
	return nil
}

func (r *run) setup() {
	r.net = sctptest.New(sctptest.Options{
		Seed:               r.cfg.Seed,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(r.opts)},
	})
	r.dut = r.net.AddHost("dut")
	peer := r.net.AddRawHost("peer")
	link, err := r.net.Connect(r.dut, peer, sctptest.LinkConfig{
		AddrsA: []tcpip.AddressWithPrefix{
			{Address: sctptest.FromNetip(LocalIPv4), PrefixLen: 16},
			{Address: sctptest.FromNetip(LocalIPv6), PrefixLen: 64},
		},
		AddrsB: []tcpip.AddressWithPrefix{
			{Address: sctptest.FromNetip(RemoteIPv4), PrefixLen: 24},
			{Address: sctptest.FromNetip(RemoteIPv6), PrefixLen: 64},
		},
	})
	if err != nil {
		panic(err)
	}
	r.link = link
	r.dut.Stack().AddRoute(tcpip.Route{Destination: header.IPv4EmptySubnet, NIC: link.A().NICID()})
	r.dut.Stack().AddRoute(tcpip.Route{Destination: header.IPv6EmptySubnet, NIC: link.A().NICID()})
	r.cap = link.B().Intercept()
	r.t0 = r.net.Elapsed()
}

func (r *run) teardown() {
	for _, s := range r.fds {
		if s.many != nil {
			for _, id := range s.many.AssocIDs() {
				if ep, e := s.many.Assoc(id); e == nil {
					ep.Abort()
				}
			}
			s.many.Close()
			continue
		}
		s.ep.Abort()
	}
	r.net.Close()
}

// now is the script time.
func (r *run) now() time.Duration { return r.net.Elapsed() - r.t0 }

// advanceTo moves the clock to script time t, completing blocking calls
// as they become able to return.
func (r *run) advanceTo(t time.Duration) error {
	for {
		d := t - r.now()
		if len(r.pending) == 0 {
			if d > 0 {
				r.net.Advance(d)
			} else {
				r.net.Advance(0)
			}
			return nil
		}
		var err error
		r.net.AdvanceUntil(func() bool {
			done, e := r.retryPending()
			if e != nil {
				err = e
				return true
			}
			return done
		}, max(d, 0))
		if err != nil {
			return err
		}
		if r.now() >= t {
			return nil
		}
	}
}

// eventTime is the scripted time of e, and whether it has one.
func (r *run) eventTime(tm script.Time) (start, end time.Duration, ok bool) {
	switch tm.Kind {
	case script.TimeAny:
		return 0, 0, false
	case script.TimeRelative:
		start = r.prev + tm.Start
	default:
		start = tm.Start
	}
	end = start
	if tm.Span != script.SpanNone {
		end = tm.End
		if tm.Kind == script.TimeRelative || tm.EndRelative {
			end = r.prev + tm.End
		}
	}
	return start, end, true
}

func (r *run) event(e *script.Event) error {
	start, end, timed := r.eventTime(e.Time)
	switch a := e.Action.(type) {
	case *script.Packet:
		if a.Dir == script.Outbound {
			at, err := r.expect(a, start, end, timed)
			if err != nil {
				return err
			}
			if timed {
				r.prev = start
			} else {
				r.prev = at
			}
			return nil
		}
		if err := r.advanceTo(start); err != nil {
			return err
		}
		r.prev = start
		err := r.inject(a)
		for _, s := range r.fds {
			s.noteStreams()
		}
		return err
	case *script.Syscall:
		if err := r.advanceTo(start); err != nil {
			return err
		}
		r.prev = start
		return r.call(e, a, start, end)
	case *script.Command:
		if err := r.advanceTo(start); err != nil {
			return err
		}
		r.prev = start
		return nil // applied before the run
	}
	return nil
}

// finish gives blocking calls time to return after the last event.
func (r *run) finish() error {
	if len(r.pending) == 0 {
		return nil
	}
	if err := r.advanceTo(r.now() + settleAtTheEnd); err != nil {
		return err
	}
	if len(r.pending) > 0 {
		p := r.pending[0]
		return &lineError{p.line, failf("%s: never returned", p.call.sc.Name)}
	}
	return nil
}

// window is the time range in which an outbound packet may be sent.
func (r *run) window(start, end time.Duration, timed bool) (lo, hi time.Duration) {
	if !timed {
		return r.now(), r.now() + anyTimeLimit
	}
	return start - r.tol, end + r.tol
}

func fmtTime(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }

// namesIPv6 reports whether a script's calls name IPv6 addresses, which
// means it was written for packetdrill's IPv6 mode.
func namesIPv6(events []*script.Event) bool {
	var walk func(v script.Value) bool
	walk = func(v script.Value) bool {
		switch v := v.(type) {
		case script.Ident:
			return v.Name == "AF_INET6"
		case *script.Call:
			if v.Fn == "inet_addr" || v.Fn == "inet6_addr" {
				if s, ok := v.Args[0].(script.String); ok && strings.Contains(s.S, ":") {
					return true
				}
			}
			for _, a := range v.Args {
				if walk(a) {
					return true
				}
			}
		case *script.List:
			for _, e := range v.Elems {
				if walk(e) {
					return true
				}
			}
		case *script.Struct:
			for _, f := range v.Fields {
				if walk(f.Value) {
					return true
				}
			}
		}
		return false
	}
	for _, e := range events {
		if sc, ok := e.Action.(*script.Syscall); ok {
			for _, a := range sc.Args {
				if walk(a) {
					return true
				}
			}
		}
	}
	return false
}
