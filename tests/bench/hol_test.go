package bench

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// Figure 3, head-of-line blocking: independent request/response flows
// over a lossy link with a 20 ms round trip, SCTP with one stream per flow
// against the same flows multiplexed over one gVisor TCP connection. It
// runs on sctptest's manual clock, so latencies are simulated time: the
// figures do not depend on the machine's load, and SCTP's are the same on
// every run with the same seed (TCP processes segments on its own
// goroutines, which adds a little real-time nondeterminism).
//
// Each flow is a request/response loop with one request outstanding: it
// sends a request every holInterval (flows staggered evenly), or as soon as
// the previous response is in if that is later; the server answers each
// at once on the same stream (or, on TCP, in a frame naming the flow). The load (16 flows: 800 messages/s, 160 KB/s of
// responses) stays well below what a congestion window allows at 2% loss
// and 20 ms, so queues do not grow and latency is the loss recovery's. A message's latency is from the request's write
// to the complete response's read; the applications poll every holStep.

const (
	holReq      = 100
	holResp     = 200
	holInterval = 20 * time.Millisecond
	holStep     = time.Millisecond
	holDuration = 60 * time.Second
	holOneWay   = 10 * time.Millisecond
)

// holCase is one row pair of the table.
type holCase struct {
	flows int
	loss  float64
	// rtoMin, if set, replaces SCTP's RTO.Min (RFC 9260: 1 s) with the
	// value gVisor's TCP uses (200 ms).
	rtoMin time.Duration
}

// BenchmarkHOLTable prints figure 3's table: message latency percentiles for
// SCTP (stream per flow) and TCP (flows multiplexed), and SCTP p95 over
// TCP p95. It asserts only that every request was answered.
func BenchmarkHOLTable(b *testing.B) {
	t := b
	cases := []holCase{
		{8, 0.02, 0}, {16, 0.02, 0}, {8, 0.005, 0}, {16, 0.005, 0},
		{8, 0.02, 200 * time.Millisecond},
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\n%-34s %6s %8s %8s %8s %8s %8s %8s\n", "case", "n", "p50", "p90", "p95", "p99", "p99.9", "p95/TCP")
	for _, c := range cases {
		name := fmt.Sprintf("%d flows, %.1f%% loss, 20 ms RTT", c.flows, c.loss*100)
		if c.rtoMin > 0 {
			name += ", RTO.Min " + c.rtoMin.String()
		}
		s := runHOL(t, c, true)
		tc := runHOL(t, c, false)
		for _, r := range []struct {
			proto string
			lat   []time.Duration
		}{{"SCTP", s}, {"TCP", tc}} {
			p := percentiles(r.lat)
			fmt.Fprintf(&out, "%-48s %6d %8v %8v %8v %8v %8v", name+" "+r.proto, len(r.lat), p[0], p[1], p[2], p[3], p[4])
			if r.proto == "SCTP" {
				fmt.Fprintf(&out, " %8.2f", float64(p[2])/float64(percentiles(tc)[2]))
			}
			out.WriteByte('\n')
		}
	}
	t.Log(out.String())
}

// percentiles returns p50, p90, p95, p99 and p99.9 of lat (sorted in
// place), rounded to the polling step.
func percentiles(lat []time.Duration) [5]time.Duration {
	slices.Sort(lat)
	var p [5]time.Duration
	for i, q := range []float64{0.50, 0.90, 0.95, 0.99, 0.999} {
		if len(lat) > 0 {
			p[i] = lat[min(len(lat)-1, int(q*float64(len(lat))))]
		}
	}
	return p
}

// holNet is the lossy manual-clock link of one run.
func holNet(t testing.TB, c holCase) (*sctptest.Network, *sctptest.Link) {
	o := sctp.Options{OutStreams: uint16(c.flows), MaxInStreams: uint16(c.flows), RTOMin: c.rtoMin, RTOInitial: c.rtoMin}
	n := sctptest.New(sctptest.Options{
		Seed:               uint64(c.flows)*1000 + uint64(c.loss*1e4),
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(o), tcp.NewProtocol},
	})
	t.Cleanup(n.Close)
	ha, hb := n.AddHost("client"), n.AddHost("server")
	l, err := n.Connect(ha, hb, sctptest.LinkConfig{Impairments: sctptest.Impairments{Loss: c.loss, Delay: holOneWay}})
	require.NoError(t, err)
	for _, h := range []*sctptest.Host{ha, hb} {
		sack := tcpip.TCPSACKEnabled(true)
		require.Nil(t, h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &sack))
	}
	return n, l
}

// holConnect connects over the manual clock, advancing it.
func holConnect(t testing.TB, n *sctptest.Network, l *sctptest.Link, proto tcpip.TransportProtocolNumber) (client, server conn) {
	// connect waits in real time; run the clock meanwhile.
	n.StartAutoAdvance(time.Millisecond, 0)
	defer n.StopAutoAdvance()
	return connect(t, l, proto, 6000)
}

// holApp is one side's message framing.
type holApp interface {
	// send writes one message of size bytes on flow f carrying seq.
	send(t testing.TB, f int, seq uint32, size int)
	// poll returns the complete messages read so far: flow and seq.
	poll(t testing.TB) [][2]uint32
}

