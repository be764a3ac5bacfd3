package runner

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/simulators/simcard"
)

const (
	simProfile = "../../testdata/cards/pboc-rsa.yaml"
	simCAKeys  = "../../testdata/emv/capk-test.txt"
	starter    = "testdata/starter"
)

// simCard personalises the simulated PBOC card with defects switched on,
// and returns it with the card test profile derived from its profile.
func simCard(t testing.TB, defects ...string) (card.Card, Profile) {
	t.Helper()
	p, err := simcard.LoadProfile(simProfile)
	require.NoError(t, err)
	p.Defects = defects
	require.NoError(t, p.Validate())
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	a := p.Applications[0]
	return c, Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: "tdes", IMKAC: a.Keys.IssuerMasterAC.String(),
		IMKMAC: a.Keys.IssuerMasterMAC.String(), IMKENC: a.Keys.IssuerMasterENC.String()}
}

func runStarter(t testing.TB, defects ...string) *report.Run {
	t.Helper()
	s, err := script.Load(starter)
	require.NoError(t, err, "the starter suite lints clean")
	keys, err := capk.LoadFile(simCAKeys)
	require.NoError(t, err)
	c, prof := simCard(t, defects...)
	r, err := New(s, Options{Profile: prof, CAKeys: keys, Destructive: true})
	require.NoError(t, err)
	tr := card.NewInProcess(c)
	defer func() { _ = tr.Close() }()
	return r.Run(context.Background(), "sim", tr)
}

// TestStarterSuiteOnCleanCard: every case of the starter suite passes on
// the clean simulated card, the destructive one included.
func TestStarterSuiteOnCleanCard(t *testing.T) {
	rep := runStarter(t)
	require.GreaterOrEqual(t, len(rep.Cases), 15)
	for _, c := range rep.Cases {
		assert.Equal(t, report.Pass, c.Verdict, "%s: %s", c.ID, c.Message)
	}
	assert.True(t, rep.Conforms())
	assert.Equal(t, "622848*********0018", rep.Card.PAN)
	assert.Equal(t, "PBOC DEBIT", rep.Card.Label)

	// Neither the PAN (5A, 57) nor the PIN block of VERIFY reaches a report.
	for name, write := range map[string]func(*bytes.Buffer) error{
		"junit": func(b *bytes.Buffer) error { return report.WriteJUnit(b, rep) },
		"json":  func(b *bytes.Buffer) error { return report.WriteJSON(b, rep) },
		"html":  func(b *bytes.Buffer) error { return report.WriteHTML(b, rep) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		out := strings.ToUpper(b.String())
		assert.NotContains(t, out, "6228480000000000018", name)
		assert.NotContains(t, out, "26123456FFFFFFFF", name)
		if name != "junit" {
			assert.Contains(t, out, "0020008008{8 BYTES WITHHELD: PIN DATA}", name)
		}
	}
}

// TestStarterSuiteFindsDefects: each catalogued defect (simulators/simcard
// DEFECTS.md) makes the case that checks it fail with a message naming
// the symptom, and only that case.
func TestStarterSuiteFindsDefects(t *testing.T) {
	tests := []struct{ defect, id, msg string }{
		{simcard.DefectATCNotIncremented, "PBOC-GAC-001", "9F36 did not increase: 0000 before, 0000 after"},
		{simcard.DefectWrongARQCKey, "PBOC-GAC-002", "9F26 does not recompute with the test issuer master key"},
		{simcard.DefectBadDDASignature, "PBOC-ODA-002", "DDA does not verify"},
		{simcard.DefectSSADCorrupted, "PBOC-ODA-001", "SDA does not verify"},
		{simcard.DefectPINTryNotDecr, "PBOC-PIN-001", "9F17 did not decrease: 03 before, 03 after"},
		{simcard.DefectFCIMissing84, "PBOC-SEL-003", "6F/84 is missing in the answer"},
		{simcard.DefectARPCIgnored, "PBOC-IA-002", "EXTERNAL AUTHENTICATE answered 9000 (success), expected 6300"},
		{simcard.DefectDuplicateTag, "PBOC-REC-001", "tag 57 occurs twice in template 70"},
		{simcard.DefectECBalanceInRecord, "PBOC-REC-003", "card:9F79 is present in the card data read so far (it must not be)"},
		{simcard.DefectNo6283WhenBlocked, "PBOC-SCR-001", "SELECT answered 9000 (success), expected 6283"},
		{simcard.DefectCIDMismatch, "PBOC-GAC-001", "the card returned a TC, expected an ARQC"},
	}
	for _, tt := range tests {
		t.Run(tt.defect, func(t *testing.T) {
			rep := runStarter(t, tt.defect)
			assert.False(t, rep.Conforms())
			for _, c := range rep.Cases {
				if c.ID == tt.id {
					assert.Equal(t, report.Fail, c.Verdict)
					assert.Contains(t, c.Message, tt.msg)
					continue
				}
				if tt.defect != simcard.DefectCIDMismatch {
					assert.Equal(t, report.Pass, c.Verdict, "%s: %s", c.ID, c.Message)
				}
			}
		})
	}
}
