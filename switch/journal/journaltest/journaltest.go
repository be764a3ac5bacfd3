// Package journaltest gives tests a PostgreSQL database of their own: a
// fresh schema in the test database on 127.0.0.1:5432 (or
// $HULIAN_TEST_POSTGRES), dropped when the test ends. Without PostgreSQL the
// test is skipped on a developer machine and fails in CI (CI=true), so that
// CI never passes by skipping.
package journaltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultDSN is the test database of the machines this project runs on.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL creates a schema named after prefix and returns a URL whose
// search_path is that schema.
func PostgresURL(t testing.TB, prefix string) string {
	t.Helper()
	base := os.Getenv("HULIAN_TEST_POSTGRES")
	if base == "" {
		base = DefaultDSN
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI (%s): %v", base, err)
		}
		t.Skipf("no PostgreSQL at %s: %v", base, err)
	}
	defer conn.Close(context.Background())
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := prefix + "_" + hex.EncodeToString(rnd[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
