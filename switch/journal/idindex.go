package journal

// idIndex maps record IDs to overlay entries. IDs are assigned in
// increasing order by this process and the applier moves the oldest
// first, so the IDs held form a window: a slice indexed by ID - base
// holds them, which costs no hashing and touches memory in order (a map
// of a million entries costs a cache miss or two per access, and most of
// the overlay's time went there). The few IDs below the window (an old
// record changed again) go to a map.
type idIndex struct {
	base  int64     // ID of slots[0]
	slots []ovEntry // slots[i] holds ID base+i; seq 0: empty
	head  int       // slots before head are empty
	live  int       // non-empty slots
	other map[int64]ovEntry
}

// windowSlack is how many empty slots the window may carry before its
// oldest entries move to the map.
const windowSlack = 4096

func newIDIndex() idIndex { return idIndex{other: make(map[int64]ovEntry)} }

func (x *idIndex) len() int { return x.live + len(x.other) }

func (x *idIndex) get(id int64) (ovEntry, bool) {
	if i := id - x.base; i >= int64(x.head) && i < int64(len(x.slots)) {
		if e := x.slots[i]; e.seq != 0 {
			return e, true
		}
	}
	e, ok := x.other[id]
	return e, ok
}

func (x *idIndex) set(id int64, e ovEntry) {
	if x.live == 0 && len(x.other) == 0 || x.live == 0 && id >= x.base+int64(len(x.slots)) {
		x.base, x.slots, x.head = id, x.slots[:0], 0
	}
	if len(x.other) > 0 {
		delete(x.other, id) // it may move into the window
	}
	i := id - x.base
	switch {
	case i >= int64(x.head) && i < int64(len(x.slots)):
		if x.slots[i].seq == 0 {
			x.live++
		}
		x.slots[i] = e
	case i >= int64(len(x.slots)) && i-int64(len(x.slots)) < windowSlack:
		for int64(len(x.slots)) < i {
			x.slots = append(x.slots, ovEntry{})
		}
		x.slots = append(x.slots, e)
		x.live++
	default:
		x.other[id] = e
	}
}

func (x *idIndex) del(id int64) {
	if i := id - x.base; i >= int64(x.head) && i < int64(len(x.slots)) {
		if x.slots[i].seq != 0 {
			x.slots[i] = ovEntry{}
			x.live--
		}
		x.trim()
	}
	delete(x.other, id)
}

// trim moves head past empty slots and keeps the window dense: the slice
// is compacted once most of it is behind head, and live entries holding
// up a mostly empty window move to the map.
func (x *idIndex) trim() {
	for x.head < len(x.slots) && x.slots[x.head].seq == 0 {
		x.head++
	}
	if x.head == len(x.slots) {
		x.base, x.slots, x.head = x.base+int64(len(x.slots)), x.slots[:0], 0
		return
	}
	for len(x.slots)-x.head > 4*x.live+windowSlack {
		e := x.slots[x.head]
		x.other[x.base+int64(x.head)] = e
		x.slots[x.head] = ovEntry{}
		x.live--
		for x.head < len(x.slots) && x.slots[x.head].seq == 0 {
			x.head++
		}
	}
	if x.head > windowSlack && x.head > len(x.slots)/2 {
		n := copy(x.slots, x.slots[x.head:])
		clear(x.slots[n:])
		x.base += int64(x.head)
		x.slots, x.head = x.slots[:n], 0
	}
}

// each calls fn for every entry.
func (x *idIndex) each(fn func(id int64, e ovEntry)) {
	for i := x.head; i < len(x.slots); i++ {
		if e := x.slots[i]; e.seq != 0 {
			fn(x.base+int64(i), e)
		}
	}
	for id, e := range x.other {
		fn(id, e)
	}
}
