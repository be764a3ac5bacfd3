package demo

import (
	"errors"
	"slices"
	"strings"

	"github.com/hulian/hulian/switch/config"
)

// Response codes the demo expects (iso8583-contract.md, "Response codes").
const (
	codeOK          = "00"
	codeNotAllowed  = "12"
	codeBadCard     = "14"
	codeNoRoute     = "15"
	codeNoFunds     = "51"
	codeOverLimit   = "61"
	panLen          = 16
	overLimitAmount = 100000000 // minor units: one above the issuer's limit
)

// category is one kind of transaction of the demo mix with the response
// code it must get.
type category struct {
	name      string // e.g. "purchase", "balance inquiry"
	detail    string // e.g. "BIN 622202", "f100 09990000"
	route     string // route the switch should pick; "-" when none
	issuer    string // institution that answers; "" when the switch does
	want      string // expected response code
	mti       string
	proc      string
	bin       string // card categories: PANs are made from it
	badLuhn   bool   // the PAN's check digit is wrong
	receiving string // account-based: field 100
	amount    amountKind
	weight    int  // share of the mix
	sample    bool // one of its transactions is shown in the report
}

// amountKind says how a category picks its amounts.
type amountKind uint8

const (
	amountNormal    amountKind = iota // varied, never ending in 51
	amountZero                        // balance inquiry
	amountNoFunds                     // ends in 51
	amountOverLimit                   // above 999,999.99
)

// txnSpec is one planned transaction. pan is clear test data: it is only
// put into messages, never printed (the report uses pan.Mask).
type txnSpec struct {
	cat    int
	pan    string // "" for account-based payments
	amount string // field 4, 12 digits
}

// plan is the whole demo mix.
type plan struct {
	cats []category
	txns []txnSpec
}

// buildPlan derives the categories from cfg (card routes, account-based
// routes) and lays out count transactions over them, deterministically.
func buildPlan(cfg *config.Config, count int) (*plan, error) {
	cats, err := buildCategories(cfg)
	if err != nil {
		return nil, err
	}
	order := mixOrder(cats)
	p := &plan{cats: cats, txns: make([]txnSpec, count)}
	for i := range p.txns {
		c := order[i%len(order)]
		p.txns[i] = makeTxn(cats, c, i)
	}
	return p, nil
}

// buildCategories lists the categories the configuration supports.
func buildCategories(cfg *config.Config) ([]category, error) {
	var cards []string // first BIN of each card route
	var cats []category
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if len(r.BINs) == 0 {
			continue
		}
		cards = append(cards, r.BINs[0])
		for _, bin := range r.BINs {
			if c, ok := cardCategory(cfg, "purchase", bin, "0200", "000000", amountNormal); ok {
				c.weight = 6
				cats = append(cats, c)
			}
		}
	}
	if len(cards) == 0 {
		return nil, errors.New("demo: the configuration has no route with bins")
	}
	markPurchaseSample(cats)
	cats = append(cats, cardExtras(cfg, cards)...)
	unrouted, err := unroutedBIN(cfg)
	if err != nil {
		return nil, err
	}
	cats = append(cats,
		category{name: "unknown BIN", detail: "BIN " + unrouted, route: "-", want: codeNoRoute,
			mti: "0200", proc: "000000", bin: unrouted, weight: 1, sample: true},
		category{name: "PAN fails Luhn", detail: "BIN " + cards[0], route: "-", want: codeBadCard,
			mti: "0200", proc: "000000", bin: cards[0], badLuhn: true, weight: 1, sample: true})
	cats = append(cats, walletCategories(cfg)...)
	return cats, nil
}

// cardExtras are the balance inquiries (one per card route), an
// authorization and the two issuer declines.
func cardExtras(cfg *config.Config, cards []string) []category {
	var out []category
	for i, bin := range cards {
		if c, ok := cardCategory(cfg, "balance inquiry", bin, "0200", "310000", amountZero); ok {
			c.weight, c.sample = 2, i == 0
			out = append(out, c)
		}
	}
	first, last := cards[0], cards[len(cards)-1]
	for _, x := range []struct {
		name, bin, mti string
		amount         amountKind
		sample         bool
	}{
		{"authorization", first, "0100", amountNormal, true},
		{"declined: no funds", first, "0200", amountNoFunds, true},
		{"declined: over limit", last, "0200", amountOverLimit, false},
	} {
		if c, ok := cardCategory(cfg, x.name, x.bin, x.mti, "000000", x.amount); ok {
			c.weight, c.sample = 1, x.sample
			out = append(out, c)
		}
	}
	return out
}

