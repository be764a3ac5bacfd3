package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// loadPINStore writes an LMK file and a key store with the ZPK "acq/zpk"; it
// returns the --key-store and --lmk-file flags.
func loadPINStore(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(7*i + 3)
	}
	lmkFile := filepath.Join(dir, "lmk.hex")
	require.NoError(t, os.WriteFile(lmkFile, []byte(hex.EncodeToString(lmk)+"\n"), 0o600))
	store := filepath.Join(dir, "keys.json")
	m, err := soft.Open(store, lmk)
	require.NoError(t, err)
	_, err = m.GenerateKey(context.Background(), "acq/zpk", hsm.ZPK, symmetric.TDES, 0)
	require.NoError(t, err)
	require.NoError(t, m.Close())
	return []string{"--key-store", store, "--lmk-file", lmkFile}
}

// TestLoadMixOpenLoop drives the issuer simulator (accounts mode, PIN
// check) with the testdata mix in the open loop: every type, two acquirer
// ids, the new flag aliases, and the JSON keys.
func TestLoadMixOpenLoop(t *testing.T) {
	keys := loadPINStore(t)
	iss := background(t, append([]string{"issuer", "--listen", "127.0.0.1:0", "--id", "01020000",
		"--accounts", "../../testdata/issuer/accounts.yaml", "--pin-key", "acq/zpk"}, keys...)...)
	js := runOK(t, append([]string{"load", "--target", iss, "--connections", "2", "--id", "48020000", "--id", "48020001",
		"--rate", "400", "--count", "300", "--inflight", "64", "--mix", "../../testdata/load/mix.yaml",
		"--pin-key", "acq/zpk", "--json", "--quiet"}, keys...)...)
	var res struct {
		Mode         string
		Completed    int
		Errors       int
		Late         int
		IntendedRate float64                                 `json:"intended_rate"`
		PerSecond    float64                                 `json:"per_second"`
		P99          int64                                   `json:"p99_ns"`
		P999         int64                                   `json:"p999_ns"`
		ByCode       map[string]int                          `json:"by_code"`
		ErrorsByKind map[string]int                          `json:"errors_by_kind"`
		ByType       map[string]struct{ Sent, Approved int } `json:"by_type"`
		CPU          int64                                   `json:"cpu_ns_per_request"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &res), js)
	assert.Equal(t, "open", res.Mode)
	assert.Equal(t, 400.0, res.IntendedRate)
	assert.Equal(t, 300, res.Completed+res.Late)
	assert.Equal(t, 0, res.Errors)
	assert.Positive(t, res.PerSecond)
	assert.LessOrEqual(t, res.P99, res.P999)
	assert.Positive(t, res.CPU)
	for _, bad := range []string{"05", "55", "25", "30", "14", "96"} {
		assert.Zero(t, res.ByCode[bad], "code %s in %v", bad, res.ByCode)
	}
	for _, typ := range []string{"purchase", "chip", "pin", "balance", "account"} {
		assert.Positive(t, res.ByType[typ].Approved, "%s in %v", typ, res.ByType)
	}
	after, err := os.ReadFile(keys[1])
	require.NoError(t, err)
	assert.NotContains(t, string(after), ".pad-", "load's terminal key went to a scratch copy of the key store")
}

func TestLoadSummaryAndProgress(t *testing.T) {
	iss := background(t, "issuer", "--listen", "127.0.0.1:0")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"load", "--switch", iss, "--conns", "1", "--rate", "200", "--duration", "6s", "--inflight", "64"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Regexp(t, `^sent=\d+ completed=\d+ errors=0 late=\d+ `, out.String())
	assert.Contains(t, out.String(), "mode: open")
	assert.Contains(t, out.String(), "intended 200.0/s")
	assert.Contains(t, out.String(), "p99.9")
	assert.Contains(t, out.String(), "types sent: [sample:")
	// stderr is a buffer, not a terminal: plain lines, no carriage returns.
	assert.Contains(t, errOut.String(), "done ")
	assert.NotContains(t, errOut.String(), "\r")
	assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line per 5 s: %q", errOut.String())
}

func TestLoadFlagErrors(t *testing.T) {
	keys := loadPINStore(t)
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"load", "--rate", "-1"}, "--rate"},
		{[]string{"load", "--connections", "0"}, "--conns"},
		{[]string{"load", "--pin-key", "acq/zpk"}, "--mix"},
		{[]string{"load", "--mix", "../../testdata/load/mix.yaml", "--pin-key", "acq/zpk"}, "--key-store"},
		{append([]string{"load", "--mix", "../../testdata/load/mix.yaml", "--pin-key", "acq/zpk", "--pin-format", "iso9"}, keys...), "iso9"},
		{append([]string{"load", "--mix", "../../testdata/load/mix.yaml", "--pin-key", "nope/zpk"}, keys...), "PIN setup"},
		{[]string{"load", "--mix", "nope.yaml"}, "nope.yaml"},
		{[]string{"load", "--mix", "../../testdata/load/mix.yaml", "--accounts", "nope.yaml", "--switch", "127.0.0.1:1", "--timeout", "1s"}, "paysim load:"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, 1, run(context.Background(), tc.args, &out, &errOut))
			assert.Contains(t, errOut.String(), tc.msg)
		})
	}
}

func TestConnectionIDs(t *testing.T) {
	c := clientFlags{}
	c.id = "48020000"
	f := loadFlags{conns: 5}
	assert.Equal(t, []string{"48020000", "48020000", "48020000", "48020000", "48020000"}, f.connectionIDs(&c, nil))
	f.ids = []string{"1", "2"}
	assert.Equal(t, []string{"1", "2", "1", "2", "1"}, f.connectionIDs(&c, nil))
}
