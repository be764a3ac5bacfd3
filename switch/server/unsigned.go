package server

import (
	"net/netip"
	"sync"
	"time"
)

// unsignedGate bounds the connections of one listener that have not
// signed on yet, in all and per source address (listeners[].max_unsigned,
// max_unsigned_per_address): idle or dribbling connections cannot exhaust
// the switch's sockets and memory. A connection leaves the gate when it
// signs on or closes, whichever comes first.
type unsignedGate struct {
	max, perAddr int

	mu      sync.Mutex
	total   int
	byAddr  map[netip.Addr]int
	warned  time.Time // last refusal logged (one line a second at most)
	refused int       // refusals since then
}

func newUnsignedGate(max, perAddr int) *unsignedGate {
	return &unsignedGate{max: max, perAddr: perAddr, byAddr: make(map[netip.Addr]int)}
}

// enter admits a connection from a, or gives the reason it may not.
func (g *unsignedGate) enter(a netip.Addr) (ok bool, reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.total >= g.max:
		return false, "unsigned_limit"
	case g.byAddr[a] >= g.perAddr:
		return false, "unsigned_limit_address"
	}
	g.total++
	g.byAddr[a]++
	return true, ""
}

// leave releases a connection admitted by enter.
func (g *unsignedGate) leave(a netip.Addr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total--
	if g.byAddr[a]--; g.byAddr[a] <= 0 {
		delete(g.byAddr, a)
	}
}

// throttle reports whether a refusal should be logged now, and how many
// went unlogged before it.
func (g *unsignedGate) throttle(now time.Time) (bool, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.warned) < time.Second {
		g.refused++
		return false, 0
	}
	n := g.refused
	g.warned, g.refused = now, 0
	return true, n
}

// gatePass is one admitted connection's place in its gate; release is
// safe to call more than once.
type gatePass struct {
	once sync.Once
	g    *unsignedGate
	a    netip.Addr
}

func (p *gatePass) release() { p.once.Do(func() { p.g.leave(p.a) }) }
