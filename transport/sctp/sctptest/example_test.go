package sctptest_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// udpSocket opens a UDP endpoint on h bound to addr:port.
func udpSocket(h *sctptest.Host, addr tcpip.Address, port uint16) tcpip.Endpoint {
	ep, err := h.Stack().NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &waiter.Queue{})
	if err != nil {
		panic(err)
	}
	if err := ep.Bind(tcpip.FullAddress{Addr: addr, Port: port}); err != nil {
		panic(err)
	}
	return ep
}

// countReceived drains ep without blocking.
func countReceived(ep tcpip.Endpoint) int {
	n := 0
	for {
		if _, err := ep.Read(&bytes.Buffer{}, tcpip.ReadOptions{}); err != nil {
			return n
		}
		n++
	}
}

// Two hosts, one link with 10% loss and 10 ms of delay, and time that moves
// only when the test says so.
func Example() {
	n := sctptest.New(sctptest.Options{
		Seed:               1,
		TransportProtocols: []stack.TransportProtocolFactory{udp.NewProtocol},
	})
	defer n.Close()
	client, server := n.AddHost("client"), n.AddHost("server")
	link, err := n.Connect(client, server, sctptest.LinkConfig{
		Impairments: sctptest.Impairments{Loss: 0.1, Delay: 10 * time.Millisecond},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(link, link.A().IPv4(), "->", link.B().IPv4())

	rx := udpSocket(server, link.B().IPv4(), 7)
	defer rx.Close()
	tx := udpSocket(client, link.A().IPv4(), 0)
	defer tx.Close()
	to := tcpip.FullAddress{Addr: link.B().IPv4(), Port: 7}
	for range 1000 {
		if _, err := tx.Write(bytes.NewReader([]byte("hi")), tcpip.WriteOptions{To: &to}); err != nil {
			panic(err)
		}
	}

	n.Advance(9 * time.Millisecond)
	fmt.Println("received after 9ms:", countReceived(rx))
	n.Advance(time.Millisecond)
	fmt.Println("received after 10ms:", countReceived(rx))
	st := link.Stats(sctptest.AtoB)
	fmt.Printf("sent %d, lost %d, delivered %d\n", st.Sent, st.DroppedLoss, st.Delivered)
	// Output:
	// link0(client-server) 192.0.2.1 -> 192.0.2.2
	// received after 9ms: 0
	// received after 10ms: 889
	// sent 1000, lost 111, delivered 889
}

// RunUntil advances time step by step until a condition holds; a cut link
// delays delivery until it is healed.
func ExampleNetwork_RunUntil() {
	n := sctptest.New(sctptest.Options{TransportProtocols: []stack.TransportProtocolFactory{udp.NewProtocol}})
	defer n.Close()
	hs := n.AddHosts(2)
	link, err := n.Connect(hs[0], hs[1], sctptest.LinkConfig{Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond}})
	if err != nil {
		panic(err)
	}
	rx := udpSocket(hs[1], link.B().IPv4(), 7)
	defer rx.Close()
	tx := udpSocket(hs[0], link.A().IPv4(), 0)
	defer tx.Close()
	to := tcpip.FullAddress{Addr: link.B().IPv4(), Port: 7}
	got := 0
	arrived := func() bool { got += countReceived(rx); return got > 0 }

	link.Cut()
	tx.Write(bytes.NewReader([]byte("lost")), tcpip.WriteOptions{To: &to})
	fmt.Println("while cut:", n.RunUntil(arrived, time.Minute), n.Elapsed())

	link.Heal()
	tx.Write(bytes.NewReader([]byte("ok")), tcpip.WriteOptions{To: &to})
	start := n.Elapsed()
	fmt.Println("healed:", n.RunUntil(arrived, time.Minute), n.Elapsed()-start)
	// Output:
	// while cut: false 1m0s
	// healed: true 5ms
}
