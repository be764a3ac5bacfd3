package journal

import (
	"context"
	"errors"
)

// loadDuplicate fills w.Duplicate with the record stored under w's key.
func loadDuplicate(ctx context.Context, r runner, w *Write) error {
	dup, err := lookupKey(ctx, r, w.Record.Key)
	if errors.Is(err, ErrNotFound) {
		// The conflicting row vanished: nothing deletes rows, so this is a
		// database anomaly worth failing the batch for.
		return errors.New("journal: conflicting key not found")
	}
	w.Duplicate = dup
	return err
}
