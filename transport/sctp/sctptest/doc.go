// Package sctptest simulates IP networks of gVisor stacks for testing
// transport protocols and the applications built on them.
//
// A Network holds hosts (one gVisor stack each, with IPv4, IPv6 and the
// transport protocols the caller passes in) joined by point-to-point links.
// A host may have several links, so multihoming can be tested. Each link
// carries raw IP packets between two NICs and can impair each direction
// independently: loss (independent or bursty), duplication, reordering,
// delay with jitter, bandwidth with a bounded queue, an MTU black hole, bit
// corruption, and cutting. Impairments can be set at creation and changed
// at any time; per-direction counters show what happened.
//
// # Time
//
// By default all stacks share one faketime.ManualClock and time moves only
// when the test calls Network.Advance, RunUntil, or starts auto-advance. A
// 60-second timeout therefore takes milliseconds of real time. Packets are
// delivered on the goroutine that advances the clock, in order of arrival
// time and then send order, never by free-running goroutines.
//
// With Options.RealClock the stacks run on the real clock instead and each
// link direction delivers on its own goroutine; this mode is meant for
// benchmarks (typically without impairments, where the per-packet cost is
// one lock and one queue push).
//
// # Determinism
//
// Everything random derives from Options.Seed: each stack's RandSource and
// SecureRNG (so ports, ISNs and cookies repeat) and each link direction's
// impairment stream. A direction draws a fixed number of values per packet
// whatever happens to it, so the same seed and the same traffic give the
// same decisions (see Options.Trace for the decision log), and a different
// seed gives different ones. See Network.Advance for the limits that come
// from the ManualClock and from stacks that process packets on their own
// goroutines, such as gVisor's TCP.
//
// # Addresses
//
// Links get addresses from the documentation ranges only (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32), a distinct subnet
// per link, with a route to it on both hosts; see LinkConfig for overrides.
//
// # Captures
//
// Options.Pcap and LinkConfig.Pcap write pcap files (LINKTYPE_RAW,
// nanosecond timestamps from the network's clock) of the packets as they
// are delivered: what each peer actually received, after any filter.
// ReadPcap reads such files back.
//
// # Looking at and scripting packets
//
// Protocol tests need the exact bytes on the wire and must inject packets
// no correct stack would send. Link.SetFilter runs a function on every
// packet a direction delivers, on the delivering goroutine at the packet's
// arrival time, to pass, drop or rewrite it. Link.Capture records copies
// of the delivered packets; Capture.Next waits for the next one, advancing
// time to exactly its arrival (Network.AdvanceUntil). Iface.Intercept turns
// one side of a link into a raw peer: what arrives there goes to the test
// instead of the host, and the test answers with Iface.WriteRaw. BuildIPv4,
// BuildIPv6 and ParseIP wrap and unwrap the transport bytes, and ReadPcap
// reads the captures back. Network.AddRawHost makes a host with no
// transport protocols, which answers like a machine without SCTP.
//
// This package does not depend on the SCTP implementation; callers pass its
// protocol factory like any other.
package sctptest
