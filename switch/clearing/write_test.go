package clearing

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readCSV(t *testing.T, path string) [][]string {
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

func TestWriteFiles(t *testing.T) {
	rep := buildSample(t)
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := rep.Write(dir)
	require.NoError(t, err)
	var names []string
	for _, p := range paths {
		assert.Equal(t, dir, filepath.Dir(p))
		names = append(names, filepath.Base(p))
	}
	assert.Equal(t, []string{
		"clearing-2024-05-01-01020000.csv", "clearing-2024-05-01-01030000.csv",
		"clearing-2024-05-01-01040000.csv", "clearing-2024-05-01-48020000.csv",
		"clearing-2024-05-01-48030000.csv", "settlement-2024-05-01.csv", "settlement-2024-05-01.txt",
	}, names)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, len(paths), "no temporary file is left behind")

	rows := readCSV(t, filepath.Join(dir, "clearing-2024-05-01-48030000.csv"))
	require.Len(t, rows, 5)
	assert.Equal(t, ClearingHeader(), rows[0])
	assert.Equal(t, []string{"3", testDate, "2024-05-01T02:30:00Z", "ACQ", issZ, "0200", "010000",
		"622202******1234", "30000", "156", "+30000", "412210000001", "000123", "TERM0001",
		"MERCHANT000001", "A1B2C3", "00"}, rows[1])
	assert.Equal(t, []string{"4", "ACQ", issX, "200000", "1200", "-1200"},
		[]string{rows[2][0], rows[2][3], rows[2][4], rows[2][6], rows[2][8], rows[2][10]})
	assert.Equal(t, "13", rows[3][0])
	assert.Equal(t, []string{"TOTAL", "3", "31500", "1200", "+30300", "156"}, rows[4])

	rows = readCSV(t, filepath.Join(dir, "clearing-2024-05-01-01040000.csv"))
	assert.Equal(t, []string{"TOTAL", "2", "0", "31500", "-31500", "156"}, rows[len(rows)-1])

	rows = readCSV(t, filepath.Join(dir, "settlement-2024-05-01.csv"))
	assert.Equal(t, [][]string{
		SettlementHeader(),
		{issX, "Bank X", "156", "1200", "13000", "-11800", "3"},
		{issY, "", "156", "0", "2550", "-2550", "1"},
		{issZ, "", "156", "0", "31500", "-31500", "2"},
		{acqA, "Bank A", "156", "15550", "0", "+15550", "3"},
		{acqB, "", "156", "31500", "1200", "+30300", "3"},
		{"TOTAL", "", "156", "48250", "48250", "0", "12"},
	}, rows)

	txt, err := os.ReadFile(filepath.Join(dir, "settlement-2024-05-01.txt"))
	require.NoError(t, err)
	for _, want := range []string{"business date 2024-05-01", "Bank A", "+15550", "Cleared transactions: 6",
		"declined", "reversed (reversal queued or acknowledged)", "records                                       14"} {
		assert.Contains(t, string(txt), want)
	}
	assert.Regexp(t, `cleared amount, currency 156 +48250\n`, string(txt))
}

func TestWriteEmptyInstitution(t *testing.T) {
	rep, err := Build(testDate, nil, nil, map[string]string{issZ: "Quiet, Bank"})
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = rep.Write(dir)
	require.NoError(t, err)
	rows := readCSV(t, filepath.Join(dir, ClearingFileName(testDate, issZ)))
	assert.Equal(t, [][]string{ClearingHeader(), {"TOTAL", "0", "0", "0", "0", ""}}, rows)
	rows = readCSV(t, filepath.Join(dir, "settlement-2024-05-01.csv"))
	assert.Equal(t, [][]string{SettlementHeader(), {issZ, "Quiet, Bank", "", "0", "0", "0", "0"},
		{"TOTAL", "", "", "0", "0", "0", "0"}}, rows, "a comma in a name is quoted")
}

func TestWriteIsDeterministicAndReplaces(t *testing.T) {
	dir := t.TempDir()
	first, err := buildSample(t).Write(dir)
	require.NoError(t, err)
	before := map[string][]byte{}
	for _, p := range first {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		before[p] = b
	}
	// Build again from shuffled input: same bytes.
	day := sampleDay()
	for i, j := 0, len(day)-1; i < j; i, j = i+1, j-1 {
		day[i], day[j] = day[j], day[i]
	}
	rep, err := Build(testDate, settledOf(day), day, map[string]string{acqA: "Bank A", issX: "Bank X"})
	require.NoError(t, err)
	second, err := rep.Write(dir)
	require.NoError(t, err)
	assert.Equal(t, first, second)
	for _, p := range second {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, before[p], b, filepath.Base(p))
		info, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	}
}

func TestWriteErrors(t *testing.T) {
	rep := buildSample(t)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	_, err := rep.Write(file)
	require.Error(t, err, "the output path is a file")

	bad := &Report{Date: "2024-05-01/../x"}
	_, err = bad.Write(t.TempDir())
	require.Error(t, err)

	dir := t.TempDir()
	badID := &Report{Date: testDate, Institutions: []Institution{{ID: acqA}, {ID: "../x"}}}
	_, err = badID.Write(dir)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "file name"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written when an id is unusable")
}

func BenchmarkBuildAndWrite(b *testing.B) {
	day := sampleDay()
	for i := 0; i < 2000; i++ {
		r := day[i%4]
		r.ID = int64(100 + i)
		day = append(day, r)
	}
	settled := settledOf(day)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Build(testDate, settled, day, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rep.Write(dir); err != nil {
			b.Fatal(err)
		}
	}
}
