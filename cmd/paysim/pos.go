package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/simcard"
)

// posUsage heads `paysim pos -h`.
const posUsage = `usage: paysim pos --switch ADDR --id ACQ_ID --dialect hl87a --amount 12.34
                  (--reader NAME | --sim PROFILE) [--pin 123456] [--auth]
                  [--online-pin --pin-key ID --key-store FILE --lmk-file FILE]

One chip purchase at an attended POS: the EMV/PBOC kernel reads the card in
a PC/SC reader (--reader) or a simulated card in process (--sim, a profile
file or a name in testdata/cards), the online request goes through the
switch (0200, or 0100 with --auth), the card completes with the answer and
the receipt is printed (PAN masked). Exit status 0 for an approval, 1 for a
decline or a failure.

flags:
`

// runPOS performs one chip transaction and prints its receipt.
func runPOS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("pos", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), posUsage)
		fs.PrintDefaults()
	}
	var c clientFlags
	c.register(fs)
	var pf posFlags
	pf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	amount, err := pf.check()
	if err != nil {
		fmt.Fprintf(stderr, "paysim pos: %v\n", err)
		return errUsage
	}
	if !pf.onlinePIN || c.mac.macKey != "" {
		closer, err := c.openMAC()
		if err != nil {
			return err
		}
		defer closer.Close()
	}
	lf := loadFlags{pinKey: pf.pinKey, pinFmt: pf.pinFmt}
	pinPad, closePIN, err := lf.openPIN(ctx, &c)
	if err != nil {
		return err
	}
	defer closePIN()
	tr, closeCard, err := pf.openCard(ctx, c.timeout)
	if err != nil {
		return err
	}
	defer closeCard()
	finish := c.startReversals(ctx, stderr)
	cl, err := c.dial(ctx, stderr)
	if err != nil {
		finish()
		return err
	}
	defer cl.Close()
	defer finish()
	cfg, err := pf.terminalConfig()
	if err != nil {
		return err
	}
	cfg.Client, cfg.Timeout, cfg.Logger = cl, c.timeout, c.logger(stderr)
	if pinPad != nil {
		cfg.PINBlocks = pinPad
	}
	term, err := pos.New(cfg)
	if err != nil {
		return err
	}
	rc, err := term.Run(ctx, tr, amount)
	if rc != nil {
		fmt.Fprint(stdout, rc.String())
	}
	switch {
	case err != nil:
		return err
	case !rc.Approved:
		return errDeclined
	}
	return nil
}

// errDeclined makes the exit status 1 for a declined transaction (the
// receipt says why).
var errDeclined = errors.New("transaction declined")

// openCard returns the transport of --reader or --sim and its closer.
func (pf *posFlags) openCard(ctx context.Context, wait time.Duration) (card.Transport, func(), error) {
	if pf.sim != "" {
		p, err := simcard.LoadProfile(profilePath(pf.sim))
		if err != nil {
			return nil, nil, err
		}
		sc, err := simcard.New(p, simcard.Options{StatePath: pf.state})
		if err != nil {
			return nil, nil, err
		}
		tr := card.NewInProcess(sc)
		return tr, func() { tr.Close() }, nil
	}
	pc, err := pcsc.Establish(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("the PC/SC service is not running: start pcscd (make pcscd): %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if _, err := pc.Wait(wctx, pf.reader, true); err != nil {
		pc.Close()
		return nil, nil, fmt.Errorf("no card in reader %q: %w", pf.reader, err)
	}
	cctx, ccancel := context.WithTimeout(ctx, wait)
	defer ccancel()
	conn, err := pc.Connect(cctx, pf.reader, pcsc.ConnectOptions{})
	if err != nil {
		pc.Close()
		return nil, nil, err
	}
	// Every command to the card is bounded by --timeout too: a mute card
	// ends the transaction instead of hanging it.
	return card.Deadline{Transport: conn, Timeout: wait}, func() { conn.Close(); pc.Close() }, nil
}

// profilePath turns a profile name ("pboc-rsa") into its file in
// testdata/cards; a path is used as it is.
func profilePath(s string) string {
	if strings.ContainsRune(s, filepath.Separator) || strings.HasSuffix(s, ".yaml") {
		return s
	}
	return filepath.Join("testdata", "cards", s+".yaml")
}

// terminalConfig is the terminal the flags describe, without its client.
func (pf *posFlags) terminalConfig() (pos.Config, error) {
	store, err := capk.LoadFile(pf.capk)
	if err != nil {
		return pos.Config{}, err
	}
	k := kernel.DefaultConfig()
	k.CAKeys = store
	k.ECSupport = pf.ec
	cfg := pos.Config{
		Kernel: k, Auth: pf.auth, ForceOnline: pf.forceOnline, OnlinePINOnly: pf.onlinePIN,
		TerminalID: pf.terminalID, MerchantID: pf.merchantID,
	}
	if pf.pin != "" {
		pin := pf.pin
		cfg.EnterPIN = func(context.Context) ([]byte, error) { return []byte(pin), nil }
	}
	return cfg, nil
}
