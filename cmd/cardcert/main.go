package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: cardcert <command> [flags]

commands:
  readers   list the PC/SC readers and the ATR of each card
  read      read a card's applications and data objects (read-only, PAN masked)
  run       run a certification suite on cards and write the reports
  lint      check certification scripts without a card

run "cardcert <command> -h" for the flags of a command.
`

// commands maps subcommand names to their functions.
func commands() map[string]func(context.Context, []string, io.Writer, io.Writer) error {
	return map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"readers": runReaders,
		"read":    runRead,
		"run":     runRun,
		"lint":    runLint,
	}
}

// run executes one subcommand and returns the exit code: 0 success,
// 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cardcert: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "cardcert %s: %v\n", args[0], err)
	return 1
}

// errUsage: bad flags or arguments, already reported by the flag set.
var errUsage = errors.New("usage")

// parseFlags parses args with fs (output to stderr) and maps errors to
// flag.ErrHelp or errUsage.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %q\n", fs.Args())
		return errUsage
	}
	return nil
}
