package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/sniffer"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// The gVisor stack of the server and client commands on real links: one
// NIC per host interface with the stack's own MAC and addresses, ARP and
// IPv6 neighbour discovery answered by the stack, a route to each
// address's subnet and, on one interface, a default route out of it for
// each family (on-link: there is no gateway option, the peer is expected
// on the link). With several interfaces there is no default route: the
// SCTP core picks a path's route by trying its local addresses in turn,
// and a default route out of the first interface would take every path,
// the second link's too, from the first address over the first interface.

// liveProtocolOptions are the SCTP options on real links. They are those
// of the default scenario (see protocolOptions): RTO.Min and RTO.Initial
// lowered from the RFC's one second, which suits a LAN or veth pair where a
// round trip takes well under a millisecond.
func liveProtocolOptions() sctp.Options {
	return protocolOptions(&Config{})
}

// liveHost is a stack on real links.
type liveHost struct {
	stack *stack.Stack
	links []*liveLink
	pcap  *pcapSink
}

// newLiveHost opens the links of l and builds the stack on them. Log
// lines describing the interfaces go to out.
func newLiveHost(l *liveLinks, out io.Writer) (_ *liveHost, err error) {
	h := &liveHost{}
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	if l.pcap != "" {
		// The sniffer would also log every packet to stderr, which
		// NewWithWriter's doc says it does not do; it does unless told.
		sniffer.LogPackets.Store(0)
		if h.pcap, err = newPcapSink(l.pcap); err != nil {
			return nil, err
		}
	}
	h.stack = stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocolWithOptions(liveProtocolOptions())},
	})
	var routes, defaults []tcpip.Route
	var default4, default6 bool
	for i, name := range l.ifaces {
		ll, err := openLink(l.kind, name, l.macs[i], func(note string) {
			fmt.Fprintf(out, "link: %s: %s\n", name, note)
		})
		if err != nil {
			return nil, err
		}
		h.links = append(h.links, ll)
		ep := ll.ep
		if h.pcap != nil {
			if ep, err = sniffer.NewWithWriter(ep, h.pcap.writer(i > 0), ll.mtu+64); err != nil {
				return nil, fmt.Errorf("-pcap: %w", err)
			}
		}
		id := tcpip.NICID(i + 1)
		if terr := h.stack.CreateNICWithOptions(id, ep, stack.NICOptions{Name: name}); terr != nil {
			return nil, fmt.Errorf("NIC on %s: %s", name, terr)
		}
		var shown []string
		for _, p := range l.addrs[i] {
			proto, any := ipv4.ProtocolNumber, netip.IPv4Unspecified()
			if p.Addr().Is6() {
				proto, any = ipv6.ProtocolNumber, netip.IPv6Unspecified()
			}
			pa := tcpip.ProtocolAddress{Protocol: proto, AddressWithPrefix: tcpip.AddressWithPrefix{
				Address: tcpip.AddrFromSlice(p.Addr().AsSlice()), PrefixLen: p.Bits()}}
			if terr := h.stack.AddProtocolAddress(id, pa, stack.AddressProperties{}); terr != nil {
				return nil, fmt.Errorf("address %s on %s: %s", p, name, terr)
			}
			routes = append(routes, tcpip.Route{Destination: pa.AddressWithPrefix.Subnet(), NIC: id})
			if len(l.ifaces) == 1 && ((p.Addr().Is4() && !default4) || (p.Addr().Is6() && !default6)) {
				zero := tcpip.AddrFromSlice(any.AsSlice())
				sub, _ := tcpip.NewSubnet(zero, tcpip.MaskFromBytes(make([]byte, zero.Len())))
				defaults = append(defaults, tcpip.Route{Destination: sub, NIC: id})
				default4 = default4 || p.Addr().Is4()
				default6 = default6 || p.Addr().Is6()
			}
			shown = append(shown, p.String())
		}
		fmt.Fprintf(out, "link: %s (%s), MAC %s, MTU %d, addresses %s\n",
			name, l.kind, l.macs[i], ll.mtu, strings.Join(shown, ", "))
	}
	// The subnet routes first: the table is searched in order.
	h.stack.SetRouteTable(append(routes, defaults...))
	return h, nil
}

// close tears the stack down, then closes the links' descriptors and the
// capture.
func (h *liveHost) close() error {
	if h.stack != nil {
		h.stack.Close()
		h.stack.Wait()
	}
	for _, l := range h.links {
		l.close()
	}
	if h.pcap != nil {
		return h.pcap.close()
	}
	return nil
}

// linkName names the interface a path goes out of, or "".
func (h *liveHost) linkName(pi sctp.PathInfo) string {
	if i := int(pi.NIC) - 1; i >= 0 && i < len(h.links) {
		return h.links[i].iface
	}
	return ""
}

// waitNoAssociations waits until the stack has no association left, which
// after a graceful close means the SHUTDOWN exchange completed: all data
// was acknowledged. It returns "" then, or what is left when ctx ends.
func waitNoAssociations(ctx context.Context, s *stack.Stack) string {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		st := sctp.Stats(s)
		var open []string
		for i := range st.AssociationsByState {
			if st.AssociationsByState[i].Value() > 0 {
				open = append(open, sctp.State(i).String())
			}
		}
		if len(open) == 0 {
			return ""
		}
		select {
		case <-ctx.Done():
			return "association still in " + strings.Join(open, ", ")
		case <-t.C:
		}
	}
}

// pcapSink is one pcap file shared by the sniffers of all interfaces. The
// sniffer writes each record with one Write call but without locking, and
// each sniffer writes a file header first: the sink serializes the
// writes and keeps only the first header. A write error is kept and
// reported at close instead of making the sniffer panic.
type pcapSink struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	err error
}

func newPcapSink(name string) (*pcapSink, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("-pcap: %w", err)
	}
	return &pcapSink{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// writer returns the writer for one sniffer; skipHeader drops the file
// header the sniffer writes first (all but the first sniffer).
func (p *pcapSink) writer(skipHeader bool) io.Writer {
	return &pcapSinkWriter{p: p, skip: skipHeader}
}

func (p *pcapSink) write(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil && p.w != nil {
		_, p.err = p.w.Write(b)
	}
}

// close flushes and closes the file; later writes are dropped.
func (p *pcapSink) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil {
		return nil
	}
	err := p.w.Flush()
	p.w = nil
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if p.err != nil {
		err = p.err
	}
	if err != nil {
		return fmt.Errorf("-pcap: %w", err)
	}
	return nil
}

type pcapSinkWriter struct {
	p *pcapSink
	// skip drops the file header; header is set once it went by.
	skip, header bool
}

func (w *pcapSinkWriter) Write(b []byte) (int, error) {
	if !w.header {
		// The file header, written first by NewWithWriter.
		w.header = true
		if !w.skip {
			w.p.write(b)
		}
		return len(b), nil
	}
	// The file is LINKTYPE_RAW, IP packets only; the sniffer also writes
	// the stack's ARP packets, which a reader would show as garbage. A
	// record is a 16-byte header, then the packet.
	if len(b) > pcapRecordHeaderLen {
		if v := b[pcapRecordHeaderLen] >> 4; v != 4 && v != 6 {
			return len(b), nil
		}
	}
	w.p.write(b)
	return len(b), nil
}

// pcapRecordHeaderLen is the size of a pcap record header.
const pcapRecordHeaderLen = 16
