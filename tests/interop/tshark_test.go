package interop

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// checksumGood is tshark's value of sctp.checksum.status for a verified
// CRC32c (0 is Bad, 2 Unverified).
const checksumGood = "1"

// tsharkFrame is what checkPcap learns of a frame, as tshark prints the
// fields: comma-separated when a packet has several chunks.
type tsharkFrame struct {
	number, checksum, malformed string
	chunkTypes, chunkLengths    string
}

// checkPcap has tshark decode the capture at path and fails t if any SCTP
// packet has a checksum other than Good or any packet is malformed, except
// frames allow accepts (nil accepts none): a test that makes a peer send a
// malformed packet on purpose names it there. Both
// directions are in the capture: what our stack sent and what the foreign
// stack sent, so this checks the peer's packets as much as ours. It skips
// the check (with a log line, not a skip: the test itself passed) when
// tshark is missing.
func checkPcap(t *testing.T, path string, allow func(tsharkFrame) bool) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Logf("pcap %s not checked: tshark not found; install the Debian package tshark", path)
		return
	}
	args := []string{"-r", path, "-o", "sctp.checksum:crc-32c", "-T", "fields",
		"-e", "frame.number", "-e", "sctp.checksum.status", "-e", "_ws.malformed",
		"-e", "sctp.chunk_type", "-e", "sctp.chunk_length"}
	cmd := exec.Command(tshark, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("tshark %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		return
	}
	frames, bad := 0, 0
	for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		frames++
		f := strings.Split(line, "\t")
		for len(f) < 5 {
			f = append(f, "")
		}
		fr := tsharkFrame{number: f[0], checksum: f[1], malformed: f[2], chunkTypes: f[3], chunkLengths: f[4]}
		if fr.checksum == checksumGood && fr.malformed == "" {
			continue
		}
		if allow != nil && allow(fr) {
			t.Logf("pcap %s frame %s: expected bad frame (chunks %s, lengths %s)", path, fr.number, fr.chunkTypes, fr.chunkLengths)
			continue
		}
		bad++
		if bad <= 10 {
			t.Errorf("pcap %s frame %s: sctp.checksum.status %q, _ws.malformed %q (chunks %s)", path, fr.number, fr.checksum, fr.malformed, fr.chunkTypes)
		}
	}
	if bad > 0 {
		t.Errorf("pcap %s: %d of %d frames bad", path, bad, frames)
	}
	if frames == 0 {
		t.Errorf("pcap %s: no frames", path)
	}
}

// TestTshark reports, as a skip, that the captures of the other tests are
// not being checked because tshark is missing (checkPcap only logs it, as
// the test that wrote the capture passed).
func TestTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not found: the pcaps of the interop tests are not decoded; install the Debian package tshark")
	}
}