// cardCategory builds a card category on bin; ok is false when bin is
// shadowed by a longer BIN for every PAN the demo could make.
func cardCategory(cfg *config.Config, name, bin, mti, proc string, amount amountKind) (category, bool) {
	r := routeForPAN(cfg, makePAN(bin, 0))
	if r == nil || !slices.Contains(r.BINs, bin) {
		return category{}, false
	}
	c := category{name: name, detail: "BIN " + bin, route: r.Name, issuer: r.Issuer,
		mti: mti, proc: proc, bin: bin, amount: amount}
	c.want = expectedCode(r, mti, proc, amount)
	if c.want == codeNotAllowed {
		c.issuer = ""
	}
	return c, true
}

// markPurchaseSample shows the purchase on the longest BIN (the one that
// proves longest-prefix routing) and the first one.
func markPurchaseSample(cats []category) {
	if len(cats) == 0 {
		return
	}
	cats[0].sample = true
	longest := 0
	for i := range cats {
		if len(cats[i].bin) > len(cats[longest].bin) {
			longest = i
		}
	}
	cats[longest].sample = true
}

// walletCategories are the account-based payments of every route with
// receiving ids: transfer and purchase (approved when the route allows
// them) and a balance inquiry the route does not allow.
func walletCategories(cfg *config.Config) []category {
	var out []category
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if len(r.Receiving) == 0 {
			continue
		}
		rcv := r.Receiving[0]
		for j, proc := range []string{"400000", "000000"} {
			c := category{name: "wallet " + procName(proc), detail: "f100 " + rcv, route: r.Name,
				issuer: r.Issuer, mti: "0200", proc: proc, receiving: rcv, weight: 2, sample: j == 0}
			c.want = expectedCode(r, c.mti, proc, amountNormal)
			if c.want != codeOK {
				c.issuer = ""
			}
			out = append(out, c)
		}
		if len(r.ProcessingCodes) > 0 && !slices.Contains(r.ProcessingCodes, "31") {
			out = append(out, category{name: "wallet balance (not allowed)", detail: "f100 " + rcv,
				route: r.Name, want: codeNotAllowed, mti: "0200", proc: "310000", receiving: rcv,
				weight: 1, sample: true})
		}
	}
	return out
}

func procName(proc string) string {
	switch proc[:2] {
	case "40":
		return "transfer"
	case "31":
		return "balance"
	}
	return "purchase"
}

// expectedCode is what a request of mti/proc on route r must get: 12 when the
// route refuses it, else the issuer simulator's decision.
func expectedCode(r *config.Route, mti, proc string, amount amountKind) string {
	if !slices.Contains(r.MTIs, mti) {
		return codeNotAllowed
	}
	if len(r.ProcessingCodes) > 0 && !slices.Contains(r.ProcessingCodes, proc[:2]) {
		return codeNotAllowed
	}
	switch amount {
	case amountNoFunds:
		return codeNoFunds
	case amountOverLimit:
		return codeOverLimit
	}
	return codeOK
}

// routeForPAN returns the route whose BIN is the longest prefix of p, or nil.
func routeForPAN(cfg *config.Config, p string) *config.Route {
	var best *config.Route
	bestLen := 0
	for i := range cfg.Routes {
		for _, b := range cfg.Routes[i].BINs {
			if len(b) > bestLen && strings.HasPrefix(p, b) {
				best, bestLen = &cfg.Routes[i], len(b)
			}
		}
	}
	return best
}

// unroutedBIN returns a 6-digit prefix that no route claims.
func unroutedBIN(cfg *config.Config) (string, error) {
	for d := '9'; d >= '1'; d-- {
		bin := strings.Repeat(string(d), 6)
		if routeForPAN(cfg, makePAN(bin, 0)) == nil {
			return bin, nil
		}
	}
	return "", errors.New("demo: every candidate BIN is routed; cannot make an unknown-BIN test")
}

// mixOrder returns category indexes in sending order: every category once,
// then again for each category while its weight lasts, round after round.
func mixOrder(cats []category) []int {
	var order []int
	for round := 0; ; round++ {
		added := false
		for i := range cats {
			if round < max(cats[i].weight, 1) {
				order = append(order, i)
				added = true
			}
		}
		if !added {
			return order
		}
	}
}

// makeTxn fills transaction i of category c.
func makeTxn(cats []category, c, i int) txnSpec {
	cat := &cats[c]
	t := txnSpec{cat: c, amount: makeAmount(cat.amount, i)}
	if cat.bin != "" {
		t.pan = makePAN(cat.bin, i+1)
		if cat.badLuhn {
			t.pan = breakLuhn(t.pan)
		}
	}
	return t
}
