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
package header
