package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hulian/hulian/card"
)

// Errors that end a case with the verdict "error" (the case could not run
// to its end), besides the transport's (card.ErrCardRemoved ...).
var (
	// ErrScript: the script cannot run as written (a value is not hex once
	// its variables are substituted, a loop without an AFL ...).
	ErrScript = errors.New("script error")
	// ErrCardData: the card's data does not allow the action (no PDOL
	// where one is needed is not this: a CDOL missing, a malformed answer).
	ErrCardData = errors.New("card data")
)

// failure is a check that did not hold: the case fails. Msg is plain
// words, with sensitive values masked.
type failure struct{ Msg string }

func (f *failure) Error() string { return f.Msg }

func failf(format string, args ...any) error { return &failure{Msg: fmt.Sprintf(format, args...)} }

// describe turns a step error into the case's message.
func describe(err error, line int, caseCtx context.Context, stepTimeout, caseTimeout time.Duration) string {
	var f *failure
	switch {
	case errors.As(err, &f):
		return f.Msg
	case errors.Is(err, card.ErrCardRemoved):
		return fmt.Sprintf("the card was removed during the step at line %d: %v", line, err)
	case errors.Is(err, card.ErrNotAnswering) && errors.Is(err, context.Canceled):
		return fmt.Sprintf("card not answering: the run was interrupted while the step at line %d waited for the card", line)
	case errors.Is(err, card.ErrNotAnswering) && caseCtx.Err() != nil:
		return fmt.Sprintf("card not answering: no answer before the case timed out after %s (step at line %d)", caseTimeout, line)
	case errors.Is(err, card.ErrNotAnswering) && errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("card not answering: no answer within the step timeout of %s (step at line %d)", stepTimeout, line)
	case errors.Is(err, card.ErrNotAnswering):
		return fmt.Sprintf("card not answering (step at line %d): %v", line, err)
	case errors.Is(err, context.DeadlineExceeded) && caseCtx.Err() != nil:
		return fmt.Sprintf("the case timed out after %s (step at line %d)", caseTimeout, line)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("the step at line %d timed out after %s", line, stepTimeout)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("the run was interrupted at the step at line %d", line)
	}
	return fmt.Sprintf("step at line %d: %v", line, err)
}

// asFailure is errors.As for *failure.
func asFailure(err error, f **failure) bool { return errors.As(err, f) }
