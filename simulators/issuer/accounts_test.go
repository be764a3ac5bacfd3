package issuer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/simulators/issuer"
)

const accountsFile = "../../testdata/issuer/accounts.yaml"

func TestLoadAccountsShippedFile(t *testing.T) {
	a, err := issuer.LoadAccounts(accountsFile)
	require.NoError(t, err)
	all := a.All()
	require.Equal(t, a.Len(), len(all))
	kinds := map[string]int{}
	for _, acc := range all {
		kinds[acc.Status]++
		if acc.PAN != "" {
			kinds["alg:"+acc.Algorithm]++
		} else {
			kinds["account"]++
		}
		if acc.Limit > 0 {
			kinds["limit"]++
		}
	}
	for _, k := range []string{"active", "lost", "stolen", "blocked", "restricted", "alg:tdes", "alg:sm4", "account", "limit"} {
		assert.Positive(t, kinds[k], k)
	}
	acc, ok := a.Lookup("6222021000000013")
	require.True(t, ok)
	assert.Equal(t, "01", acc.PSN)
	assert.Equal(t, int64(10000000), acc.Balance)
	_, ok = a.LookupAccountID("A-0102-0001")
	assert.True(t, ok)
	_, ok = a.Lookup("6222021000000014")
	assert.False(t, ok)

	// All is a snapshot: editing it changes nothing.
	all[0].Permit = append(all[0].Permit, "99")
	all[0].Balance = 0
	again, _ := a.Lookup(all[0].PAN)
	assert.NotZero(t, again.Balance)
	assert.Empty(t, again.Permit)
}

func TestLoadAccountsErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		field      string
		want       error
	}{
		{"unknown top key", "cards: []\n", 1, "cards", issuer.ErrAccountsFile},
		{"no list", "accounts: 3\n", 1, "accounts", issuer.ErrAccountsFile},
		{"bad luhn", "accounts:\n  - pan: \"6222021000000014\"\n    expiry: \"3012\"\n", 2, "pan", issuer.ErrField},
		{"bad expiry", "accounts:\n  - pan: \"6222021000000013\"\n    expiry: \"3013\"\n", 3, "expiry", issuer.ErrField},
		{"missing expiry", "accounts:\n  - pan: \"6222021000000013\"\n", 2, "expiry", issuer.ErrField},
		{"bad status", "accounts:\n  - account_id: X\n    status: frozen\n", 3, "status", issuer.ErrField},
		{"negative balance", "accounts:\n  - account_id: X\n    balance: -1\n", 3, "balance", issuer.ErrField},
		{"balance not int", "accounts:\n  - account_id: X\n    balance: 1.5\n", 3, "balance", issuer.ErrField},
		{"bad imk", "accounts:\n  - account_id: X\n    imk: 0123\n", 3, "imk", issuer.ErrField},
		{"bad pin", "accounts:\n  - account_id: X\n    pin: 12a4\n", 3, "pin", issuer.ErrField},
		{"bad algorithm", "accounts:\n  - account_id: X\n    algorithm: aes\n", 3, "algorithm", issuer.ErrField},
		{"unknown key", "accounts:\n  - account_id: X\n    cvv: 123\n", 3, "cvv", issuer.ErrField},
		{"no key", "accounts:\n  - balance: 5\n", 2, "pan", issuer.ErrField},
		{"duplicate", "accounts:\n  - account_id: X\n  - account_id: X\n", 3, "account_id", issuer.ErrDuplicate},
		{"duplicate key", "accounts:\n  - account_id: X\n    account_id: Y\n", 3, "account_id", issuer.ErrDuplicate},
		{"permit", "accounts:\n  - account_id: X\n    permit: [\"0\"]\n", 3, "permit", issuer.ErrField},
		{"permit scalar", "accounts:\n  - account_id: X\n    permit: \"00\"\n", 3, "permit", issuer.ErrField},
		{"script", "accounts:\n  - account_id: X\n    scripts: [\"84\"]\n", 3, "scripts", issuer.ErrField},
		{"ec load without imk", "accounts:\n  - account_id: X\n    ec_load: 5\n", 3, "ec_load", issuer.ErrField},
		{"not a mapping", "accounts:\n  - 5\n", 2, "", issuer.ErrField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "acc.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.yaml), 0o600))
			_, err := issuer.LoadAccounts(path)
			require.ErrorIs(t, err, tc.want)
			var le *issuer.LoadError
			require.True(t, errors.As(err, &le))
			assert.Equal(t, path, le.File)
			assert.Equal(t, tc.line, le.Line, err.Error())
			assert.Equal(t, tc.field, le.Field)
			assert.Contains(t, err.Error(), path)
			assert.NotContains(t, err.Error(), "6222021000000014", "no PAN in errors")
		})
	}
}

func TestLoadAccountsFileErrors(t *testing.T) {
	_, err := issuer.LoadAccounts(filepath.Join(t.TempDir(), "none.yaml"))
	require.ErrorIs(t, err, issuer.ErrAccountsFile)
	_, err = issuer.ParseAccounts("big", []byte(strings.Repeat(" ", issuer.MaxAccountsFile+1)))
	require.ErrorIs(t, err, issuer.ErrTooLarge)
	_, err = issuer.ParseAccounts("bad", []byte("accounts: [\n"))
	require.ErrorIs(t, err, issuer.ErrAccountsFile)
}

func TestNewAccounts(t *testing.T) {
	a, err := issuer.NewAccounts([]issuer.Account{{PAN: "6222021000000013", Expiry: "3012", Balance: 5}})
	require.NoError(t, err)
	acc, ok := a.Lookup("6222021000000013")
	require.True(t, ok)
	assert.Equal(t, issuer.StatusActive, acc.Status, "defaults applied")
	assert.Equal(t, issuer.AlgTDES, acc.Algorithm)
	assert.Equal(t, "00", acc.PSN)
	_, err = issuer.NewAccounts([]issuer.Account{{PAN: "6222021000000013"}})
	var le *issuer.LoadError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "expiry", le.Field)
}

// FuzzParseAccounts: the loader never panics, and what it accepts is
// consistent (every account reachable by its key).
func FuzzParseAccounts(f *testing.F) {
	seed, err := os.ReadFile(accountsFile)
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte("accounts:\n  - pan: \"6222021000000013\"\n    expiry: \"3012\"\n"))
	f.Add([]byte("accounts:\n  - account_id: X\n    balance: -1\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := issuer.ParseAccounts("fuzz", data)
		if err != nil {
			var le *issuer.LoadError
			require.ErrorAs(t, err, &le)
			return
		}
		for _, acc := range a.All() {
			if acc.PAN != "" {
				_, ok := a.Lookup(acc.PAN)
				require.True(t, ok)
			} else {
				_, ok := a.LookupAccountID(acc.AccountID)
				require.True(t, ok)
			}
		}
	})
}