// runHOL runs one case over SCTP (stream per flow) or TCP (multiplexed)
// and returns every message's latency.
func runHOL(t testing.TB, c holCase, useSCTP bool) []time.Duration {
	n, l := holNet(t, c)
	var cli, srv holApp
	if useSCTP {
		cc, sc := holConnect(t, n, l, sctp.ProtocolNumber)
		for _, x := range []conn{cc, sc} {
			x.ep.(*sctp.Endpoint).SetNoDelay(true)
		}
		cli, srv = &sctpApp{c: cc}, &sctpApp{c: sc}
	} else {
		cc, sc := holConnect(t, n, l, tcp.ProtocolNumber)
		for _, x := range []conn{cc, sc} {
			x.ep.SocketOptions().SetDelayOption(false)
		}
		cli, srv = &tcpApp{c: cc}, &tcpApp{c: sc}
	}
	sentAt := make([][]time.Duration, c.flows)
	var lat []time.Duration
	start := n.Elapsed()
	phase := holInterval / time.Duration(c.flows)
	next := make([]time.Duration, c.flows)
	waiting := make([]bool, c.flows)
	for f := range next {
		next[f] = start + time.Duration(f)*phase
	}
	for now := start; now-start < holDuration+5*time.Second; now = n.Elapsed() {
		for f := range next {
			if now-start < holDuration && now >= next[f] && !waiting[f] {
				cli.send(t, f, uint32(len(sentAt[f])), holReq)
				sentAt[f] = append(sentAt[f], now)
				waiting[f] = true
				for next[f] <= now {
					next[f] += holInterval // Missed slots are skipped, not caught up.
				}
			}
		}
		n.Settle()
		for _, m := range srv.poll(t) {
			srv.send(t, int(m[0]), m[1], holResp)
		}
		n.Settle()
		for _, m := range cli.poll(t) {
			lat = append(lat, now-sentAt[m[0]][m[1]])
			waiting[m[0]] = false
		}
		n.Advance(holStep)
	}
	want := 0
	for _, s := range sentAt {
		want += len(s)
	}
	require.Equal(t, want, len(lat), "every request answered")
	return lat
}

// sctpApp frames nothing: a message is a message, its stream the flow; its
// first four bytes carry the sequence number.
type sctpApp struct {
	c   conn
	buf bytes.Buffer
	msg []byte
	out [][2]uint32
}

func (a *sctpApp) send(t testing.TB, f int, seq uint32, size int) {
	if len(a.msg) < size {
		a.msg = make([]byte, size)
	}
	binary.BigEndian.PutUint32(a.msg, seq)
	var r bytes.Reader
	r.Reset(a.msg[:size])
	_, err := a.c.ep.(*sctp.Endpoint).WriteMsg(&r, sctp.SendInfo{Stream: uint16(f)})
	require.Nil(t, err)
}

func (a *sctpApp) poll(t testing.TB) [][2]uint32 {
	a.out = a.out[:0]
	for {
		a.buf.Reset()
		info, _, err := a.c.ep.(*sctp.Endpoint).ReadMsg(&a.buf, -1)
		if _, ok := err.(*tcpip.ErrWouldBlock); ok {
			return a.out
		}
		require.Nil(t, err)
		require.True(t, info.Complete)
		a.out = append(a.out, [2]uint32{uint32(info.Stream), binary.BigEndian.Uint32(a.buf.Bytes())})
	}
}

// tcpApp frames each message as flow (2 bytes), seq (4), length (4) and
// the payload, all flows on the one connection.
type tcpApp struct {
	c   conn
	in  []byte
	msg []byte
	out [][2]uint32
}

const holFrame = 10

func (a *tcpApp) send(t testing.TB, f int, seq uint32, size int) {
	a.msg = slices.Grow(a.msg[:0], holFrame+size)[:holFrame+size]
	binary.BigEndian.PutUint16(a.msg, uint16(f))
	binary.BigEndian.PutUint32(a.msg[2:], seq)
	binary.BigEndian.PutUint32(a.msg[6:], uint32(size))
	var r bytes.Reader
	r.Reset(a.msg)
	n, err := a.c.ep.Write(&r, tcpip.WriteOptions{})
	require.Nil(t, err)
	require.Equal(t, int64(len(a.msg)), n, "TCP send buffer never fills here")
}

func (a *tcpApp) poll(t testing.TB) [][2]uint32 {
	a.out = a.out[:0]
	for {
		var w bytes.Buffer
		_, err := a.c.ep.Read(&w, tcpip.ReadOptions{})
		if _, ok := err.(*tcpip.ErrWouldBlock); ok {
			break
		}
		require.Nil(t, err)
		a.in = append(a.in, w.Bytes()...)
	}
	for len(a.in) >= holFrame {
		size := int(binary.BigEndian.Uint32(a.in[6:]))
		if len(a.in) < holFrame+size {
			break
		}
		a.out = append(a.out, [2]uint32{uint32(binary.BigEndian.Uint16(a.in)), binary.BigEndian.Uint32(a.in[2:])})
		a.in = a.in[holFrame+size:]
	}
	return a.out
}
