// Package usrsctp binds the parts of usrsctp (the userland SCTP stack of
// FreeBSD's lineage, used by the browsers for WebRTC) that the interop tests
// need, in its AF_CONN mode: usrsctp hands each SCTP packet it sends to a
// callback and takes the packets it receives from the application, with no
// IP header and no socket of the kernel involved, so that the tests can
// bridge it onto a simulated link.
//
// Everything is behind the build tag usrsctp (and needs cgo, and the
// Debian package libusrsctp-dev), so that a plain go build ./... of the
// project needs no C library; without the tag this package is empty.
package usrsctp
