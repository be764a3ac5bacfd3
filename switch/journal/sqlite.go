package journal

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

const (
	sqliteWriterParams = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
	sqliteReaderParams = "?_pragma=busy_timeout(10000)&_pragma=query_only(1)"

	sqliteClaimSQL = `UPDATE saf SET lease_node = $1, lease_us = $2 WHERE id IN (
		SELECT id FROM saf WHERE state = 'pending' AND next_us <= $3
		AND (lease_us <= $3 OR lease_node = $1) ORDER BY next_us, id LIMIT $4)
		RETURNING ` + safCols
)

// sqliteStore is the embedded backend: one file in WAL mode with
// synchronous=FULL. All writes (the committer and the SAF operations) go
// through one connection; reads use a separate read-only pool.
//
// The hot path does not write table txn directly: each group commit's
// changed records are logged as one row of table txlog (see logcodec.go)
// and kept in the overlay; the committer applies the log to txn in the
// background (sqlite_apply.go) and replays it at open.
type sqliteStore struct {
	writer, reader *sql.DB
	d              dialect
	stmts          map[string]*sql.Stmt // prepared on writer, read-only after open
	drainTimeout   time.Duration
	dupKeys        keyQueries
	keys           *keyFilter // keys of txn and the log; wmu

	wmu         sync.Mutex // serialises the write transactions that read or change the overlay
	ov          *overlay
	nextID      int64 // next record ID; wmu
	dataVersion int64 // PRAGMA data_version after this connection's last write; wmu

	budget apBudget    // piggybacked application; wmu
	hold   atomic.Bool // tests: no background application (a crash before it)
}

// OpenSQLite opens (creating if needed) the journal in the SQLite file at
// path, in WAL mode with synchronous=FULL and a busy timeout, migrates its
// schema and starts the committer.
func OpenSQLite(ctx context.Context, path string, o Options) (*Journal, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("journal: sqlite path must be non-empty without '?' or '#'")
	}
	s := &sqliteStore{d: dialect{
		name:     "sqlite",
		steps:    append(migrationSteps("INTEGER PRIMARY KEY", "INTEGER", "BLOB"), []string{sqliteLogSchema}),
		claimSQL: sqliteClaimSQL,
	}, ov: newOverlay(), drainTimeout: o.CommitTimeout, dataVersion: -1, dupKeys: newKeyQueries()}
	if s.writer, err = sql.Open("sqlite", "file:"+path+sqliteWriterParams); err != nil {
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	if err := s.writer.PingContext(ctx); err != nil {
		_ = s.writer.Close()
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	if s.reader, err = sql.Open("sqlite", "file:"+path+sqliteReaderParams); err != nil {
		_ = s.writer.Close()
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.reader.SetMaxOpenConns(n)
	s.reader.SetMaxIdleConns(n)
	return start(ctx, s, o)
}

func (s *sqliteStore) dialect() *dialect { return &s.d }
func (s *sqliteStore) reads() runner     { return sqlRunner{s.reader} }

// inTx runs fn in an immediate (write-locking) transaction on the writer.
func (s *sqliteStore) inTx(ctx context.Context, fn func(r runner) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(sqlRunner{tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// applyBatch applies ws in one transaction through the log: one txlog row
// and one fsync for the whole group.
func (s *sqliteStore) applyBatch(ctx context.Context, ws []*Write) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	v, err := s.begin(ctx)
	if err != nil {
		return err
	}
	if err := v.applyWrites(ws, micros(time.Now())); err != nil {
		v.rollback()
		return err
	}
	if err := s.piggyback(v); err != nil {
		v.rollback()
		return err
	}
	return v.commit()
}

// close applies what is left of the log (so that other processes read
// table txn whole; what cannot be applied in time is replayed at the next
// open) and closes the database.
func (s *sqliteStore) close() error {
	_ = s.drain(s.drainTimeout) // on failure the rows stay in txlog: the next open replays them
	rerr := s.reader.Close()
	if err := s.writer.Close(); err != nil {
		return err
	}
	return rerr
}

// sqlQuerier is what *sql.DB and *sql.Tx have in common.
type sqlQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// sqlRunner adapts database/sql to runner.
type sqlRunner struct{ q sqlQuerier }

func (r sqlRunner) each(ctx context.Context, q string, args []any, fn func(scan scanFunc) error) error {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := eachRow(rows, fn); err != nil {
		return err
	}
	return rows.Close()
}

func (r sqlRunner) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := r.q.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
