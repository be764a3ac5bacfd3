package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hulian/hulian/card/vpcd"
	simcard "github.com/hulian/hulian/simulators/card"
)

// runCard serves a simulated PBOC card to vsmartcard's virtual reader, or
// with the "personalize" subcommand writes a new card profile.
func runCard(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "personalize" {
		return runCardPersonalize(args[1:], stdout, stderr)
	}
	fs := newFlagSet("card", stderr)
	addr := fs.String("vpcd", "127.0.0.1:35963", "vpcd reader slot address (the card dials it)")
	profile := fs.String("profile", "", "card profile (YAML, e.g. testdata/cards/pboc-rsa.yaml)")
	state := fs.String("state", "", "JSON file persisting ATC, PIN tries, EC balance, blocks and log")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *profile == "" {
		fmt.Fprintln(stderr, "paysim card: --profile is required")
		return errUsage
	}
	p, err := simcard.LoadProfile(*profile)
	if err != nil {
		return err
	}
	c, err := simcard.New(p, simcard.Options{StatePath: *state})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "card %s (%s, %d applications) on vpcd %s\n", p.Name, p.Algorithm, len(p.Applications), *addr)
	err = vpcd.Serve(ctx, *addr, c)
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		err = nil
	}
	return errors.Join(err, c.SaveState())
}
