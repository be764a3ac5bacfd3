package match

import (
	"errors"
	"sync"
	"time"
)

// ErrDuplicate is returned by Add when a request with the same key is
// already in flight.
var ErrDuplicate = errors.New("match: a request with the same key is already in flight")

// DefaultTick is the wheel's resolution: a request expires at most one tick
// after its deadline.
const DefaultTick = 5 * time.Millisecond

const wheelSlots = 4096

type node[T any] struct {
	key        Key
	value      T
	expireTick int64
	slot       int32
	prev, next *node[T]
}

// Table is a set of requests in flight with their deadlines. It is safe for
// concurrent use. T is what the caller keeps per request.
type Table[T any] struct {
	mu       sync.Mutex
	tick     time.Duration
	origin   time.Time
	lastTick int64
	byKey    map[Key]*node[T]
	slots    [wheelSlots]*node[T]
	free     *node[T]
}

// NewTable returns an empty table whose wheel starts at now and advances in
// steps of tick (DefaultTick when tick <= 0).
func NewTable[T any](now time.Time, tick time.Duration) *Table[T] {
	if tick <= 0 {
		tick = DefaultTick
	}
	return &Table[T]{tick: tick, origin: now, byKey: make(map[Key]*node[T])}
}

func (t *Table[T]) tickOf(at time.Time) int64 {
	d := at.Sub(t.origin)
	if d < 0 {
		return 0
	}
	return int64(d / t.tick)
}

// Add records a request in flight until deadline. It returns ErrDuplicate,
// and records nothing, when the key is already present.
func (t *Table[T]) Add(k Key, deadline time.Time, v T) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.byKey[k]; ok {
		return ErrDuplicate
	}
	n := t.free
	if n != nil {
		t.free = n.next
		n.next = nil
	} else {
		n = new(node[T])
	}
	n.key, n.value = k, v
	// Round up so that an entry never expires before its deadline.
	n.expireTick = t.tickOf(deadline) + 1
	if n.expireTick <= t.lastTick {
		n.expireTick = t.lastTick + 1
	}
	n.slot = int32(n.expireTick % wheelSlots)
	n.next = t.slots[n.slot]
	if n.next != nil {
		n.next.prev = n
	}
	t.slots[n.slot] = n
	t.byKey[k] = n
	return nil
}

// Take removes the request with key k and returns what was kept for it.
func (t *Table[T]) Take(k Key) (T, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, ok := t.byKey[k]
	if !ok {
		var zero T
		return zero, false
	}
	return t.remove(n), true
}

// Contains reports whether a request with key k is in flight.
func (t *Table[T]) Contains(k Key) bool {
	t.mu.Lock()
	_, ok := t.byKey[k]
	t.mu.Unlock()
	return ok
}

// remove unlinks n, recycles it and returns its value. t.mu is held.
func (t *Table[T]) remove(n *node[T]) T {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		t.slots[n.slot] = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	}
	delete(t.byKey, n.key)
	v := n.value
	var zero T
	n.value, n.prev = zero, nil
	n.next = t.free
	t.free = n
	return v
}

// Expire removes every request whose deadline has passed at now and
// appends what was kept for each to dst, which it returns.
func (t *Table[T]) Expire(now time.Time, dst []T) []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	nowTick := t.tickOf(now)
	for tk := t.lastTick + 1; tk <= nowTick; tk++ {
		n := t.slots[tk%wheelSlots]
		for n != nil {
			next := n.next
			if n.expireTick <= nowTick {
				dst = append(dst, t.remove(n))
			}
			n = next
		}
		if nowTick-tk >= wheelSlots {
			// A long pause: every slot was visited once already.
			tk = nowTick - wheelSlots
		}
	}
	if nowTick > t.lastTick {
		t.lastTick = nowTick
	}
	return dst
}

// RemoveIf removes every request for which fn returns true and appends what
// was kept for each to dst. It is meant for rare events such as a link
// going down, and walks the whole table.
func (t *Table[T]) RemoveIf(fn func(T) bool, dst []T) []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, n := range t.byKey {
		if fn(n.value) {
			dst = append(dst, t.remove(n))
		}
	}
	return dst
}

// Len returns the number of requests in flight.
func (t *Table[T]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byKey)
}
