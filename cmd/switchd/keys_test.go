package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysDispatchedByRun: `switchd keys ...` reaches the key ceremony
// (package keyceremony, where the ceremony itself is tested).
func TestKeysDispatchedByRun(t *testing.T) {
	dir := t.TempDir()
	lmk := "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lmk.hex"), []byte(lmk+"\n"), 0o600))
	cfg := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("switch: {id: \"99990000\"}\nsecurity:\n  key_store: keys.json\n  lmk_file: lmk.hex\n"), 0o600))
	var out, errw bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"keys", "generate", "--config", cfg, "--id", "01020000/zak", "--alg", "sm4"}, &out, &errw, nil), errw.String())
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"keys", "list", "--config", cfg}, &out, &errw, nil))
	assert.Contains(t, out.String(), "01020000/zak")
	assert.Contains(t, out.String(), "SM4")
}
