package clearing_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/clearing"
	"github.com/hulian/hulian/switch/clearing/clearingtest"
	"github.com/hulian/hulian/switch/journal"
)

// openMixed journals the mixed day into a fresh SQLite file.
func openMixed(t *testing.T) (*journal.Journal, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	j, err := journal.OpenSQLite(ctx, filepath.Join(t.TempDir(), "journal.db"),
		journal.Options{Node: "test", HashKey: []byte("0123456789abcdef")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	ids, err := clearingtest.MixedDay(ctx, j)
	require.NoError(t, err)
	return j, ids
}

func buildFrom(t *testing.T, j *journal.Journal, date string) *clearing.Report {
	t.Helper()
	ctx := context.Background()
	settled, err := j.Settled(ctx, date)
	require.NoError(t, err)
	day, err := j.Day(ctx, date)
	require.NoError(t, err)
	rep, err := clearing.Build(date, settled, day, clearingtest.Names())
	require.NoError(t, err)
	return rep
}

func readRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err, s)
	return n
}

func TestMixedDayPreconditions(t *testing.T) {
	j, ids := openMixed(t)
	ctx := context.Background()
	for label, want := range map[string]journal.ReversalState{
		"timed-out": journal.ReversalQueued, "reversed-ack": journal.ReversalDone, "reversed-queued": journal.ReversalQueued,
	} {
		r, err := j.Get(ctx, ids[label])
		require.NoError(t, err)
		assert.Equal(t, want, r.Reversal, label)
	}
	for label, want := range map[string]string{
		"prev-day": clearingtest.PrevDate, "at-cutoff": clearingtest.Date,
		"before-cutoff": clearingtest.Date, "next-day": clearingtest.NextDate,
	} {
		r, err := j.Get(ctx, ids[label])
		require.NoError(t, err)
		assert.Equal(t, want, r.BusinessDate, label)
	}
}

