package sctp

import "iter"

// tableSmall is the number of keys an assocTable keeps in a slice before
// it turns into a map.
const tableSmall = 8

// assocEntry is one key of an assocTable.
type assocEntry struct {
	k peerKey
	a *association
}

// assocTable maps the peer keys of a port to their associations. The port
// of one association (a client's) has one key per peer address, a
// handful (RFC 9260 6.4): a slice does for them, where a map costs several
// hundred bytes per association. A listener's port, with many, gets a
// map. Guarded by the demux's mu.
type assocTable struct {
	few  []assocEntry
	many map[peerKey]*association
}

// get returns the association of k, or nil.
func (t *assocTable) get(k peerKey) *association {
	if t.many != nil {
		return t.many[k]
	}
	for i := range t.few {
		if t.few[i].k == k {
			return t.few[i].a
		}
	}
	return nil
}

// put enters k, which the table does not hold.
func (t *assocTable) put(k peerKey, a *association) {
	if t.many == nil && len(t.few) < tableSmall {
		t.few = append(t.few, assocEntry{k, a})
		return
	}
	if t.many == nil {
		t.many = make(map[peerKey]*association, 2*tableSmall)
		for _, e := range t.few {
			t.many[e.k] = e.a
		}
		t.few = nil
	}
	t.many[k] = a
}

// del removes k if it is a's.
func (t *assocTable) del(k peerKey, a *association) {
	if t.many != nil {
		if t.many[k] == a {
			delete(t.many, k)
		}
		return
	}
	for i := range t.few {
		if t.few[i].k == k && t.few[i].a == a {
			t.few = append(t.few[:i], t.few[i+1:]...)
			t.few[len(t.few):cap(t.few)][0] = assocEntry{} // drop the reference
			if len(t.few) == 0 {
				t.few = nil
			}
			return
		}
	}
}

// len is the number of keys.
func (t *assocTable) len() int {
	if t.many != nil {
		return len(t.many)
	}
	return len(t.few)
}

// all yields every key and its association.
func (t *assocTable) all() iter.Seq2[peerKey, *association] {
	return func(yield func(peerKey, *association) bool) {
		if t.many != nil {
			for k, a := range t.many {
				if !yield(k, a) {
					return
				}
			}
			return
		}
		for _, e := range t.few {
			if !yield(e.k, e.a) {
				return
			}
		}
	}
}
