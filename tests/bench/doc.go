// Package bench holds the benchmarks behind BENCHMARKS.md: SCTP against
// gVisor's TCP and UDP on identical stacks and in-memory links (package
// sctptest), each figure measured beside its anchor in the same run, in
// alternating rounds, and reported as a ratio. The package itself only
// exports Compare, the round-robin measurement that tests/interop shares
// for its comparison with pion/sctp; the benchmarks are in its tests.
//
//	go test -p 1 -run '^$' -bench 'Bulk|SmallMessages|SetupTeardown' -count 5 ./tests/bench/ | awk -f tests/bench/medians.awk
//	go test -p 1 -run '^$' -bench '^(BenchmarkHOLTable|BenchmarkIdleHeap)$' -benchtime 1x -v ./tests/bench/
//
// The last two print tables and take minutes: run them once, alone.
package bench
