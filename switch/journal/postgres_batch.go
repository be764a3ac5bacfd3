package journal

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// applyBatch applies ws in one transaction. When no record is changed by
// two writes of the batch (the hot path: inserts and finishes), it uses a
// few set-based statements (applySets); otherwise it falls back to one
// statement per write, in order (applyEach).
func (s *pgStore) applyBatch(ctx context.Context, ws []*Write) error {
	if setBased(ws) {
		return s.applySets(ctx, ws)
	}
	return s.applyEach(ctx, ws)
}

// applyEach sends every statement of ws in one pgx.Batch (one round trip)
// inside one transaction. No statement fails on a normal outcome: inserts
// use ON CONFLICT DO NOTHING, finishes read the state before (locked) and
// update only forwarded rows, enqueues insert only when the record exists.
// Duplicates are loaded afterwards in the same transaction.
func (s *pgStore) applyEach(ctx context.Context, ws []*Write) error {
	created := micros(time.Now())
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, w := range ws {
			s.queue(b, w, created)
		}
		br := tx.SendBatch(ctx, b)
		var dups []*Write
		for _, w := range ws {
			dup, err := readResult(br, w)
			if err != nil {
				_ = br.Close()
				return err
			}
			if dup {
				dups = append(dups, w)
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		r := pgRunner{tx}
		for _, w := range dups {
			if err := loadDuplicate(ctx, r, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// queue adds the statements of w to b; readResult reads them back in order.
func (s *pgStore) queue(b *pgx.Batch, w *Write, created int64) {
	switch w.Kind {
	case WriteInsert:
		b.Queue(insertSQL, insertArgs(w.Record)...)
	case WriteFinish:
		b.Queue(stateSQL+s.d.selectLock, w.ID)
		b.Queue(finishSQL, finishArgs(w)...)
	case WriteReversal:
		b.Queue(reversalSQL, w.ID, string(w.Reversal))
	case WriteEnqueue:
		b.Queue(s.d.enqueueSQL, enqueueArgs(w.SAF, created)...)
		if w.SAF.MTI == "0420" {
			b.Queue(queueRevSQL, w.SAF.TxnID)
		}
	}
}

// readResult reads the results of w's statements and reports whether the
// insert hit an existing key.
func readResult(br pgx.BatchResults, w *Write) (dup bool, err error) {
	switch w.Kind {
	case WriteInsert:
		id, found, err := scanOptionalID(br)
		if err == nil && found {
			w.Record.ID = id
		}
		return err == nil && !found, err
	case WriteFinish:
		var prev string
		err := br.QueryRow().Scan(&prev)
		found := err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			w.Err, err = ErrNotFound, nil
		}
		if err != nil {
			return false, err
		}
		if found {
			w.Prev = State(prev)
		}
		_, err = br.Exec() // applies only when the state was forwarded
		return false, err
	case WriteReversal:
		tag, err := br.Exec()
		if err == nil && tag.RowsAffected() == 0 {
			w.Err = ErrNotFound
		}
		return false, err
	case WriteEnqueue:
		var id int64
		var found bool
		if err := br.QueryRow().Scan(&id, &found); err != nil {
			return false, err
		}
		if found {
			w.SAF.ID = id
		} else {
			w.Err = ErrNotFound
		}
		if w.SAF.MTI == "0420" {
			_, err = br.Exec()
		}
		return false, err
	}
	return false, nil
}

// scanOptionalID reads a RETURNING id result that may have no row.
func scanOptionalID(br pgx.BatchResults) (int64, bool, error) {
	var id int64
	err := br.QueryRow().Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
