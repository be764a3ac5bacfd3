package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"

	"github.com/hulian/hulian/card/vpcd"
	"github.com/hulian/hulian/simulators/simcard"
)

// cardUsage heads `paysim card -h`.
const cardUsage = `usage: paysim card --profile FILE [--vpcd HOST:PORT] [--state FILE] [--removed]
       paysim card personalize -h

Serves a simulated PBOC 3.0 card (simulators/simcard) to vsmartcard's virtual
reader: the card dials the vpcd slot and redials when pcscd restarts.

Removal and insertion at run time, from outside the process:
  kill -USR1 <pid>   take the card out of the reader (pcscd sees it leave)
  kill -USR2 <pid>   put it back
Each prints "card removed" or "card inserted". The state file (--state) is
written at every power-off, removal included, and at exit.

flags:
`

// runCard serves a simulated PBOC card to vsmartcard's virtual reader, or
// with the "personalize" subcommand writes a new card profile.
func runCard(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "personalize" {
		return runCardPersonalize(args[1:], stdout, stderr)
	}
	fs := newFlagSet("card", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), cardUsage)
		fs.PrintDefaults()
	}
	addr := fs.String("vpcd", "127.0.0.1:35963", "vpcd reader slot address (the card dials it)")
	profile := fs.String("profile", "", "card profile (YAML, e.g. testdata/cards/pboc-rsa.yaml)")
	state := fs.String("state", "", "JSON file persisting ATC, PIN tries, EC balance, blocks and log")
	removed := fs.Bool("removed", false, "start with the card out of the reader (insert it with SIGUSR2)")
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
	for _, w := range p.Warnings() {
		fmt.Fprintf(stderr, "paysim card: warning: %s\n", w)
	}
	c, err := simcard.New(p, simcard.Options{StatePath: *state})
	if err != nil {
		return err
	}
	var opts []vpcd.Option
	if *removed {
		opts = append(opts, vpcd.Removed())
	}
	b := vpcd.NewBridge(*addr, c, opts...)
	stopControl := cardControl(ctx, b, stdout)
	fmt.Fprintf(stdout, "card %s (%s, %d applications) on vpcd %s, pid %d\n", p.Name, p.Algorithm, len(p.Applications), *addr, os.Getpid())
	err = b.Serve(ctx)
	stopControl()
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		err = nil
	}
	return errors.Join(err, c.SaveState())
}

// cardControl removes and inserts the card on the control signals
// (controlSignals) until the returned stop function is called.
func cardControl(ctx context.Context, b *vpcd.Bridge, stdout io.Writer) (stop func()) {
	remove, insert := controlSignals()
	if remove == nil {
		return func() {}
	}
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, remove, insert)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-ch:
				if s == remove {
					b.Remove()
					fmt.Fprintln(stdout, "card removed")
				} else {
					b.Insert()
					fmt.Fprintln(stdout, "card inserted")
				}
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		cancel()
		wg.Wait()
	}
}
