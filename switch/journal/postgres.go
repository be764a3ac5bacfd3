package journal

// The PostgreSQL backend (design notes).
//
// Several nodes must see each other's transactions at once, so the tables
// stay current: one committer goroutine (committer.go) gathers what is
// queued, up to Options.MaxBatch, and applies it in one database
// transaction; a batch the database rejects as a whole is retried write by
// write so one bad write cannot fail its neighbours. A group's inserts,
// finishes and reversal states are each one set-based statement (unnest),
// sent in one round trip (postgres_sets.go). No index names a column a
// finish changes, so a finish is a heap-only update; the open records (for
// recovery) are listed in table txn_open, kept by statement triggers
// (postgres_schema.go). The set-based statements reach rows through their
// indexes even when their cached plans were made while the table was
// empty. One original has at most one reversal in flight, enforced by a
// unique index. A restarted node calls AwaitPrevious before it lists its
// open records: the database may still be committing what its killed
// predecessor sent (postgres_sessions.go). SAF claims use SELECT ... FOR
// UPDATE SKIP LOCKED, so two nodes never hold the same entry and a dead
// node's lease simply runs out.

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	pgLockSQL = `SELECT pg_advisory_xact_lock(hashtext('hulian.journal.' || current_schema()))`

	// pgEnqueueSQL adds an entry unless it is a reversal advice (0420) of
	// an original that already has one pending or acknowledged (then that
	// entry's id is returned), whichever node queued it: a concurrent one
	// is caught by index saf_one_reversal and also counts as queued. It
	// returns the entry's id (0 when another statement's insert won) and
	// whether the record exists.
	pgEnqueueSQL = `WITH t AS (SELECT EXISTS (SELECT 1 FROM txn WHERE id = $1::bigint) AS found),
		e AS (SELECT id FROM saf WHERE $3::text = '0420' AND txn_id = $1::bigint AND mti = '0420'
			AND state IN ('pending', 'acknowledged') ORDER BY id LIMIT 1),
		i AS (INSERT INTO saf (txn_id, issuer, mti, message, attempts, next_us, expires_us, state, created_us)
			SELECT $1::bigint, $2::text, $3::text, $4::bytea, $5::bigint, $6::bigint, $7::bigint, 'pending', $8::bigint
			WHERE (SELECT found FROM t) AND NOT EXISTS (SELECT 1 FROM e)
			ON CONFLICT (txn_id) WHERE mti = '0420' AND state = 'pending' DO NOTHING
			RETURNING id)
		SELECT COALESCE((SELECT id FROM i), (SELECT id FROM e), 0), (SELECT found FROM t)`
	pgClaimSQL = `UPDATE saf SET lease_node = $1, lease_us = $2 WHERE id IN (
		SELECT id FROM saf WHERE state = 'pending' AND next_us <= $3
		AND (lease_us <= $3 OR lease_node = $1) AND ($5 = '' OR issuer = $5) ORDER BY next_us, id LIMIT $4
		FOR UPDATE SKIP LOCKED)
		RETURNING ` + safCols
)

// pgStore is the shared backend: several switch nodes, one PostgreSQL
// database, reached through a pgxpool.
type pgStore struct {
	pool  *pgxpool.Pool
	d     sqlVariant
	node  string // Options.Node
	token string // this journal's sessions (postgres_sessions.go)
}

// OpenPostgres connects to the PostgreSQL database named by dsn (a pgx
// connection string; search_path may be given as a parameter), migrates its
// schema and starts the committer.
func OpenPostgres(ctx context.Context, dsn string, o Options) (*Journal, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the DSN (and a password): keep it out.
		return nil, fmt.Errorf("journal: postgres: invalid connection string")
	}
	s := &pgStore{node: o.Node}
	if s.token, err = pgSessionToken(); err != nil {
		return nil, err
	}
	cfg.AfterConnect = s.nameSession
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("journal: postgres: %w", err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("journal: postgres: %w", err)
	}
	s.d = sqlVariant{
		name:       "postgres",
		lockSQL:    pgLockSQL,
		steps:      pgMigrations(),
		selectLock: " FOR UPDATE",
		enqueueSQL: pgEnqueueSQL,
		claimSQL:   pgClaimSQL,
	}
	return start(ctx, s, o)
}

func (s *pgStore) variant() *sqlVariant        { return &s.d }
func (s *pgStore) reads() runner               { return pgRunner{s.pool} }
func (s *pgStore) ready(context.Context) error { return nil }
func (s *pgStore) close() error                { s.pool.Close(); return nil }

func (s *pgStore) lookup(ctx context.Context, k Key) (*Record, error) {
	return lookupKey(ctx, s.reads(), k)
}

func (s *pgStore) get(ctx context.Context, id int64) (*Record, error) {
	return oneRecord(ctx, s.reads(), byIDSQL, id)
}

func (s *pgStore) scan(ctx context.Context, q scanQuery) ([]Record, error) {
	return records(ctx, s.reads(), q.sql, q.args...)
}

func (s *pgStore) ack(ctx context.Context, safID int64) error { return sqlAck(ctx, s, safID) }

func (s *pgStore) expire(ctx context.Context, nowUS int64) (int, error) {
	return sqlExpire(ctx, s, nowUS)
}

// inTx runs fn in one transaction.
func (s *pgStore) inTx(ctx context.Context, fn func(r runner) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(pgRunner{tx}) })
}

// pgQuerier is what *pgxpool.Pool and pgx.Tx have in common.
type pgQuerier interface {
	Query(ctx context.Context, q string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error)
}

// pgRunner adapts pgx to runner.
type pgRunner struct{ q pgQuerier }

func (r pgRunner) each(ctx context.Context, q string, args []any, fn func(scan scanFunc) error) error {
	rows, err := r.q.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return eachRow(rows, fn)
}

func (r pgRunner) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := r.q.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
