package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// posFlags are the settings of paysim pos beyond the connection's.
type posFlags struct {
	reader      string
	sim         string
	state       string
	amount      string
	pin         string
	auth        bool
	onlinePIN   bool
	forceOnline bool
	ec          bool
	pinKey      string
	pinFmt      string
	capk        string
	terminalID  string
	merchantID  string
}

func (f *posFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.reader, "reader", "", "PC/SC reader `NAME` holding the card (e.g. \"Virtual PCD 00 00\")")
	fs.StringVar(&f.sim, "sim", "", "simulated card in process: a profile `file`, or a name in testdata/cards (pboc-rsa, pboc-sm)")
	fs.StringVar(&f.state, "state", "", "with --sim: JSON file keeping the card's ATC, EC balance ... across runs")
	fs.StringVar(&f.amount, "amount", "", "purchase amount in yuan, e.g. 12.34")
	fs.StringVar(&f.pin, "pin", "", "TEST PIN typed on the PIN pad (none: no PIN pad)")
	fs.BoolVar(&f.auth, "auth", false, "send an 0100 authorization instead of an 0200")
	fs.BoolVar(&f.onlinePIN, "online-pin", false, "keep the PIN pad away from the card: online PIN (needs --pin-key)")
	fs.BoolVar(&f.forceOnline, "force-online", false, "merchant forced online")
	fs.BoolVar(&f.ec, "ec", false, "offer electronic cash (9F7A = 01): an EC card may then approve offline")
	fs.StringVar(&f.pinKey, "pin-key", "", "id of the acquirer's zone PIN key in --key-store (online PIN)")
	fs.StringVar(&f.pinFmt, "pin-format", "iso0", "PIN block format: iso0 | iso1 | iso3 | iso4")
	fs.StringVar(&f.capk, "capk", "testdata/emv/capk-test.txt", "CA public key `file` for offline data authentication")
	fs.StringVar(&f.terminalID, "terminal-id", "", "field 41 (8 characters, default HLPOS001)")
	fs.StringVar(&f.merchantID, "merchant-id", "", "field 42 (15 characters)")
}

// check validates the flags and returns the amount in minor units.
func (f *posFlags) check() (int64, error) {
	switch {
	case (f.reader == "") == (f.sim == ""):
		return 0, errors.New("give exactly one of --reader and --sim")
	case f.state != "" && f.sim == "":
		return 0, errors.New("--state goes with --sim")
	case f.onlinePIN && (f.pin == "" || f.pinKey == ""):
		return 0, errors.New("--online-pin needs --pin and --pin-key")
	case f.pinKey != "" && !f.onlinePIN:
		return 0, errors.New("--pin-key is for --online-pin")
	}
	return parseAmount(f.amount)
}

// parseAmount reads a positive amount in yuan with at most two decimals
// ("12.34", "5", "0.5") as minor units.
func parseAmount(s string) (int64, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if s == "" || whole == "" || len(frac) > 2 || (dot && frac == "") || len(whole) > 10 {
		return 0, fmt.Errorf("--amount %q: want yuan with up to two decimals, e.g. 12.34", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("--amount %q: want yuan with up to two decimals, e.g. 12.34", s)
			}
		}
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("--amount %q: must be above zero", s)
	}
	return v, nil
}
