package main

import (
	"errors"
	"flag"
	"io"
	"time"

	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
)

// Errors of the issuer's own flags.
var (
	errPINFlags   = errors.New("--pin-key needs --accounts, --key-store and --lmk-file")
	errPINFormat  = errors.New("--pin-format: want iso0, iso1, iso3 or iso4")
	errFaultsFlag = errors.New("--faults: want comma-separated key=value settings")
)

// issuerFlags are the flags of `paysim issuer` beyond the wire flags.
type issuerFlags struct {
	listen    string
	connect   string
	delay     time.Duration
	accounts  string
	pinKey    string
	pinFormat string
	faults    string
}

func (x *issuerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&x.listen, "listen", "127.0.0.1:6100", "listen address")
	fs.StringVar(&x.connect, "connect", "", "dial this address (the switch) instead of listening; signs on and redials")
	fs.DurationVar(&x.delay, "delay", 0, "delay before answering financial requests")
	fs.StringVar(&x.accounts, "accounts", "", "YAML accounts file (TEST data, e.g. testdata/issuer/accounts.yaml): authorize from it")
	fs.StringVar(&x.pinKey, "pin-key", "", "id of the zone PIN key (ZPK) in the key store, e.g. 01020000/zpk: verify field 52")
	fs.StringVar(&x.pinFormat, "pin-format", "", "PIN block format: iso0 | iso1 | iso3 | iso4 (default: iso4 for *-sm dialects, else iso0)")
	fs.StringVar(&x.faults, "faults", "", "fault injection, e.g. seed=7,drop-every=10,delay=2s,delay-rate=0.1,bad-mac-rate=0.05,garbage-every=50,disconnect-after=100")
}

// apply fills the accounts, PIN, MAC and fault settings of cfg and returns
// the security module to close afterwards (nil when none was opened).
func (x *issuerFlags) apply(cfg *issuer.Config, w *wireFlags, dialectName string) (io.Closer, error) {
	f, err := parseFaults(x.faults)
	if err != nil {
		return nil, err
	}
	cfg.Faults = f
	if x.accounts != "" {
		if cfg.Accounts, err = issuer.LoadAccounts(x.accounts); err != nil {
			return nil, err
		}
	}
	if x.pinKey == "" {
		mac, closer, err := w.mac.open()
		cfg.MAC = mac
		return closer, err
	}
	if cfg.Accounts == nil || w.mac.keyStore == "" || w.mac.lmkFile == "" {
		return nil, errPINFlags
	}
	format, err := pinFormat(x.pinFormat, dialectName)
	if err != nil {
		return nil, err
	}
	mod, err := x.module(cfg, w)
	if err != nil {
		return nil, err
	}
	cfg.PIN = &issuer.PIN{Module: mod, ZPK: hsm.KeyID(x.pinKey), Format: format}
	return mod, cfg.PIN.ZPK.Validate()
}

// module opens the key store once for both the MAC (when --mac-key is
// given) and the PIN key.
func (x *issuerFlags) module(cfg *issuer.Config, w *wireFlags) (hsm.Module, error) {
	if w.mac.macKey != "" {
		mac, _, err := w.mac.open()
		if err != nil {
			return nil, err
		}
		cfg.MAC = mac
		return mac.Module, nil
	}
	lmk, err := soft.LMKFromFile(w.mac.lmkFile)
	if err != nil {
		return nil, err
	}
	defer clear(lmk)
	return soft.Open(w.mac.keyStore, lmk)
}

// pinFormat maps a --pin-format value (or the dialect's default).
func pinFormat(s, dialectName string) (hsm.PINFormat, error) {
	f, err := issuer.PINFormatFor(s, dialectName)
	if errors.Is(err, issuer.ErrPINFormat) {
		return 0, errPINFormat
	}
	return f, err
}
