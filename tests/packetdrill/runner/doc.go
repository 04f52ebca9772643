// Package runner executes packetdrill SCTP scripts against our stack in one
// process: the stack runs on one host of an sctptest network with a manual
// clock, the script plays the peer on the other end of the link (the wire
// side, built on package wire) and the application above the stack (the
// call side, calls*.go). Script time is network time, so a run is
// deterministic and takes milliseconds whatever the script's timeouts.
//
// Files: runner.go (the event loop, timing, set-up), packets.go (injected
// and expected packets), calls.go (the call table, sockets, blocking
// calls), calls_data.go (send and receive calls), calls_opts.go (socket
// options), calls_paths.go (multihoming calls and per-path options),
// values.go (arguments and results), constants.go (platform numbers,
// errno names), sysctl.go (backtick commands), result.go (outcomes).
package runner
