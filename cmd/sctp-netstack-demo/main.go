// Command sctp-netstack-demo is the first thing to run in this module: it
// shows SCTP (RFC 9260) working between two gVisor netstacks in one
// process, without root, real interfaces or a kernel SCTP module.
//
// With no arguments it runs the default scenario: a client and an echo
// server on two stacks joined by simulated links (package sctptest, on the
// real clock), one association with several streams, messages of mixed
// sizes sent ordered and unordered on all of them, every echo checked, and
// a graceful shutdown. It prints the association as it comes up, a
// progress line and a summary, and exits with status 0 only if every
// message came back intact and in order.
//
//	go run ./cmd/sctp-netstack-demo
//	go run ./cmd/sctp-netstack-demo -loss 0.02 -delay 2ms -pcap demo.pcap
//
// Run it with -help for the flags.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// progName is the command's name in messages.
const progName = "sctp-netstack-demo"

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // the scenario ran and something was wrong
	exitUsage  = 2 // bad command line
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches on the subcommand, the first argument unless it is a
// flag. Only the default scenario exists today; bench, server and client
// (a real-network pair) are to come as further cases here, each parsing
// its own flags.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		return demoCommand(args, stdout, stderr)
	case "help":
		newDemoFlags(stdout).usage()
		return exitOK
	default:
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", progName, cmd)
		newDemoFlags(stderr).usage()
		return exitUsage
	}
}
