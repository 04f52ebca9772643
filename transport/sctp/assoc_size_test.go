package sctp

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestAssociationSizeClass keeps the TCB in the heap's 1,536-byte size
// class: a struct over 512 bytes that holds pointers carries an 8-byte
// header, so past 1,528 bytes it takes 1,792 and every idle association
// pays 256 bytes more (issue 9's heap per association, BENCHMARKS.md
// figure 5). Move what an idle association does not use behind a lazily
// made pointer (assocRare, assocSetup) rather than raise this.
func TestAssociationSizeClass(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(association{}), uintptr(1528))
}
