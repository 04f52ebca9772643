package header

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTSNSerialArithmetic(t *testing.T) {
	for _, tc := range []struct {
		a, b uint32
		less bool
	}{
		{0, 1, true},
		{1, 0, false},
		{0xFFFFFFFF, 0, true}, // wrap-around
		{0, 0xFFFFFFFF, false},
		{0xFFFFFFF0, 0x10, true},
		{0x10, 0xFFFFFFF0, false},
		{0, 0x7FFFFFFF, true}, // the farthest b still after a
		{0x7FFFFFFF, 0, false},
		{0x80000001, 0, true},
		{0, 0x80000001, false},
		{5, 5, false},
	} {
		assert.Equal(t, tc.less, TSNLessThan(tc.a, tc.b), "%#x < %#x", tc.a, tc.b)
		assert.Equal(t, tc.less, TSNGreaterThan(tc.b, tc.a), "%#x > %#x", tc.b, tc.a)
		assert.Equal(t, tc.less || tc.a == tc.b, TSNLessEq(tc.a, tc.b), "%#x <= %#x", tc.a, tc.b)
		assert.Equal(t, tc.less || tc.a == tc.b, TSNGreaterEq(tc.b, tc.a), "%#x >= %#x", tc.b, tc.a)
	}
	assert.True(t, TSNLessEq(7, 7))
	assert.True(t, TSNGreaterEq(7, 7))
	assert.False(t, TSNGreaterThan(7, 7))
}

// TestSerialHalfway pins down the case RFC 1982 3.2 leaves undefined: two
// numbers exactly half the space apart are neither less nor greater than
// each other, whichever the order.
func TestSerialHalfway(t *testing.T) {
	for _, a := range []uint32{0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF} {
		b := a + 1<<31
		assert.False(t, TSNLessThan(a, b))
		assert.False(t, TSNLessThan(b, a))
		assert.False(t, TSNGreaterThan(a, b))
		assert.False(t, TSNGreaterThan(b, a))
		assert.False(t, TSNLessEq(a, b))
		assert.False(t, TSNGreaterEq(a, b))
	}
	for _, a := range []uint16{0, 1, 0x7FFF, 0x8000, 0xFFFF} {
		b := a + 1<<15
		assert.False(t, SSNLessThan(a, b))
		assert.False(t, SSNLessThan(b, a))
		assert.False(t, SSNGreaterThan(a, b))
		assert.False(t, SSNLessEq(b, a))
		assert.False(t, SSNGreaterEq(b, a))
	}
}

func TestSSNSerialArithmetic(t *testing.T) {
	for _, tc := range []struct {
		a, b uint16
		less bool
	}{
		{0, 1, true},
		{1, 0, false},
		{0xFFFF, 0, true}, // wrap-around
		{0, 0xFFFF, false},
		{0xFFF0, 0x10, true},
		{0, 0x7FFF, true},
		{0x7FFF, 0, false},
		{0x8001, 0, true},
		{9, 9, false},
	} {
		assert.Equal(t, tc.less, SSNLessThan(tc.a, tc.b), "%#x < %#x", tc.a, tc.b)
		assert.Equal(t, tc.less, SSNGreaterThan(tc.b, tc.a), "%#x > %#x", tc.b, tc.a)
		assert.Equal(t, tc.less || tc.a == tc.b, SSNLessEq(tc.a, tc.b), "%#x <= %#x", tc.a, tc.b)
		assert.Equal(t, tc.less || tc.a == tc.b, SSNGreaterEq(tc.b, tc.a), "%#x >= %#x", tc.b, tc.a)
	}
}

// TestSerialExhaustive16 checks the 16-bit functions against RFC 1982 3.2's
// definition for every pair of a sample of a and all b.
func TestSerialExhaustive16(t *testing.T) {
	const half = 1 << 15
	for _, a := range []int{0, 1, 100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF} {
		for b := range 1 << 16 {
			want := (a < b && b-a < half) || (a > b && a-b > half)
			if SSNLessThan(uint16(a), uint16(b)) != want {
				t.Fatalf("SSNLessThan(%d, %d) != %v", a, b, want)
			}
		}
	}
}
