package live

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// Network namespaces and veth pairs for the tests, made with iproute2 and
// always removed by t.Cleanup.

// nsCounter makes names unique within the process; the pid makes them
// unique between concurrent runs.
var nsCounter atomic.Int32

// netns is a network namespace made for a test.
type netns struct {
	name string
}

// topology is two namespaces, a and b, joined by veth pairs: link i has
// end aIfaces[i] in a and bIfaces[i] in b.
type topology struct {
	a, b             *netns
	aIfaces, bIfaces []string
}

// ip runs an iproute2 command and fails the test if it fails.
func ip(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newNetns makes a namespace, or skips the test when that is not allowed.
func newNetns(t testing.TB, name string) *netns {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs root and iproute2 (apt-get install iproute2): no ip command")
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("needs root and iproute2 (apt-get install iproute2): ip netns add: %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		// Deleting the namespace deletes the veth ends in it, and with
		// them their peers.
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	return &netns{name: name}
}

// exec runs a command in the namespace and fails the test if it fails.
func (n *netns) exec(t testing.TB, args ...string) {
	t.Helper()
	ip(t, append([]string{"netns", "exec", n.name}, args...)...)
}

// newTopology makes two namespaces joined by links veth pairs, every veth
// end up, without address, with IPv6 off (see the package doc).
func newTopology(t testing.TB, links int) *topology {
	t.Helper()
	id := fmt.Sprintf("sl%d%c", os.Getpid()%100000, 'a'+nsCounter.Add(1)%26)
	tp := &topology{a: newNetns(t, id+"a"), b: newNetns(t, id+"b")}
	for i := range links {
		an, bn := fmt.Sprintf("%sa%d", id, i), fmt.Sprintf("%sb%d", id, i)
		t.Cleanup(func() {
			// Only left behind when moving it into a namespace failed.
			_ = exec.Command("ip", "link", "del", an).Run()
		})
		ip(t, "link", "add", an, "type", "veth", "peer", "name", bn)
		ip(t, "link", "set", an, "netns", tp.a.name)
		ip(t, "link", "set", bn, "netns", tp.b.name)
		tp.aIfaces = append(tp.aIfaces, an)
		tp.bIfaces = append(tp.bIfaces, bn)
	}
	for _, side := range []struct {
		ns     *netns
		ifaces []string
	}{{tp.a, tp.aIfaces}, {tp.b, tp.bIfaces}} {
		for _, ifc := range side.ifaces {
			setIPv6(t, side.ns, ifc, false)
			side.ns.exec(t, "ip", "link", "set", ifc, "up")
		}
	}
	return tp
}

// setIPv6 turns the kernel's IPv6 on or off on an interface.
func setIPv6(t testing.TB, n *netns, ifc string, on bool) {
	t.Helper()
	v := "1"
	if on {
		v = "0"
	}
	n.exec(t, "sh", "-c", fmt.Sprintf("echo %s > /proc/sys/net/ipv6/conf/%s/disable_ipv6", v, ifc))
}

// newTapBridge makes a namespace with two persistent TAP devices joined by
// a bridge of its kernel, up, without addresses and with IPv6 off: two
// gVisor stacks opening one TAP each reach each other through the bridge.
func newTapBridge(t testing.TB) (*netns, [2]string) {
	t.Helper()
	id := fmt.Sprintf("sl%d%c", os.Getpid()%100000, 'a'+nsCounter.Add(1)%26)
	ns := newNetns(t, id+"t")
	br, taps := id+"br", [2]string{id + "t0", id + "t1"}
	t.Cleanup(func() {
		// Persistent TAP devices are removed explicitly rather than left to
		// the namespace's deletion.
		for _, tap := range taps {
			_ = exec.Command("ip", "netns", "exec", ns.name, "ip", "link", "del", tap).Run()
		}
	})
	ns.exec(t, "ip", "link", "add", br, "type", "bridge")
	setIPv6(t, ns, br, false)
	for _, tap := range taps {
		ns.exec(t, "ip", "tuntap", "add", "dev", tap, "mode", "tap")
		setIPv6(t, ns, tap, false)
		ns.exec(t, "ip", "link", "set", tap, "master", br)
		ns.exec(t, "ip", "link", "set", tap, "up")
	}
	ns.exec(t, "ip", "link", "set", br, "up")
	return ns, taps
}
