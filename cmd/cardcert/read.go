package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/simulators/simcard"
)

// readFlags are the flags of `cardcert read`.
type readFlags struct {
	reader, sim, capk    string
	showPAN, contactless bool
	timeout              time.Duration
}

// runRead reads a card with the kernel in read-only mode (selection, GPO,
// records, offline data authentication, a first GENERATE AC asking for an
// AAC, no PIN) and prints its applications and data objects as a tree.
func runRead(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f readFlags
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	fs.StringVar(&f.reader, "reader", "", "PC/SC reader `name` (see cardcert readers)")
	fs.StringVar(&f.sim, "sim", "", "read the simulated card of `profile` (a name in testdata/cards or a YAML path) instead of a reader")
	fs.StringVar(&f.capk, "capk", "testdata/emv/capk-test.txt", "CA public key `file` for offline data authentication")
	fs.BoolVar(&f.showPAN, "show-pan", false, "show PANs and cardholder data in clear (masked by default)")
	fs.BoolVar(&f.contactless, "contactless", false, "select through the PPSE (qPBOC) instead of the PSE")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "per-command `limit`: a card that does not answer within it is reported as not answering")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cardcert read (--reader NAME | --sim PROFILE) [--show-pan] [--contactless] [--capk FILE] [--timeout D]\n\nReads a card's applications and data objects (read-only: the GENERATE AC asks for an AAC, no PIN).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if (f.reader == "") == (f.sim == "") {
		fmt.Fprintln(stderr, "read: give exactly one of --reader and --sim")
		return errUsage
	}
	if f.timeout <= 0 {
		fmt.Fprintln(stderr, "read: --timeout must be positive")
		return errUsage
	}
	store, err := capk.LoadFile(f.capk)
	if err != nil {
		return fmt.Errorf("CA public keys (--capk %s): %w", f.capk, err)
	}
	tr, err := openCard(ctx, f, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = tr.Close() }()
	return readCard(ctx, card.Deadline{Transport: tr, Timeout: f.timeout}, store, f, stdout)
}

// openCard connects to the reader or powers the simulated card on.
func openCard(ctx context.Context, f readFlags, stderr io.Writer) (card.Transport, error) {
	if f.sim != "" {
		path := f.sim
		if !strings.ContainsAny(path, `/\`) && filepath.Ext(path) == "" {
			path = filepath.Join("testdata", "cards", path+".yaml")
		}
		p, err := simcard.LoadProfile(path)
		if err != nil {
			return nil, err
		}
		warnProfile(stderr, p)
		c, err := simcard.New(p, simcard.Options{})
		if err != nil {
			return nil, err
		}
		return card.NewInProcess(c), nil
	}
	pc, err := pcsc.Establish(ctx)
	if errors.Is(err, card.ErrNoService) {
		return nil, fmt.Errorf("the PC/SC service is not running: start pcscd (make pcscd): %w", err)
	}
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	conn, err := pc.Connect(cctx, f.reader, pcsc.ConnectOptions{})
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	return &pcscTransport{Conn: conn, pc: pc}, nil
}

// pcscTransport closes the PC/SC context with the connection.
type pcscTransport struct {
	*pcsc.Conn
	pc *pcsc.Context
}

func (t *pcscTransport) Close() error {
	err := t.Conn.Close()
	if cerr := t.pc.Close(); err == nil {
		err = cerr
	}
	return err
}

// readCard runs the kernel read-only and prints the result, also when the
// kernel stopped early (what was read is printed before the error).
func readCard(ctx context.Context, tr card.Transport, store *capk.Store, f readFlags, w io.Writer) error {
	cfg := kernel.DefaultConfig()
	cfg.SMSupport = true
	cfg.CAKeys = store
	if f.contactless {
		cfg.TTQ[1] |= 0x80 // online cryptogram required: no offline debit
	}
	txn := kernel.Transaction{ReadOnly: true, Type: kernel.TypePurchase}
	if f.contactless {
		txn.Interface = kernel.Contactless
	}
	s, kerr := kernel.New(cfg).Start(ctx, tr, txn)
	if s == nil {
		return kerr
	}
	if err := printRead(w, s.Result(), tags.DumpOptions{ShowPAN: f.showPAN}); err != nil {
		return err
	}
	return kerr
}

func printRead(w io.Writer, r *kernel.Result, o tags.DumpOptions) error {
	fmt.Fprintf(w, "Commands sent: %d\n", len(r.Trace))
	fmt.Fprintln(w, "Applications:")
	for _, c := range r.Candidates {
		fmt.Fprintf(w, "  %X %q priority %02X\n", c.AID, c.Label, c.Priority)
	}
	if r.Selected.AID == nil {
		return nil
	}
	fmt.Fprintf(w, "Selected: %X %q\n", r.Selected.AID, r.Selected.Label)
	section := func(title string, list []tlv.TLV) error {
		fmt.Fprintln(w, title)
		return tags.Dump(w, list, o)
	}
	if err := section("FCI:", r.FCI); err != nil {
		return err
	}
	for _, rec := range r.Records {
		if err := section("Record:", rec); err != nil {
			return err
		}
	}
	if err := section("Card data objects:", r.CardData); err != nil {
		return err
	}
	fmt.Fprintf(w, "ODA: %v (failed: %v)\nTVR: %X\nTSI: %X\nOutcome: %v\n", r.ODA, r.ODAFailed, r.TVR, r.TSI, r.Outcome)
	return nil
}
