package issuer

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// Faults makes the issuer misbehave on purpose, for testing the switch's
// time-outs, MAC checks, reconnection and framing defences. Faults apply to
// answers of financial requests, advices and reversals only (network
// management is always answered), and are decided per request in arrival
// order by a generator seeded with Seed, so a run with the same seed and the
// same request order repeats exactly. For each kind, Rate is a probability
// (0..1) and Every a period (every Nth request, counting from the first as
// 1); either triggers it.
type Faults struct {
	Seed int64

	Delay      time.Duration // how long a delayed answer waits
	DelayRate  float64       // probability of a delay (with Delay > 0 and both rates 0: every answer)
	DelayEvery int

	DropRate  float64 // no answer at all
	DropEvery int

	BadMACRate  float64 // field 128 of the answer corrupted (needs Config.MAC)
	BadMACEvery int

	GarbageRate  float64 // random bytes sent instead of the answer's frame
	GarbageEvery int
	GarbageLen   int // bytes of garbage (default 16)

	// DisconnectAfter closes a connection after it has sent that many
	// answers (0: never).
	DisconnectAfter int
}

// ErrFaults reports invalid fault settings.
var ErrFaults = errors.New("issuer: invalid fault settings")

// Validate checks the rates and counts.
func (f *Faults) Validate() error {
	for _, r := range []float64{f.DelayRate, f.DropRate, f.BadMACRate, f.GarbageRate} {
		if r < 0 || r > 1 || r != r {
			return ErrFaults
		}
	}
	for _, n := range []int{f.DelayEvery, f.DropEvery, f.BadMACEvery, f.GarbageEvery, f.GarbageLen, f.DisconnectAfter} {
		if n < 0 {
			return ErrFaults
		}
	}
	if f.Delay < 0 {
		return ErrFaults
	}
	return nil
}

// active reports whether any fault is configured.
func (f *Faults) active() bool {
	return f.Delay > 0 || f.DropRate > 0 || f.DropEvery > 0 || f.BadMACRate > 0 || f.BadMACEvery > 0 ||
		f.GarbageRate > 0 || f.GarbageEvery > 0 || f.DisconnectAfter > 0
}

// plan is what happens to one answer.
type plan struct {
	delay   time.Duration
	drop    bool
	badMAC  bool
	garbage []byte
}

// faulter draws plans: one random value per fault kind per request (plus
// the garbage bytes when garbage is due), so the sequence depends only on
// the seed, the settings and the request order.
type faulter struct {
	cfg Faults
	mu  sync.Mutex
	rng *rand.Rand
	n   int
}

func newFaulter(cfg Faults) *faulter {
	seed := uint64(cfg.Seed)
	return &faulter{cfg: cfg, rng: rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))}
}

// next returns the plan of the next answer.
func (f *faulter) next() plan {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	c := &f.cfg
	var p plan
	delayAlways := c.DelayRate == 0 && c.DelayEvery == 0
	if f.hit(c.DelayRate, c.DelayEvery) || delayAlways {
		p.delay = c.Delay
	}
	p.drop = f.hit(c.DropRate, c.DropEvery)
	p.badMAC = f.hit(c.BadMACRate, c.BadMACEvery)
	if f.hit(c.GarbageRate, c.GarbageEvery) {
		n := c.GarbageLen
		if n == 0 {
			n = 16
		}
		p.garbage = make([]byte, n)
		for i := range p.garbage {
			p.garbage[i] = byte(f.rng.Uint32())
		}
	}
	return p
}

// hit draws one value and reports whether the fault of that rate or period
// happens on this request.
func (f *faulter) hit(rate float64, every int) bool {
	r := f.rng.Float64()
	return r < rate || every > 0 && f.n%every == 0
}
