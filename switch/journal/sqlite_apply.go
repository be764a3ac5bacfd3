package journal

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

const (
	readLogSQL = `SELECT seq, data FROM txlog ORDER BY seq LIMIT $1`
	trimLogSQL = `DELETE FROM txlog WHERE seq <= $1`
	// applyChunkImages bounds the images one background apply transaction
	// writes (some milliseconds of SQLite work), so that a SAF change never
	// waits long behind it; drainChunkImages is the larger chunk of replay
	// and Close, when no write waits.
	applyChunkImages = 1024
	drainChunkImages = 16384
	// applyRows bounds the legacy txlog rows read per query.
	applyRows = 256
	// applyIdle: the applier works once no group has committed for this
	// long (or at once past half of Options.MaxBacklog); it looks that
	// often.
	applyIdle = 20 * time.Millisecond
)

// applyLoop is the applier goroutine: it moves the overlay's records to
// table txn, oldest log frames first, when no group has committed for
// applyIdle or the backlog has passed half its bound, until close.
func (s *sqliteStore) applyLoop() {
	defer close(s.stopped)
	t := time.NewTicker(applyIdle)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.kicked:
		}
		for s.shouldApply() {
			ctx, cancel := context.WithTimeout(context.Background(), s.opt.CommitTimeout)
			n, err := s.applyImages(ctx, applyChunkImages)
			cancel()
			if err != nil {
				s.opt.Logger.Error("journal: applying the log failed; it stays logged", "err", err)
				break
			}
			if n == 0 {
				break
			}
			select {
			case <-s.stop:
				return
			default:
			}
		}
	}
}

// shouldApply reports whether the applier should apply a chunk now.
func (s *sqliteStore) shouldApply() bool {
	if s.hold.Load() {
		return false
	}
	n := s.ov.len()
	return n > 0 && (n >= s.opt.MaxBacklog/2 || time.Since(time.Unix(0, s.busyAt.Load())) >= applyIdle)
}

// backlog returns the number of records whose latest change is logged but
// not yet applied to table txn.
func (s *sqliteStore) backlog() int { return s.ov.len() }

// kick asks the applier to work now.
func (s *sqliteStore) kick() {
	select {
	case s.kicked <- struct{}{}:
	default:
	}
}

// applyImages writes to table txn the latest images of the records of the
// oldest log frames, about limit of them, in one transaction that also
// advances log_applied; then evicts them from the overlay and recycles the
// segments wholly applied. It returns the number of records written.
func (s *sqliteStore) applyImages(ctx context.Context, limit int) (int, error) {
	recs, upTo := s.ov.oldest(limit, s.log.syncedSeq())
	if len(recs) == 0 {
		return 0, nil
	}
	l := newLatestImages(len(recs))
	for _, r := range recs {
		l.add(r)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	r := &stmtRunner{tx: tx, prepared: s.stmts, bound: make(map[string]*sql.Stmt, 3)}
	if err := upsertAll(ctx, r, l); err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	if _, err := r.exec(ctx, setAppliedSQL, upTo); err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	s.applyMu.Lock()
	err = tx.Commit()
	if err == nil {
		s.ov.evict(upTo)
	}
	s.applyMu.Unlock()
	if err != nil {
		return 0, err
	}
	s.log.recycle(upTo)
	return len(recs), nil
}

// drain applies the whole overlay, chunk by chunk, within timeout.
func (s *sqliteStore) drain(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		n, err := s.applyImages(ctx, drainChunkImages)
		if err != nil || n == 0 {
			return err
		}
	}
}

// replay applies to table txn every log frame after log_applied (what the
// last run logged but had not applied, or a crash left), in chunks that
// each advance log_applied, and returns the last frame's sequence number.
// A damaged log fails it (ErrCorrupt).
func (s *sqliteStore) replay(ctx context.Context) (int64, error) {
	var applied int64
	if err := (sqlRunner{s.writer}).each(ctx, appliedSQL, nil, func(scan scanFunc) error { return scan(&applied) }); err != nil {
		return 0, err
	}
	l := newLatestImages(drainChunkImages)
	var upTo int64
	flush := func() error {
		if l.len() == 0 {
			return nil
		}
		err := s.inTx(ctx, func(r runner) error {
			if err := upsertAll(ctx, r, l); err != nil {
				return err
			}
			_, err := r.exec(ctx, setAppliedSQL, upTo)
			return err
		})
		l.reset()
		return err
	}
	last, err := s.log.replay(applied, true, func(seq int64, payload []byte) error {
		if err := decodeRow(payload, l.add); err != nil {
			return fmt.Errorf("log frame %d: %w", seq, err)
		}
		upTo = seq
		if l.len() >= drainChunkImages {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return last, flush()
}

// applyLegacy applies, chunk by chunk, the rows of table txlog that a
// version written before the segment log left unapplied.
func (s *sqliteStore) applyLegacy(ctx context.Context) error {
	for {
		n := 0
		err := s.inTx(ctx, func(r runner) error {
			var err error
			_, n, err = applyChunk(ctx, r, drainChunkImages)
			return err
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// errEnough stops reading log rows once a chunk is full.
var errEnough = errors.New("journal: chunk full")

// logRow is one txlog row read back.
type logRow struct {
	seq  int64
	data []byte
}

// applyChunk moves the oldest log rows, up to about limit images, into
// table txn through r (inside a write transaction) and deletes them. It
// returns the last seq applied and the number of rows (0: the log is
// empty). The latest image of each record wins; a record inserted and
// finished in the chunk costs one INSERT.
func applyChunk(ctx context.Context, r runner, limit int) (int64, int, error) {
	var rows []logRow
	images := 0
	err := r.each(ctx, readLogSQL, []any{int64(applyRows)}, func(scan scanFunc) error {
		var lr logRow
		if images >= limit {
			return errEnough
		}
		if err := scan(&lr.seq, &lr.data); err != nil {
			return err
		}
		rows = append(rows, lr)
		if len(lr.data) > 1 {
			n, _ := binary.Uvarint(lr.data[1:]) // checked when decoded
			images += int(min(n, maxLogImages))
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	l := newLatestImages(images)
	for _, lr := range rows {
		if err := decodeRow(lr.data, l.add); err != nil {
			return 0, 0, fmt.Errorf("txlog row %d: %w", lr.seq, err)
		}
	}
	if err := upsertAll(ctx, r, l); err != nil {
		return 0, 0, err
	}
	last := rows[len(rows)-1].seq
	if _, err := r.exec(ctx, trimLogSQL, last); err != nil {
		return 0, 0, err
	}
	return last, len(rows), nil
}
