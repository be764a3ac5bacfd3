package soft_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// splitKey returns two components whose XOR is key.
func splitKey(t *testing.T, hexKey string) (c1, c2 []byte) {
	key := unhex(t, hexKey)
	c1 = make([]byte, len(key))
	c2 = make([]byte, len(key))
	for i := range key {
		c1[i] = byte(0x5B + 13*i)
		c2[i] = key[i] ^ c1[i]
	}
	return c1, c2
}

func TestImportComponents(t *testing.T) {
	ctx := context.Background()
	c1, c2 := splitKey(t, keyStd)
	k1, k2 := hsm.KCV(symmetric.TDES, c1), hsm.KCV(symmetric.TDES, c2)
	tests := []struct {
		name string
		id   hsm.KeyID
		alg  symmetric.Algorithm
		comp [][]byte
		kcvs []string
		err  error
	}{
		{"ok", "a/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{k1, k2, "08D7B4"}, nil},
		{"lower-case kcvs", "b/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{strings.ToLower(k1), k2, "08d7b4"}, nil},
		{"wrong component kcv", "c/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{k1, "000000", "08D7B4"}, hsm.ErrKCVMismatch},
		{"wrong key kcv", "d/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{k1, k2, "08D7B5"}, hsm.ErrKCVMismatch},
		{"missing key kcv", "e/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{k1, k2}, hsm.ErrInvalid},
		{"no components", "f/zmk", symmetric.TDES, nil, []string{"08D7B4"}, hsm.ErrInvalid},
		{"uneven components", "g/zmk", symmetric.TDES, [][]byte{c1, c2[:8]}, []string{k1, k2, "08D7B4"}, hsm.ErrInvalid},
		{"sm4 24 bytes", "h/zmk", symmetric.SM4, [][]byte{make([]byte, 24)}, []string{"", ""}, hsm.ErrInvalid},
		{"bad id", "bad id", symmetric.TDES, [][]byte{c1, c2}, []string{k1, k2, "08D7B4"}, hsm.ErrInvalid},
		{"existing id", "a/zmk", symmetric.TDES, [][]byte{c1, c2}, []string{k1, k2, "08D7B4"}, hsm.ErrKeyExists},
	}
	m, _ := newModule(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := m.ImportComponents(ctx, tt.id, hsm.ZMK, tt.alg, tt.comp, tt.kcvs)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "08D7B4", info.KCV)
			assert.Equal(t, 16, info.Length)
			assert.Equal(t, hsm.ZMK, info.Type)
		})
	}
	keys, err := m.Keys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, hsm.KeyID("a/zmk"), keys[0].ID)
}

func TestGenerateKey(t *testing.T) {
	ctx := context.Background()
	m, _ := newModule(t)
	tests := []struct {
		alg    symmetric.Algorithm
		length int
		want   int
		err    error
	}{
		{symmetric.TDES, 0, 16, nil}, {symmetric.TDES, 24, 24, nil}, {symmetric.SM4, 16, 16, nil},
		{symmetric.TDES, 8, 0, hsm.ErrInvalid}, {symmetric.SM4, 24, 0, hsm.ErrInvalid}, {symmetric.Algorithm(0), 16, 0, hsm.ErrUnsupported},
	}
	for i, tt := range tests {
		id := hsm.KeyID("gen/" + string(rune('a'+i)))
		info, err := m.GenerateKey(ctx, id, hsm.ZPK, tt.alg, tt.length)
		if tt.err != nil {
			assert.ErrorIs(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, info.Length)
		assert.Len(t, info.KCV, 6)
		got, err := m.Key(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, info, got)
	}
	_, err := m.GenerateKey(ctx, "gen/x", hsm.KeyType(9), symmetric.TDES, 16)
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
}

// TestWrappedRoundTrip exchanges keys between two modules sharing a ZMK.
func TestWrappedRoundTrip(t *testing.T) {
	ctx := context.Background()
	a, _ := newModule(t)
	b, _ := newModule(t)
	importKey(t, a, "zmk", hsm.ZMK, symmetric.TDES, keyStd)
	importKey(t, b, "zmk", hsm.ZMK, symmetric.TDES, keyStd)
	importKey(t, a, "sm4zmk", hsm.ZMK, symmetric.SM4, keySM4b)
	importKey(t, a, "zak", hsm.ZAK, symmetric.TDES, keyStd)

	tests := []struct {
		name string
		alg  symmetric.Algorithm
		n    int
		kek  hsm.KeyID
		err  error
	}{
		{"tdes double under tdes", symmetric.TDES, 16, "zmk", nil},
		{"tdes triple under tdes", symmetric.TDES, 24, "zmk", nil},
		{"sm4 under tdes", symmetric.SM4, 16, "zmk", nil},
		{"sm4 under sm4", symmetric.SM4, 16, "sm4zmk", nil},
		{"tdes triple under sm4", symmetric.TDES, 24, "sm4zmk", hsm.ErrUnsupported},
		{"under a zak", symmetric.TDES, 16, "zak", hsm.ErrKeyType},
		{"under nothing", symmetric.TDES, 16, "none", hsm.ErrNoKey},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := hsm.KeyID("k" + string(rune('0'+i)))
			info, err := a.GenerateKey(ctx, id, hsm.ZAK, tt.alg, tt.n)
			require.NoError(t, err)
			wrapped, kcv, err := a.ExportWrapped(ctx, id, tt.kek)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, wrapped, tt.n)
			assert.Equal(t, info.KCV, kcv)
			if tt.kek != "zmk" {
				return
			}
			got, err := b.ImportWrapped(ctx, id, hsm.ZAK, tt.alg, "zmk", wrapped, kcv)
			require.NoError(t, err)
			assert.Equal(t, info.KCV, got.KCV)
			// the same key on both sides: a MAC from a verifies on b
			mac, err := a.GenerateMAC(ctx, id, []byte("key exchange"))
			require.NoError(t, err)
			assert.NoError(t, b.VerifyMAC(ctx, id, []byte("key exchange"), mac))
		})
	}

	wrapped, kcv, err := a.ExportWrapped(ctx, "zak", "zmk")
	require.NoError(t, err)
	_, err = b.ImportWrapped(ctx, "x1", hsm.ZAK, symmetric.TDES, "zmk", wrapped, "000000")
	assert.ErrorIs(t, err, hsm.ErrKCVMismatch, "wrong check value refused")
	wrapped[0] ^= 0x80
	_, err = b.ImportWrapped(ctx, "x2", hsm.ZAK, symmetric.TDES, "zmk", wrapped, kcv)
	assert.ErrorIs(t, err, hsm.ErrKCVMismatch, "damaged key refused")
	_, err = b.ImportWrapped(ctx, "x3", hsm.ZAK, symmetric.TDES, "zmk", wrapped[:8], kcv)
	assert.ErrorIs(t, err, hsm.ErrInvalid)
	_, err = b.Key(ctx, "x2")
	assert.ErrorIs(t, err, hsm.ErrNoKey)
}

