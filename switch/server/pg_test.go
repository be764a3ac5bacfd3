package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// postgresURL creates a fresh schema in the test database on
// 127.0.0.1:5432 and returns a URL using it; the schema is dropped after
// the test. Without PostgreSQL the test is skipped on a developer machine
// and fails in CI (CI=true).
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("HULIAN_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		t.Skipf("no PostgreSQL at %s: %v", base, err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("hulian_server_test_%d", rand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(ctx)
		}
	})
	return base + "&search_path=" + schema
}
