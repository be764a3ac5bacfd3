package clearing

import (
	"errors"
	"fmt"
)

// ErrUnreconciled is wrapped by every *RecordError: the journal's records
// do not agree with each other or with the clearing rules, so no report is
// produced.
var ErrUnreconciled = errors.New("clearing: journal records do not reconcile")

// RecordError names a journal record that Build refused and why. It never
// carries the record's values (the masked PAN, amounts or references).
type RecordError struct {
	ID     int64
	Reason string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("clearing: record %d: %s", e.ID, e.Reason)
}

// Unwrap makes errors.Is(err, ErrUnreconciled) hold.
func (e *RecordError) Unwrap() error { return ErrUnreconciled }

// BalanceError reports net positions of one currency that do not sum to
// zero: only corrupt data can cause it.
type BalanceError struct {
	Currency string
	Sum      int64
}

func (e *BalanceError) Error() string {
	return fmt.Sprintf("clearing: net positions in currency %s sum to %d, not 0", e.Currency, e.Sum)
}

// Unwrap makes errors.Is(err, ErrUnreconciled) hold.
func (e *BalanceError) Unwrap() error { return ErrUnreconciled }
