package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
)

// loadFlags are the settings of paysim load beyond the connection's.
type loadFlags struct {
	conns    int
	inflight int
	count    int
	duration time.Duration
	rate     float64
	json     bool
	quiet    bool
	mixFile  string
	accounts string
	pinKey   string
	pinFmt   string
	seed     uint64
	chipPool int
	ids      []string // --id, repeated
}

func (f *loadFlags) register(fs *flag.FlagSet, c *clientFlags) {
	fs.IntVar(&f.conns, "conns", 4, "connections")
	fs.IntVar(&f.conns, "connections", 4, "alias of --conns")
	fs.StringVar(&c.addr, "target", c.addr, "alias of --switch")
	fs.IntVar(&f.inflight, "inflight", 256, "closed loop: requests kept in flight; open loop (--rate): cap on requests in flight")
	fs.IntVar(&f.count, "count", 0, "total requests (0 = until --duration)")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "run time when --count is 0")
	fs.Float64Var(&f.rate, "rate", 0, "open loop: requests per second at fixed intended times (0 = closed loop)")
	fs.BoolVar(&f.json, "json", false, "print the result as JSON")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress on stderr")
	fs.StringVar(&f.mixFile, "mix", "", "transaction mix file (YAML, see simulators/load); default: the benchmark purchase")
	fs.StringVar(&f.accounts, "accounts", "", "issuer accounts file the cards come from (overrides the mix's)")
	fs.StringVar(&f.pinKey, "pin-key", "", "id of the acquirer's zone PIN key in --key-store (PIN transactions)")
	fs.StringVar(&f.pinFmt, "pin-format", "iso0", "PIN block format: iso0 | iso1 | iso3 | iso4")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the mix's choices")
	fs.IntVar(&f.chipPool, "chip-pool", 0, "field 55 values kept per chip card (0 = default, -1 = a fresh ARQC per request)")
	// --id may be repeated: connection k signs on as the (k mod n)-th.
	idf := fs.Lookup("id")
	idf.Value = &idList{ids: &f.ids, first: &c.id}
	idf.Usage = "own institution id (1..11 digits); repeat for several acquirers (connection k uses the k mod n-th)"
}

// idList is the repeatable --id flag; the first value also becomes the
// client flags' id.
type idList struct {
	ids   *[]string
	first *string
}

func (l *idList) String() string {
	if l.first == nil {
		return ""
	}
	return *l.first
}

func (l *idList) Set(v string) error {
	*l.ids = append(*l.ids, v)
	if len(*l.ids) == 1 {
		*l.first = v
	}
	return nil
}

func (f *loadFlags) check() error {
	switch {
	case f.conns < 1:
		return errors.New("--conns must be at least 1")
	case f.rate < 0:
		return errors.New("--rate must not be negative")
	case f.pinKey != "" && f.mixFile == "":
		return errors.New("--pin-key needs --mix (PIN transactions come from a mix)")
	}
	return nil
}

// loadMix reads --mix (nil without), with --accounts overriding its file.
func (f *loadFlags) loadMix() (*load.Mix, error) {
	if f.mixFile == "" {
		return nil, nil
	}
	m, err := load.LoadMix(f.mixFile)
	if err != nil {
		return nil, err
	}
	if f.accounts != "" {
		m.Accounts = f.accounts
	}
	return m, nil
}

// connectionIDs returns the acquirer id of each connection: --id values
// (repeated), else the mix's acquirers, else the default id.
func (f *loadFlags) connectionIDs(c *clientFlags, mix *load.Mix) []string {
	ids := f.ids
	if len(ids) == 0 && mix != nil && len(mix.Acquirers) > 0 {
		ids = mix.Acquirers
	}
	if len(ids) == 0 {
		ids = []string{c.id}
	}
	out := make([]string, f.conns)
	for k := range out {
		out[k] = ids[k%len(ids)]
	}
	return out
}

// generator builds the mix's generator over the cards of its accounts file
// (BuiltinCards without one).
func (f *loadFlags) generator(mix *load.Mix, ids []string, pin *load.ModulePIN) (*load.Generator, error) {
	var cards []load.Card
	if mix.Accounts != "" {
		var err error
		if cards, err = load.LoadCards(mix.Accounts); err != nil {
			return nil, err
		}
	}
	cfg := load.GeneratorConfig{Mix: mix, Cards: cards, Connections: ids, Seed: f.seed, ChipPool: f.chipPool}
	if pin != nil { // a nil *ModulePIN must not become a non-nil PINSource
		cfg.PIN = pin
	}
	return load.NewGenerator(cfg)
}

// openPIN prepares PIN blocks under --pin-key. The module works on a
// scratch copy of --key-store (ModulePIN adds a terminal key to it), so
// the store other processes share is never written. The returned function
// releases everything; it is a no-op without --pin-key.
func (f *loadFlags) openPIN(ctx context.Context, c *clientFlags) (*load.ModulePIN, func(), error) {
	if f.pinKey == "" {
		return nil, func() {}, nil
	}
	if c.mac.keyStore == "" || c.mac.lmkFile == "" {
		return nil, nil, errors.New("--pin-key needs --key-store and --lmk-file")
	}
	format, err := parsePINFormat(f.pinFmt)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "paysim-load-keys-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	scratch := filepath.Join(dir, "keys.json")
	if err := copyFile(scratch, c.mac.keyStore); err != nil {
		cleanup()
		return nil, nil, err
	}
	lmk, err := soft.LMKFromFile(c.mac.lmkFile)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	mod, err := soft.Open(scratch, lmk)
	clear(lmk)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	p, err := load.NewModulePIN(ctx, mod, hsm.KeyID(f.pinKey), format)
	if err != nil {
		mod.Close()
		cleanup()
		return nil, nil, err
	}
	return p, func() {
		_ = p.Close(context.Background())
		mod.Close()
		cleanup()
	}, nil
}

func parsePINFormat(s string) (hsm.PINFormat, error) {
	if f, ok := hsm.ParsePINFormat(s); ok {
		return f, nil
	}
	return 0, fmt.Errorf("--pin-format %q: want iso0, iso1, iso3 or iso4", s)
}

// copyFile copies src to dst (created 0600).
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
