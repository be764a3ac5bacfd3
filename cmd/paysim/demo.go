package main

import (
	"context"
	"errors"
	"io"

	"github.com/hulian/hulian/simulators/demo"
)

// runDemo is `paysim demo` (package simulators/demo).
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := demo.Run(ctx, args, stdout, stderr)
	if errors.Is(err, demo.ErrUsage) {
		return errUsage
	}
	return err
}
