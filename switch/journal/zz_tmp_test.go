package journal

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func BenchmarkTmpApply(b *testing.B) {
	for _, variant := range []string{"full", "nopanidx", "nouniq", "noidx", "full-normal"} {
		b.Run(variant, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "x.db")
			sync := "FULL"
			if variant == "full-normal" {
				sync = "NORMAL"
			}
			db, _ := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+sync+")")
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			steps := migrationSteps("INTEGER PRIMARY KEY", "INTEGER", "BLOB")
			for _, st := range steps {
				for _, s := range st {
					if variant == "nopanidx" && strings.Contains(s, "pan_hash ON") {
						continue
					}
					if variant == "noidx" && strings.Contains(s, "CREATE INDEX") {
						continue
					}
					if (variant == "nouniq" || variant == "noidx") && strings.Contains(s, "CREATE TABLE txn") {
						s = strings.Replace(s, ",\n\tUNIQUE (mti, acquirer, stan, tx_time))", ")", 1)
					}
					if _, err := db.Exec(s); err != nil {
						b.Fatal(err, s)
					}
				}
			}
			b.ResetTimer()
			id := int64(1)
			for n := 0; n < b.N; n += 2048 {
				tx, _ := db.BeginTx(ctx, nil)
				r := &stmtRunner{tx: tx, prepared: map[string]*sql.Stmt{}, bound: map[string]*sql.Stmt{}}
				latest := map[int64]Record{}
				var order []int64
				for i := 0; i < 2048; i++ {
					rec := Record{ID: id, Key: Key{"0200", "48020000", fmt.Sprintf("%06d", id%1000000), fmt.Sprintf("%010d", id)},
						Node: "n1", BusinessDate: "2026-11-27", ReceivedAt: time.Now(), AcquirerInst: "48020000", Issuer: "01020000",
						Route: "bench", Link: "l1", PANMasked: "622202******1234", PANHash: fmt.Sprintf("%064x", id*7919),
						Processing: "000000", Amount: 100, Currency: "156", RRN: "123456789012", Terminal: "T1", Merchant: "M1",
						State: StateApproved, ResponseCode: "00", AuthID: "123456", RespondedAt: time.Now()}
					latest[id] = rec
					order = append(order, id)
					id++
				}
				if err := upsertAll(ctx, r, latest, order); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(id), "us/row")
		})
	}
}
