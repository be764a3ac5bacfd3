package journal

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	readLogSQL = `SELECT seq, data FROM txlog ORDER BY seq LIMIT $1`
	trimLogSQL = `DELETE FROM txlog WHERE seq <= $1`
	// upsertSQL writes a record's latest image: a new row, or only the
	// columns that change after insertion (fewer index updates). Its
	// arguments are the ID then insertArgs; anonymous placeholders bind
	// without a parameter-name look-up each. upsertRowsSQL(upsertRows)
	// writes upsertRows records in one statement.
	upsertSQL  = upsertHead + upsertRow + upsertTail
	upsertHead = `INSERT INTO txn (id, mti, acquirer, stan, tx_time, node, business_date,
		received_us, acquirer_inst, issuer, route, link, pan_masked, pan_hash, processing,
		amount, currency, rrn, terminal, merchant, receiving, state, response_code,
		auth_id, responded_us, original_id, reversal) VALUES `
	upsertRow  = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	upsertTail = ` ON CONFLICT (id) DO UPDATE SET state = excluded.state,
		response_code = excluded.response_code, auth_id = excluded.auth_id,
		responded_us = excluded.responded_us, reversal = excluded.reversal`
	upsertCols = 27
	upsertRows = 16

	// applyChunkImages bounds the images one background apply transaction
	// writes (some tens of milliseconds of SQLite work), so that a group
	// commit never waits long behind it; drainChunkImages is the larger
	// chunk of replay and Close, when no write waits. Larger chunks let
	// more records' insert and finish images coalesce into one INSERT.
	applyChunkImages = 2048
	drainChunkImages = 16384
	// applyRows bounds the log rows read per query.
	applyRows = 256

	// Piggybacked application: a group commit applies up to
	// piggybackImages old images in its own transaction (no extra fsync)
	// while the time so spent stays under piggybackShare of the elapsed
	// time, so that a steady moderate load keeps the backlog small while
	// a saturating one lets it grow (up to MaxBacklog).
	piggybackImages = 64
	piggybackShare  = 0.05
	piggybackBurst  = 20 * time.Millisecond
)

// apBudget is the time piggybacked application may still spend.
type apBudget struct {
	left time.Duration
	last time.Time
}

// allow tops the budget up with piggybackShare of the time since the last
// call and reports whether some is left.
func (b *apBudget) allow(now time.Time) bool {
	if !b.last.IsZero() {
		b.left = min(b.left+time.Duration(float64(now.Sub(b.last))*piggybackShare), piggybackBurst)
	}
	b.last = now
	return b.left > 0
}

// piggyback applies a few old log rows inside v's transaction when the
// budget allows; they are evicted from the overlay once v commits.
func (s *sqliteStore) piggyback(v *txView) error {
	start := time.Now()
	if s.hold.Load() || s.ov.len() == 0 || !s.budget.allow(start) {
		return nil
	}
	last, n, err := applyChunk(v.ctx, v.r, piggybackImages)
	if err == nil && n > 0 {
		v.applied = last
	}
	s.budget.left -= time.Since(start)
	return err
}

// errEnough stops reading log rows once a chunk is full.
var errEnough = errors.New("journal: chunk full")

// logRow is one txlog row read back.
type logRow struct {
	seq  int64
	data []byte
}

// applyChunk moves the oldest log rows, up to about limit images, into
// table txn through r (inside a write transaction) and deletes them. It
// returns the last seq applied and the number of rows (0: the log is
// empty). The latest image of each record wins; a record inserted and
// finished in the chunk costs one INSERT.
func applyChunk(ctx context.Context, r runner, limit int) (int64, int, error) {
	var rows []logRow
	images := 0
	err := r.each(ctx, readLogSQL, []any{int64(applyRows)}, func(scan scanFunc) error {
		var lr logRow
		if images >= limit {
			return errEnough
		}
		if err := scan(&lr.seq, &lr.data); err != nil {
			return err
		}
		rows = append(rows, lr)
		if len(lr.data) > 1 {
			n, _ := binary.Uvarint(lr.data[1:]) // checked when decoded
			images += int(min(n, maxLogImages))
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	latest := make(map[int64]Record, images)
	var order []int64
	for _, lr := range rows {
		err := decodeRow(lr.data, func(rec Record) {
			if _, ok := latest[rec.ID]; !ok {
				order = append(order, rec.ID)
			}
			latest[rec.ID] = rec
		})
		if err != nil {
			return 0, 0, fmt.Errorf("txlog row %d: %w", lr.seq, err)
		}
	}
	if err := upsertAll(ctx, r, latest, order); err != nil {
		return 0, 0, err
	}
	last := rows[len(rows)-1].seq
	if _, err := r.exec(ctx, trimLogSQL, last); err != nil {
		return 0, 0, err
	}
	return last, len(rows), nil
}

// upsertRowsSQL is upsertSQL for n records.
func upsertRowsSQL(n int) string {
	return upsertHead + strings.Repeat(upsertRow+", ", n-1) + upsertRow + upsertTail
}

// upsertAll writes the records of order (IDs of latest), upsertRows per
// statement and the rest one by one.
func upsertAll(ctx context.Context, r runner, latest map[int64]Record, order []int64) error {
	many := upsertRowsSQL(upsertRows)
	args := make([]any, 0, upsertCols*upsertRows)
	for len(order) > 0 {
		q, n := upsertSQL, 1
		if len(order) >= upsertRows {
			q, n = many, upsertRows
		}
		args = args[:0]
		for _, id := range order[:n] {
			rec := latest[id]
			args = append(append(args, rec.ID), insertArgs(&rec)...)
		}
		if _, err := r.exec(ctx, q, args...); err != nil {
			return err
		}
		order = order[n:]
	}
	return nil
}

// backlog returns the number of records whose latest change is logged but
// not yet applied to table txn.
func (s *sqliteStore) backlog() int { return s.ov.len() }

// applySome applies one chunk of the log in its own transaction and
// returns the number of rows applied (0: nothing left).
func (s *sqliteStore) applySome(ctx context.Context) (int, error) {
	return s.applyUpTo(ctx, applyChunkImages)
}

// applyUpTo applies about limit images of the log in one transaction and
// returns the number of rows applied.
func (s *sqliteStore) applyUpTo(ctx context.Context, limit int) (int, error) {
	if s.hold.Load() {
		return 0, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	r := &stmtRunner{tx: tx, prepared: s.stmts, bound: make(map[string]*sql.Stmt, 2)}
	last, n, err := applyChunk(ctx, r, limit)
	if err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if n == 0 {
		// The log is empty: whatever this process logged has been applied
		// (possibly by another connection).
		last = s.ov.knownSeq()
	}
	s.ov.evict(last)
	return n, nil
}

// drain applies the whole log, chunk by chunk, within timeout.
func (s *sqliteStore) drain(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		n, err := s.applyUpTo(ctx, drainChunkImages)
		if err != nil || n == 0 {
			return err
		}
	}
}
