package runner

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Our own scripts (../testdata, written by us) must pass: they pin the
// stack's behaviour on the wire against RFC 9260. Scripts under
// testdata/known describe known bugs and must fail; when one starts to
// pass, move it up.

func scripts(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*.pkt"))
	require.NoError(t, err)
	sort.Strings(files)
	return files
}

func TestOurScripts(t *testing.T) {
	files := scripts(t, filepath.Join("..", "testdata"))
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".pkt"), func(t *testing.T) {
			res := RunFile(f, Config{Seed: 1})
			assert.Equal(t, Pass, res.Status, "%s", res)
		})
	}
}

// TestOurScriptsAnySeed runs them with other tags, TSNs and cookies: the
// scripts must not depend on the live numbering.
func TestOurScriptsAnySeed(t *testing.T) {
	for _, f := range scripts(t, filepath.Join("..", "testdata")) {
		for _, seed := range []uint64{2, 3, 0xdeadbeef} {
			res := RunFile(f, Config{Seed: seed})
			assert.Equal(t, Pass, res.Status, "%s seed %d: %s", filepath.Base(f), seed, res)
		}
	}
}

func TestKnownFailures(t *testing.T) {
	for _, f := range scripts(t, filepath.Join("..", "testdata", "known")) {
		res := RunFile(f, Config{Seed: 1})
		assert.Equal(t, Fail, res.Status, "%s now %s: move it out of known/", filepath.Base(f), res)
	}
}

// corpusDir locates the external nplab corpus like the script package's
// tests do; it is not part of the repository.
func corpusDir(t *testing.T) string {
	dir := os.Getenv("PACKETDRILL_SCTP_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "conformance", "packetdrill-sctp")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("packetdrill SCTP corpus not found at %s (set PACKETDRILL_SCTP_DIR)", dir)
	}
	return dir
}

// corpusPasses is the number of corpus scripts CONFORMANCE.md reports as
// passing.
const corpusPasses = 163

// TestCorpusRuns runs the external corpus: every script must end in a
// result (no panic, no hang), and the log shows the counts.
func TestCorpusRuns(t *testing.T) {
	dir := corpusDir(t)
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".pkt") {
			files = append(files, p)
		}
		return err
	}))
	counts := map[Status]int{}
	for _, f := range files {
		platform := "Linux"
		if strings.Contains(filepath.ToSlash(f), "/bsd/") {
			platform = "FreeBSD"
		}
		res := RunFile(f, Config{Seed: 1, Platform: platform})
		counts[res.Status]++
	}
	t.Logf("%d passed, %d failed, %d skipped", counts[Pass], counts[Fail], counts[Unsupported])
	assert.Equal(t, len(files), counts[Pass]+counts[Fail]+counts[Unsupported])
	// CONFORMANCE.md records corpusPasses passes; fewer is a regression (more: update
	// it with sctp-packetdrill -update).
	assert.GreaterOrEqual(t, counts[Pass], corpusPasses, "corpus passes dropped; see CONFORMANCE.md")
}
