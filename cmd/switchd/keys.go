package main

import (
	"context"
	"io"
	"os"

	"github.com/hulian/hulian/switch/keyceremony"
)

// runKeys is `switchd keys VERB --config FILE ...` (package keyceremony);
// components given as "-" are read from stdin, with a prompt for each when
// stdin is a terminal.
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	prompt := false
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		prompt = true
	}
	return keyceremony.Run(ctx, args, os.Stdin, prompt, stdout, stderr)
}
