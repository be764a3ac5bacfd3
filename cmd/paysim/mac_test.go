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

// macStore writes an LMK file and a key store with the ZAKs a/zak and b/zak;
// it returns the --key-store and --lmk-file flags.
func macStore(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(5*i + 1)
	}
	lmkFile := filepath.Join(dir, "lmk.hex")
	require.NoError(t, os.WriteFile(lmkFile, []byte(hex.EncodeToString(lmk)+"\n"), 0o600))
	store := filepath.Join(dir, "keys.json")
	m, err := soft.Open(store, lmk)
	require.NoError(t, err)
	for _, id := range []hsm.KeyID{"a/zak", "b/zak"} {
		_, err := m.GenerateKey(context.Background(), id, hsm.ZAK, symmetric.TDES, 0)
		require.NoError(t, err)
	}
	require.NoError(t, m.Close())
	return []string{"--key-store", store, "--lmk-file", lmkFile}
}

func TestMACFlags(t *testing.T) {
	keys := macStore(t)
	iss := background(t, append([]string{"issuer", "--listen", "127.0.0.1:0", "--mac-key", "a/zak"}, keys...)...)

	out := runOK(t, append([]string{"acquirer", "--switch", iss, "--count", "4", "--mac-key", "a/zak"}, keys...)...)
	assert.Equal(t, 3, strings.Count(out, "code=00"), out)
	assert.Equal(t, 1, strings.Count(out, "code=51"), out)

	js := runOK(t, append([]string{"load", "--switch", iss, "--conns", "2", "--inflight", "8", "--count", "100", "--json", "--mac-key", "a/zak"}, keys...)...)
	var res struct {
		Completed, Errors int
		ByCode            map[string]int `json:"by_code"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &res), js)
	assert.Equal(t, 100, res.Completed)
	assert.Equal(t, 0, res.Errors)
	assert.Equal(t, map[string]int{"00": 100}, res.ByCode)

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"acquirer", "--switch", iss, "--count", "1", "--timeout", "3s", "--mac-key", "b/zak"}, keys...), &stdout, &stderr)
	assert.Equal(t, 1, code, "wrong key: the issuer's answer does not verify")
	assert.Contains(t, stderr.String(), "bad MAC")
}

func TestMACFlagsGoTogether(t *testing.T) {
	keys := macStore(t)
	for _, args := range [][]string{
		{"issuer", "--listen", "127.0.0.1:0", "--mac-key", "a/zak"},
		{"acquirer", "--switch", "127.0.0.1:1", "--key-store", keys[1]},
		{"load", "--switch", "127.0.0.1:1", "--lmk-file", keys[3], "--mac-key", "a/zak"},
	} {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, 1, run(context.Background(), args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), "go together")
		})
	}
	var stdout, stderr bytes.Buffer
	args := append([]string{"issuer", "--listen", "127.0.0.1:0", "--mac-key", "not a key id"}, keys...)
	assert.Equal(t, 1, run(context.Background(), args, &stdout, &stderr), "invalid key id")
}
