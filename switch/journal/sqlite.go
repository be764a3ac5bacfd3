package journal

// The SQLite backend (design notes).
//
// The durable point is a log in segment files beside the database
// (PATH-log, seglog.go), not SQLite itself: a group writes one frame (the
// after-image of every record it changed, logcodec.go) with one pwrite
// into a preallocated file, and one fdatasync makes it durable. There is
// no queue: Submit applies each write to the open group in the caller's
// goroutine, and a syncer goroutine closes the group, writes it and syncs
// it while the next one fills (sqlite_group.go). IDs are assigned
// in-process, and an in-memory overlay of the records logged but not yet
// in table txn answers duplicate checks, Finish's previous state and reads
// (which merge it with the table). A fixed-size Bloom filter of every key
// in the table and the log (loaded at Open, sqlite_keyfilter.go) spares
// new keys any statement: only a key it may hold is looked up in table
// txn. Table txn is narrow (sqlite_rows.go): the columns reads select on,
// the key and the card hash as 64-bit hashes, and the record as its image
// in a blob, which makes a row a third of the cost of PostgreSQL's wide
// table. An applier goroutine moves the overlay to table txn when no
// group has committed for a while, continuously past half of
// Options.MaxBacklog, and Admit waits at the bound (sqlite_apply.go). Open
// replays whatever a crash left, stops at a frame torn by the crash, and
// refuses a log in which valid frames follow a damaged one (ErrCorrupt).
// SAF entries go straight to table saf: a new entry commits before the
// frame that records its record's reversal state, an acknowledgement or
// expiry after it (so a crash leaves no record saying "queued" behind a
// settled entry). One process owns the log; another one opening the
// journal reads it (the log files, then the tables) and cannot write
// (ErrReadOnly).

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
		"&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_txlock=immediate"
	sqliteReaderParams = "?_pragma=busy_timeout(10000)&_pragma=query_only(1)"

	sqliteClaimSQL = `UPDATE saf SET lease_node = $1, lease_us = $2 WHERE id IN (
		SELECT id FROM saf WHERE state = 'pending' AND next_us <= $3
		AND (lease_us <= $3 OR lease_node = $1) AND ($5 = '' OR issuer = $5) ORDER BY next_us, id LIMIT $4)
		RETURNING ` + safCols
)

// sqliteStore is the embedded backend: one file in WAL mode with
// synchronous=FULL, plus the log of the hot path in segment files
// (seglog.go). All SQLite writes (the applier and the SAF operations) go
// through one connection; reads use a separate read-only pool.
//
// The hot path does not write SQLite: each group commit's changed records
// are logged as one frame (see logcodec.go) and kept in the overlay; the
// applier goroutine moves them to table txn in the background
// (sqlite_apply.go), and Open replays whatever a crash left. A second
// process opening the same journal (switchd clearing while switchd runs)
// reads the owner's log files and the tables, and cannot write.
type sqliteStore struct {
	writer, reader *sql.DB
	d              sqlVariant
	stmts          map[string]*sql.Stmt // prepared on writer, read-only after open
	drainTimeout   time.Duration
	dupKeys        keyQueries
	keys           *keyFilter // keys of txn and the log; group.mu
	log            *segLog
	opt            Options

	group   *groupCommitter // the owner's group commit (sqlite_group.go); its mutex serialises groups of changes
	wmu     sync.Mutex      // serialises writer transactions (applier, SAF operations); after group.mu
	applyMu sync.RWMutex    // reads hold it shared; the applier's commit-and-evict exclusively
	ov      *overlay
	nextID  int64 // next record ID; group.mu

	kicked   chan struct{} // Admit waits for room: apply now
	busyAt   atomic.Int64  // unix nanoseconds of the last group commit
	stop     chan struct{} // closed by close: the applier stops
	stopped  chan struct{} // closed by the applier when it has stopped
	stopOnce sync.Once
	running  bool        // the applier was started (ready)
	hold     atomic.Bool // tests: no background application (a crash before it)
}

// OpenSQLite opens (creating if needed) the journal in the SQLite file at
// path, in WAL mode with synchronous=FULL and a busy timeout, with its log
// in the directory path+"-log", migrates its schema, replays the log and
// starts the group commit and the applier. When another process has the
// journal open, the result reads it but its writes fail with ErrReadOnly.
func OpenSQLite(ctx context.Context, path string, o Options) (*Journal, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("journal: sqlite path must be non-empty without '?' or '#'")
	}
	s := &sqliteStore{d: sqlVariant{
		name:     "sqlite",
		steps:    append(migrationSteps("INTEGER PRIMARY KEY", "INTEGER", "BLOB"), []string{sqliteLogSchema}, sqliteAppliedSchema, sqliteNarrowSchema),
		claimSQL: sqliteClaimSQL,
	}, ov: newOverlay(), drainTimeout: o.CommitTimeout, dupKeys: newKeyQueries(), opt: o,
		kicked: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	if s.log, err = openSegLog(path, o.LogSegmentSize); err != nil {
		return nil, err
	}
	if s.writer, err = sql.Open("sqlite", "file:"+path+sqliteWriterParams); err != nil {
		_ = s.log.close(false)
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	if err := s.writer.PingContext(ctx); err != nil {
		_ = s.writer.Close()
		_ = s.log.close(false)
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	if s.reader, err = sql.Open("sqlite", "file:"+path+sqliteReaderParams); err != nil {
		_ = s.writer.Close()
		_ = s.log.close(false)
		return nil, fmt.Errorf("journal: open sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.reader.SetMaxOpenConns(n)
	s.reader.SetMaxIdleConns(n)
	return start(ctx, s, o)
}

func (s *sqliteStore) variant() *sqlVariant { return &s.d }
func (s *sqliteStore) reads() runner        { return sqlRunner{s.reader} }

// inTx runs fn in an immediate (write-locking) transaction on the writer.
func (s *sqliteStore) inTx(ctx context.Context, fn func(r runner) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&stmtRunner{tx: tx, prepared: s.stmts, bound: make(map[string]*sql.Stmt, 2)}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// applyBatch applies ws through the group commit and waits until they
// are durable (the journal's own Submit goes there directly).
func (s *sqliteStore) applyBatch(_ context.Context, ws []*Write) error {
	if s.log.readOnly() {
		return ErrReadOnly
	}
	var wg sync.WaitGroup
	wg.Add(len(ws))
	for _, w := range ws {
		s.group.submit(w, func(*Write) { wg.Done() })
	}
	wg.Wait()
	return nil
}

// durable makes every frame up to seq durable: one fdatasync.
func (s *sqliteStore) durable(seq int64) error {
	s.busyAt.Store(time.Now().UnixNano())
	return s.log.sync(seq)
}

// close stops the applier, applies what is left of the log (so that other
// processes read table txn whole; what cannot be applied in time is
// replayed at the next open) and closes the database and the log.
func (s *sqliteStore) close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	if s.running {
		<-s.stopped
	}
	applied := false
	if !s.log.readOnly() && !s.hold.Load() {
		applied = s.drain(s.drainTimeout) == nil // on failure the log stays: the next open replays it
	}
	lerr := s.log.close(applied)
	rerr := s.reader.Close()
	if err := s.writer.Close(); err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	return lerr
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
