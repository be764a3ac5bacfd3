package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SQL of the log design (SQLite only).
const (
	dataVersionSQL = `PRAGMA data_version`
	maxIDSQL       = `SELECT COALESCE(MAX(id), 0) FROM txn`
	appendLogSQL   = `INSERT INTO txlog (data) VALUES ($1) RETURNING seq`
	// The txn check of enqueueSQL is done against the log's view instead.
	sqliteLogEnqueueSQL = `INSERT INTO saf (txn_id, issuer, mti, message, attempts, next_us,
		expires_us, state, created_us) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
		RETURNING id`
)

// txView is one write transaction of the SQLite backend seen through the
// log: records read come from the changes staged in this transaction, then
// the overlay (latest logged images), then table txn; changed records are
// staged, logged as one txlog row at the end and published to the overlay
// once the transaction has committed. sqliteStore.wmu is held throughout.
type txView struct {
	s     *sqliteStore
	ctx   context.Context
	tx    *sql.Tx
	r     *stmtRunner
	reset bool // another connection changed the database: the log was applied, the overlay is stale

	recs   map[int64]*Record
	keys   map[Key]int64
	stored map[Key]*Record // the group's insert keys found in table txn (checkKeys)
	order  []*Record       // staged records in first-change order
	nextID int64           // restored if the transaction fails
	dv     int64
	// applied: log rows up to this seq were applied in this transaction.
	applied int64
}

// begin opens the transaction. When another connection committed since
// this one last did (PRAGMA data_version moved), the whole log is applied
// first inside this transaction, the overlay is bypassed (and dropped on
// commit) and IDs continue from the table.
func (s *sqliteStore) begin(ctx context.Context) (*txView, error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	v := &txView{s: s, ctx: ctx, tx: tx, recs: make(map[int64]*Record), keys: make(map[Key]int64),
		nextID: s.nextID, dv: s.dataVersion,
		r: &stmtRunner{tx: tx, prepared: s.stmts, bound: make(map[string]*sql.Stmt, 4)}}
	var dv int64
	if err := v.r.each(ctx, dataVersionSQL, nil, func(scan scanFunc) error { return scan(&dv) }); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if dv != s.dataVersion {
		if err := v.catchUp(); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
		s.dataVersion = dv
	}
	return v, nil
}

