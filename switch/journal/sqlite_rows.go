package journal

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// SQLite's table txn (schema version 6) is narrow: the columns that reads
// select on, and the record itself as its image (logcodec.go) in a blob.
// Filling it is what bounds the journal's sustained rate, and in
// modernc.org/sqlite the cost of a row grows with its columns: 27 columns
// and five indexes (four of them on text) cost 14-16 µs a row here, nine
// columns with integer keys about a third of that. The request key is
// indexed as a 64-bit hash (key_hash); a query selects by it and the exact
// condition is checked on the decoded record (scanQuery.match). The
// card's hash is kept as its first 64 bits (pan_key) without an index: a
// random key per row would cost more than the row (look-ups by card are
// rare and scan). PostgreSQL keeps the wide table: several nodes and
// operators query it directly.
var sqliteNarrowSchema = []string{
	`ALTER TABLE txn RENAME TO txn_v5`,
	`DROP INDEX IF EXISTS txn_business_date`,
	`DROP INDEX IF EXISTS txn_forwarded`,
	`DROP INDEX IF EXISTS txn_pan_hash`,
	`DROP INDEX IF EXISTS txn_original`,
	`DROP INDEX IF EXISTS txn_unreversed`,
	`CREATE TABLE txn (id INTEGER PRIMARY KEY, key_hash INTEGER NOT NULL, business_date TEXT NOT NULL,
		received_us INTEGER NOT NULL, pan_key INTEGER NOT NULL, state TEXT NOT NULL,
		reversal TEXT NOT NULL, original_id INTEGER NOT NULL, image BLOB NOT NULL)`,
	`CREATE INDEX txn_key ON txn (key_hash)`,
	`CREATE INDEX txn_business_date ON txn (business_date)`,
	`CREATE INDEX txn_forwarded ON txn (received_us) WHERE state = 'forwarded'`,
	`CREATE INDEX txn_original ON txn (original_id) WHERE original_id <> 0`,
	`CREATE INDEX txn_unreversed ON txn (id) WHERE state = 'timed_out' AND reversal = ''`,
}

