// Command sctp-netstack-demo is the first thing to run in this module: it
// shows SCTP (RFC 9260) working between two gVisor netstacks in one
// process, without root, real interfaces or a kernel SCTP module.
//
// With no arguments it runs the default scenario: a client and an echo
// server on two stacks joined by two simulated links of 50 Mbit/s
// (package sctptest, on the real clock), one multihomed association with a
// path over each link and several streams, messages of mixed sizes sent
// ordered and unordered on all of them, every echo checked. Halfway
// through, the link of the primary path is cut and the association fails
// over to the other (RFC 9260 6.4, RFC 7829); at three quarters the link
// is healed and the primary path comes back. Then a graceful shutdown. It
// prints the association and its paths as they come up, a progress line,
// path events as they happen and a summary (with the failover time and
// path switches), and exits with status 0 only if every message came back
// intact and in order.
//
//	go run ./cmd/sctp-netstack-demo
//	go run ./cmd/sctp-netstack-demo -loss 0.02 -delay 2ms -pcap demo.pcap
//	go run ./cmd/sctp-netstack-demo -bandwidth 0 -failover=false
//
// The commands server and client run the same traffic between two
// processes over real links: each process is a gVisor stack with its own
// MAC and IP addresses that takes a host interface over, through an
// AF_PACKET socket (-link fdbased, e.g. on the ends of a veth pair between
// two network namespaces, as tests/live does) or a TAP device (-link tap).
// They need root. The command bench compares SCTP's bulk throughput with
// gVisor's TCP over identical in-memory links.
//
//	sctp-netstack-demo server -iface veth0 -addr 192.0.2.1/24
//	sctp-netstack-demo client -iface veth1 -addr 192.0.2.2/24 -connect 192.0.2.1:5000
//
// With two interfaces on each side and both server addresses in -connect,
// the association is multihomed and survives either link going down:
//
//	sctp-netstack-demo server -iface veth0,veth2 -addr 192.0.2.1/24,198.51.100.1/24
//	sctp-netstack-demo client -iface veth1,veth3 -addr 192.0.2.2/24,198.51.100.2/24 \
//		-connect 192.0.2.1,198.51.100.1:5000 -rate 1000
//	go run ./cmd/sctp-netstack-demo bench
//
// The client's -early writes the first message before the association is
// up: it goes in the COOKIE ECHO's packet (RFC 9260 5.1), so a server that
// sends first and closes at once still receives it.
//
// Run it with -help, or a command with -help, for the flags.
package main

import (
	"errors"
	"flag"
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
// flag; each command parses its own flags.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		return demoCommand(args, stdout, stderr)
	case "server":
		return serverCommand(args, stdout, stderr)
	case "client":
		return clientCommand(args, stdout, stderr)
	case "bench":
		return benchCommand(args, stdout, stderr)
	case "help":
		newDemoFlags(stdout).usage()
		return exitOK
	default:
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", progName, cmd)
		newDemoFlags(stderr).usage()
		return exitUsage
	}
}

// parseFlags parses args into fs. It returns ok false and the exit status
// when the command must stop: -help (status 0) or a bad flag, which the
// flag package has reported with the usage (status 2).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// usageError reports a bad command line of command cmd and returns the
// usage exit status.
func usageError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "%s %s: %v\n", progName, cmd, err)
	fmt.Fprintf(stderr, "Run '%s %s -help' for the flags.\n", progName, cmd)
	return exitUsage
}
