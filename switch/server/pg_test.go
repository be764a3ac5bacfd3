package server

import (
	"testing"

	"github.com/hulian/hulian/switch/journal/journaltest"
)

// postgresURL creates a fresh schema in the test database on
// 127.0.0.1:5432 and returns a URL using it; the schema is dropped after
// the test. Without PostgreSQL the test is skipped on a developer machine
// and fails in CI (CI=true).
func postgresURL(t testing.TB) string {
	return journaltest.PostgresURL(t, "hulian_server_test")
}