const (
	// upsertSQL writes a record's latest image: a new row, or only the
	// columns that change after insertion. upsertRowsSQL(upsertRows)
	// writes upsertRows records in one statement; anonymous placeholders
	// bind without a parameter-name look-up each.
	upsertSQL  = upsertHead + upsertRow + upsertTail
	upsertHead = `INSERT INTO txn (id, key_hash, business_date, received_us, pan_key, state,
		reversal, original_id, image) VALUES `
	upsertRow  = `(?, ?, ?, ?, ?, ?, ?, ?, ?)`
	upsertTail = ` ON CONFLICT (id) DO UPDATE SET state = excluded.state,
		reversal = excluded.reversal, image = excluded.image`
	upsertCols = 9
	upsertRows = 16

	narrowCols    = `id, image`
	narrowByID    = `SELECT ` + narrowCols + ` FROM txn WHERE id = $1`
	narrowByKey   = `SELECT ` + narrowCols + ` FROM txn WHERE key_hash = $1`
	narrowKeysSQL = `SELECT key_hash FROM txn`
	// oldTableSQL tells whether rows of the wide table wait to move.
	oldTableSQL = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'txn_v5'`
	oldRowsSQL  = `SELECT ` + recordCols + ` FROM txn_v5 ORDER BY id LIMIT $1`
	oldTrimSQL  = `DELETE FROM txn_v5 WHERE id <= $1`
	oldDropSQL  = `DROP TABLE txn_v5`
)

// narrowSQL maps the shared read statements to the narrow table's: each
// selects a superset of its rows, and scanQuery.match keeps the exact
// ones (the key and the MTI are not columns here).
var narrowSQL = map[string]string{
	byIDSQL:       narrowByID,
	unfinishedSQL: `SELECT ` + narrowCols + ` FROM txn WHERE state = 'forwarded' AND received_us < $1 ORDER BY id`,
	unreversedSQL: `SELECT ` + narrowCols + ` FROM txn WHERE state = 'timed_out' AND reversal = '' ORDER BY id`,
	daySQL:        `SELECT ` + narrowCols + ` FROM txn WHERE business_date = $1 ORDER BY id`,
	settledSQL: `SELECT ` + narrowCols + ` FROM txn WHERE business_date = $1 AND state = 'approved'
		AND reversal NOT IN ('acknowledged', 'queued') ORDER BY id`,
}

// keyHash is the stable 64-bit hash of a request key, column key_hash:
// the transmission time (field 7, MMDDhhmmss, as a number) above 31 bits
// of the FNV-1a hash of the key's fields. Keys arrive roughly in time
// order, so the index grows at its end like the table instead of touching
// a random page per row (which cost more than the row itself).
func keyHash(k Key) int64 {
	const offset, prime = 14695981039346656037, 1099511628211 // FNV-1a, 64 bits
	h := uint64(offset)
	for _, s := range [...]string{k.MTI, k.Acquirer, k.STAN, k.TxTime} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
		h *= prime // the zero byte after each field
	}
	t, err := strconv.ParseUint(k.TxTime, 10, 31)
	if err != nil {
		t = 0
	}
	return int64(t<<31 | h&(1<<31-1))
}

// panKey is the first 64 bits of a card's keyed hash (hex): column
// pan_key; 0 without one.
func panKey(panHash string) int64 {
	if len(panHash) < 16 {
		return 0
	}
	v, err := strconv.ParseUint(panHash[:16], 16, 64)
	if err != nil {
		return 0
	}
	return int64(v)
}

// upsertRowsSQL is upsertSQL for n records.
func upsertRowsSQL(n int) string {
	return upsertHead + strings.Repeat(upsertRow+", ", n-1) + upsertRow + upsertTail
}

// latestImages collects records for upsertAll: the last image of each ID,
// in the order the IDs were first seen (a record inserted and finished in
// the same chunk costs one row).
type latestImages struct {
	recs  map[int64]Record
	order []int64
}

func newLatestImages(n int) *latestImages {
	return &latestImages{recs: make(map[int64]Record, n), order: make([]int64, 0, n)}
}

func (l *latestImages) add(r Record) {
	if _, ok := l.recs[r.ID]; !ok {
		l.order = append(l.order, r.ID)
	}
	l.recs[r.ID] = r
}

func (l *latestImages) len() int { return len(l.order) }

func (l *latestImages) reset() {
	clear(l.recs)
	l.order = l.order[:0]
}

// upsertAll writes the records of l, upsertRows per statement and the
// rest one by one.
func upsertAll(ctx context.Context, r runner, l *latestImages) error {
	many := upsertRowsSQL(upsertRows)
	args := make([]any, 0, upsertCols*upsertRows)
	latest, order := l.recs, l.order
	for len(order) > 0 {
		q, n := upsertSQL, 1
		if len(order) >= upsertRows {
			q, n = many, upsertRows
		}
		args = args[:0]
		for _, id := range order[:n] {
			rec := latest[id]
			args = append(args, rec.ID, keyHash(rec.Key), rec.BusinessDate, micros(rec.ReceivedAt),
				panKey(rec.PANHash), string(rec.State), string(rec.Reversal), rec.OriginalID, appendImage(nil, &rec))
		}
		if _, err := r.exec(ctx, q, args...); err != nil {
			return err
		}
		order = order[n:]
	}
	return nil
}

// tableRecords runs q's narrow statement through r and returns the
// decoded records q matches. byKeySQL's arguments (the key) become the
// key's hash.
func tableRecords(ctx context.Context, r runner, q scanQuery) ([]Record, error) {
	stmt, args := narrowSQL[q.sql], q.args
	if q.sql == byKeySQL {
		k := Key{MTI: fmt.Sprint(q.args[0]), Acquirer: fmt.Sprint(q.args[1]), STAN: fmt.Sprint(q.args[2]), TxTime: fmt.Sprint(q.args[3])}
		stmt, args = narrowByKey, []any{keyHash(k)}
	}
	if stmt == "" {
		return nil, fmt.Errorf("journal: no narrow form of a query") // a programming error
	}
	return narrowRecords(ctx, r, q.match, stmt, args...)
}

// narrowRecords runs a narrow statement and returns the decoded records
// that keep accepts.
func narrowRecords(ctx context.Context, r runner, keep func(*Record) bool, stmt string, args ...any) ([]Record, error) {
	var out []Record
	err := r.each(ctx, stmt, args, func(scan scanFunc) error {
		var id int64
		var img []byte
		if err := scan(&id, &img); err != nil {
			return err
		}
		rec, err := decodeImage(img)
		if err != nil {
			return fmt.Errorf("txn row %d: %w", id, err)
		}
		if keep == nil || keep(&rec) {
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// moveOldRows moves, chunk by chunk, the rows of the wide table that
// schema version 6 renamed to txn_v5 into the narrow table, then drops it.
func (s *sqliteStore) moveOldRows(ctx context.Context) error {
	var n int
	if err := (sqlRunner{s.writer}).each(ctx, oldTableSQL, nil, func(scan scanFunc) error { return scan(&n) }); err != nil || n == 0 {
		return err
	}
	for {
		moved := 0
		err := s.inTx(ctx, func(r runner) error {
			rs, err := records(ctx, r, oldRowsSQL, int64(drainChunkImages))
			if err != nil || len(rs) == 0 {
				return err
			}
			l := newLatestImages(len(rs))
			for _, rec := range rs {
				l.add(rec)
			}
			if err := upsertAll(ctx, r, l); err != nil {
				return err
			}
			moved = len(rs)
			_, err = r.exec(ctx, oldTrimSQL, rs[len(rs)-1].ID)
			return err
		})
		if err != nil {
			return fmt.Errorf("moving rows to the narrow txn table: %w", err)
		}
		if moved == 0 {
			_, err := s.writer.ExecContext(ctx, oldDropSQL)
			return err
		}
	}
}
