package sctptest_test

import (
	"fmt"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// The test plays the peer byte by byte: it injects an ICMPv4 echo request
// built by hand and reads the stack's echo reply off the link. A scripted
// SCTP peer works the same way with SCTP packets (protocol 132).
func ExampleIface_Intercept() {
	n := sctptest.New(sctptest.Options{})
	defer n.Close()
	dut := n.AddHost("dut")
	peer := n.AddRawHost("peer")
	link, err := n.Connect(dut, peer, sctptest.LinkConfig{
		Impairments: sctptest.Impairments{Delay: 5 * time.Millisecond},
	})
	if err != nil {
		panic(err)
	}
	raw := link.B().Intercept() // Packets for the peer now come to the test.
	me, it := sctptest.ToNetip(link.B().IPv4()), sctptest.ToNetip(link.A().IPv4())

	icmp := header.ICMPv4(make([]byte, header.ICMPv4MinimumSize+4))
	icmp.SetType(header.ICMPv4Echo)
	icmp.SetIdent(7)
	icmp.SetSequence(1)
	copy(icmp.Payload(), "ping")
	icmp.SetChecksum(^checksum.Checksum(icmp, 0))
	link.B().WriteRaw(sctptest.BuildIPv4(me, it, uint8(header.ICMPv4ProtocolNumber), icmp))

	p, ok := raw.Next(time.Second)
	if !ok {
		panic("no reply")
	}
	src, dst, proto, payload, err := sctptest.ParseIP(p.Data)
	if err != nil {
		panic(err)
	}
	reply := header.ICMPv4(payload)
	fmt.Println("at", p.At, "from", src, "to", dst, "proto", proto)
	fmt.Println("echo reply:", reply.Type() == header.ICMPv4EchoReply, reply.Ident(), reply.Sequence(), string(reply.Payload()))
	// Output:
	// at 10ms from 192.0.2.1 to 192.0.2.2 proto 1
	// echo reply: true 7 1 ping
}
