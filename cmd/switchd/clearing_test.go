package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/clearing/clearingtest"
	"github.com/hulian/hulian/switch/journal"
)

// mixedJournal writes the mixed test day into a SQLite journal file and
// closes it, as the switch would leave it.
func mixedJournal(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.OpenSQLite(ctx, path, journal.Options{Node: "n1", HashKey: []byte("0123456789abcdef")})
	require.NoError(t, err)
	_, err = clearingtest.MixedDay(ctx, j)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	return path
}

func TestRunClearing(t *testing.T) {
	db := mixedJournal(t)
	out := filepath.Join(t.TempDir(), "clearing")
	var stdout, stderr bytes.Buffer
	err := runClearing(context.Background(), []string{
		"--journal", "sqlite:" + db, "--date", clearingtest.Date, "--out", out,
		"--names", "48020000=Acquirer A, 48030000=Acquirer B,01020000=Issuer X",
	}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 7+5+1, "paths, one line per institution, reconciliation")
	for _, p := range lines[:7] {
		_, err := os.Stat(p)
		require.NoError(t, err, p)
		assert.Equal(t, out, filepath.Dir(p))
	}
	assert.Equal(t, filepath.Join(out, "settlement-2024-05-01.csv"), lines[5])
	assert.Equal(t, "01020000 (Issuer X): currency 156, 3 transactions, receivable 1200, payable 14321, net -13121", lines[7])
	assert.Equal(t, "01030000: currency 156, 1 transactions, receivable 0, payable 2550, net -2550", lines[8])
	assert.Equal(t, "48030000 (Acquirer B): currency 156, 4 transactions, receivable 35821, payable 1200, net +34621", lines[11])
	assert.Equal(t, "2024-05-01: 16 records, 7 cleared (156 49821); excluded: 2 reversed, 1 declined, 1 timed out, "+
		"1 rejected, 1 unanswered, 1 not financial, 1 zero amount, 1 reversal messages", lines[12])

	settlement, err := os.ReadFile(lines[5])
	require.NoError(t, err)
	assert.Contains(t, string(settlement), "\nTOTAL,,156,49821,49821,0,14\n")
	for _, p := range lines[:7] {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, pan := range clearingtest.PANs() {
			assert.NotContains(t, string(b), pan)
		}
	}

	// A second run replaces the files with identical ones.
	before, err := os.ReadFile(lines[0])
	require.NoError(t, err)
	stdout.Reset()
	require.NoError(t, runClearing(context.Background(), []string{
		"--journal", "sqlite:" + db, "--date", clearingtest.Date, "--out", out,
		"--names", "48020000=Acquirer A, 48030000=Acquirer B,01020000=Issuer X",
	}, &stdout, &stderr))
	after, err := os.ReadFile(lines[0])
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestRunClearingErrors(t *testing.T) {
	db := mixedJournal(t)
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no journal", []string{"--date", "2024-05-01", "--out", out}, "--journal (or --config) is required"},
		{"no date", []string{"--journal", "sqlite:" + db, "--out", out}, "--date is required"},
		{"no out", []string{"--journal", "sqlite:" + db, "--date", "2024-05-01"}, "--out (or clearing.dir in --config) is required"},
		{"bad date", []string{"--journal", "sqlite:" + db, "--date", "2024-02-30", "--out", out}, `"2024-02-30"`},
		{"missing journal file", []string{"--journal", "sqlite:" + filepath.Join(out, "nope.db"), "--date", "2024-05-01", "--out", out}, "no such file"},
		{"bad names", []string{"--journal", "sqlite:" + db, "--date", "2024-05-01", "--out", out, "--names", "48020000"}, "not id=name"},
		{"duplicate names", []string{"--journal", "sqlite:" + db, "--date", "2024-05-01", "--out", out, "--names", "1=a,1=b"}, "named twice"},
		{"bad id in names", []string{"--journal", "sqlite:" + db, "--date", "2024-05-01", "--out", out, "--names", "../x=a"}, "names"},
		{"unknown scheme", []string{"--journal", "mysql://x", "--date", "2024-05-01", "--out", out}, ""},
		{"extra argument", []string{"--journal", "sqlite:" + db, "--date", "2024-05-01", "--out", out, "more"}, "unexpected argument"},
		{"unknown flag", []string{"--bogus", "x"}, "not defined"},
		{"missing configuration", []string{"--config", filepath.Join(out, "nope.yaml"), "--date", "2024-05-01"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runClearing(context.Background(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, stdout.String(), "nothing reported as written")
		})
	}
	_, err := os.Stat(filepath.Join(out, "nope.db"))
	assert.True(t, os.IsNotExist(err), "a missing journal is not created")
}

func TestRunClearingEmptyDay(t *testing.T) {
	db := mixedJournal(t)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.NoError(t, runClearing(context.Background(), []string{
		"--journal", "sqlite:" + db, "--date", "2024-06-01", "--out", out, "--names", "48020000=Acquirer A",
	}, &stdout, &stderr))
	assert.Equal(t, filepath.Join(out, "clearing-2024-06-01-48020000.csv")+"\n"+
		filepath.Join(out, "settlement-2024-06-01.csv")+"\n"+
		filepath.Join(out, "settlement-2024-06-01.txt")+"\n"+
		"48020000 (Acquirer A): no cleared transactions\n"+
		"2024-06-01: 0 records, 0 cleared (no amount); excluded: 0 reversed, 0 declined, 0 timed out, 0 rejected, "+
		"0 unanswered, 0 not financial, 0 zero amount, 0 reversal messages\n", stdout.String())
}

// TestClearingHelp: the help of switchd clearing lists --config, the form
// the README gives, and succeeds.
func TestClearingHelp(t *testing.T) {
	var errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"clearing", "--help"}, io.Discard, &errOut, nil))
	assert.Contains(t, errOut.String(), "-config file")
	assert.Contains(t, errOut.String(), "usage: switchd clearing (--config FILE | --journal URL --out DIR) --date YYYY-MM-DD")
}
