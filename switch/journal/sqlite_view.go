package journal

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
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
	safTxnSQL    = `SELECT txn_id, mti FROM saf WHERE id = $1`
	dueSAFSQL    = `SELECT id, txn_id, mti FROM saf WHERE state = 'pending' AND expires_us <= $1`
	expireOneSQL = `UPDATE saf SET state = 'expired', lease_node = '', lease_us = 0
		WHERE id = $1 AND state = 'pending'`
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
// record's reversal state behind its SAF entry; a queued reversal is
// found by the next enqueue for that record (recovery asks again).
// Acknowledging or expiring an entry therefore takes two groups, the
// record's state first (sqliteStore.ack).
type txView struct {
	s        *sqliteStore
	deadline time.Time          // of the group's statements
	ctx      context.Context    // made by context() on first use: most groups run no statement
	cancel   context.CancelFunc // of ctx
	r        runner             // reads of table txn: the writer transaction when open, else the reader pool
	tx       *sql.Tx            // SAF changes, opened on demand; s.wmu is held while it is open
	safTx    *stmtRunner        // runner of tx

	recs   map[int64]*Record // records staged whole
	fins   map[int64]int     // finishes staged as patches: index in order
	keys   map[Key]int64
	stored map[Key]*Record // the group's insert keys found in table txn (checkKeys)
	order  []staged        // staged changes in first-change order
	row    []byte          // the frame being built, reused
	ends   []int           // where each image of row ends, reused
	nextID int64           // restored if the group fails
}

// staged is one record changed by a group: whole (rec), or a finish to
// patch onto the image the overlay holds (src).
type staged struct {
	id  int64
	rec *Record
	img []byte // the image logged, once committed

	src          []byte
	state        State
	code, authID string
	at           time.Time
}

// appendTo appends the change's image to row.
func (c *staged) appendTo(row []byte) ([]byte, error) {
	if c.rec != nil {
		return appendImage(row, c.rec), nil
	}
	return appendFinished(row, c.src, c.state, c.code, c.authID, c.at)
}

// view starts a group of about n changes whose statements must end by
// deadline; it reuses spare (a view released by done) when not nil.
func (s *sqliteStore) view(spare *txView, deadline time.Time, n int) *txView {
	v := spare
	if v == nil {
		v = &txView{s: s, recs: make(map[int64]*Record, n), fins: make(map[int64]int, n),
			keys: make(map[Key]int64, n), order: make([]staged, 0, n)}
	}
	v.deadline, v.r, v.nextID = deadline, sqlRunner{s.reader}, s.nextID
	return v
}

// context returns the context of the group's statements.
func (v *txView) context() context.Context {
	if v.ctx == nil {
		v.ctx, v.cancel = context.WithDeadline(context.Background(), v.deadline)
	}
	return v.ctx
}

// done ends the group after commit or rollback and empties the view for
// reuse.
func (v *txView) done() {
	if v.cancel != nil {
		v.cancel()
	}
	v.ctx, v.cancel = nil, nil
	clear(v.recs)
	clear(v.fins)
	clear(v.keys)
	v.stored = nil
	clear(v.order)
	v.order = v.order[:0]
}

// writeTx opens the writer transaction for SAF changes.
func (v *txView) writeTx() (*stmtRunner, error) {
	if v.safTx != nil {
		return v.safTx, nil
	}
	v.s.wmu.Lock()
	tx, err := v.s.writer.BeginTx(v.context(), nil)
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
		row := appendRowHeader(slices.Grow(v.row[:0], 64+imageSizeHint*len(v.order)), len(v.order))
		ends := slices.Grow(v.ends[:0], len(v.order)+1)[:len(v.order)+1]
		ends[0] = len(row)
		for i := range v.order {
			var err error
			if row, err = v.order[i].appendTo(row); err != nil {
				v.rollback()
				return 0, err
			}
			ends[i+1] = len(row)
		}
		row = sealRow(row)
		v.row, v.ends = row, ends // the log copies the frame: both are reused
		var err error
		if seq, err = v.s.log.write(row); err != nil {
			v.rollback()
			return 0, err
		}
		// Each image gets its own copy: an image that shared the frame's
		// memory kept the whole frame alive, superseded images included
		// (a request's image once its answer is logged): twice the memory,
		// and on this kind of virtual machine fresh memory costs a page
		// fault of 11-17 µs a page.
		for i := range v.order {
			v.order[i].img = bytes.Clone(row[ends[i]:ends[i+1]])
		}
		v.s.ov.publish(seq, v.order)
	}
	return seq, nil
}

// record returns a copy of record id to change and stage, or nil.
func (v *txView) record(id int64) (*Record, error) {
	if r, ok := v.recs[id]; ok {
		return r, nil
	}
	if i, ok := v.fins[id]; ok {
		// A finish staged as a patch, changed again: staged whole from now.
		f := &v.order[i]
		r, err := decodeImage(f.src)
		if err != nil {
			return nil, err
		}
		r.answer(f.state, f.code, f.authID, f.at)
		*f = staged{id: id, rec: &r}
		delete(v.fins, id)
		v.recs[id] = &r
		return &r, nil
	}
	if r, ok := v.s.ov.get(id); ok {
		return &r, nil
	}
	rs, err := narrowRecords(v.context(), v.r, nil, narrowByID, id)
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
		return narrowRecords(v.context(), v.r, nil, q, args...)
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
		v.order = append(v.order, staged{id: r.ID, rec: r})
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
	if v.finishHeld(w) {
		return nil
	}
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
	r.answer(w.State, w.Code, w.AuthID, w.At)
	v.stage(r)
	return nil
}

// finishHeld finishes, as a patch of its image, a record the overlay
// holds and the group has not changed (the common case: a transaction's
// answer a few milliseconds after its request); it reports whether it did.
func (v *txView) finishHeld(w *Write) bool {
	if _, ok := v.recs[w.ID]; ok {
		return false
	}
	if _, ok := v.fins[w.ID]; ok {
		return false
	}
	e, ok := v.s.ov.entry(w.ID)
	if !ok {
		return false
	}
	w.Prev = e.state
	if e.state == StateForwarded {
		v.fins[w.ID] = len(v.order)
		v.order = append(v.order, staged{id: w.ID, src: e.img,
			state: w.State, code: w.Code, authID: w.AuthID, at: w.At})
	}
	return true
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
		err = t.each(v.context(), queuedReversalSQL, []any{w.SAF.TxnID}, func(scan scanFunc) error { return scan(&id) })
		if err != nil {
			return err
		}
	}
	if id == 0 {
		err = t.each(v.context(), sqliteLogEnqueueSQL, enqueueArgs(w.SAF, createdUS), func(scan scanFunc) error { return scan(&id) })
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
