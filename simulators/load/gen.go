package load

import (
	"errors"
	"fmt"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// ErrGenerator reports a generator configuration that cannot produce the
// mix (no card for a weighted type, no PIN source, no connection...).
var ErrGenerator = errors.New("load: generator")

// GeneratorConfig configures NewGenerator.
type GeneratorConfig struct {
	Mix   *Mix
	Cards []Card // nil: BuiltinCards
	// Connections holds the acquiring institution id of each connection of
	// the run, in Options order (Clients, then Targets): field 32 of its
	// requests and of the reversals of them.
	Connections []string
	// PIN enciphers the blocks of PIN transactions (required when the mix
	// weights "pin"); balance inquiries carry a PIN block too when set.
	PIN PINSource
	// Seed varies the pseudo-random choices (type, card, terminal, amount,
	// unpredictable number), which depend only on Seed and the request index.
	Seed uint64
	// Now is the clock of fields 7, 12, 13 and 9A; nil means time.Now.
	Now func() time.Time
	// ChipPool is how many ready field 55 values each chip card keeps and
	// reuses (made on first use, remade when the date changes): 0 means
	// DefaultChipPool, a negative value a fresh ATC and ARQC per request
	// (about 10 µs of CPU each).
	ChipPool int
}

// DefaultChipPool is the number of field 55 values kept per chip card.
const DefaultChipPool = 16

// Generator builds the requests of a mix. It is safe for concurrent use:
// each worker of a Run gets its own scratch state.
type Generator struct {
	cfg       GeneratorConfig
	pick      []Type // weighted choice table: one entry per unit of weight, reduced
	cards     []*card
	byType    [numTypes][]int32 // indexes into cards usable by each type
	tmpl      [numTypes]dialect.Message
	terms     [][]byte // field 41 values
	merchants [][]byte // field 42 values, by terminal
	conns     [][]byte // field 32 by connection
	rings     []*ring  // approved originals by connection, for reversals
	fallback  Type     // built when a reversal finds nothing to reverse
	chipSt    chipStatic
	now       func() time.Time
}

// NewGenerator checks cfg and prepares the templates and cards.
func NewGenerator(cfg GeneratorConfig) (*Generator, error) {
	if cfg.Mix == nil || len(cfg.Connections) == 0 {
		return nil, fmt.Errorf("%w: a mix and at least one connection are needed", ErrGenerator)
	}
	if _, err := cfg.Mix.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGenerator, err)
	}
	if cfg.Mix.Weights[TypePIN] > 0 && cfg.PIN == nil {
		return nil, fmt.Errorf("%w: the mix weights pin transactions but no PIN key is set", ErrGenerator)
	}
	g := &Generator{cfg: cfg, now: cfg.Now, chipSt: chipValues()}
	if g.now == nil {
		g.now = time.Now
	}
	for _, id := range cfg.Connections {
		if !validID(id) {
			return nil, fmt.Errorf("%w: connection institution id must be 1..11 digits", ErrGenerator)
		}
		g.conns = append(g.conns, []byte(id))
		g.rings = append(g.rings, &ring{})
	}
	if err := g.prepareCards(); err != nil {
		return nil, err
	}
	g.buildPick()
	g.buildTerminals()
	g.buildTemplates()
	return g, nil
}

// prepareCards builds the hot-path cards and the per-type card lists.
func (g *Generator) prepareCards() error {
	list := g.cfg.Cards
	if list == nil {
		list = BuiltinCards()
	}
	chip := g.cfg.Mix.Weights[TypeChip] > 0
	pool := g.cfg.ChipPool
	switch {
	case pool == 0:
		pool = DefaultChipPool
	case pool < 0:
		pool = 0
	}
	for i, c := range list {
		p, err := prepare(i, c, chip, pool)
		if err != nil {
			return err
		}
		idx := int32(len(g.cards))
		g.cards = append(g.cards, p)
		for t := TypePurchase; t < numTypes; t++ {
			if g.usable(t, p) {
				g.byType[t] = append(g.byType[t], idx)
			}
		}
	}
	for t := TypePurchase; t < numTypes; t++ {
		if t != TypeReversal && g.cfg.Mix.Weights[t] > 0 && len(g.byType[t]) == 0 {
			return fmt.Errorf("%w: no card can do %s transactions", ErrGenerator, t)
		}
	}
	return nil
}

// usable reports whether card p can carry transactions of type t.
func (g *Generator) usable(t Type, p *card) bool {
	switch t {
	case TypePurchase:
		return p.pan != nil && p.permits("00")
	case TypeChip:
		return p.mk != nil && p.permits("00")
	case TypePIN:
		return p.pan != nil && p.pin != nil && p.permits("00")
	case TypeBalance:
		return p.pan != nil && p.permits("31") && (g.cfg.PIN == nil || p.pin != nil)
	case TypeAccount:
		return p.accountID != nil && len(p.accountID) > 0 && p.permits("00")
	}
	return false
}

// buildPick makes the weighted choice table, each weight divided by the
// weights' greatest common divisor so the table stays small.
func (g *Generator) buildPick() {
	d := 0
	for _, w := range g.cfg.Mix.Weights {
		d = gcd(d, w)
	}
	for t, w := range g.cfg.Mix.Weights {
		for range w / d {
			g.pick = append(g.pick, Type(t))
		}
	}
	g.fallback = TypeReversal
	for t := TypePurchase; t < numTypes; t++ {
		if g.cfg.Mix.Weights[t] > 0 && t != TypeReversal && t != TypeBalance {
			g.fallback = t
			break
		}
	}
	if g.fallback == TypeReversal && len(g.byType[TypePurchase]) > 0 {
		g.fallback = TypePurchase
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// buildTerminals makes the field 41 and 42 values: terminal k is
// "T" + 7 digits, its merchant "HLMER" + 10 digits (k mod merchants).
func (g *Generator) buildTerminals() {
	m := g.cfg.Mix
	for k := range m.Terminals {
		g.terms = append(g.terms, fmt.Appendf(nil, "T%07d", k+1))
		g.merchants = append(g.merchants, fmt.Appendf(nil, "HLMER%010d", k%m.Merchants+1))
	}
}

// mix64 is SplitMix64's finaliser: a well-spread 64-bit value from i.
func mix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// newWorker returns a filler with its own scratch state.
func (g *Generator) newWorker() filler { return &genWorker{g: g, sec: -1} }
