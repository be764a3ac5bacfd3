package journal

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hulian/hulian/switch/journal/journaltest"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// env is one empty database for a test: its URL for Open and a way to
// search everything stored in it for a byte string.
type env struct {
	url      string
	contains func(t testing.TB, needle string) bool
}

// newEnvFunc makes a fresh env; cleanup is registered on t.
type newEnvFunc func(t testing.TB) env

// sqliteEnv makes a journal file in a temporary directory.
func sqliteEnv(t testing.TB) env {
	path := filepath.Join(t.TempDir(), "journal.db")
	return env{url: "sqlite:" + path, contains: func(t testing.TB, needle string) bool {
		found := false
		files := []string{path, path + "-wal", path + "-shm"}
		logs, _ := filepath.Glob(filepath.Join(path+"-log", "*"))
		for _, f := range append(files, logs...) {
			b, err := os.ReadFile(f)
			if os.IsNotExist(err) {
				continue
			}
			require.NoError(t, err)
			found = found || bytes.Contains(b, []byte(needle))
		}
		return found
	}}
}

// pgEnv makes a fresh schema in the test database and drops it at cleanup.
// It skips when PostgreSQL is unreachable, unless CI=true.
func pgEnv(t testing.TB) env {
	url := journaltest.PostgresURL(t, "hulian_test")
	return env{url: url, contains: func(t testing.TB, needle string) bool {
		c, err := pgx.Connect(context.Background(), url)
		require.NoError(t, err)
		defer c.Close(context.Background())
		var n int
		err = c.QueryRow(context.Background(),
			`SELECT (SELECT COUNT(*) FROM txn x WHERE strpos(x::text, $1) > 0) +
			        (SELECT COUNT(*) FROM saf s WHERE strpos(s::text, $1) > 0
			            OR position(convert_to($1, 'UTF8') in s.message) > 0)`, needle).Scan(&n)
		require.NoError(t, err)
		return n > 0
	}}
}

// testKey returns the 16+ byte PAN hash key of the tests.
func testKey() []byte { return []byte("0123456789abcdef-test-key") }

// openJournal opens e as node with default test options.
func openJournal(t *testing.T, e env, node string) *Journal {
	t.Helper()
	j, err := Open(context.Background(), e.url, Options{Node: node, HashKey: testKey()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

// day0 returns the reference instant of the tests.
func day0() time.Time { return time.Date(2025, 3, 14, 9, 30, 0, 123456000, time.UTC) }

// newRecord returns a forwarded 0200 purchase with STAN i.
func newRecord(j *Journal, i int) *Record {
	r := &Record{
		Key:          Key{MTI: "0200", Acquirer: "48010000", STAN: fmt.Sprintf("%06d", i), TxTime: "0314093000"},
		Node:         j.Node(),
		BusinessDate: "2025-03-14",
		ReceivedAt:   day0().Add(time.Duration(i) * time.Millisecond),
		AcquirerInst: "ACQ1", Issuer: "ISS1", Route: "bin-622", Link: "iss1-a",
		Processing: "000000", Amount: int64(1000 + i), Currency: "156",
		RRN: "5073" + strconv.Itoa(100000+i), Terminal: "T0000001", Merchant: "M00000000000001",
		Receiving: "49010000", State: StateForwarded,
	}
	j.SetPAN(r, []byte("6225880123456789"))
	return r
}

// insert journals r and returns its ID.
func insert(t *testing.T, j *Journal, r *Record) int64 {
	t.Helper()
	w := &Write{Kind: WriteInsert, Record: r}
	require.NoError(t, j.Do(context.Background(), w))
	require.Nil(t, w.Duplicate)
	require.NotZero(t, r.ID)
	return r.ID
}

// finish gives record id its final answer and returns the state before.
func finish(t *testing.T, j *Journal, id int64, s State, code string) State {
	t.Helper()
	w := &Write{Kind: WriteFinish, ID: id, State: s, Code: code, AuthID: "A1B2C3", At: day0().Add(time.Second)}
	require.NoError(t, j.Do(context.Background(), w))
	return w.Prev
}

// enqueue adds a SAF entry for txn and returns its ID.
func enqueue(t *testing.T, j *Journal, txn int64, mti string, next time.Time) int64 {
	t.Helper()
	e := &SAFEntry{TxnID: txn, Issuer: "ISS1", MTI: mti, Message: []byte("opaque-fields"),
		NextAt: next, ExpiresAt: next.Add(24 * time.Hour)}
	require.NoError(t, j.Do(context.Background(), &Write{Kind: WriteEnqueue, SAF: e}))
	require.NotZero(t, e.ID)
	return e.ID
}