// catchUp applies the whole log and reloads the next ID from the table.
func (v *txView) catchUp() error {
	for {
		_, n, err := applyChunk(v.ctx, v.r, applyChunkImages)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	var maxID int64
	if err := v.r.each(v.ctx, maxIDSQL, nil, func(scan scanFunc) error { return scan(&maxID) }); err != nil {
		return err
	}
	keys, err := loadKeyFilter(v.ctx, v.r)
	if err != nil {
		return err
	}
	v.reset = true
	v.s.nextID = maxID + 1
	v.s.keys = keys
	return nil
}

// rollback abandons the transaction and its staged changes.
func (v *txView) rollback() {
	_ = v.tx.Rollback()
	v.s.nextID, v.s.dataVersion = v.nextID, v.dv
}

// commit logs the staged records as one row, commits and publishes them.
func (v *txView) commit() error {
	var seq int64
	var row []byte
	var ends []int
	if len(v.order) > 0 {
		row = appendRowHeader(make([]byte, 0, 64+imageSizeHint*len(v.order)), len(v.order))
		ends = make([]int, len(v.order)+1)
		ends[0] = len(row)
		for i, r := range v.order {
			row = appendImage(row, r)
			ends[i+1] = len(row)
		}
		row = sealRow(row)
		err := v.r.each(v.ctx, appendLogSQL, []any{row}, func(scan scanFunc) error { return scan(&seq) })
		if err != nil {
			v.rollback()
			return err
		}
	}
	if err := v.tx.Commit(); err != nil {
		v.s.nextID, v.s.dataVersion = v.nextID, v.dv
		return err
	}
	if len(v.order) > 0 || v.reset {
		imgs := make([][]byte, len(v.order))
		for i := range imgs {
			imgs[i] = row[ends[i]:ends[i+1]:ends[i+1]]
		}
		v.s.ov.publish(seq, v.order, imgs, v.reset)
	}
	if v.applied > 0 {
		v.s.ov.evict(v.applied)
	}
	return nil
}

// record returns a copy of record id to change and stage, or nil.
func (v *txView) record(id int64) (*Record, error) {
	if r, ok := v.recs[id]; ok {
		return r, nil
	}
	if !v.reset {
		if r, ok := v.s.ov.get(id); ok {
			return &r, nil
		}
	}
	r, err := oneRecord(v.ctx, v.r, byIDSQL, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// checkKeys finds, with few statements, which keys of ws's inserts that
// the overlay does not hold are in table txn (retransmissions of requests
// already applied), for byKey. Keys the key filter does not hold are new
// and need no statement.
func (v *txView) checkKeys(ws []*Write) error {
	var keys []Key
	v.stored = nil
	for _, w := range ws {
		if w.Kind != WriteInsert {
			continue
		}
		k := w.Record.Key
		if !v.s.keys.mayHold(k) {
			continue
		}
		if !v.reset {
			if _, ok := v.s.ov.lookup(k); ok {
				continue
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil
	}
	v.stored = make(map[Key]*Record, len(keys))
	return v.s.dupKeys.find(keys, v.stored, func(q string, args []any) ([]Record, error) {
		return records(v.ctx, v.r, q, args...)
	})
}

// byKey returns the record of key k, or nil; checkKeys has run.
func (v *txView) byKey(k Key) (*Record, error) {
	if id, ok := v.keys[k]; ok {
		return v.recs[id], nil
	}
	if !v.s.keys.mayHold(k) {
		return nil, nil
	}
	if !v.reset {
		if r, ok := v.s.ov.lookup(k); ok {
			return &r, nil
		}
	}
	if r, ok := v.stored[k]; ok {
		c := *r
		return &c, nil
	}
	return nil, nil
}

// stage records r (a copy the view owns) as changed.
func (v *txView) stage(r *Record) {
	if _, ok := v.recs[r.ID]; !ok {
		v.order = append(v.order, r)
	}
	v.recs[r.ID] = r
	v.keys[r.Key] = r.ID
}

// applyWrites applies ws through the view; only database failures are
// returned, normal outcomes are per-write results.
func (v *txView) applyWrites(ws []*Write, createdUS int64) error {
	if err := v.checkKeys(ws); err != nil {
		return fmt.Errorf("duplicate check: %w", err)
	}
	for _, w := range ws {
		var err error
		switch w.Kind {
		case WriteInsert:
			err = v.insert(w)
		case WriteFinish:
			err = v.finish(w)
		case WriteReversal:
			err = v.reversal(w)
		case WriteEnqueue:
			err = v.enqueue(w, createdUS)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", w.Kind, err)
		}
	}
	return nil
}

func (v *txView) insert(w *Write) error {
	dup, err := v.byKey(w.Record.Key)
	if err != nil || dup != nil {
		if dup != nil {
			c := *dup
			w.Duplicate = &c
		}
		return err
	}
	r := *w.Record
	r.ID = v.s.nextID
	v.s.nextID++
	w.Record.ID = r.ID
	v.stage(&r)
	v.s.keys.add(r.Key)
	return nil
}

func (v *txView) finish(w *Write) error {
	r, err := v.record(w.ID)
	if err != nil || r == nil {
		if r == nil && err == nil {
			w.Err = ErrNotFound
		}
		return err
	}
	w.Prev = r.State
	if r.State != StateForwarded {
		return nil
	}
	r.State, r.ResponseCode, r.AuthID, r.RespondedAt = w.State, w.Code, w.AuthID, w.At
	v.stage(r)
	return nil
}

func (v *txView) reversal(w *Write) error {
	r, err := v.record(w.ID)
	if err != nil || r == nil {
		if r == nil && err == nil {
			w.Err = ErrNotFound
		}
		return err
	}
	r.Reversal = w.Reversal
	v.stage(r)
	return nil
}

// enqueue inserts the SAF entry straight into table saf (SAF operations
// read that table) and logs the record's reversal state.
func (v *txView) enqueue(w *Write, createdUS int64) error {
	r, err := v.record(w.SAF.TxnID)
	if err != nil || r == nil {
		if r == nil && err == nil {
			w.Err = ErrNotFound
		}
		return err
	}
	var id int64
	err = v.r.each(v.ctx, sqliteLogEnqueueSQL, enqueueArgs(w.SAF, createdUS), func(scan scanFunc) error { return scan(&id) })
	if err != nil {
		return err
	}
	w.SAF.ID = id
	if w.SAF.MTI == "0420" && r.Reversal != ReversalDone {
		r.Reversal = ReversalQueued
		v.stage(r)
	}
	return nil
}
