package sctptest

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// Random streams are derived from the network seed by hashing it together
// with a purpose tag and indices, so every consumer (each host's stack, each
// link direction) gets an independent stream whose values do not depend on
// how many values other consumers drew.

// derive returns 32 bytes that depend only on seed, tag and idx.
func derive(seed uint64, tag string, idx ...uint64) [32]byte {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(tag))
	for _, i := range idx {
		binary.LittleEndian.PutUint64(b[:], i)
		h.Write(b[:])
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// newPCG returns a PCG generator seeded from derive(seed, tag, idx...).
func newPCG(seed uint64, tag string, idx ...uint64) *rand.PCG {
	d := derive(seed, tag, idx...)
	return rand.NewPCG(binary.LittleEndian.Uint64(d[0:8]), binary.LittleEndian.Uint64(d[8:16]))
}

// lockedSource is a thread-safe, deterministic math/rand.Source (and
// Source64) for stack.Options.RandSource, which must be thread-safe.
type lockedSource struct {
	mu sync.Mutex
	// +checklocks:mu
	pcg *rand.PCG
}

// Int63 implements math/rand.Source.
func (s *lockedSource) Int63() int64 {
	return int64(s.Uint64() >> 1)
}

// Uint64 implements math/rand.Source64.
func (s *lockedSource) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pcg.Uint64()
}

// Seed implements math/rand.Source.
func (s *lockedSource) Seed(seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pcg.Seed(uint64(seed), 0)
}

// lockedReader is a thread-safe deterministic byte stream used as
// stack.Options.SecureRNG. It is of course not secure: it exists so that
// ISNs, ports and cookies are reproducible from the seed.
type lockedReader struct {
	mu sync.Mutex
	// +checklocks:mu
	c *rand.ChaCha8
}

// Read implements io.Reader. It never fails.
func (r *lockedReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c.Read(p)
}

func newLockedReader(seed uint64, tag string, idx ...uint64) *lockedReader {
	return &lockedReader{c: rand.NewChaCha8(derive(seed, tag, idx...))}
}
