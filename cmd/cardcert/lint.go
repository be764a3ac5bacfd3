package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hulian/hulian/certification/script"
)

// errLintProblems: the scripts have problems (printed already).
var errLintProblems = errors.New("problems found")

// runLint checks a directory of scripts without a card and prints every
// problem as file:line: problem.
func runLint(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cardcert lint DIR\n\nChecks the certification scripts under DIR (format: certification/SCRIPTS.md) and prints\nevery problem as file:line: problem. Exit status 1 when there are problems.")
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dir := fs.Arg(0)
	suite, err := script.Load(dir)
	var ps script.Problems
	switch {
	case errors.As(err, &ps):
		for _, p := range ps {
			fmt.Fprintln(stdout, p.Error())
		}
		return fmt.Errorf("%d %w", len(ps), errLintProblems)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "%s: %d cases in %d files, no problems\n", dir, len(suite.Cases()), len(suite.Files))
	return nil
}
