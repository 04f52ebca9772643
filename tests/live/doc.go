// Package live runs the demo's server and client commands
// (cmd/sctp-netstack-demo) as separate processes in two Linux network
// namespaces joined by veth pairs, each taking its veth end over with an
// AF_PACKET socket through gVisor's fdbased link endpoint: SCTP between two
// gVisor stacks over real kernel links, and SCTP from a gVisor stack to a
// plain Linux host.
//
// The tests need root (network namespaces, AF_PACKET) and iproute2; they
// skip, saying so, where `ip netns add` is refused. CI runs them as root.
// Each test makes its own namespaces and links, named after the process id
// and a counter, and removes them in t.Cleanup whatever happens. Only
// documentation addresses are used (192.0.2.0/24, 198.51.100.0/24,
// 2001:db8::/32).
//
// The gVisor stack owns its IP and MAC addresses: the kernel side of each
// veth is brought up with no address and with IPv6 disabled, so that the
// namespace's kernel neither answers ARP or neighbour solicitations for
// the stack's addresses nor sends router solicitations and DAD probes the
// stack would see. The stack's own MAC differs from the veth's, so the
// kernel drops the stack's unicast frames (PACKET_OTHERHOST) instead of
// processing them. Offloads need no ethtool: the demo's fdbased endpoint
// announces no checksum offload and no GSO, so gVisor computes every
// checksum itself, and the kernel computes its ICMP checksums in software.
//
// TestFailover takes the primary path's veth down under a multihomed
// association (`ip link set ... down` in the client's namespace) and up
// again, and checks that the association fails over to the other pair and
// back, every message verified. (The interface going down ends gVisor's
// fdbased reader with ENETDOWN; the demo starts a new one, see
// cmd/sctp-netstack-demo/live_relink_linux.go.)
//
// TODO(icmpv6): a client pointed at a plain Linux host over IPv6 should fail
// with connection refused like over IPv4. Linux answers an unknown next
// header with ICMPv6 Parameter Problem, code 1 (unrecognized Next Header),
// but gVisor's ipv6 package only counts Parameter Problem messages and
// never passes them to the transport protocol (there is no
// stack.TransportErrorKind for them), so the SCTP core cannot see it and
// the dial runs into its timeout. TestPlainLinuxHost checks IPv4, where
// ICMP Protocol Unreachable does reach the core.
package live
