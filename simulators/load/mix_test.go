package load_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/simulators/load"
)

func TestLoadMixTestdata(t *testing.T) {
	m, err := load.LoadMix("../../testdata/load/mix.yaml")
	require.NoError(t, err)
	want := map[load.Type]int{load.TypePurchase: 30, load.TypeChip: 30, load.TypePIN: 15, load.TypeBalance: 10, load.TypeAccount: 10, load.TypeReversal: 5}
	for tp, w := range want {
		assert.Equal(t, w, m.Weights[tp], tp.String())
	}
	assert.Equal(t, 200, m.Terminals)
	assert.Equal(t, 20, m.Merchants)
	assert.Equal(t, []string{"48020000"}, m.Acquirers)
	assert.Equal(t, "01020000", m.Receiving)
	assert.Equal(t, filepath.Join("../../testdata/load", "../issuer/accounts.yaml"), m.Accounts, "relative to the mix file")
	assert.Equal(t, int64(100), m.AmountMin)
	assert.Equal(t, int64(20000), m.AmountMax)
	_, err = os.Stat(m.Accounts)
	require.NoError(t, err)
}

func TestParseMixDefaults(t *testing.T) {
	m, err := load.ParseMix([]byte("transactions: {purchase: 1}\n"))
	require.NoError(t, err)
	assert.Equal(t, 100, m.Terminals)
	assert.Equal(t, 10, m.Merchants)
	assert.Equal(t, int64(100), m.AmountMin)
	assert.Equal(t, int64(10000), m.AmountMax)
	assert.Empty(t, m.Accounts)
}

func TestParseMixErrors(t *testing.T) {
	tests := []struct {
		name, yaml, field string
		want              error
	}{
		{"not yaml", "transactions: [", "", load.ErrMixSyntax},
		{"unknown key", "transactions: {purchase: 1}\nspeed: 3\n", "", load.ErrMixSyntax},
		{"unknown type", "transactions: {refund: 1}\n", "transactions.refund", load.ErrMixField},
		{"sample is not a mix type", "transactions: {sample: 1}\n", "transactions.sample", load.ErrMixField},
		{"no weight", "transactions: {purchase: 0}\n", "transactions", load.ErrMixField},
		{"negative weight", "transactions: {purchase: -1}\n", "transactions.purchase", load.ErrMixField},
		{"huge weight", "transactions: {purchase: 1000001}\n", "transactions.purchase", load.ErrMixField},
		{"terminals", "transactions: {purchase: 1}\nterminals: 10000000\n", "terminals", load.ErrMixField},
		{"merchants above terminals", "transactions: {purchase: 1}\nterminals: 5\nmerchants: 6\n", "merchants", load.ErrMixField},
		{"acquirer id", "transactions: {purchase: 1}\nacquirers: [\"4802x\"]\n", "acquirers[0]", load.ErrMixField},
		{"account needs receiving", "transactions: {account: 1}\n", "receiving", load.ErrMixField},
		{"receiving id", "transactions: {purchase: 1}\nreceiving: \"123456789012\"\n", "receiving", load.ErrMixField},
		{"amount order", "transactions: {purchase: 1}\namount: {min: 500, max: 100}\n", "amount", load.ErrMixField},
		{"amount ceiling", "transactions: {purchase: 1}\namount: {min: 1, max: 100000000}\n", "amount", load.ErrMixField},
		{"too large", "transactions: {purchase: 1}\n#" + strings.Repeat("x", load.MaxMixFile), "", load.ErrMixTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load.ParseMix([]byte(tc.yaml))
			require.ErrorIs(t, err, tc.want)
			var me *load.MixError
			require.True(t, errors.As(err, &me))
			assert.Equal(t, tc.field, me.Field)
		})
	}
}

func TestLoadMixNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("transactions: {chip: -2}\n"), 0o600))
	_, err := load.LoadMix(path)
	require.ErrorIs(t, err, load.ErrMixField)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "transactions.chip")
	_, err = load.LoadMix(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func FuzzParseMix(f *testing.F) {
	seed, err := os.ReadFile("../../testdata/load/mix.yaml")
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte("transactions: {purchase: 1}\n"))
	f.Add([]byte("transactions: {account: 3, reversal: 1}\nreceiving: \"01020000\"\namount: {min: 1, max: 99999999}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("transactions: !!map {? purchase : 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := load.ParseMix(data)
		if err != nil {
			var me *load.MixError
			if !errors.As(err, &me) {
				t.Fatalf("error %v is not a *MixError", err)
			}
			return
		}
		total := 0
		for _, w := range m.Weights {
			if w < 0 {
				t.Fatal("negative weight accepted")
			}
			total += w
		}
		if total == 0 || m.Terminals < 1 || m.Merchants < 1 || m.Merchants > m.Terminals ||
			m.AmountMin < 1 || m.AmountMax < m.AmountMin {
			t.Fatalf("invalid mix accepted: %+v", m)
		}
	})
}
