package report

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/tlv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testPAN is a test PAN (the simulated card's, testdata/cards/pboc-rsa.yaml).
const testPAN = "6228480000000000018"

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// sampleRun is a run with each verdict and a trace holding a PAN (5A, 57,
// 5F20) and a VERIFY carrying a PIN block.
func sampleRun(t *testing.T) *Run {
	start := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	record := mustHex(t, "70 28 57 13 6228480000000000018D30122201000000000F 5A 0A 6228480000000000018F 5F 20 04 54455354 90 00")
	fci := mustHex(t, "6F 18 84 08 A000000333010101 A5 0C 50 0A 50424F43204445424954 90 00")
	return &Run{
		Tool: "cardcert", ToolVersion: "test",
		Suite:  Suite{Name: "pboc", Dir: "certification/suites/pboc", Files: 3, Checksum: strings.Repeat("ab", 32)},
		Reader: "Virtual PCD 00 00",
		Card:   Card{ATR: "3B6800000073C84013009000", AID: "A000000333010101", PAN: "622848******0018", Label: "PBOC DEBIT"},
		Start:  start, End: start.Add(1500 * time.Millisecond),
		Cases: []Case{
			{ID: "PBOC-SEL-001", Clause: "JR/T 0025.5-2013 11.3.4", Title: "FCI <84> then A5 & more", Category: "selection",
				Severity: "fail", Verdict: Pass, Duration: 12 * time.Millisecond, File: "select.yaml", Line: 4,
				Steps: []Step{{Line: 9, Name: "select A000000333010101",
					Exchanges:  []Exchange{NewExchange(mustHex(t, "00A4040008A00000033301010100"), fci, 2*time.Millisecond, nil)},
					Assertions: []AssertionResult{{Line: 11, Text: "present 6F/84", Passed: true}}}}},
			{ID: "PBOC-REC-001", Clause: "JR/T 0025.5-2013 7.2", Title: "Track 2 equivalent data matches the PAN", Category: "records",
				Severity: "fail", Verdict: Fail, Message: "57 matches ^62: the card sent {masked}", Duration: 20 * time.Millisecond,
				Steps: []Step{{Line: 20, Name: "read_record 1 1",
					Exchanges:  []Exchange{NewExchange(mustHex(t, "00B2010C00"), record, 3*time.Millisecond, nil)},
					Assertions: []AssertionResult{{Line: 22, Text: "length 5A", Passed: false, Message: "5A length is 10 bytes, expected 8"}}}}},
			{ID: "PBOC-PIN-001", Clause: "JR/T 0025.5-2013 7.4", Title: "VERIFY accepts the right PIN", Category: "cvm",
				Severity: "warn", Verdict: Error, Message: "the card was removed during step line 31", Duration: 5 * time.Millisecond,
				Steps: []Step{{Line: 31, Name: "verify",
					Exchanges: []Exchange{
						NewExchange(mustHex(t, "0020008008261234FFFFFFFFFF"), mustHex(t, "9000"), time.Millisecond, nil),
						NewExchange(mustHex(t, "0020008008261234FFFFFFFFFF"), nil, 0, errors.New("card: card removed")),
					}, Error: "card removed"}}},
			{ID: "PBOC-ODA-002", Clause: "EMV 4.4 Book 2 6.5", Title: "DDA verifies", Severity: "fail",
				Verdict: NotApplicable, Message: "the AIP does not announce DDA"},
			{ID: "PBOC-PIN-009", Clause: "JR/T 0045.1-2014 6.8", Title: "The PIN blocks after three wrong tries", Severity: "fail",
				Verdict: Skipped, Message: "destructive: run with --destructive"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs: rerun with -update if the change is meant", path)
}

func TestWritersGolden(t *testing.T) {
	r := sampleRun(t)
	for _, w := range []struct {
		name  string
		write func(*bytes.Buffer, *Run) error
	}{
		{"report.xml", func(b *bytes.Buffer, r *Run) error { return WriteJUnit(b, r) }},
		{"report.json", func(b *bytes.Buffer, r *Run) error { return WriteJSON(b, r) }},
		{"report.html", func(b *bytes.Buffer, r *Run) error { return WriteHTML(b, r) }},
	} {
		t.Run(w.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, w.write(&b, r))
			golden(t, w.name, b.Bytes())
		})
	}
}

// TestNoPANInReports puts a PAN (and a PIN block) in a trace and checks
// that none of the three renderings holds it in clear, in any byte form.
func TestNoPANInReports(t *testing.T) {
	forbidden := []string{testPAN, "6228480000000000018D", "622848000000", "261234FFFF", "1234FFFFFFFFFF", "54455354"}
	for name, out := range renderings(t, sampleRun(t)) {
		for _, f := range forbidden {
			assert.NotContains(t, out, strings.ToUpper(f), "%s holds %s", name, f)
		}
		assert.Contains(t, out, "622848******0018", "%s shows the masked PAN", name)
	}
}

// TestNoPANInReportsSM: the SM card's ICC certificate 9F46 (SM2: signed,
// not enciphered, testdata/cards/pboc-sm.yaml) holds the PAN readable in
// its READ RECORD answer; no rendering shows it.
func TestNoPANInReportsSM(t *testing.T) {
	const smPAN = "6228480000000000026"
	cert := mustHex(t, "14 6228480000000000026F 1230 000001 04 04 00 40"+
		"9685B898A92F00E738D13866F7A295972DEE9CE7CEBBEAD708D55F0E9B916094EBF087EF2508CECCE8E7B97380636402C5B618C50B9E152E0CB49627B9E152A8"+
		"492CE38927C0B1BBCFEF4CEEEBD516FF88C8C7C245FA0E7DD1F483A0D178D8317BD08765F12EC6D6EFBF9C1F96F99790E0EE7DB799CD1EB61D63DB6B9912B79A")
	rec := append(tlv.Encode(tlv.NewConstructed(0x70, tlv.New(0x9F46, cert), tlv.New(0x9F49, mustHex(t, "9F3704")))), 0x90, 0x00)
	r := &Run{Tool: "cardcert", Card: Card{AID: "A000000333010101", PAN: "622848*********0026"},
		Cases: []Case{{ID: "PBOC-ODA-001", Verdict: Pass, Steps: []Step{{Name: "read_record 3 2",
			Exchanges: []Exchange{NewExchange(mustHex(t, "00B2021C00"), rec, time.Millisecond, nil)}}}}}}
	for name, out := range renderings(t, r) {
		assert.False(t, strings.Contains(out, smPAN), "%s holds the PAN", name)
		if name != "junit" { // JUnit carries no trace
			assert.Contains(t, out, "14{622848*********0026}1230", "%s shows the certificate, PAN masked", name)
		}
	}
}

// renderings writes r in the three formats, upper-cased.
func renderings(t *testing.T, r *Run) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"junit": func(b *bytes.Buffer) error { return WriteJUnit(b, r) },
		"json":  func(b *bytes.Buffer) error { return WriteJSON(b, r) },
		"html":  func(b *bytes.Buffer) error { return WriteHTML(b, r) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b), name)
		out[name] = strings.ToUpper(b.String())
	}
	return out
}

