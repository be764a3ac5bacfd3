package journal

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Reads and SAF operations of the SQLite backend. A record's latest image
// is, in order of precedence: in a txlog row this process has not seen
// (another process wrote it, or this one after the overlay snapshot), in
// the overlay, or in table txn.

const logAfterSQL = `SELECT seq, data FROM txlog WHERE seq > $1 ORDER BY seq`

func (s *sqliteStore) get(ctx context.Context, id int64) (*Record, error) {
	known := s.ov.knownSeq()
	rec, ok := s.ov.get(id)
	return s.one(ctx, rec, ok, known, scanQuery{sql: byIDSQL, args: []any{id},
		match: func(r *Record) bool { return r.ID == id }})
}

func (s *sqliteStore) lookup(ctx context.Context, k Key) (*Record, error) {
	known := s.ov.knownSeq()
	rec, ok := s.ov.lookup(k)
	return s.one(ctx, rec, ok, known, scanQuery{sql: byKeySQL, args: []any{k.MTI, k.Acquirer, k.STAN, k.TxTime},
		match: func(r *Record) bool { return r.Key == k }})
}

// one reads the record q selects; held (when ok) is its overlay image,
// taken when the overlay reflected the log up to known. Keys and IDs never
// change, so a record the overlay does not hold is not in it.
func (s *sqliteStore) one(ctx context.Context, held Record, ok bool, known int64, q scanQuery) (*Record, error) {
	var snap []Record
	ids := map[int64]struct{}{}
	if ok {
		snap, ids[held.ID] = []Record{held}, struct{}{}
	}
	rs, err := s.merge(ctx, q, snap, ids, known)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNotFound
	}
	return &rs[0], nil
}

// scan merges the overlay, the unseen log rows and table txn, in one read
// transaction for the last two, and returns the matches ordered by ID.
func (s *sqliteStore) scan(ctx context.Context, q scanQuery) ([]Record, error) {
	held, heldIDs, known := s.ov.snapshot(q.state, q.match)
	return s.merge(ctx, q, held, heldIDs, known)
}

// merge returns the records q selects: held (overlay images matching q,
// the overlay holding heldIDs and reflecting the log up to known), then the
// log rows after known, then table txn.
func (s *sqliteStore) merge(ctx context.Context, q scanQuery, held []Record, heldIDs map[int64]struct{}, known int64) ([]Record, error) {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("journal: read records: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	r := sqlRunner{tx}
	unseen := make(map[int64]Record)
	err = r.each(ctx, logAfterSQL, []any{known}, func(scan scanFunc) error {
		var lr logRow
		if err := scan(&lr.seq, &lr.data); err != nil {
			return err
		}
		if err := decodeRow(lr.data, func(rec Record) { unseen[rec.ID] = rec }); err != nil {
			return fmt.Errorf("txlog row %d: %w", lr.seq, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal: read records: %w", err)
	}
	table, err := records(ctx, r, q.sql, q.args...)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, rec := range table {
		_, logged := unseen[rec.ID]
		if _, ok := heldIDs[rec.ID]; !ok && !logged {
			out = append(out, rec)
		}
	}
	for _, rec := range held {
		if _, logged := unseen[rec.ID]; !logged {
			out = append(out, rec)
		}
	}
	for _, rec := range unseen {
		if q.match(&rec) {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return cmpID(a.ID, b.ID) })
	return out, nil
}

// cmpID orders IDs.
func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ack acknowledges the entry in table saf and logs the record's reversal
// state, in one transaction.
func (s *sqliteStore) ack(ctx context.Context, safID int64) error {
	return s.logged(ctx, func(v *txView) error {
		txn, mti, err := ackSAFRow(ctx, v.r, safID)
		if err != nil || mti != "0420" {
			return err
		}
		rec, err := v.record(txn)
		if err == nil && rec != nil {
			rec.Reversal = ReversalDone
			v.stage(rec)
		}
		return err
	})
}

// expire expires the due entries in table saf and logs the reversal state
// of their records, in one transaction.
func (s *sqliteStore) expire(ctx context.Context, nowUS int64) (int, error) {
	n := 0
	err := s.logged(ctx, func(v *txView) error {
		reversals, count, err := expireSAFRows(ctx, v.r, nowUS)
		n = count
		for _, id := range reversals {
			if err != nil {
				break
			}
			var rec *Record
			if rec, err = v.record(id); err == nil && rec != nil && rec.Reversal == ReversalQueued {
				rec.Reversal = ReversalExpired
				v.stage(rec)
			}
		}
		return err
	})
	return n, err
}

// logged runs fn in a write transaction seen through the log.
func (s *sqliteStore) logged(ctx context.Context, fn func(v *txView) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	v, err := s.begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(v); err != nil {
		v.rollback()
		return err
	}
	return v.commit()
}
