package main

import (
	"bytes"
	"context"
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

// cardCounters is what a non-destructive run must leave as it found it:
// every counter and block state of the card, the ATC (and what follows
// from it: the transaction log, the offline counters) aside.
type cardCounters struct {
	CardBlocked bool
	Apps        map[string]appCounters
}

type appCounters struct {
	PINTries                               int
	Blocked                                bool
	ECBalance, ECLimit, ECSingle, ECThresh int64
	PINBlock                               string
}

func countersOf(c *simcard.Card) cardCounters {
	st := c.State()
	out := cardCounters{CardBlocked: st.CardBlocked, Apps: map[string]appCounters{}}
	for aid, a := range st.Apps {
		out.Apps[aid] = appCounters{PINTries: a.PINTries, Blocked: a.Blocked, ECBalance: a.ECBalance, ECLimit: a.ECLimit,
			ECSingle: a.ECSingleLimit, ECThresh: a.ECResetThreshold, PINBlock: a.PINBlock.String()}
	}
	return out
}

// TestRunNeverHarmsTheCard runs the suite through pcscd + vpcd as a lab
// would by mistake: twice without a profile, then with a profile whose PIN
// is wrong. Each card's PIN try counter, block states and electronic cash
// values are the same before and after.
func TestRunNeverHarmsTheCard(t *testing.T) {
	wrongPIN := wrongPINProfile(t)
	for _, tc := range []struct {
		name    string
		profile string
		runs    int
		note    string // in the report's notes
		pinCase string // PBOC-PIN-001's verdict message, "" when it passes
	}{
		{"no profile, twice", "", 2, "", "no PIN given"},
		{"wrong PIN", wrongPIN, 1, "a PIN UNBLOCK script restored its PIN try counter to 3", "the card refused the profile's PIN"},
		{"right profile", "the card's own", 1, "the card accepted the profile's PIN", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, file := range []string{testProfile, "../../testdata/cards/pboc-sm.yaml"} {
				rd := pcsctest.Slot(t)
				p, err := simcard.LoadProfile(file)
				require.NoError(t, err)
				c, err := simcard.New(p, simcard.Options{})
				require.NoError(t, err)
				rd.Insert(t, c)
				before := countersOf(c)
				for i := 0; i < tc.runs; i++ {
					dir := t.TempDir()
					args := []string{"run", "--reader", rd.Name, "--capk", testCAKeys, "--suite", testSuite,
						"--report-dir", dir, "--quiet"}
					switch tc.profile {
					case "":
					case "the card's own":
						args = append(args, "--profile", file)
					default:
						args = append(args, "--profile", tc.profile)
					}
					var stdout, stderr bytes.Buffer
					code := run(context.Background(), args, &stdout, &stderr)
					assert.Contains(t, []int{0, 1}, code, "stdout %s\nstderr %s", stdout.String(), stderr.String())
					rep := readRun(t, filepath.Join(dir, slug(rd.Name), debitAID, "report.json"))
					if tc.note != "" {
						assert.Contains(t, strings.Join(rep.Notes, "\n"), tc.note)
					}
					for _, c := range rep.Cases {
						if c.ID != "PBOC-PIN-001" {
							continue
						}
						if tc.pinCase == "" {
							assert.Equal(t, report.Pass, c.Verdict, c.Message)
						} else {
							assert.Equal(t, report.NotApplicable, c.Verdict)
							assert.Contains(t, c.Message, tc.pinCase)
							assert.Empty(t, c.Steps, "nothing was sent for the case")
						}
					}
				}
				assert.Equal(t, before, countersOf(c), "%s: the card's counters after the run", filepath.Base(file))
			}
		})
	}
}

// wrongPINProfile writes the RSA card's runner profile with a wrong PIN
// (its TEST issuer keys kept).
func wrongPINProfile(t *testing.T) string {
	t.Helper()
	p, err := loadTestProfile(testProfile)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "wrong-pin.yaml")
	text := strings.Join([]string{
		"aid: " + p.AID, "pin: \"9999\"", "issuer_master_ac: " + p.IMKAC,
		"issuer_master_mac: " + p.IMKMAC, "issuer_master_enc: " + p.IMKENC, ""}, "\n")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}
