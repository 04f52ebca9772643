package adapter

import (
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Multihoming on a Conn: the peer's addresses as paths, the primary path
// and path events (RFC 6458 8.2.2 SCTP_GET_PEER_ADDR_INFO, 8.1.8
// SCTP_PRIMARY_ADDR, 6.1.2 SCTP_PEER_ADDR_CHANGE).

// Paths returns every peer address of the association with its state,
// the primary first.
func (c *Conn) Paths() ([]sctp.PathInfo, error) {
	ps, err := c.ep.Paths()
	if err != nil {
		return nil, c.opError("paths", translate(err, c.ep))
	}
	return ps, nil
}

// SetPrimary makes peer address ip the primary path: new data goes there
// whenever it is reachable.
func (c *Conn) SetPrimary(ip netip.Addr) error {
	if err := c.ep.SetPrimary(tcpip.AddrFromSlice(ip.Unmap().AsSlice())); err != nil {
		return c.opError("setprimary", translate(err, c.ep))
	}
	return nil
}

// PathEvents returns the path events since the last call, oldest first.
func (c *Conn) PathEvents() []sctp.PathEvent { return c.ep.PathEvents() }

// LocalAddrs returns every local address of the association (sctp_getladdrs).
func (c *Conn) LocalAddrs() *Addr {
	return addrFromFulls(c.ep.LocalAddrs())
}

// RemoteAddrs returns every peer address of the association (sctp_getpaddrs).
func (c *Conn) RemoteAddrs() *Addr {
	ps, err := c.ep.Paths()
	if err != nil {
		return nil
	}
	fas := make([]tcpip.FullAddress, len(ps))
	for i, p := range ps {
		fas[i] = p.Addr
	}
	return addrFromFulls(fas)
}

func addrFromFulls(fas []tcpip.FullAddress) *Addr {
	a := &Addr{}
	for _, fa := range fas {
		a.Port = fa.Port
		if ip, ok := netip.AddrFromSlice(fa.Addr.AsSlice()); ok {
			a.IPs = append(a.IPs, ip)
		}
	}
	return a
}
