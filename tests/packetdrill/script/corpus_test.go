package script

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// corpusDir locates the external nplab corpus: $PACKETDRILL_SCTP_DIR, or the
// shared/ folder next to the repository. It is not part of the repository
// (GPL-2.0 test data), so tests skip when it is absent.
func corpusDir(t testing.TB) string {
	dir := os.Getenv("PACKETDRILL_SCTP_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "conformance", "packetdrill-sctp")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("packetdrill SCTP corpus not found at %s (set PACKETDRILL_SCTP_DIR to the nplab scripts directory to run this test)", dir)
	}
	return dir
}

func corpusFiles(t testing.TB) []string {
	dir := corpusDir(t)
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".pkt") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Skipf("no .pkt files under %s", dir)
	}
	return files
}

func TestParseExternalCorpus(t *testing.T) {
	files := corpusFiles(t)
	failed := 0
	for _, f := range files {
		if _, err := ParseFile(f); err != nil {
			failed++
			t.Errorf("%v", err)
		}
	}
	t.Logf("parsed %d of %d scripts", len(files)-failed, len(files))
}

// TestRoundTripCorpus checks parse(Format(parse(x))) == parse(x), positions aside.
func TestRoundTripCorpus(t *testing.T) {
	for _, f := range corpusFiles(t) {
		s1, err := ParseFile(f)
		if err != nil {
			continue // reported by TestParseExternalCorpus
		}
		checkRoundTrip(t, f, s1)
	}
}

func checkRoundTrip(t testing.TB, name string, s1 *Script) {
	t.Helper()
	text := Format(s1)
	s2, err := Parse(text)
	if err != nil {
		t.Errorf("%s: reparse of canonical form failed: %v\n%s", name, err, text)
		return
	}
	if text2 := Format(s2); text2 != text {
		t.Errorf("%s: canonical form not stable:\n%s\n---\n%s", name, text, text2)
		return
	}
	if !equalIgnoringPos(reflect.ValueOf(s1), reflect.ValueOf(s2)) {
		t.Errorf("%s: AST changed after round trip", name)
	}
}

var posType = reflect.TypeOf(Pos{})

// equalIgnoringPos is reflect.DeepEqual for ASTs, except that Pos values are
// not compared (the canonical form moves everything around).
func equalIgnoringPos(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalIgnoringPos(a.Elem(), b.Elem())
	case reflect.Struct:
		if a.Type() == posType {
			return true
		}
		if a.Type().PkgPath() != "" && a.Type().PkgPath() != posType.PkgPath() {
			// Foreign structs (netip.Addr) have unexported fields: compare whole.
			return reflect.DeepEqual(a.Interface(), b.Interface())
		}
		for i := 0; i < a.NumField(); i++ {
			if !equalIgnoringPos(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalIgnoringPos(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
