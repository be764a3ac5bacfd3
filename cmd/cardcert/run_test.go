package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/simulators/simcard"
)

const (
	testProfile = "../../testdata/cards/pboc-rsa.yaml"
	testCAKeys  = "../../testdata/emv/capk-test.txt"
	testSuite   = "../../certification/suites/pboc"
	// debitAID and creditAID are the simulated cards' two applications.
	debitAID  = "A000000333010101"
	creditAID = "A000000333010102"
)

// readRun reads a report.json back.
func readRun(t *testing.T, path string) *report.Run {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var r report.Run
	require.NoError(t, json.Unmarshal(b, &r))
	return &r
}

// TestRunSim runs the shipped suite on the clean simulated card: exit 0
// and the three reports.
func TestRunSim(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--sim", testProfile, "--capk", testCAKeys, "--suite", testSuite,
		"--report-dir", dir, "--destructive"}, &stdout, &stderr)
	require.Equal(t, 0, code, "stdout %s\nstderr %s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "sim pboc-rsa A000000333010101 (PBOC DEBIT): conforms: 134 passed, 0 failed, 0 errors, 6 not applicable")
	assert.Contains(t, stdout.String(), "sim pboc-rsa A000000333010102 (PBOC CREDIT): conforms: 124 passed, 0 failed, 0 errors, 16 not applicable",
		"every application is tested; the credit application is not offered contactless (qPBOC not applicable)")
	assert.Contains(t, stderr.String(), "sim pboc-rsa A000000333010101: [140/140] PBOC-SCR-001", "live progress on stderr")
	sub := filepath.Join(dir, "sim_pboc-rsa", debitAID)
	for _, f := range []string{"report.xml", "report.json", "report.html"} {
		assert.FileExists(t, filepath.Join(sub, f))
	}
	r := readRun(t, filepath.Join(sub, "report.json"))
	html, err := os.ReadFile(filepath.Join(sub, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), r.Suite.Checksum)
	assert.Contains(t, string(html), "conforms")
	assert.NotContains(t, string(html), "6228480000000000018")
}

// TestRunSimDefect: a card with a defect makes cardcert run exit 1 and the
// report names the symptom.
func TestRunSimDefect(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile(testProfile)
	require.NoError(t, err)
	private, err := filepath.Abs("../../testdata/emv/capk-test-private.txt")
	require.NoError(t, err)
	text := strings.Replace(string(raw), "ca_private_key: ../emv/capk-test-private.txt", "ca_private_key: "+private, 1)
	text = strings.Replace(text, "name: pboc-rsa\n", "name: pboc-rsa\ndefects: ["+simcard.DefectATCNotIncremented+"]\n", 1)
	profile := filepath.Join(dir, "defect.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(text), 0o644))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--sim", profile, "--capk", testCAKeys, "--suite", testSuite,
		"--report-dir", dir, "--quiet", "--tag", "atc"}, &stdout, &stderr)
	assert.Equal(t, 1, code, stderr.String())
	assert.Contains(t, stdout.String(), "DOES NOT CONFORM")
	r := readRun(t, filepath.Join(dir, "sim_pboc-rsa", debitAID, "report.json"))
	require.NotEmpty(t, r.Cases)
	caught := false
	for _, c := range r.Cases {
		assert.Contains(t, c.Tags, "atc", "--tag atc selects only ATC cases")
		caught = caught || c.Verdict == report.Fail && strings.Contains(c.Message, "9F36 did not increase")
	}
	assert.True(t, caught, "a case reports that 9F36 did not increase")
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--sim", testProfile},
		{"run", "--suite", testSuite},
		{"run", "--suite", testSuite, "--sim", testProfile, "--all-readers"},
	} {
		var out bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), args, &out, &out), "%q: %s", args, out.String())
	}
	var out bytes.Buffer
	code := run(context.Background(), []string{"run", "--sim", testProfile, "--capk", testCAKeys, "--suite", testSuite,
		"--case", "NO-SUCH-CASE", "--report-dir", t.TempDir()}, &out, &out)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), "no case NO-SUCH-CASE")
}

// TestRunPCSCTwoReaders runs the suite through the real PC/SC stack on two
// vpcd readers at once, each serving its own simulated card.
func TestRunPCSCTwoReaders(t *testing.T) {
	readers := []pcsctest.Reader{pcsctest.Slot(t), pcsctest.Slot(t)}
	for _, r := range readers {
		p, err := simcard.LoadProfile(testProfile)
		require.NoError(t, err)
		c, err := simcard.New(p, simcard.Options{})
		require.NoError(t, err)
		r.Insert(t, c)
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--reader", readers[0].Name, "--reader", readers[1].Name,
		"--profile", testProfile, "--capk", testCAKeys, "--suite", testSuite, "--report-dir", dir, "--destructive"}, &stdout, &stderr)
	require.Equal(t, 0, code, "stdout %s\nstderr %s", stdout.String(), stderr.String())
	for _, r := range readers {
		rep := readRun(t, filepath.Join(dir, slug(r.Name), debitAID, "report.json"))
		assert.Equal(t, r.Name, rep.Reader)
		assert.True(t, rep.Conforms())
		assert.Equal(t, 134, rep.Summary().Passed)
		assert.Equal(t, "3B6800000073C84013009000", rep.Card.ATR)
	}
}

