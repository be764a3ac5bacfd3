package acquirer

import (
	"sync"

	"github.com/hulian/hulian/iso8583/dialect"
)

// Layout of a match key: response MTI, STAN (right-aligned, zero-filled),
// field 7 (likewise), then the length and bytes of field 32.
const (
	keyMTI    = 0
	keySTAN   = 4
	key7      = 10
	key32Len  = 20
	key32     = 21
	keySize   = 32
	stanLen   = 6
	field7Len = 10
	maxIDLen  = 11
)

// key identifies a pending request by what its response echoes.
type key [keySize]byte

// makeKey builds a key from a response MTI and the request's 11, 7 and 32.
func makeKey(mti [4]byte, stan, f7, f32 []byte) key {
	var k key
	copy(k[keyMTI:keySTAN], mti[:])
	putRight(k[keySTAN:key7], stan)
	putRight(k[key7:key32Len], f7)
	if len(f32) > maxIDLen {
		f32 = f32[:maxIDLen]
	}
	k[key32Len] = byte(len(f32))
	copy(k[key32:], f32)
	return k
}

// putRight writes v right-aligned into dst, filling the rest with '0' (the
// dialect pads short numeric fixed fields the same way).
func putRight(dst, v []byte) {
	if len(v) > len(dst) {
		v = v[len(v)-len(dst):]
	}
	pad := len(dst) - len(v)
	for i := range pad {
		dst[i] = '0'
	}
	copy(dst[pad:], v)
}

// waiter is one Do call waiting for its response. Waiters are pooled.
type waiter struct {
	resp *dialect.Message
	err  error
	ch   chan struct{} // capacity 1: signalled once per use
}

// pending is the table of requests awaiting a response.
type pending struct {
	pool sync.Pool

	mu     sync.Mutex
	m      map[key]*waiter
	closed bool
}

func newPending() *pending {
	return &pending{
		pool: sync.Pool{New: func() any { return &waiter{ch: make(chan struct{}, 1)} }},
		m:    make(map[key]*waiter),
	}
}

func (p *pending) get(resp *dialect.Message) *waiter {
	w := p.pool.Get().(*waiter)
	w.resp, w.err = resp, nil
	return w
}

func (p *pending) put(w *waiter) {
	w.resp, w.err = nil, nil
	p.pool.Put(w)
}

// add registers w under k.
func (p *pending) add(k key, w *waiter) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrClosed
	case p.m[k] != nil:
		return ErrDuplicateKey
	}
	p.m[k] = w
	return nil
}

// remove unregisters k if it is still w's; it reports whether it did (false
// means the read loop took w and will signal it).
func (p *pending) remove(k key, w *waiter) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m[k] != w {
		return false
	}
	delete(p.m, k)
	return true
}

// take unregisters and returns the waiter of k, or nil.
func (p *pending) take(k key) *waiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.m[k]
	if w != nil {
		delete(p.m, k)
	}
	return w
}

// failAll refuses new waiters and signals every pending one with err.
func (p *pending) failAll(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for k, w := range p.m {
		delete(p.m, k)
		w.err = err
		w.ch <- struct{}{}
	}
}

// len returns the number of pending requests.
func (p *pending) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.m)
}
