// Package header holds SCTP's wire format (RFC 9260 section 3 and the
// extensions' layouts) as zero-copy views over byte slices, in the style of
// gvisor.dev/gvisor/pkg/tcpip/header.
//
// A view (SCTP, Chunk, DataChunk, Param, Cause, ...) is a []byte naming the
// bytes of one wire object; its accessors are named after the RFC's fields.
// Views never copy and never allocate. Builders write into a caller's buffer:
// each XxxFields struct has an Encode method on the view type, and an XxxLen
// function says how large the buffer must be.
//
// Views do not validate on their own: callers first run the validating
// iterators (ChunkIter, ParamIter, CauseIter) or ValidatePacket, which check
// lengths against the RFC's minimums so that later accessors cannot go out of
// range. This package imports nothing of the rest of the project.
//
// The receive path, allocation-free:
//
//	if !header.SCTP(pkt).IsChecksumValid() { drop }        // RFC 9260 6.8
//	info, err := header.ValidatePacket(pkt)                // RFC 9260 3, 6.10
//	it := info.Iter(pkt)
//	for c, ok := it.Next(); ok; c, ok = it.Next() {
//		switch c.Type() {
//		case header.ChunkData: d := header.DataChunk(c) ...
//		default: // unrecognized: act on c.Type().UnrecognizedAction() (RFC 9260 3.2)
//		}
//	}
//
// The parameters of INIT and INIT ACK are walked with NewInitParamIter,
// which says which ones the receiver does not recognize (RFC 9260 3.2.1).
// TSNs and SSNs compare with TSNLessThan, SSNLessThan and their kin (RFC
// 9260 1.6).
package header
