package runner

import (
	"context"
	"fmt"
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

// fullSuite is the shipped PBOC 3.0 debit/credit suite.
const fullSuite = "../suites/pboc"

// simProfiles are the clean simulated cards the suite must pass on.
func simProfiles() []string { return []string{"pboc-rsa", "pboc-sm"} }

// simCardOf personalises the simulated card of a shipped profile with
// defects switched on (the profile's defects list, as simulators/simcard tests
// do) and returns it with the card test profile the lab would write for it.
func simCardOf(t testing.TB, name string, defects ...string) (card.Card, Profile) {
	t.Helper()
	p, err := simcard.LoadProfile("../../testdata/cards/" + name + ".yaml")
	require.NoError(t, err)
	p.Defects = defects
	require.NoError(t, p.Validate())
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	a := p.Applications[0]
	alg := "tdes"
	if p.Algorithm == "sm" {
		alg = "sm4"
	}
	return c, Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: alg, IMKAC: a.Keys.IssuerMasterAC.String(),
		IMKMAC: a.Keys.IssuerMasterMAC.String(), IMKENC: a.Keys.IssuerMasterENC.String()}
}

// runFull runs the whole shipped suite, destructive cases included, on a
// simulated card in process.
func runFull(t testing.TB, name string, defects ...string) *report.Run {
	t.Helper()
	s, err := script.Load(fullSuite)
	require.NoError(t, err, "the shipped suite lints clean")
	keys, err := capk.LoadFile(simCAKeys)
	require.NoError(t, err)
	c, prof := simCardOf(t, name, defects...)
	r, err := New(s, Options{Profile: prof, CAKeys: keys, Destructive: true})
	require.NoError(t, err)
	tr := card.NewInProcess(c)
	defer func() { _ = tr.Close() }()
	return r.Run(context.Background(), "sim "+name, tr)
}

// TestFullSuiteOnCleanCards: every case of the shipped suite passes on
// both clean simulated cards, or is not applicable where the profile lacks
// the feature; nothing fails, errs or is skipped.
func TestFullSuiteOnCleanCards(t *testing.T) {
	for _, name := range simProfiles() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rep := runFull(t, name)
			require.GreaterOrEqual(t, len(rep.Cases), 80)
			var na []string
			for _, c := range rep.Cases {
				if c.Verdict == report.NotApplicable {
					na = append(na, c.ID)
					continue
				}
				assert.Equal(t, report.Pass, c.Verdict, "%s: %s", c.ID, c.Message)
			}
			assert.True(t, rep.Conforms())
			t.Logf("%s: %d cases, not applicable: %s", name, len(rep.Cases), strings.Join(na, " "))
		})
	}
}

// TestFullSuiteHoldsTheStarters: the starter suite's cases are in the
// shipped suite with the same id, clause, title and step count, so the two
// cannot drift apart.
func TestFullSuiteHoldsTheStarters(t *testing.T) {
	starter, err := script.Load(starter)
	require.NoError(t, err)
	full, err := script.Load(fullSuite)
	require.NoError(t, err)
	byID := map[string]script.Case{}
	for _, c := range full.Cases() {
		byID[c.ID] = c
	}
	for _, c := range starter.Cases() {
		f, ok := byID[c.ID]
		if !assert.True(t, ok, "starter case %s is missing from the shipped suite", c.ID) {
			continue
		}
		assert.Equal(t, fmt.Sprint(c.Clause, c.Title, len(c.Steps), c.Destructive), fmt.Sprint(f.Clause, f.Title, len(f.Steps), f.Destructive), c.ID)
	}
}

// TestVerifyEnciphered: VERIFY with format enciphered sends GET CHALLENGE
// then VERIFY P2 88 with data as long as the ICC modulus (EMV Book 2 7.2);
// the RSA card accepts the right PIN and counts a wrong one; an SM2 card's
// key cannot encipher a PIN, which the case reports as a failure.
func TestVerifyEnciphered(t *testing.T) {
	steps := `      - select: ${aid}
      - gpo:
      - read_records:
      - verify: {pin: "${wrong_pin}", format: enciphered}
        expect: 63C2
      - verify: {pin: "${pin}", format: enciphered}
`
	s := suiteOf(t, oneCase("ENC-1", "", steps))
	keys, err := capk.LoadFile(simCAKeys)
	require.NoError(t, err)
	for _, tt := range []struct {
		profile, msg string
		verdict      report.Verdict
	}{
		{"pboc-rsa", "", report.Pass},
		{"pboc-sm", "the PIN cannot be enciphered with the card's key", report.Fail},
	} {
		c, prof := simCardOf(t, tt.profile)
		rc := runOn(t, s, c, Options{Profile: prof, CAKeys: keys}).Cases[0]
		assert.Equal(t, tt.verdict, rc.Verdict, "%s: %s", tt.profile, rc.Message)
		assert.Contains(t, rc.Message, tt.msg)
		if tt.verdict != report.Pass {
			continue
		}
		var cmds []string
		for _, st := range rc.Steps {
			for _, x := range st.Exchanges {
				cmds = append(cmds, x.Command)
			}
		}
		joined := strings.Join(cmds, " ")
		assert.Contains(t, joined, "0084000000 0020008880{128 bytes withheld: PIN data}", "GET CHALLENGE then VERIFY P2 88 with 128 bytes")
	}
}