// TestRunReaderProfiles: readers holding different cards (RSA and SM),
// each named with its own test profile (--reader NAME=PROFILE), both
// conform; one profile for both makes the SM card's cryptograms fail to
// recompute (its keys are SM4, the RSA card's profile says TDES).
func TestRunReaderProfiles(t *testing.T) {
	const smProfile = "../../testdata/cards/pboc-sm.yaml"
	rsa, sm := pcsctest.Slot(t), pcsctest.Slot(t)
	insertSim(t, rsa, testProfile, 0)
	insertSim(t, sm, smProfile, 0)
	run1 := func(args ...string) (int, string) {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"run", "--capk", testCAKeys, "--suite", testSuite,
			"--report-dir", dir, "--quiet", "--tag", "gac"}, args...), &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	code, out := run1("--reader", rsa.Name+"="+testProfile, "--reader", sm.Name+"="+smProfile)
	assert.Equal(t, 0, code, out)
	code, out = run1("--reader", rsa.Name, "--reader", sm.Name, "--profile", testProfile)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, sm.Name+" "+debitAID+" (PBOC DEBIT): DOES NOT CONFORM")
	assert.Contains(t, out, rsa.Name+" "+debitAID+" (PBOC DEBIT): conforms")
}

// TestRunSimEveryApplication: both shipped cards, every application
// (PSE and PPSE), no false failure: each application conforms.
func TestRunSimEveryApplication(t *testing.T) {
	for _, prof := range []string{"pboc-rsa", "pboc-sm"} {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"run", "--sim", "../../testdata/cards/" + prof + ".yaml", "--capk", testCAKeys,
			"--suite", testSuite, "--report-dir", dir, "--destructive", "--quiet"}, &stdout, &stderr)
		assert.Equal(t, 0, code, "%s: stdout %s\nstderr %s", prof, stdout.String(), stderr.String())
		for _, aid := range []string{debitAID, creditAID} {
			r := readRun(t, filepath.Join(dir, "sim_"+prof, aid, "report.json"))
			assert.Equal(t, aid, r.Card.AID)
			assert.True(t, r.Conforms(), "%s %s", prof, aid)
			assert.Zero(t, r.Summary().Failed+r.Summary().Errors, "%s %s", prof, aid)
		}
	}
}

// TestRunTemplate: the shipped issuer template holds on both clean cards;
// on a card whose expiry date and label were personalised wrong, the
// template cases name 5F24 and 50.
func TestRunTemplate(t *testing.T) {
	const tmpl = "../../testdata/cards/issuer-template.yaml"
	for _, prof := range []string{testProfile, "../../testdata/cards/pboc-sm.yaml"} {
		var out bytes.Buffer
		code := run(context.Background(), []string{"run", "--sim", prof, "--capk", testCAKeys, "--suite", testSuite,
			"--case", "PBOC-PERS-001", "--template", tmpl, "--report-dir", t.TempDir(), "--quiet"}, &out, &out)
		assert.Equal(t, 0, code, out.String())
	}
	dir := t.TempDir()
	profile := defectProfile(t, dir, simcard.DefectExpiryNotDate, simcard.DefectLabelTooLong)
	var out bytes.Buffer
	code := run(context.Background(), []string{"run", "--sim", profile, "--capk", testCAKeys, "--suite", testSuite,
		"--case", "PBOC-PERS-001", "--template", tmpl, "--report-dir", dir, "--quiet"}, &out, &out)
	assert.Equal(t, 1, code, out.String())
	r := readRun(t, filepath.Join(dir, "sim_pboc-rsa", debitAID, "report.json"))
	msgs := map[string]string{}
	for _, c := range r.Cases {
		if c.Verdict == report.Fail {
			msgs[c.ID] = c.Message
		}
	}
	assert.Equal(t, "5F24 differs from the template: expected 301231, the card has 301131", msgs["TEMPLATE-5F24"])
	assert.Contains(t, msgs["TEMPLATE-50"], "50 differs from the template")
	assert.Len(t, msgs, 2, "only the two differences fail: %v", msgs)
}

// defectProfile writes the RSA card's profile with defects switched on.
func defectProfile(t *testing.T, dir string, defects ...string) string {
	t.Helper()
	raw, err := os.ReadFile(testProfile)
	require.NoError(t, err)
	private, err := filepath.Abs("../../testdata/emv/capk-test-private.txt")
	require.NoError(t, err)
	text := strings.Replace(string(raw), "ca_private_key: ../emv/capk-test-private.txt", "ca_private_key: "+private, 1)
	text = strings.Replace(text, "name: pboc-rsa\n", "name: pboc-rsa\ndefects: ["+strings.Join(defects, ", ")+"]\n", 1)
	path := filepath.Join(dir, "defect.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}
