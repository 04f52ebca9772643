// Command sctp-packetdrill runs nplab packetdrill SCTP scripts against our
// stack, in process, on a simulated link with a manual clock.
//
//	sctp-packetdrill [-platform Linux|FreeBSD] [-seed N] [-q] [-v] [-markdown out.md] [-update CONFORMANCE.md] path...
//
// Each path is a script or a directory searched for *.pkt files. Scripts
// under a bsd/ directory run as FreeBSD (#ifdef FreeBSD), others as Linux,
// unless -platform says otherwise. It prints one line per script, PASS,
// FAIL (with the line and, for packets, expected and actual side by side)
// or UNSUPPORTED (with the missing feature), then "N passed, N failed, N
// skipped". The exit status is 1 if any script failed. -update rewrites
// the generated results section of a Markdown file such as
// tests/packetdrill/CONFORMANCE.md.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netstack-sctp/sctp/tests/packetdrill/runner"
)

func main() {
	platform := flag.String("platform", "", "Linux or FreeBSD (default: FreeBSD under bsd/, else Linux)")
	seed := flag.Uint64("seed", 1, "network seed (tags, TSNs, cookies)")
	markdown := flag.String("markdown", "", "also write the results as a Markdown report to this file")
	update := flag.String("update", "", "replace the results section of this Markdown file (between "+beginMark+" and "+endMark+")")
	quiet := flag.Bool("q", false, "print only failures and the summary")
	verbose := flag.Bool("v", false, "print every packet the stack sends")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sctp-packetdrill [flags] script.pkt|dir ...")
		os.Exit(2)
	}
	var files []string
	for _, a := range flag.Args() {
		fs, err := collect(a)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		files = append(files, fs...)
	}
	var rep report
	for _, f := range files {
		cfg := runner.Config{Seed: *seed, Platform: *platform}
		if *verbose {
			cfg.Trace = os.Stdout
		}
		if cfg.Platform == "" {
			cfg.Platform = platformOf(f)
		}
		res := runner.RunFile(f, cfg)
		rep.add(f, res)
		if !*quiet || res.Status == runner.Fail {
			fmt.Printf("%s %s\n", display(f, flag.Args()), res)
		}
	}
	fmt.Println(rep.summary())
	if *markdown != "" {
		if err := os.WriteFile(*markdown, []byte(rep.markdown(flag.Args())), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if *update != "" {
		if err := updateSection(*update, rep.markdown(flag.Args())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if rep.failed > 0 {
		os.Exit(1)
	}
}

func collect(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".pkt") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func platformOf(path string) string {
	if strings.Contains(filepath.ToSlash(path), "bsd/") {
		return "FreeBSD"
	}
	return "Linux"
}

// display shortens a path to be relative to the argument it came from.
func display(f string, roots []string) string {
	for _, r := range roots {
		if rel, err := filepath.Rel(r, f); err == nil && !strings.HasPrefix(rel, "..") && rel != "." {
			return rel
		}
	}
	return f
}