func TestReopenAndLMK(t *testing.T) {
	ctx := context.Background()
	m, path := newModule(t)
	importKey(t, m, "std/zpk", hsm.ZPK, symmetric.TDES, keyStd)
	importKey(t, m, "sm4/zak", hsm.ZAK, symmetric.SM4, keySM4b)
	_, err := m.GenerateKey(ctx, "gen/zmk", hsm.ZMK, symmetric.TDES, 24)
	require.NoError(t, err)
	want, err := m.Keys(ctx)
	require.NoError(t, err)
	mac, err := m.GenerateMAC(ctx, "sm4/zak", []byte("data"))
	require.NoError(t, err)
	require.NoError(t, m.Close())
	_, err = m.Keys(ctx)
	assert.ErrorIs(t, err, hsm.ErrClosed)
	_, err = m.GenerateMAC(ctx, "sm4/zak", nil)
	assert.ErrorIs(t, err, hsm.ErrClosed)

	again, err := soft.Open(path, testLMK())
	require.NoError(t, err)
	defer again.Close()
	got, err := again.Keys(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.NoError(t, again.VerifyMAC(ctx, "sm4/zak", []byte("data"), mac))

	other := testLMK()
	other[0] ^= 1
	_, err = soft.Open(path, other)
	assert.ErrorIs(t, err, soft.ErrWrongLMK)
	_, err = soft.Open(path, other[:16])
	assert.ErrorIs(t, err, soft.ErrLMK)

	// an emptied store still refuses another LMK
	for _, k := range got {
		require.NoError(t, again.DeleteKey(ctx, k.ID))
	}
	assert.ErrorIs(t, again.DeleteKey(ctx, "std/zpk"), hsm.ErrNoKey)
	_, err = soft.Open(path, other)
	assert.ErrorIs(t, err, soft.ErrWrongLMK)
}

func TestStoreFileHasNoClearKeys(t *testing.T) {
	m, path := newModule(t)
	importKey(t, m, "std/zpk", hsm.ZPK, symmetric.TDES, keyStd)
	importKey(t, m, "sm4/zpk", hsm.ZPK, symmetric.SM4, keySM4b)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.Contains(t, string(raw), "08D7B4", "check values are stored")
	for _, h := range []string{keyStd, keySM4b} {
		k := unhex(t, h)
		for _, form := range [][]byte{k, k[:8], k[8:], []byte(strings.ToUpper(h)), []byte(strings.ToLower(h)),
			[]byte(base64.StdEncoding.EncodeToString(k)), []byte(hex.EncodeToString(k[:8]))} {
			assert.False(t, bytes.Contains(raw, form), "clear key material in the store file")
			assert.False(t, bytes.Contains(bytes.ToLower(raw), bytes.ToLower(form)))
		}
	}
	matches, err := filepath.Glob(path + ".tmp*")
	require.NoError(t, err)
	assert.Empty(t, matches, "no temporary files left behind")
}

func TestDamagedStore(t *testing.T) {
	m, path := newModule(t)
	importKey(t, m, "std/zpk", hsm.ZPK, symmetric.TDES, keyStd)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	tests := []struct {
		name string
		data []byte
		err  error
	}{
		{"not json", []byte("{"), soft.ErrStore},
		{"other format", bytes.Replace(raw, []byte("hulian-soft-hsm/1"), []byte("hulian-soft-hsm/9"), 1), soft.ErrStore},
		{"renamed key", bytes.Replace(raw, []byte(`"std/zpk"`), []byte(`"std/zak"`), 1), soft.ErrStore},
		{"retyped key", bytes.Replace(raw, []byte(`"ZPK"`), []byte(`"ZAK"`), 1), soft.ErrStore},
		{"changed kcv", bytes.Replace(raw, []byte(`"08D7B4"`), []byte(`"08D7B5"`), 1), soft.ErrStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "keys.json")
			require.NoError(t, os.WriteFile(p, tt.data, 0o600))
			_, err := soft.Open(p, testLMK())
			assert.ErrorIs(t, err, tt.err)
		})
	}
}

func TestContextAndClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m, err := soft.New(filepath.Join(t.TempDir(), "k.json"), soft.Options{LMK: testLMK(), Now: func() time.Time { return at }})
	require.NoError(t, err)
	info, err := m.GenerateKey(context.Background(), "k", hsm.ZAK, symmetric.SM4, 16)
	require.NoError(t, err)
	assert.Equal(t, at, info.Created)
	assert.Equal(t, "soft", m.Name())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = m.GenerateMAC(ctx, "k", nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestLMKHelpers(t *testing.T) {
	dir := t.TempDir()
	lmk := testLMK()
	h := hex.EncodeToString(lmk)

	hexFile := filepath.Join(dir, "lmk.hex")
	require.NoError(t, os.WriteFile(hexFile, []byte(h+"\n"), 0o600))
	got, err := soft.LMKFromFile(hexFile)
	require.NoError(t, err)
	assert.Equal(t, lmk, got)

	rawFile := filepath.Join(dir, "lmk.bin")
	require.NoError(t, os.WriteFile(rawFile, lmk, 0o600))
	got, err = soft.LMKFromFile(rawFile)
	require.NoError(t, err)
	assert.Equal(t, lmk, got)

	badFile := filepath.Join(dir, "lmk.bad")
	require.NoError(t, os.WriteFile(badFile, []byte(strings.Repeat("zz", 32)), 0o600))
	_, err = soft.LMKFromFile(badFile)
	assert.ErrorIs(t, err, soft.ErrLMK)
	assert.NotContains(t, err.Error(), "zz")
	_, err = soft.LMKFromFile(filepath.Join(dir, "missing"))
	assert.Error(t, err)

	t.Setenv("HULIAN_TEST_LMK", h)
	got, err = soft.LMKFromEnv("HULIAN_TEST_LMK")
	require.NoError(t, err)
	assert.Equal(t, lmk, got)
	t.Setenv("HULIAN_TEST_LMK", h[:10])
	_, err = soft.LMKFromEnv("HULIAN_TEST_LMK")
	assert.ErrorIs(t, err, soft.ErrLMK)
	_, err = soft.LMKFromEnv("HULIAN_TEST_LMK_UNSET_X")
	assert.ErrorIs(t, err, soft.ErrLMK)
}
