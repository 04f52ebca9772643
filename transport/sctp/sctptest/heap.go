package sctptest

// minHeap is a binary min-heap of values. It exists instead of container/heap
// because heap.Push/Pop box their argument in an interface, which allocates
// once per packet on the hot path.
type minHeap[T interface{ less(T) bool }] struct {
	items []T
}

func (h *minHeap[T]) len() int { return len(h.items) }

// peek returns the smallest item. The heap must not be empty.
func (h *minHeap[T]) peek() *T { return &h.items[0] }

func (h *minHeap[T]) push(x T) {
	h.items = append(h.items, x)
	h.up(len(h.items) - 1)
}

// pop removes and returns the smallest item. The heap must not be empty.
func (h *minHeap[T]) pop() T {
	n := len(h.items) - 1
	top := h.items[0]
	h.items[0] = h.items[n]
	var zero T
	h.items[n] = zero // Drop references held by the vacated slot.
	h.items = h.items[:n]
	if n > 0 {
		h.down(0)
	}
	return top
}

// filter keeps only the items for which keep returns true and restores the
// heap order.
func (h *minHeap[T]) filter(keep func(*T) bool) {
	j := 0
	for i := range h.items {
		if keep(&h.items[i]) {
			h.items[j] = h.items[i]
			j++
		}
	}
	var zero T
	for i := j; i < len(h.items); i++ {
		h.items[i] = zero
	}
	h.items = h.items[:j]
	for i := j/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *minHeap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.items[i].less(h.items[p]) {
			return
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *minHeap[T]) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.items[r].less(h.items[l]) {
			m = r
		}
		if !h.items[m].less(h.items[i]) {
			return
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}
