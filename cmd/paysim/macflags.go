package main

import (
	"errors"
	"flag"
	"io"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
)

// errMACFlags reports --key-store, --lmk-file and --mac-key not given together.
var errMACFlags = errors.New("--key-store, --lmk-file and --mac-key go together (all three or none)")

// macFlags name the software security module and key of the MAC in field
// 128 (issuer, acquirer and load).
type macFlags struct {
	keyStore string
	lmkFile  string
	macKey   string
}

func (f *macFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.keyStore, "key-store", "", "software security module key store (MAC in field 128)")
	fs.StringVar(&f.lmkFile, "lmk-file", "", "file holding the key store's local master key (hex)")
	fs.StringVar(&f.macKey, "mac-key", "", "id of the zone MAC key (ZAK) shared with the peer")
}

// open returns the MAC setting the flags name, and the module to close
// afterwards; nil, nil when no flag is set.
func (f *macFlags) open() (*acquirer.MAC, io.Closer, error) {
	set := 0
	for _, v := range []string{f.keyStore, f.lmkFile, f.macKey} {
		if v != "" {
			set++
		}
	}
	switch set {
	case 0:
		return nil, nil, nil
	case 3:
	default:
		return nil, nil, errMACFlags
	}
	key := hsm.KeyID(f.macKey)
	if err := key.Validate(); err != nil {
		return nil, nil, err
	}
	lmk, err := soft.LMKFromFile(f.lmkFile)
	if err != nil {
		return nil, nil, err
	}
	mod, err := soft.Open(f.keyStore, lmk)
	clear(lmk)
	if err != nil {
		return nil, nil, err
	}
	return &acquirer.MAC{Module: mod, Key: key}, mod, nil
}
