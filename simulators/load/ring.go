package load

import "sync"

// ringSize is how many approved originals each connection keeps for
// reversals; older ones are forgotten.
const ringSize = 256

// original is what a reversal needs of the request it reverses.
type original struct {
	typ    Type
	card   int32
	term   int32
	amount int64
	stan   uint32
	f7     [10]byte
}

// ring keeps the most recent approved originals of one connection; a
// reversal takes the newest, so each original is reversed at most once.
type ring struct {
	mu   sync.Mutex
	buf  [ringSize]original
	head int // index of the next push
	n    int
}

func (r *ring) push(o original) {
	r.mu.Lock()
	r.buf[r.head] = o
	r.head = (r.head + 1) % ringSize
	r.n = min(r.n+1, ringSize)
	r.mu.Unlock()
}

// pop returns the newest original, or false when there is none.
func (r *ring) pop() (original, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == 0 {
		return original{}, false
	}
	r.head = (r.head + ringSize - 1) % ringSize
	r.n--
	return r.buf[r.head], true
}
