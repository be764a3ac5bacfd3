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

// usage is printed for a missing or unknown subcommand.
const usage = `usage: paysim <command> [flags]

commands:
  issuer    serve an issuer host
  acquirer  sign on and send sample transactions
  load      generate load and print throughput and latency
  proxy     forward raw TCP (benchmark ceiling)
  demo      run switchd with simulated institutions and report a transaction mix
  card      serve a simulated PBOC card to vpcd, or "card personalize" a profile
  pos       one chip purchase at a POS terminal (PC/SC reader or simulated card)

run "paysim <command> -h" for the flags of a command.
`

// run executes one subcommand and returns the process exit code: 0 on
// success, 1 on failure, 2 on bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var cmd func(context.Context, []string, io.Writer, io.Writer) error
	switch args[0] {
	case "issuer":
		cmd = runIssuer
	case "acquirer":
		cmd = runAcquirer
	case "load":
		cmd = runLoad
	case "proxy":
		cmd = runProxy
	case "demo":
		cmd = runDemo
	case "card":
		cmd = runCard
	case "pos":
		cmd = runPOS
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "paysim: unknown command %q\n\n%s", args[0], usage)
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
	fmt.Fprintf(stderr, "paysim %s: %v\n", args[0], err)
	return 1
}
