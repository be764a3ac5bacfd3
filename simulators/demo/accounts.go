package demo

import (
	"fmt"
	"strings"

	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
)

// Balances of the accounts made for the transaction mix (minor units).
const (
	mixBalance   = 1_000_000_000_000 // far above any amount of the mix
	noFundsFloor = 100               // below every "no funds" amount (x.51 with x >= 1)
	mixExpiry    = "2912"            // field 14 and track 2 of the mix
	mixPSN       = "01"
)

// demoAccounts is what the card issuers authorize from: the TEST accounts
// files (cards of testdata/issuer and the simulated cards) plus one account
// per card of the transaction mix, set so that the issuer's decision is the
// code the plan expects (balance far above the amount, below it for "no
// funds", a single-transaction limit for "over limit").
type demoAccounts struct {
	set   *issuer.Accounts
	files []issuer.Account // the accounts of the files only (the load draws from them)
	names []string         // files, for the report
}

// buildAccounts loads the comma-separated accounts files and adds the
// accounts of the plan's card transactions.
func buildAccounts(paths string, p *plan) (*demoAccounts, error) {
	da := &demoAccounts{}
	for _, path := range strings.Split(paths, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		a, err := issuer.LoadAccounts(path)
		if err != nil {
			return nil, err
		}
		da.files = append(da.files, a.All()...)
		da.names = append(da.names, path)
	}
	all := append(append([]issuer.Account(nil), da.files...), mixAccounts(p)...)
	set, err := issuer.NewAccounts(all)
	if err != nil {
		return nil, fmt.Errorf("demo accounts: %w", err)
	}
	da.set = set
	return da, nil
}

// mixAccounts returns one account per PAN of the plan that an issuer will
// see (routed, Luhn-valid).
func mixAccounts(p *plan) []issuer.Account {
	var out []issuer.Account
	for _, t := range p.txns {
		c := &p.cats[t.cat]
		if t.pan == "" || c.badLuhn || c.issuer == "" {
			continue
		}
		a := issuer.Account{PAN: t.pan, Expiry: mixExpiry, PSN: mixPSN, Status: issuer.StatusActive,
			Balance: mixBalance, Note: "demo mix: " + c.name}
		switch c.amount {
		case amountNoFunds:
			a.Balance = noFundsFloor
		case amountOverLimit:
			a.Limit = overLimitAmount - 1
		}
		out = append(out, a)
	}
	return out
}

// cardIssuers returns the ids of the institutions that card routes (BINs)
// lead to: they authorize from the accounts; the others keep the
// simulator's deterministic rules.
func cardIssuers(cfg *config.Config) map[string]bool {
	out := make(map[string]bool)
	for i := range cfg.Routes {
		if len(cfg.Routes[i].BINs) > 0 {
			out[cfg.Routes[i].Issuer] = true
		}
	}
	return out
}
