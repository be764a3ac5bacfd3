package journal

import (
	"context"
	"fmt"
	"strings"
)

const (
	versionTableSQL = `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER NOT NULL PRIMARY KEY, applied_us BIGINT NOT NULL)`
	versionSQL       = `SELECT COALESCE(MAX(version), 0) FROM schema_version`
	insertVersionSQL = `INSERT INTO schema_version (version, applied_us) VALUES ($1, $2)`
)

// schemaV1 creates the transaction and store-and-forward tables. The
// placeholders ID, INT and BLOB take each database's types, so both
// backends share one definition. Times are BIGINT microseconds (UTC).
const schemaV1 = `
CREATE TABLE txn (
	id ID,
	mti TEXT NOT NULL, acquirer TEXT NOT NULL, stan TEXT NOT NULL, tx_time TEXT NOT NULL,
	node TEXT NOT NULL, business_date TEXT NOT NULL, received_us INT NOT NULL,
	acquirer_inst TEXT NOT NULL, issuer TEXT NOT NULL, route TEXT NOT NULL, link TEXT NOT NULL,
	pan_masked TEXT NOT NULL, pan_hash TEXT NOT NULL, processing TEXT NOT NULL,
	amount INT NOT NULL, currency TEXT NOT NULL, rrn TEXT NOT NULL, terminal TEXT NOT NULL,
	merchant TEXT NOT NULL, receiving TEXT NOT NULL, state TEXT NOT NULL,
	response_code TEXT NOT NULL, auth_id TEXT NOT NULL, responded_us INT NOT NULL,
	original_id INT NOT NULL, reversal TEXT NOT NULL,
	UNIQUE (mti, acquirer, stan, tx_time));
CREATE INDEX txn_business_date ON txn (business_date);
CREATE INDEX txn_forwarded ON txn (received_us) WHERE state = 'forwarded';
CREATE TABLE saf (
	id ID,
	txn_id INT NOT NULL, issuer TEXT NOT NULL, mti TEXT NOT NULL, message BLOB NOT NULL,
	attempts INT NOT NULL, next_us INT NOT NULL, expires_us INT NOT NULL, state TEXT NOT NULL,
	lease_node TEXT NOT NULL DEFAULT '', lease_us INT NOT NULL DEFAULT 0, created_us INT NOT NULL);
CREATE INDEX saf_due ON saf (next_us, id) WHERE state = 'pending';
CREATE INDEX saf_txn ON saf (txn_id)`

// schemaV2 adds the look-up indexes (card hash for disputes, originals).
const schemaV2 = `
CREATE INDEX txn_pan_hash ON txn (pan_hash);
CREATE INDEX txn_original ON txn (original_id) WHERE original_id <> 0`

// schemaV3 indexes the timed-out records still without a reversal (there
// should be none for long: recovery finds them).
const schemaV3 = `
CREATE INDEX txn_unreversed ON txn (id) WHERE state = 'timed_out' AND reversal = ''`

// sqliteLogSchema (SQLite's version 4) adds the write-ahead log of the hot
// path: one row per group commit (logcodec.go). AUTOINCREMENT keeps seq
// increasing even after the applier has emptied the table.
const sqliteLogSchema = `
CREATE TABLE IF NOT EXISTS txlog (seq INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL)`

// sqliteAppliedSchema (SQLite's version 5) moves the log to segment files
// (seglog.go) and keeps, in the database, the sequence number of the last
// log frame reflected in table txn: the next open replays only what
// follows it. Table txlog stays for databases written before it (their
// rows are applied at open).
var sqliteAppliedSchema = []string{
	`CREATE TABLE IF NOT EXISTS log_applied (seq INTEGER NOT NULL)`,
	`INSERT INTO log_applied (seq) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM log_applied)`,
}

// migrationSteps returns the ordered migrations with the given types.
func migrationSteps(id, integer, blob string) [][]string {
	r := strings.NewReplacer("ID,", id+",", "INT ", integer+" ", "BLOB ", blob+" ")
	var steps [][]string
	for _, s := range []string{schemaV1, schemaV2, schemaV3} {
		steps = append(steps, strings.Split(r.Replace(s), ";"))
	}
	return steps
}

// migrate brings the schema up to version upTo (len(d.steps) normally) in
// one transaction, serialised against other processes doing the same. A
// database already past the code's last version is refused.
func migrate(ctx context.Context, b backend, upTo int, nowUS int64) error {
	d := b.variant()
	return b.inTx(ctx, func(r runner) error {
		if d.lockSQL != "" {
			if _, err := r.exec(ctx, d.lockSQL); err != nil {
				return err
			}
		}
		if _, err := r.exec(ctx, versionTableSQL); err != nil {
			return err
		}
		var cur int64
		if err := r.each(ctx, versionSQL, nil, func(scan scanFunc) error { return scan(&cur) }); err != nil {
			return err
		}
		if cur > int64(len(d.steps)) {
			return fmt.Errorf("%w: database has version %d, this program knows up to %d",
				ErrSchemaTooNew, cur, len(d.steps))
		}
		for v := int(cur) + 1; v <= upTo; v++ {
			for _, stmt := range d.steps[v-1] {
				if _, err := r.exec(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d: %w", v, err)
				}
			}
			if _, err := r.exec(ctx, insertVersionSQL, int64(v), nowUS); err != nil {
				return err
			}
		}
		return nil
	})
}
