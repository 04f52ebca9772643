package adapter_test

import (
	"errors"
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// An echo between two gVisor stacks joined by a simulated link. The network
// runs on the real clock, so blocking calls need nothing else to progress.
func Example() {
	nw := sctptest.New(sctptest.Options{RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocol}})
	defer nw.Close()
	client, server := nw.AddHost("client"), nw.AddHost("server")
	link, _ := nw.Connect(client, server, sctptest.LinkConfig{})
	addr := adapter.AddrFromFullAddress(tcpip.FullAddress{Addr: link.B().IPv4(), Port: 7})

	ln, _ := adapter.Listen(server.Stack(), addr)
	defer ln.Close()
	go func() { // The echo server.
		c, _ := ln.Accept()
		defer c.Close()
		buf := make([]byte, 1024)
		for n, err := c.Read(buf); err == nil; n, err = c.Read(buf) {
			c.Write(buf[:n])
		}
	}()

	c, _ := adapter.Dial(client.Stack(), addr)
	defer c.Close()
	c.Write([]byte("hello, SCTP"))
	buf := make([]byte, 1024)
	n, _ := c.Read(buf)
	fmt.Printf("%s from %v\n", buf[:n], c.RemoteAddr())
	// Output: hello, SCTP from 192.0.2.2:7
}

func ExampleParseAddr() {
	a, err := adapter.ParseAddr("192.0.2.1/198.51.100.1:5000")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.IPs, a.Port)
	fmt.Println(adapter.MustParseAddr("[2001:db8::1]:80"))
	// Output:
	// [192.0.2.1 198.51.100.1] 5000
	// [2001:db8::1]:80
}

// A message longer than the buffer is returned in parts; Complete marks the
// part that ends it, like MSG_EOR.
func ExampleConn_ReadMsg() {
	nw := sctptest.New(sctptest.Options{RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocol}})
	defer nw.Close()
	client, server := nw.AddHost(""), nw.AddHost("")
	link, _ := nw.Connect(client, server, sctptest.LinkConfig{})
	addr := adapter.AddrFromFullAddress(tcpip.FullAddress{Addr: link.B().IPv4(), Port: 9})

	ln, _ := adapter.Listen(server.Stack(), addr)
	defer ln.Close()
	go func() {
		c, _ := adapter.Dial(client.Stack(), addr)
		c.WriteMsg([]byte("a long message"), &adapter.SendInfo{PPID: 51})
		c.Close()
	}()
	c, _ := ln.AcceptSCTP()
	defer c.Close()
	buf := make([]byte, 6)
	for {
		n, info, err := c.ReadMsg(buf)
		if err != nil {
			break // io.EOF after the peer's graceful shutdown.
		}
		fmt.Printf("%q stream=%d ppid=%d complete=%v\n", buf[:n], info.Stream, info.PPID, info.Complete)
	}
	// Output:
	// "a long" stream=0 ppid=51 complete=false
	// " messa" stream=0 ppid=51 complete=false
	// "ge" stream=0 ppid=51 complete=true
}

// Errors wrap sentinels for errors.Is. Dialing a port nobody listens on is
// answered with an ABORT, reported as ErrRefused.
func ExampleDial_refused() {
	nw := sctptest.New(sctptest.Options{RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocol}})
	defer nw.Close()
	client, server := nw.AddHost(""), nw.AddHost("")
	link, _ := nw.Connect(client, server, sctptest.LinkConfig{})
	addr := adapter.AddrFromFullAddress(tcpip.FullAddress{Addr: link.B().IPv4(), Port: 9})

	_, err := adapter.Dial(client.Stack(), addr)
	fmt.Println(errors.Is(err, adapter.ErrRefused))
	fmt.Println(err)
	// Output:
	// true
	// dial sctp 192.0.2.2:9: connection refused
}
