package pos_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/simcard"
	"github.com/hulian/hulian/symmetric"
)

// TestAccountsMatchProfiles: every shipped card profile has its account in
// testdata/issuer/accounts.yaml with the same PAN, expiry, PSN, PIN and
// algorithm, and issuer master keys from which the issuer derives exactly
// the card's AC and MAC keys (emv/crypto.DeriveCardKey), so the issuer
// simulator verifies the card's ARQCs and the card accepts its script MACs.
// The shipped profiles carry distinct PANs.
func TestAccountsMatchProfiles(t *testing.T) {
	acc, err := issuer.LoadAccounts(accountsFile)
	require.NoError(t, err)
	seen := map[string]string{}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			prof := loadProfile(t, p.name)
			panStr := cardPAN(t, prof)
			require.NoError(t, pan.Valid([]byte(panStr)))
			if other, dup := seen[panStr]; dup {
				t.Fatalf("profiles %s and %s share a PAN", other, p.name)
			}
			seen[panStr] = p.name
			a, ok := acc.Lookup(panStr)
			require.True(t, ok, "no account for the PAN of %s", p.name)
			assert.Equal(t, p.alg, a.Algorithm)
			assert.Equal(t, issuer.StatusActive, a.Status)
			alg := symmetric.TDES
			if a.Algorithm == issuer.AlgSM4 {
				alg = symmetric.SM4
			}
			for i, app := range prof.Applications {
				rec := recordValues(prof, i)
				assert.Equal(t, a.Expiry, rec["5F24"][:4], "expiry")
				assert.Equal(t, a.PSN, rec["5F34"], "PSN")
				assert.Equal(t, a.PIN, app.PIN, "PIN")
				assert.True(t, strings.HasPrefix(rec["5A"], panStr), "every application has the PAN")
				assert.Equal(t, strings.ToUpper(a.IMK), strings.ToUpper(hex.EncodeToString(app.Keys.IssuerMasterAC)), "imk")
				assert.Equal(t, strings.ToUpper(a.IMKMAC), strings.ToUpper(hex.EncodeToString(app.Keys.IssuerMasterMAC)), "imk_mac")
				assert.Equal(t, simcard.TestIMKAC(), []byte(app.Keys.IssuerMasterAC), "the profile uses the TEST IMK for AC")
				assert.Equal(t, simcard.TestIMKMAC(), []byte(app.Keys.IssuerMasterMAC), "the profile uses the TEST IMK for MAC")
				psn := hexByte(t, a.PSN)
				for _, k := range []struct {
					imk  string
					card []byte
				}{{a.IMK, app.Keys.CardAC}, {a.IMKMAC, app.Keys.CardMAC}} {
					imk, err := hex.DecodeString(k.imk)
					require.NoError(t, err)
					mk, err := crypto.DeriveCardKey(alg, imk, []byte(panStr), psn)
					require.NoError(t, err)
					assert.True(t, bytes.Equal(mk, k.card), "the issuer derives the card's key")
				}
			}
		})
	}
}

// recordValues returns the data objects of application i's records by tag
// (hex text as the profile writes it, F padding of 5A kept).
func recordValues(p *simcard.Profile, i int) map[string]string {
	out := map[string]string{}
	for _, r := range p.Applications[i].Records {
		for _, tv := range r.Tags {
			if tag, value, ok := strings.Cut(tv, " "); ok {
				out[tag] = value
			}
		}
	}
	return out
}

// hexByte decodes a 2-digit PSN as its BCD byte (5F34).
func hexByte(t *testing.T, s string) byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	require.Len(t, b, 1)
	return b[0]
}
