package journal

import "testing"

func TestSQLite(t *testing.T) { runSuite(t, sqliteEnv) }
