package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/load"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", stderr)
	var c clientFlags
	c.register(fs)
	var lf loadFlags
	lf.register(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := lf.check(); err != nil {
		return err
	}
	mix, err := lf.loadMix()
	if err != nil {
		return err
	}
	ids := lf.connectionIDs(&c, mix)
	if lf.pinKey == "" || c.mac.macKey != "" {
		closer, err := c.openMAC()
		if err != nil {
			return err
		}
		defer closer.Close()
	}
	pin, closePIN, err := lf.openPIN(ctx, &c)
	if err != nil {
		return err
	}
	defer closePIN()
	clients := make([]*acquirer.Client, 0, len(ids))
	defer func() {
		for _, cl := range clients {
			cl.Close()
		}
	}()
	defer c.startReversals(ctx, stderr)() // before the clients close
	for _, id := range ids {
		cc := c
		cc.id = id
		cl, err := cc.dial(ctx, stderr)
		if err != nil {
			return err
		}
		clients = append(clients, cl)
	}
	o := load.Options{Clients: clients, InFlight: lf.inflight, Count: lf.count, Timeout: c.timeout, Rate: lf.rate}
	if lf.count == 0 {
		o.Duration = lf.duration
	}
	if mix != nil {
		if o.Generator, err = lf.generator(mix, ids, pin); err != nil {
			return err
		}
	}
	prog := newProgress(stderr, lf.quiet)
	o.Progress, o.ProgressEvery = prog.report, prog.every
	res, err := load.Run(ctx, o)
	prog.finish()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if lf.json {
		return json.NewEncoder(stdout).Encode(res)
	}
	return res.WriteSummary(stdout)
}

// progress prints Run's progress on stderr: one line rewritten in place
// every second on a terminal, a plain line every plainEvery otherwise,
// nothing with --quiet.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration
	report   func(load.Progress)
	printed  bool
}

// plainEvery is the period of progress lines when stderr is not a terminal.
const plainEvery = 5 * time.Second

func newProgress(w io.Writer, quiet bool) *progress {
	p := &progress{w: w, terminal: isTerminal(w), every: time.Second}
	if quiet {
		return p // report stays nil: no progress
	}
	if !p.terminal {
		p.every = plainEvery
	}
	p.report = p.line
	return p
}

func (p *progress) line(s load.Progress) {
	text := fmt.Sprintf("%6.0fs  done %d  rate %.0f/s  p99 %s  errors %d  late %d  in flight %d",
		s.Elapsed.Seconds(), s.Done, s.Rate, s.P99.Round(time.Microsecond), s.Errors, s.Late, s.InFlight)
	if p.terminal {
		fmt.Fprint(p.w, "\r\x1b[K"+text)
		p.printed = true
		return
	}
	fmt.Fprintln(p.w, text)
}

// finish ends the in-place line on a terminal.
func (p *progress) finish() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
