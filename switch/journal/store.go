package journal

import "context"

// scanFunc reads the current row into dest.
type scanFunc func(dest ...any) error

// rowSet is what database/sql's and pgx's result rows have in common.
type rowSet interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// eachRow calls fn for every row of rows, then reports the rows' error.
// The caller closes rows.
func eachRow(rows rowSet, fn func(scan scanFunc) error) error {
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// runner runs SQL with $N placeholders; both backends accept that syntax
// (SQLite reads $N as the N-th argument).
type runner interface {
	// each runs q and calls fn for every row, closing the rows afterwards.
	each(ctx context.Context, q string, args []any, fn func(scan scanFunc) error) error
	// exec runs q and returns the number of rows affected.
	exec(ctx context.Context, q string, args ...any) (int64, error)
}

// backend is what a database driver provides to the Journal.
type backend interface {
	// reads is the runner for read-only queries.
	reads() runner
	// inTx runs fn in one write transaction and commits when fn returns nil.
	inTx(ctx context.Context, fn func(r runner) error) error
	// applyBatch applies valid, reset writes in one transaction, setting
	// their per-write results; an error means nothing was committed.
	applyBatch(ctx context.Context, ws []*Write) error
	// lookup and get read one record; scan reads the records q selects.
	lookup(ctx context.Context, k Key) (*Record, error)
	get(ctx context.Context, id int64) (*Record, error)
	scan(ctx context.Context, q scanQuery) ([]Record, error)
	// ack and expire are Journal.Ack and Journal.ExpireSAF (they change
	// both tables).
	ack(ctx context.Context, safID int64) error
	expire(ctx context.Context, nowUS int64) (int, error)
	// ready runs once after migration, before the committer starts.
	ready(ctx context.Context) error
	// awaitPrevious is Journal.AwaitPrevious.
	awaitPrevious(ctx context.Context) error
	// variant holds the statements that differ between databases.
	variant() *sqlVariant
	close() error
}

// sqlVariant holds the SQL that is not shared between the backends.
type sqlVariant struct {
	name       string
	lockSQL    string     // serialises migrations; "" when inTx already does
	steps      [][]string // migrations: step i brings the schema to version i+1
	selectLock string     // suffix that locks a row read before its update
	enqueueSQL string     // PostgreSQL only: SQLite logs the record's side (sqliteLogEnqueueSQL)
	claimSQL   string
}

// scanQuery is a read of many records: the SQL, its arguments, and the
// same condition in Go (the SQLite backend applies it to logged records
// not yet in table txn).
type scanQuery struct {
	sql   string
	args  []any
	match func(r *Record) bool
	state State // when set, match holds only records in this state (lets the overlay skip the others undecoded)
}
