package journal

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Reads and SAF operations of the SQLite backend. A record's latest image
// is in the overlay (logged by this process, not yet applied) or else in
// table txn. A process reading another one's journal (read-only) finds
// the images not yet applied in the owner's log files instead.

func (s *sqliteStore) get(ctx context.Context, id int64) (*Record, error) {
	q := scanQuery{sql: byIDSQL, args: []any{id}, match: func(r *Record) bool { return r.ID == id }}
	return s.one(ctx, q, func() (Record, bool) { return s.ov.get(id) })
}

func (s *sqliteStore) lookup(ctx context.Context, k Key) (*Record, error) {
	q := scanQuery{sql: byKeySQL, args: []any{k.MTI, k.Acquirer, k.STAN, k.TxTime},
		match: func(r *Record) bool { return r.Key == k }}
	return s.one(ctx, q, func() (Record, bool) { return s.ov.lookup(k) })
}

// one reads the record q selects (by ID or key: at most one): its overlay
// image (held) or its table row. IDs and keys never change, so a record
// the overlay does not hold is in the table if anywhere.
func (s *sqliteStore) one(ctx context.Context, q scanQuery, held func() (Record, bool)) (*Record, error) {
	if !s.log.readOnly() {
		s.applyMu.RLock()
		defer s.applyMu.RUnlock()
		if r, ok := held(); ok {
			return &r, nil
		}
		rs, err := tableRecords(ctx, sqlRunner{s.reader}, q)
		if err != nil || len(rs) == 0 {
			return nil, cmp.Or(err, ErrNotFound)
		}
		return &rs[0], nil
	}
	rs, err := s.scanFollower(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNotFound
	}
	return &rs[0], nil
}

// scan returns the records q selects, ordered by ID: the overlay's images
// (or, read-only, the owner's log) over table txn.
func (s *sqliteStore) scan(ctx context.Context, q scanQuery) ([]Record, error) {
	if s.log.readOnly() {
		return s.scanFollower(ctx, q)
	}
	// Shared with the applier's commit-and-evict: a record leaves the
	// overlay only for a table this read does not see, never in between.
	s.applyMu.RLock()
	defer s.applyMu.RUnlock()
	held, wasHeld := s.ov.snapshot(q.state, q.match)
	table, err := tableRecords(ctx, sqlRunner{s.reader}, q)
	if err != nil {
		return nil, err
	}
	return mergeImages(table, held, wasHeld), nil
}

// scanFollower reads another process's journal: its log files first, then
// the table (a segment the owner recycles meanwhile is in the table by
// then).
func (s *sqliteStore) scanFollower(ctx context.Context, q scanQuery) ([]Record, error) {
	logged := make(map[int64]Record)
	_, err := s.log.replay(0, false, func(_ int64, payload []byte) error {
		return decodeRow(payload, func(rec Record) { logged[rec.ID] = rec })
	})
	if err != nil {
		return nil, fmt.Errorf("journal: read the log: %w", err)
	}
	table, err := tableRecords(ctx, sqlRunner{s.reader}, q)
	if err != nil {
		return nil, err
	}
	var held []Record
	ids := make(map[int64]struct{}, len(logged))
	for id, rec := range logged {
		ids[id] = struct{}{}
		if q.match(&rec) {
			held = append(held, rec)
		}
	}
	return mergeImages(table, held, func(id int64) bool {
		_, ok := ids[id]
		return ok
	}), nil
}

// mergeImages returns held (newer images matching the query) and the table
// rows of records not wasHeld, ordered by ID.
func mergeImages(table, held []Record, wasHeld func(id int64) bool) []Record {
	out := held
	for _, rec := range table {
		if !wasHeld(rec.ID) {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return cmpID(a.ID, b.ID) })
	return out
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

// ack acknowledges entry safID in two groups: the first logs its record's
// reversal state (a reversal only), the second, once that frame is
// durable, acknowledges the entry in table saf. A crash between the two
// leaves the entry pending with its record already saying
// "acknowledged": the entry is sent again and acknowledged again, which is
// harmless. The other order could leave an acknowledged entry whose record
// says "queued" for ever (table saf commits before a group's frame is
// written).
func (s *sqliteStore) ack(ctx context.Context, safID int64) error {
	settled := false
	err := s.logged(ctx, func(v *txView) error {
		txn, mti, err := safRow(ctx, v.r, safTxnSQL, safID)
		switch {
		case err != nil:
			return err
		case mti != "0420": // an advice: no record to change, one group
			settled = true
			_, _, err = safRow(ctx, v.r, ackSQL, safID)
			return err
		}
		rec, err := v.record(txn)
		if err == nil && rec != nil && rec.Reversal != ReversalDone {
			rec.Reversal = ReversalDone
			v.stage(rec)
		}
		return err
	})
	if err != nil || settled {
		return err
	}
	return s.logged(ctx, func(v *txView) error {
		_, _, err := safRow(ctx, v.r, ackSQL, safID)
		return err
	})
}

// expire expires the due entries in two groups, in the order ack uses and
// for the same reason: the first logs the reversal state of their records,
// the second, once that frame is durable, expires those entries that are
// still pending in table saf. It returns how many the second expired.
func (s *sqliteStore) expire(ctx context.Context, nowUS int64) (int, error) {
	var due []int64
	err := s.logged(ctx, func(v *txView) error {
		var reversals []int64
		var err error
		due, reversals, err = dueSAFRows(ctx, v.r, dueSAFSQL, nowUS)
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
	if err != nil || len(due) == 0 {
		return 0, err
	}
	n := 0
	err = s.logged(ctx, func(v *txView) error {
		for _, id := range due {
			k, err := v.r.exec(ctx, expireOneSQL, id)
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	return n, err
}

// logged runs fn in the open group of changes, with its writer
// transaction open, and waits until the group is durable.
func (s *sqliteStore) logged(_ context.Context, fn func(v *txView) error) error {
	if s.group == nil { // read-only: only the owner of the log has one
		return ErrReadOnly
	}
	return s.group.run(fn)
}
