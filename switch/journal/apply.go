package journal

import (
	"context"
	"errors"
)

// applySequential applies ws one statement at a time through r, which is
// inside a transaction. Normal outcomes (duplicate, late answer, unknown
// id) become per-write results; only database failures are returned.
func applySequential(ctx context.Context, r runner, d *dialect, ws []*Write, createdUS int64) error {
	for _, w := range ws {
		var err error
		switch w.Kind {
		case WriteInsert:
			err = applyInsert(ctx, r, w)
		case WriteFinish:
			err = applyFinish(ctx, r, d, w)
		case WriteReversal:
			err = applyReversal(ctx, r, w)
		case WriteEnqueue:
			err = applyEnqueue(ctx, r, d, w, createdUS)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// applyInsert inserts w.Record or loads the stored one into w.Duplicate.
func applyInsert(ctx context.Context, r runner, w *Write) error {
	var id int64
	err := r.each(ctx, insertSQL, insertArgs(w.Record), func(scan scanFunc) error { return scan(&id) })
	if err != nil {
		return err
	}
	if id != 0 {
		w.Record.ID = id
		return nil
	}
	return loadDuplicate(ctx, r, w)
}

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

// applyFinish reads the state before and finishes a forwarded record.
func applyFinish(ctx context.Context, r runner, d *dialect, w *Write) error {
	var prev string
	found := false
	err := r.each(ctx, stateSQL+d.selectLock, []any{w.ID}, func(scan scanFunc) error {
		found = true
		return scan(&prev)
	})
	if err != nil {
		return err
	}
	if !found {
		w.Err = ErrNotFound
		return nil
	}
	w.Prev = State(prev)
	if w.Prev != StateForwarded {
		return nil
	}
	_, err = r.exec(ctx, finishSQL, finishArgs(w)...)
	return err
}

// applyReversal sets the reversal state of record w.ID.
func applyReversal(ctx context.Context, r runner, w *Write) error {
	n, err := r.exec(ctx, reversalSQL, w.ID, string(w.Reversal))
	if err == nil && n == 0 {
		w.Err = ErrNotFound
	}
	return err
}

// applyEnqueue adds w.SAF to the queue when its record exists; a reversal
// (0420) also marks the record ReversalQueued.
func applyEnqueue(ctx context.Context, r runner, d *dialect, w *Write, createdUS int64) error {
	var id int64
	err := r.each(ctx, d.enqueueSQL, enqueueArgs(w.SAF, createdUS), func(scan scanFunc) error { return scan(&id) })
	if err != nil {
		return err
	}
	if id == 0 {
		w.Err = ErrNotFound
		return nil
	}
	w.SAF.ID = id
	if w.SAF.MTI == "0420" {
		_, err = r.exec(ctx, queueRevSQL, w.SAF.TxnID)
	}
	return err
}
