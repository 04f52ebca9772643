//go:build usrsctp && cgo

package usrsctp

/*
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import "unsafe"

// goUsrsctpOutput is usrsctp's conn_output callback (through the C shim
// us_conn_output): usrsctp calls it for every SCTP packet it sends to the
// AF_CONN address addr, from whichever thread is running usrsctp at the
// time (the caller of Input, of Tick, or of a socket call), possibly with
// usrsctp's locks held. So it only copies the packet and hands it to the
// address's output function, which must not block and must not call back
// into usrsctp.
//
//export goUsrsctpOutput
func goUsrsctpOutput(addr C.uintptr_t, buf unsafe.Pointer, length C.size_t) {
	out := lookup(uintptr(addr))
	if out == nil {
		return
	}
	out(C.GoBytes(buf, C.int(length)))
}
