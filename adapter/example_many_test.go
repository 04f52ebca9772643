package adapter_test

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/netstack-sctp/sctp/adapter"
	"github.com/netstack-sctp/sctp/transport/sctp"
	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// A one-to-many echo server: one ManyConn serves every client, each
// message saying which association it came on, and the answer goes back
// on it. The clients are one-to-many too; their first WriteTo sets their
// association up.
func ExampleManyConn() {
	nw := sctptest.New(sctptest.Options{RealClock: true,
		TransportProtocols: []stack.TransportProtocolFactory{sctp.NewProtocol}})
	defer nw.Close()
	client, server := nw.AddHost("client"), nw.AddHost("server")
	link, _ := nw.Connect(client, server, sctptest.LinkConfig{})
	addr := adapter.AddrFromFullAddress(tcpip.FullAddress{Addr: link.B().IPv4(), Port: 7})

	srv, _ := adapter.ListenMany(server.Stack(), addr, &adapter.ManyConfig{Events: sctp.EventAssocChange})
	defer srv.Close()
	go func() { // The echo server.
		buf := make([]byte, 1024)
		for {
			n, info, note, err := srv.ReadMsg(buf)
			if err != nil {
				return
			}
			if note != nil { // COMM_UP of each new association
				continue
			}
			reply := &adapter.SendInfo{AssocID: info.AssocID, Stream: info.Stream, PPID: info.PPID}
			srv.WriteMsg(buf[:n], reply, nil)
		}
	}()

	for _, msg := range []string{"one", "two"} {
		c, _ := adapter.ListenMany(client.Stack(), nil, &adapter.ManyConfig{NoListen: true})
		defer c.Close()
		c.WriteTo([]byte(msg), addr)
		buf := make([]byte, 1024)
		n, from, _ := c.ReadFrom(buf)
		fmt.Printf("%s from %v\n", buf[:n], from)
	}
	// Output:
	// one from 192.0.2.2:7
	// two from 192.0.2.2:7
}
