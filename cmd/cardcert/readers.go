package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
)

// runReaders lists the readers pcscd knows and, for each reader holding a
// card, the card's ATR in hex.
func runReaders(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("readers", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cardcert readers\n\nLists the PC/SC readers and the ATR of the card in each.")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	pc, err := pcsc.Establish(ctx)
	if errors.Is(err, card.ErrNoService) {
		return fmt.Errorf("the PC/SC service is not running: start pcscd (make pcscd): %w", err)
	}
	if err != nil {
		return err
	}
	defer func() { _ = pc.Close() }()
	names, err := pc.Readers(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintln(stdout, "no readers")
		return nil
	}
	states, err := pc.Status(ctx, names...)
	if err != nil {
		return err
	}
	for _, s := range states {
		fmt.Fprintln(stdout, describe(s))
	}
	return nil
}

// describe is one output line: "<reader>: empty" or "<reader>: ATR <hex>".
func describe(s pcsc.ReaderState) string {
	switch {
	case s.Present && s.Mute:
		return fmt.Sprintf("%s: card present, mute (no ATR)", s.Reader)
	case s.Present:
		return fmt.Sprintf("%s: ATR %X", s.Reader, s.ATR)
	}
	return fmt.Sprintf("%s: empty", s.Reader)
}
