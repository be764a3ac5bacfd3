package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// awaitPrevious returns at once: an earlier process's log lock is
// released only when the process is gone, and with it everything it could
// still have written.
func (s *sqliteStore) awaitPrevious(context.Context) error { return nil }

// ready compiles the statements used often once on the writer connection,
// after migration (parsing SQL costs more than executing an insert). The
// owner of the journal then applies what is left in table txlog (written
// before the segment log) and replays the segment log: every frame the
// last run left unapplied reaches table txn before anything else happens;
// a damaged log fails the open. Then writes start in a fresh segment and
// the applier starts.
func (s *sqliteStore) ready(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt)
	for _, q := range append([]string{narrowByID, narrowByKey, sqliteLogEnqueueSQL, queuedReversalSQL,
		upsertSQL, upsertRowsSQL(upsertRows), setAppliedSQL}, s.dupKeys.sql...) {
		st, err := s.writer.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		s.stmts[q] = st
	}
	if s.log.readOnly() {
		return nil
	}
	if err := s.moveOldRows(ctx); err != nil {
		return err
	}
	if err := s.applyLegacy(ctx); err != nil {
		return fmt.Errorf("replay of table txlog: %w", err)
	}
	last, err := s.replay(ctx)
	if err != nil {
		return fmt.Errorf("replay of the log: %w", err)
	}
	var maxID int64
	if err := (sqlRunner{s.writer}).each(ctx, maxIDSQL, nil, func(scan scanFunc) error { return scan(&maxID) }); err != nil {
		return err
	}
	s.nextID = maxID + 1
	keys, err := loadKeyFilter(ctx, sqlRunner{s.writer})
	if err != nil {
		return fmt.Errorf("loading the key filter: %w", err)
	}
	s.keys = keys
	if err := s.log.start(last + 1); err != nil {
		return err
	}
	s.running = true
	go s.applyLoop()
	return nil
}

// stmtRunner runs statements in one transaction, using the prepared form
// of those that have one. It is used by one goroutine at a time.
type stmtRunner struct {
	tx       *sql.Tx
	prepared map[string]*sql.Stmt
	bound    map[string]*sql.Stmt // prepared statements bound to tx
}

// querier returns what runs q inside the transaction.
func (r *stmtRunner) querier(ctx context.Context, q string) (func(context.Context, ...any) (*sql.Rows, error), func(context.Context, ...any) (sql.Result, error), bool) {
	st, ok := r.bound[q]
	if !ok {
		p, ok := r.prepared[q]
		if !ok {
			return nil, nil, false
		}
		st = r.tx.StmtContext(ctx, p)
		r.bound[q] = st
	}
	return st.QueryContext, st.ExecContext, true
}

func (r *stmtRunner) each(ctx context.Context, q string, args []any, fn func(scan scanFunc) error) error {
	query, _, ok := r.querier(ctx, q)
	if !ok {
		return sqlRunner{r.tx}.each(ctx, q, args, fn)
	}
	rows, err := query(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := eachRow(rows, fn); err != nil {
		return err
	}
	return rows.Close()
}

func (r *stmtRunner) exec(ctx context.Context, q string, args ...any) (int64, error) {
	_, exec, ok := r.querier(ctx, q)
	if !ok {
		return sqlRunner{r.tx}.exec(ctx, q, args...)
	}
	res, err := exec(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
