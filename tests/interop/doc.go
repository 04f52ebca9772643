// Package interop checks that our SCTP stack (transport/sctp, through the
// adapter package) talks to SCTP implementations we did not write:
// pion/sctp in-process, and usrsctp through cgo (build tag usrsctp, see
// internal/usrsctp). Both peers read and write bare SCTP packets, without
// an IP header; the tests bridge them onto one side of an sctptest link,
// so every packet crosses the link's impairments and lands in a pcap that
// tshark then decodes.
//
// The package has only tests; this file exists so that it builds without
// the tag. INTEROP.md records the results and the places where a peer
// departs from RFC 9260.
package interop
