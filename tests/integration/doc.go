// Package integration holds end-to-end tests of netstack-sctp as an
// application uses it: gVisor stacks that carry TCP, UDP and SCTP at once,
// joined by the simulated network, driven through the adapter package.
package integration
