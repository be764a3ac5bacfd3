package journal

import "slices"

// idIndex maps record IDs to overlay entries. IDs are assigned in
// increasing order by this process and the applier moves the oldest
// first, so the IDs held form a window: slots indexed by ID - base hold
// them, which costs no hashing and touches memory in order (a map of a
// million entries costs a cache miss or two per access, and most of the
// overlay's time went there). The slots live in fixed-size chunks, so that
// the window grows at its end and shrinks at its head without ever copying
// what it holds (one slice grown by append copied and re-scanned the whole
// window at every growth: 850 ns a record at 400,000 records). The few IDs
// below the window (an old record changed again) go to a map.
type idIndex struct {
	base   int64               // ID of the first slot of chunks[0]
	chunks []*[idChunk]ovEntry // the window's slots; seq 0: empty
	head   int                 // slots before head are empty
	end    int                 // slots from end on are not in the window
	live   int                 // non-empty slots
	spare  []*[idChunk]ovEntry // cleared chunks kept for reuse
	other  map[int64]ovEntry
}

const (
	// idChunk is the number of slots in a chunk (56 bytes each).
	idChunk = 4096
	// maxSpareChunks bounds the cleared chunks kept for reuse.
	maxSpareChunks = 4
	// windowSlack is how many empty slots the window may carry before its
	// oldest entries move to the map.
	windowSlack = 4096
)

func newIDIndex() idIndex { return idIndex{other: make(map[int64]ovEntry)} }

func (x *idIndex) len() int { return x.live + len(x.other) }

func (x *idIndex) slot(i int) *ovEntry { return &x.chunks[i/idChunk][i%idChunk] }

func (x *idIndex) get(id int64) (ovEntry, bool) {
	if i := id - x.base; i >= int64(x.head) && i < int64(x.end) {
		if e := x.slot(int(i)); e.seq != 0 {
			return *e, true
		}
	}
	e, ok := x.other[id]
	return e, ok
}

func (x *idIndex) set(id int64, e ovEntry) {
	if x.live == 0 && (len(x.other) == 0 || id >= x.base+int64(x.end)) {
		x.reset(id)
	}
	if len(x.other) > 0 {
		delete(x.other, id) // it may move into the window
	}
	i := id - x.base
	switch {
	case i >= int64(x.head) && i < int64(x.end):
		s := x.slot(int(i))
		if s.seq == 0 {
			x.live++
		}
		*s = e
	case i >= int64(x.end) && i-int64(x.end) < windowSlack:
		for int(i) >= len(x.chunks)*idChunk {
			x.chunks = append(x.chunks, x.newChunk())
		}
		x.end = int(i) + 1 // the slots passed over are empty: chunks come cleared
		*x.slot(int(i)) = e
		x.live++
	default:
		x.other[id] = e
	}
}

func (x *idIndex) del(id int64) {
	if i := id - x.base; i >= int64(x.head) && i < int64(x.end) {
		if s := x.slot(int(i)); s.seq != 0 {
			*s = ovEntry{}
			x.live--
		}
		x.trim()
	}
	delete(x.other, id)
}

// reset empties the window and starts it at id.
func (x *idIndex) reset(id int64) {
	for _, c := range x.chunks {
		x.release(c)
	}
	x.chunks = x.chunks[:0]
	x.base, x.head, x.end = id, 0, 0
}

// newChunk returns a cleared chunk.
func (x *idIndex) newChunk() *[idChunk]ovEntry {
	if n := len(x.spare); n > 0 {
		c := x.spare[n-1]
		x.spare = x.spare[:n-1]
		return c
	}
	return new([idChunk]ovEntry)
}

// release clears c and keeps it for reuse, up to maxSpareChunks.
func (x *idIndex) release(c *[idChunk]ovEntry) {
	if len(x.spare) < maxSpareChunks {
		clear(c[:])
		x.spare = append(x.spare, c)
	}
}

// trim moves head past empty slots and keeps the window dense: live
// entries holding up a mostly empty window move to the map, and chunks
// wholly behind head are released.
func (x *idIndex) trim() {
	x.skipEmpty()
	if x.head == x.end {
		x.reset(x.base + int64(x.end))
		return
	}
	for x.end-x.head > 4*x.live+windowSlack {
		s := x.slot(x.head)
		x.other[x.base+int64(x.head)] = *s
		*s = ovEntry{}
		x.live--
		x.skipEmpty()
	}
	n := x.head / idChunk
	if n == 0 {
		return
	}
	for _, c := range x.chunks[:n] {
		x.release(c)
	}
	x.chunks = slices.Delete(x.chunks, 0, n)
	x.base += int64(n * idChunk)
	x.head -= n * idChunk
	x.end -= n * idChunk
}

func (x *idIndex) skipEmpty() {
	for x.head < x.end && x.slot(x.head).seq == 0 {
		x.head++
	}
}

// each calls fn for every entry.
func (x *idIndex) each(fn func(id int64, e ovEntry)) {
	for i := x.head; i < x.end; i++ {
		if e := x.slot(i); e.seq != 0 {
			fn(x.base+int64(i), *e)
		}
	}
	for id, e := range x.other {
		fn(id, e)
	}
}
