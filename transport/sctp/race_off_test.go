//go:build !race

package sctp

// raceEnabled tells tests that the race detector runs, which makes every
// packet through the simulated network an order of magnitude slower.
const raceEnabled = false
