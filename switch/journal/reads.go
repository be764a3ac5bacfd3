package journal

import (
	"context"
	"fmt"
	"time"
)

// Lookup returns the record of key k, or ErrNotFound.
func (j *Journal) Lookup(ctx context.Context, k Key) (*Record, error) {
	return j.b.lookup(ctx, k)
}

// Get returns the record with the given id, or ErrNotFound.
func (j *Journal) Get(ctx context.Context, id int64) (*Record, error) {
	return j.b.get(ctx, id)
}

// Unfinished returns every record, from any node, still in StateForwarded
// and received before receivedBefore, ordered by ID (crash recovery: the
// caller decides what to do with each).
func (j *Journal) Unfinished(ctx context.Context, receivedBefore time.Time) ([]Record, error) {
	us := micros(receivedBefore)
	return j.b.scan(ctx, scanQuery{sql: unfinishedSQL, args: []any{us}, state: StateForwarded, match: func(r *Record) bool {
		return r.State == StateForwarded && micros(r.ReceivedAt) < us
	}})
}

// Unreversed returns every record, from any node, that timed out without a
// reversal being queued: what a crash between the two writes leaves.
func (j *Journal) Unreversed(ctx context.Context) ([]Record, error) {
	return j.b.scan(ctx, scanQuery{sql: unreversedSQL, state: StateTimedOut, match: func(r *Record) bool {
		return r.State == StateTimedOut && r.Reversal == ReversalNone
	}})
}

// Settled returns, ordered by ID, the records of businessDate that move
// money at clearing: approved, with MTI 0100, 0200, 0120 or 0220, and with
// no reversal queued or acknowledged (those mean the money went back).
func (j *Journal) Settled(ctx context.Context, businessDate string) ([]Record, error) {
	return j.b.scan(ctx, scanQuery{sql: settledSQL, args: []any{businessDate}, state: StateApproved, match: func(r *Record) bool {
		return r.BusinessDate == businessDate && r.State == StateApproved &&
			r.Reversal != ReversalDone && r.Reversal != ReversalQueued &&
			(r.MTI == "0100" || r.MTI == "0200" || r.MTI == "0120" || r.MTI == "0220")
	}})
}

// Day returns every record of businessDate ordered by ID (reconciliation).
func (j *Journal) Day(ctx context.Context, businessDate string) ([]Record, error) {
	return j.b.scan(ctx, scanQuery{sql: daySQL, args: []any{businessDate}, match: func(r *Record) bool {
		return r.BusinessDate == businessDate
	}})
}

// SAFDepth returns the number of pending store-and-forward entries.
func (j *Journal) SAFDepth(ctx context.Context) (int, error) {
	var n int64
	err := j.b.reads().each(ctx, depthSQL, nil, func(scan scanFunc) error { return scan(&n) })
	if err != nil {
		return 0, fmt.Errorf("journal: saf depth: %w", err)
	}
	return int(n), nil
}

// lookupKey loads the record of key k through r.
func lookupKey(ctx context.Context, r runner, k Key) (*Record, error) {
	return oneRecord(ctx, r, byKeySQL, k.MTI, k.Acquirer, k.STAN, k.TxTime)
}

// oneRecord runs a query that matches at most one record.
func oneRecord(ctx context.Context, r runner, q string, args ...any) (*Record, error) {
	rs, err := records(ctx, r, q, args...)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNotFound
	}
	return &rs[0], nil
}

// records runs a record query and collects its rows.
func records(ctx context.Context, r runner, q string, args ...any) ([]Record, error) {
	var out []Record
	err := r.each(ctx, q, args, func(scan scanFunc) error {
		rec, err := scanRecord(scan)
		if err == nil {
			out = append(out, rec)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("journal: read records: %w", err)
	}
	return out, nil
}
