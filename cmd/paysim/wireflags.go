package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
)

// errUsage marks a flag error (already reported by the flag package).
var errUsage = errors.New("bad usage")

// wireFlags are the connection settings shared by every subcommand but proxy.
type wireFlags struct {
	id      string
	dialect string
	framing string
	header  bool
	verbose bool
	mac     macFlags
}

func (w *wireFlags) register(fs *flag.FlagSet, defaultID string) {
	fs.StringVar(&w.id, "id", defaultID, "own institution id (1..11 digits)")
	fs.StringVar(&w.dialect, "dialect", "hl87a", "message dialect: hl87a | hl87b | hl87a-sm | hl87b-sm (16-byte PIN blocks)")
	fs.StringVar(&w.framing, "framing", "", "length prefix: ascii4 | binary2 (default: the dialect's)")
	fs.BoolVar(&w.header, "header", false, "46-byte header on every message")
	fs.BoolVar(&w.verbose, "v", false, "log connection events to stderr")
	w.mac.register(fs)
}

// resolve returns the dialect and framing the flags name.
func (w *wireFlags) resolve() (*dialect.Dialect, frame.Kind, error) {
	d, err := dialect.Builtin(w.dialect)
	if err != nil {
		return nil, 0, err
	}
	name := w.framing
	if name == "" {
		name = d.DefaultFraming()
	}
	k, err := frame.ParseKind(name)
	if err != nil {
		return nil, 0, err
	}
	return d, k, nil
}

// logger returns a stderr text logger with -v, else nil (discard).
func (w *wireFlags) logger(stderr io.Writer) *slog.Logger {
	if !w.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(stderr, nil))
}

// parse parses args into fs, turning flag errors into errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("paysim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
