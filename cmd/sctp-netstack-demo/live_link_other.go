//go:build !linux

package main

import (
	"errors"
	"net"

	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Real links use AF_PACKET sockets and TAP devices, which only Linux has;
// elsewhere the server and client commands say so, and the default
// scenario and bench still work.

type liveLink struct {
	ep    stack.LinkEndpoint
	mtu   uint32
	iface string
}

func (l *liveLink) close() {}

func openLink(kind, iface string, mac net.HardwareAddr, note func(string)) (*liveLink, error) {
	return nil, errors.New("real links (-link fdbased or tap) need Linux")
}