func TestJUnitCounts(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, sampleRun(t)))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, 5, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, 2, doc.Skipped)
	require.Len(t, doc.Suites, 1)
	require.NotNil(t, doc.Suites[0].Cases[1].Failure)
	assert.Contains(t, doc.Suites[0].Cases[1].Failure.Text, "JR/T 0025.5-2013 7.2")
}

func TestJSONRoundTrip(t *testing.T) {
	r := sampleRun(t)
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, r))
	var back struct {
		Run
		Summary  Summary `json:"summary"`
		Conforms bool    `json:"conforms"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, r.Cases[1].Message, back.Cases[1].Message)
	assert.Equal(t, Summary{Total: 5, Passed: 1, Failed: 1, Errors: 1, NotApplicable: 1, Skipped: 1}, back.Summary)
	assert.False(t, back.Conforms, "a fail-severity case failed")
}

func TestConforms(t *testing.T) {
	r := &Run{Cases: []Case{{Severity: "warn", Verdict: Fail}, {Severity: "fail", Verdict: Pass}, {Severity: "fail", Verdict: Skipped}}}
	assert.True(t, r.Conforms(), "a failing warn case does not make the card fail")
	r.Cases = append(r.Cases, Case{Severity: "fail", Verdict: Error})
	assert.False(t, r.Conforms())
}

func TestNewExchange(t *testing.T) {
	e := NewExchange(mustHex(t, "80CA9F3600"), mustHex(t, "9F36020005 9000"), time.Millisecond, nil)
	assert.Equal(t, "80CA9F3600", e.Command)
	assert.Equal(t, "9F36020005", e.Response)
	assert.Equal(t, "9000", e.SW)
	assert.Contains(t, e.Decoded, "9F36")
	raw := NewExchange(mustHex(t, "0084000008"), mustHex(t, "0102030405060708 9000"), 0, nil)
	assert.Contains(t, raw.Response, "withheld", "non-TLV data is withheld")
	short := NewExchange(mustHex(t, "00"), mustHex(t, "90"), 0, nil)
	assert.NotEmpty(t, short.Error)
}

// TestNoPANInReportText: a PAN in the free text a runner or a script put in
// a run (a failure message quoting a value, a step name) is masked by the
// writers.
func TestNoPANInReportText(t *testing.T) {
	r := &Run{Tool: "cardcert", Stopped: "card 6228480000000000018 removed",
		Cases: []Case{{ID: "X-1", Verdict: Fail, Message: "84 equals A0000003330101: the card sent 6228480000000000018",
			Steps: []Step{{Name: "select 6228480000000000018", Error: "no 6228480000000000018",
				Assertions: []AssertionResult{{Text: "equals 6228480000000000018", Message: "got 6228480000000000018"}}}}}}}
	for name, out := range renderings(t, r) {
		assert.NotContains(t, out, "6228480000000000018", name)
		assert.Contains(t, out, "622848*********0018", name)
	}
	assert.Equal(t, "card 6228480000000000018 removed", r.Stopped, "the run itself is left as it was")
}
