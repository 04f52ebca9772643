// Command pktfmt parses nplab packetdrill SCTP scripts and prints them in
// canonical form (see script.Format). It exists to debug the parser and to
// show what the runner will see: comments are dropped, layout normalised,
// and each statement is printed on one line.
//
// Usage: go run ./tests/packetdrill/cmd/pktfmt [-q] file.pkt...
//
// With -q only parse errors are printed; the exit status is 1 if any file
// failed to parse.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
)

func main() {
	quiet := flag.Bool("q", false, "only report parse errors")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: pktfmt [-q] file.pkt...")
		os.Exit(2)
	}
	status := 0
	for _, path := range flag.Args() {
		s, err := script.ParseFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		if *quiet {
			continue
		}
		if flag.NArg() > 1 {
			fmt.Printf("// %s\n", path)
		}
		fmt.Print(script.Format(s))
	}
	os.Exit(status)
}
