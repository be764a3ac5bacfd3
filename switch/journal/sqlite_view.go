package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// SQL of the log design (SQLite only).
const (
	maxIDSQL = `SELECT COALESCE(MAX(id), 0) FROM txn`
	// The txn check of enqueueSQL is done against the log's view instead.
	sqliteLogEnqueueSQL = `INSERT INTO saf (txn_id, issuer, mti, message, attempts, next_us,
		expires_us, state, created_us) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
		RETURNING id`
	// queuedReversalSQL finds a reversal advice already queued for a record:
	// a crash after the SAF commit and before the log frame leaves the
	// record without its reversal state, and recovery asks again.
	queuedReversalSQL = `SELECT id FROM saf WHERE txn_id = $1 AND mti = '0420'
		AND state IN ('pending', 'acknowledged') ORDER BY id LIMIT 1`
	setAppliedSQL = `UPDATE log_applied SET seq = $1`
	appliedSQL    = `SELECT seq FROM log_applied`
)

// txView is one group of changes of the SQLite backend seen through the
// log: records read come from the changes staged in this group, then the
// overlay (latest logged images), then table txn (through the reader pool:
// only the applier changes it, and it evicts a record from the overlay
// only after the table holds it). Changed records are staged and logged as
// one frame at the end, then published to the overlay. Only SAF changes
// open a writer transaction (tx); it commits before the frame is written,
// so that nobody reads a record's reversal state ahead of its SAF entry,
// and an entry never goes missing. A crash between the two leaves the
// record's reversal state behind its SAF entry: a queued reversal is
// found by the next enqueue for that record (recovery asks again), an
// acknowledged or expired one leaves the record saying "queued", which
// clearing and reversal matching treat the same.
type txView struct {
	s     *sqliteStore
	ctx   context.Context
	r     runner      // reads of table txn: the writer transaction when open, else the reader pool
	tx    *sql.Tx     // SAF changes, opened on demand; s.wmu is held while it is open
	safTx *stmtRunner // runner of tx

	recs   map[int64]*Record
	keys   map[Key]int64
	stored map[Key]*Record // the group's insert keys found in table txn (checkKeys)
	order  []*Record       // staged records in first-change order
	nextID int64           // restored if the group fails
}

// view starts a group of about n changes.
func (s *sqliteStore) view(ctx context.Context, n int) *txView {
	return &txView{s: s, ctx: ctx, r: sqlRunner{s.reader}, recs: make(map[int64]*Record, n),
		keys: make(map[Key]int64, n), order: make([]*Record, 0, n), nextID: s.nextID}
}

// writeTx opens the writer transaction for SAF changes.
func (v *txView) writeTx() (*stmtRunner, error) {
	if v.safTx != nil {
		return v.safTx, nil
	}
	v.s.wmu.Lock()
	tx, err := v.s.writer.BeginTx(v.ctx, nil)
	if err != nil {
		v.s.wmu.Unlock()
		return nil, err
	}
	v.tx = tx
	v.safTx = &stmtRunner{tx: tx, prepared: v.s.stmts, bound: make(map[string]*sql.Stmt, 4)}
	v.r = v.safTx
	return v.safTx, nil
}

// endTx commits (or with commit false rolls back) the writer transaction,
// if any, and releases the writer.
func (v *txView) endTx(commit bool) error {
	if v.tx == nil {
		return nil
	}
	var err error
	if commit {
		err = v.tx.Commit()
	} else {
		_ = v.tx.Rollback()
	}
	v.tx, v.safTx, v.r = nil, nil, sqlRunner{v.s.reader}
	v.s.wmu.Unlock()
	return err
}

// rollback abandons the group and its staged changes.
func (v *txView) rollback() {
	_ = v.endTx(false)
	v.s.nextID = v.nextID
}

// commit commits the writer transaction (if any), then logs the staged
// records as one frame and publishes them. The frame is only written: the
// caller makes it durable (segLog.sync) before telling anyone. It returns
// the frame's sequence number, 0 when nothing was staged.
func (v *txView) commit() (int64, error) {
	if err := v.endTx(true); err != nil {
		v.rollback()
		return 0, err
	}
	var seq int64
	if len(v.order) > 0 {
		row := appendRowHeader(make([]byte, 0, 64+imageSizeHint*len(v.order)), len(v.order))
		ends := make([]int, len(v.order)+1)
		ends[0] = len(row)
		for i, r := range v.order {
			row = appendImage(row, r)
			ends[i+1] = len(row)
		}
		row = sealRow(row)
		var err error
		if seq, err = v.s.log.write(row); err != nil {
			v.rollback()
			return 0, err
		}
		imgs := make([][]byte, len(v.order))
		for i := range imgs {
			imgs[i] = row[ends[i]:ends[i+1]:ends[i+1]]
		}
		v.s.ov.publish(seq, v.order, imgs)
	}
	return seq, nil
}

// record returns a copy of record id to change and stage, or nil.
func (v *txView) record(id int64) (*Record, error) {
	if r, ok := v.recs[id]; ok {
		return r, nil
	}
	if r, ok := v.s.ov.get(id); ok {
		return &r, nil
	}
	rs, err := narrowRecords(v.ctx, v.r, nil, narrowByID, id)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return &rs[0], nil
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
		if _, ok := v.s.ov.lookup(k); ok {
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil
	}
	v.stored = make(map[Key]*Record, len(keys))
	return v.s.dupKeys.find(keys, v.stored, func(q string, args []any) ([]Record, error) {
		return narrowRecords(v.ctx, v.r, nil, q, args...)
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
	if r, ok := v.s.ov.lookup(k); ok {
		return &r, nil
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
	v.keys[r.Key] = r.ID
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
// read that table) and logs the record's reversal state. A reversal
// advice already queued for the record is not queued twice.
func (v *txView) enqueue(w *Write, createdUS int64) error {
	r, err := v.record(w.SAF.TxnID)
	if err != nil || r == nil {
		if r == nil && err == nil {
			w.Err = ErrNotFound
		}
		return err
	}
	t, err := v.writeTx()
	if err != nil {
		return err
	}
	var id int64
	if w.SAF.MTI == "0420" {
		err = t.each(v.ctx, queuedReversalSQL, []any{w.SAF.TxnID}, func(scan scanFunc) error { return scan(&id) })
		if err != nil {
			return err
		}
	}
	if id == 0 {
		err = t.each(v.ctx, sqliteLogEnqueueSQL, enqueueArgs(w.SAF, createdUS), func(scan scanFunc) error { return scan(&id) })
		if err != nil {
			return err
		}
	}
	w.SAF.ID = id
	if w.SAF.MTI == "0420" && r.Reversal != ReversalDone {
		r.Reversal = ReversalQueued
		v.stage(r)
	}
	return nil
}