func TestClearingOfMixedDay(t *testing.T) {
	j, ids := openMixed(t)
	rep := buildFrom(t, j, clearingtest.Date)
	dir := t.TempDir()
	paths, err := rep.Write(dir)
	require.NoError(t, err)
	require.Len(t, paths, 7)

	label := make(map[int64]string)
	for l, id := range ids {
		label[id] = l
	}
	tests := []struct {
		inst            string
		labels          []string
		recv, pay, net  int64
		firstRole, peer string
	}{
		{clearingtest.AcqA, []string{"at-cutoff", "purchase-y", "refund-z"}, 12550, 250, 12300, "ACQ", clearingtest.IssX},
		{clearingtest.AcqB, []string{"cash-z", "refund-x", "advice-z", "before-cutoff"}, 35821, 1200, 34621, "ACQ", clearingtest.IssZ},
		{clearingtest.IssX, []string{"at-cutoff", "refund-x", "before-cutoff"}, 1200, 14321, -13121, "ISS", clearingtest.AcqA},
		{clearingtest.IssY, []string{"purchase-y"}, 0, 2550, -2550, "ISS", clearingtest.AcqA},
		{clearingtest.IssZ, []string{"cash-z", "advice-z", "refund-z"}, 250, 31500, -31250, "ISS", clearingtest.AcqB},
	}
	var gross, netSum int64
	for _, tt := range tests {
		t.Run(tt.inst, func(t *testing.T) {
			rows := readRows(t, filepath.Join(dir, clearing.ClearingFileName(clearingtest.Date, tt.inst)))
			require.Len(t, rows, len(tt.labels)+2, "header, one row per transaction, trailer")
			assert.Equal(t, clearing.ClearingHeader(), rows[0])
			var got []string
			var recv, pay int64
			for _, row := range rows[1 : len(rows)-1] {
				got = append(got, label[atoi(t, row[0])])
				assert.Equal(t, clearingtest.Date, row[1])
				signedAmt := atoi(t, row[10])
				assert.Equal(t, atoi(t, row[8]), abs(signedAmt))
				if signedAmt > 0 {
					recv += signedAmt
				} else {
					pay -= signedAmt
				}
			}
			assert.Equal(t, tt.labels, got)
			assert.Equal(t, tt.firstRole, rows[1][3])
			assert.Equal(t, tt.peer, rows[1][4])
			trailer := rows[len(rows)-1]
			assert.Equal(t, []string{"TOTAL", strconv.Itoa(len(tt.labels)), strconv.FormatInt(tt.recv, 10),
				strconv.FormatInt(tt.pay, 10), signedString(tt.net), "156"}, trailer)
			assert.Equal(t, tt.recv, recv, "trailer receivable = sum of the rows")
			assert.Equal(t, tt.pay, pay, "trailer payable = sum of the rows")
			gross += tt.recv + tt.pay
			netSum += tt.net
		})
	}
	assert.Zero(t, netSum, "net positions sum to zero")

	// Reconcile with the journal: the settled financial amounts are half the gross of all files.
	settled, err := j.Settled(context.Background(), clearingtest.Date)
	require.NoError(t, err)
	var settledSum int64
	var settledLabels []string
	for _, r := range settled {
		if (r.MTI == "0200" || r.MTI == "0220") && r.Amount > 0 {
			settledSum += r.Amount
			settledLabels = append(settledLabels, label[r.ID])
		}
	}
	assert.Equal(t, int64(49821), settledSum)
	assert.Equal(t, settledSum, gross/2)
	sort.Strings(settledLabels)
	want := clearingtest.Cleared()
	sort.Strings(want)
	assert.Equal(t, want, settledLabels)
	assert.Equal(t, len(want), rep.Transactions)

	rows := readRows(t, filepath.Join(dir, "settlement-"+clearingtest.Date+".csv"))
	require.Len(t, rows, 7)
	var sumNet int64
	for _, row := range rows[1:6] {
		sumNet += atoi(t, row[5])
	}
	assert.Zero(t, sumNet)
	assert.Equal(t, []string{"TOTAL", "", "156", "49821", "49821", "0", "14"}, rows[6])
	assert.Equal(t, []string{clearingtest.AcqB, "Acquirer B", "156", "35821", "1200", "+34621", "4"}, rows[5])

	assert.Equal(t, clearing.Reconciliation{
		Records: 16, Approved: 10, Reversed: 2, Declined: 1, TimedOut: 1, Rejected: 1, Forwarded: 1,
		Cleared: 7, NonFinancial: 1, ZeroAmount: 1, ReversalMessages: 1,
		SettledAmount: map[string]int64{"156": 49821},
	}, rep.Reconciliation)

	assertNoClearPAN(t, paths)
	assertDeterministic(t, j, paths)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func signedString(v int64) string {
	if v > 0 {
		return "+" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

func assertNoClearPAN(t *testing.T, paths []string) {
	t.Helper()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, pan := range clearingtest.PANs() {
			assert.NotContains(t, string(b), pan, filepath.Base(p))
			assert.NotContains(t, string(b), pan[6:len(pan)-4], "no middle digits in %s", filepath.Base(p))
		}
	}
}

// assertDeterministic builds and writes again into another directory: the
// files are byte-identical.
func assertDeterministic(t *testing.T, j *journal.Journal, first []string) {
	t.Helper()
	dir := t.TempDir()
	second, err := buildFrom(t, j, clearingtest.Date).Write(dir)
	require.NoError(t, err)
	require.Len(t, second, len(first))
	for i := range first {
		assert.Equal(t, filepath.Base(first[i]), filepath.Base(second[i]))
		a, err := os.ReadFile(first[i])
		require.NoError(t, err)
		b, err := os.ReadFile(second[i])
		require.NoError(t, err)
		assert.Equal(t, a, b, filepath.Base(first[i]))
	}
}

func TestNeighbourDaysAroundCutoff(t *testing.T) {
	j, ids := openMixed(t)
	for _, tt := range []struct {
		date  string
		id    int64
		inst  string
		net   int64
		files int
	}{
		{clearingtest.PrevDate, ids["prev-day"], clearingtest.AcqA, 111, 7},
		{clearingtest.NextDate, ids["next-day"], clearingtest.AcqA, 777, 7},
	} {
		rep := buildFrom(t, j, tt.date)
		assert.Equal(t, 1, rep.Transactions, tt.date)
		assert.Equal(t, 1, rep.Reconciliation.Records, tt.date)
		dir := t.TempDir()
		paths, err := rep.Write(dir)
		require.NoError(t, err)
		assert.Len(t, paths, tt.files, "every named institution gets a file")
		rows := readRows(t, filepath.Join(dir, clearing.ClearingFileName(tt.date, tt.inst)))
		require.Len(t, rows, 3)
		assert.Equal(t, strconv.FormatInt(tt.id, 10), rows[1][0])
		assert.Equal(t, signedString(tt.net), rows[2][4])
		txt, err := os.ReadFile(filepath.Join(dir, "settlement-"+tt.date+".txt"))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(txt), "Hulian net settlement, business date "+tt.date))
	}
}
