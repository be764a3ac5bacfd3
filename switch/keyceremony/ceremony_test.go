package keyceremony

import (
	"bytes"
	"context"
	"crypto/des"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// Key ceremony values. keysZMK is the double-length TDES key whose check
// value is 08D7B4 (TDES-ECB of eight zero bytes, also what SoftHSM2 gives); its
// components are keysComp1 and keysZMK XOR keysComp1.
const (
	keysLMK   = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	keysLMK2  = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"
	keysZMK   = "0123456789ABCDEFFEDCBA9876543210"
	keysZMKCV = "08D7B4"
	keysComp1 = "1C2D3E4F5A6B7C8D9EAFB0C1D2E3F405"
)

// keysFixture is a configuration with a key store and an LMK file in a temp
// directory, and every output the test produced (for the secret scan).
type keysFixture struct {
	t      *testing.T
	dir    string
	config string
	store  string
	all    bytes.Buffer
}

// newKeysFixture writes a configuration; lmkFile empty means the LMK comes from HULIAN_LMK.
func newKeysFixture(t *testing.T, lmkHex string, withLMKFile bool) *keysFixture {
	t.Helper()
	dir := t.TempDir()
	cfg := "switch: {id: \"99990000\"}\nsecurity:\n  key_store: keys.json\n"
	if withLMKFile {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "lmk.hex"), []byte(lmkHex+"\n"), 0o600))
		cfg += "  lmk_file: lmk.hex\n"
	}
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return &keysFixture{t: t, dir: dir, config: path, store: filepath.Join(dir, "keys.json")}
}

// run runs `switchd keys VERB --config F ARGS...` with stdin.
func (f *keysFixture) run(stdin string, verb string, args ...string) (string, error) {
	f.t.Helper()
	var out, errw bytes.Buffer
	k := keysCmd{in: strings.NewReader(stdin), out: &out, errw: &errw}
	err := k.run(context.Background(), append([]string{verb, "--config", f.config}, args...))
	f.all.Write(out.Bytes())
	f.all.Write(errw.Bytes())
	if err != nil {
		f.all.WriteString(err.Error() + "\n")
	}
	return out.String(), err
}

// must runs a command that has to succeed.
func (f *keysFixture) must(stdin string, verb string, args ...string) string {
	f.t.Helper()
	out, err := f.run(stdin, verb, args...)
	require.NoError(f.t, err)
	return out
}

// listed returns the listed rows by id: type, alg, length, kcv, created.
func (f *keysFixture) listed() map[string][]string {
	f.t.Helper()
	lines := strings.Split(strings.TrimSpace(f.must("", "list")), "\n")
	require.Equal(f.t, []string{"ID", "TYPE", "ALG", "LENGTH", "KCV", "CREATED"}, strings.Fields(lines[0]))
	rows := map[string][]string{}
	for _, l := range lines[1:] {
		fs := strings.Fields(l)
		require.Len(f.t, fs, 6, l)
		rows[fs[0]] = fs[1:]
	}
	return rows
}

// kcvOf returns the check value a generate/import/deleted/kept line prints.
func kcvOf(t *testing.T, line string) string {
	t.Helper()
	m := regexp.MustCompile(`check value ([0-9A-F]{6})$`).FindStringSubmatch(strings.TrimSpace(line))
	require.NotNil(t, m, line)
	return m[1]
}

// components returns keysZMK's two components and their check values.
func components(t *testing.T) (c1, c2, kcv1, kcv2 string) {
	t.Helper()
	k, err := hex.DecodeString(keysZMK)
	require.NoError(t, err)
	a, err := hex.DecodeString(keysComp1)
	require.NoError(t, err)
	b := make([]byte, len(k))
	for i := range k {
		b[i] = k[i] ^ a[i]
	}
	return keysComp1, strings.ToUpper(hex.EncodeToString(b)), hsm.KCV(symmetric.TDES, a), hsm.KCV(symmetric.TDES, b)
}

// assertNoSecrets checks that nothing the fixture printed holds a clear value.
func (f *keysFixture) assertNoSecrets(secrets ...string) {
	f.t.Helper()
	all := strings.ToUpper(f.all.String())
	squeezed := strings.Join(strings.Fields(all), "")
	for _, s := range secrets {
		s = strings.ToUpper(s)
		assert.NotContains(f.t, all, s)
		assert.NotContains(f.t, squeezed, s)
		assert.NotContains(f.t, all, s[:16], "half a key")
	}
}

func TestKeysGenerateListDelete(t *testing.T) {
	f := newKeysFixture(t, keysLMK, true)
	assert.Len(t, f.listed(), 0, "an absent key store is empty")

	gens := []struct {
		id, typ, alg, length string
		wantType, wantAlg    string
		wantLen              string
	}{
		{"01020000/zak", "zak", "tdes", "", "ZAK", "TDES", "16"},
		{"01020000/zpk", "ZPK", "tdes", "24", "ZPK", "TDES", "24"},
		{"03080000/zak", "", "sm4", "", "ZAK", "SM4", "16"}, // type from the id
		{"03080000/zpk", "zpk", "SM4", "16", "ZPK", "SM4", "16"},
	}
	kcvs := map[string]string{}
	for _, g := range gens {
		args := []string{"--id", g.id, "--alg", g.alg}
		if g.typ != "" {
			args = append(args, "--type", g.typ)
		}
		if g.length != "" {
			args = append(args, "--length", g.length)
		}
		out := f.must("", "generate", args...)
		assert.True(t, strings.HasPrefix(out, "generated "+g.id+" ("+g.wantType+", "+g.wantAlg+", "+g.wantLen+" bytes)"), out)
		kcvs[g.id] = kcvOf(t, out)
	}
	rows := f.listed()
	require.Len(t, rows, len(gens))
	for _, g := range gens {
		r := rows[g.id]
		assert.Equal(t, []string{g.wantType, g.wantAlg, g.wantLen, kcvs[g.id]}, r[:4], g.id)
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`, r[4])
	}

	_, err := f.run("", "generate", "--id", "01020000/zak", "--alg", "tdes")
	assert.ErrorIs(t, err, hsm.ErrKeyExists)

	out := f.must("", "delete", "--id", "01020000/zak")
	assert.Equal(t, "deleted 01020000/zak (ZAK, TDES, 16 bytes) check value "+kcvs["01020000/zak"]+"\n", out)
	rows = f.listed()
	assert.NotContains(t, rows, "01020000/zak")
	assert.Len(t, rows, len(gens)-1)
	_, err = f.run("", "delete", "--id", "01020000/zak")
	require.ErrorIs(t, err, hsm.ErrNoKey)
	assert.Contains(t, err.Error(), "--id")

	raw, err := os.ReadFile(f.store)
	require.NoError(t, err)
	assert.Contains(t, string(raw), kcvs["01020000/zpk"], "the store keeps the check values")
}

func TestKeysImport(t *testing.T) {
	c1, c2, kcv1, kcv2 := components(t)
	grouped := func(s string) string { // "1C2D 3E4F ...", as printed on a component form
		var parts []string
		for i := 0; i < len(s); i += 4 {
			parts = append(parts, s[i:i+4])
		}
		return strings.Join(parts, " ")
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"flags", "", []string{"--component", c1, "--kcv", kcv1, "--component", c2, "--kcv", kcv2}},
		{"stdin", c1 + "\n" + grouped(strings.ToLower(c2)) + "\r\n", []string{"--component", "-", "--kcv", kcv1, "--component", "-", "--kcv", strings.ToLower(kcv2)}},
		{"stdin no final newline", c2, []string{"--component", c1, "--kcv", kcv1, "--component", "-", "--kcv", kcv2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newKeysFixture(t, keysLMK, true)
			args := append([]string{"--id", "01020000/zmk", "--type", "zmk", "--alg", "tdes"}, tt.args...)
			out := f.must(tt.stdin, "import", append(args, "--kcv-final", keysZMKCV)...)
			assert.Equal(t, "imported 01020000/zmk (ZMK, TDES, 16 bytes) check value "+keysZMKCV+"\n", out)
			assert.Equal(t, []string{"ZMK", "TDES", "16", keysZMKCV}, f.listed()["01020000/zmk"][:4])
			f.assertNoSecrets(keysZMK, c1, c2)
			raw, err := os.ReadFile(f.store)
			require.NoError(t, err)
			assert.NotContains(t, strings.ToUpper(string(raw)), keysZMK)
		})
	}
}

func TestKeysImportRefused(t *testing.T) {
	c1, c2, kcv1, kcv2 := components(t)
	base := []string{"--id", "01020000/zmk", "--type", "zmk", "--alg", "tdes"}
	good := func(extra ...string) []string {
		return append(append(append([]string{}, base...), "--component", c1, "--kcv", kcv1, "--component", c2, "--kcv", kcv2), extra...)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
		is    error
	}{
		{"wrong final kcv", "", good("--kcv-final", "123456"), "--kcv-final", hsm.ErrKCVMismatch},
		{"wrong component kcv", "", append(append([]string{}, base...), "--component", c1, "--kcv", kcv2, "--component", c2, "--kcv", kcv2, "--kcv-final", keysZMKCV), "--kcv 1", nil},
		{"second component kcv", "", append(append([]string{}, base...), "--component", c1, "--kcv", kcv1, "--component", c2, "--kcv", kcv1, "--kcv-final", keysZMKCV), "--kcv 2", nil},
		{"no final kcv", "", good(), "--kcv-final: required", nil},
		{"final kcv not hex", "", good("--kcv-final", "08D7BZ"), "--kcv-final: must be 6 hex", nil},
		{"kcv short", "", append(append([]string{}, base...), "--component", c1, "--kcv", "08D7", "--kcv-final", keysZMKCV), "--kcv 1: must be 6 hex", nil},
		{"no component", "", append(append([]string{}, base...), "--kcv-final", keysZMKCV), "--component: at least one", nil},
		{"kcv count", "", append(append([]string{}, base...), "--component", c1, "--component", c2, "--kcv", kcv1, "--kcv-final", keysZMKCV), "--kcv: one per --component", nil},
		{"not hex", "", append(append([]string{}, base...), "--component", c1[:30]+"ZZ", "--kcv", kcv1, "--kcv-final", keysZMKCV), "--component 1: not hex", nil},
		{"odd digits", "", append(append([]string{}, base...), "--component", c1[:31], "--kcv", kcv1, "--kcv-final", keysZMKCV), "--component 1: needs an even", nil},
		{"wrong length", "", append(append([]string{}, base...), "--component", c1, "--kcv", kcv1, "--component", c2[:16], "--kcv", kcv2, "--kcv-final", keysZMKCV), "--component 2: 16 hex digits", nil},
		{"stdin empty", "", append(append([]string{}, base...), "--component", "-", "--kcv", kcv1, "--kcv-final", keysZMKCV), "--component 1: stdin: no line left", nil},
		{"stdin second missing", c1 + "\n", append(append([]string{}, base...), "--component", "-", "--kcv", kcv1, "--component", "-", "--kcv", kcv2, "--kcv-final", keysZMKCV), "--component 2: stdin", nil},
		{"stdin not hex", "XY" + c2[2:] + "\n", append(append([]string{}, base...), "--component", "-", "--kcv", kcv2, "--kcv-final", keysZMKCV), "--component 1: not hex", nil},
		{"stdin too long", strings.Repeat("A", 300) + "\n", append(append([]string{}, base...), "--component", "-", "--kcv", kcv1, "--kcv-final", keysZMKCV), "longer than 256", nil},
		{"misplaced component", "", append(good("--kcv-final", keysZMKCV), c2), "1 unexpected argument", nil},
		{"sm4 needs 16 bytes", "", []string{"--id", "x/zmk", "--alg", "sm4", "--component", c1 + c1[:16], "--kcv", kcv1, "--kcv-final", keysZMKCV}, "--component 1: 48 hex digits", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newKeysFixture(t, keysLMK, true)
			out, err := f.run(tt.stdin, "import", tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Empty(t, out)
			_, statErr := os.Stat(f.store)
			assert.True(t, os.IsNotExist(statErr), "nothing stored")
			f.assertNoSecrets(keysZMK, c1, c2)
		})
	}
}

// wrappedLine matches rotate's wrapped key line.
var wrappedLine = regexp.MustCompile(`(?m)^wrapped under (\S+): ([0-9A-F]+) check value ([0-9A-F]{6})$`)

func TestKeysRotate(t *testing.T) {
	f := newKeysFixture(t, keysLMK, true)
	c1, c2, kcv1, kcv2 := components(t)

	// Without a ZMK: a new generation, the old key kept, nothing wrapped.
	gen := f.must("", "generate", "--id", "01020000/zak", "--alg", "tdes")
	out := f.must("", "rotate", "--id", "01020000/zak")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	assert.Equal(t, strings.TrimSpace(strings.Replace(gen, "generated", "kept", 1)), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "generated 01020000/zak:2 (ZAK, TDES, 16 bytes) check value "), lines[1])
	assert.Contains(t, lines[2], "no ZMK 01020000/zmk")
	assert.NotRegexp(t, wrappedLine, out)
	rows := f.listed()
	assert.Equal(t, kcvOf(t, gen), rows["01020000/zak"][3])
	assert.Equal(t, kcvOf(t, lines[1]), rows["01020000/zak:2"][3])

	// With the institution's ZMK: the new key comes wrapped under it.
	f.must(c2+"\n", "import", "--id", "01020000/zmk", "--type", "zmk", "--alg", "tdes",
		"--component", c1, "--kcv", kcv1, "--component", "-", "--kcv", kcv2, "--kcv-final", keysZMKCV)
	for _, tt := range []struct{ id, want string }{
		{"01020000/zak", "01020000/zak:3"},   // rotating the base continues the numbering
		{"01020000/zak:2", "01020000/zak:4"}, // so does rotating a generation
	} {
		out = f.must("", "rotate", "--id", tt.id)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 4, out)
		assert.True(t, strings.HasPrefix(lines[1], "generated "+tt.want+" "), lines[1])
		newKCV := kcvOf(t, lines[1])
		m := wrappedLine.FindStringSubmatch(out)
		require.NotNil(t, m, out)
		assert.Equal(t, "01020000/zmk", m[1])
		assert.Equal(t, newKCV, m[3])
		assert.Contains(t, lines[3], "field 70 = 101")

		// The receiving side, holding the ZMK, recovers a key with that check value.
		clearKey := unwrapTDES(t, keysZMK, m[2])
		assert.Equal(t, newKCV, hsm.KCV(symmetric.TDES, clearKey))
		assert.NotEqual(t, m[2], strings.ToUpper(hex.EncodeToString(clearKey)))
		f.assertNoSecrets(hex.EncodeToString(clearKey))
		assert.Equal(t, newKCV, f.listed()[tt.want][3])
	}
	assert.Len(t, f.listed(), 5, "zak, zak:2, zak:3, zak:4, zmk")
	f.assertNoSecrets(keysZMK, c1, c2)
}

func TestKeysRotateRefused(t *testing.T) {
	f := newKeysFixture(t, keysLMK, true)
	f.must("", "generate", "--id", "01020000/zpk", "--alg", "tdes", "--length", "24")
	f.must("", "generate", "--id", "01020000/zmk", "--alg", "sm4")
	f.must("", "generate", "--id", "03080000/zmk", "--type", "zmk", "--alg", "tdes")
	f.must("", "generate", "--id", "nobody", "--type", "zak", "--alg", "tdes")
	before := f.listed()
	tests := []struct{ id, want string }{
		{"01020000/zpk", "cannot be wrapped under 01020000/zmk"}, // 24 bytes under a 16-byte-block SM4 ZMK
		{"01020000/zak", "no such key"},
		{"nobody", "--id: nobody has no"},
		{"", "--id: required"},
	}
	for _, tt := range tests {
		_, err := f.run("", "rotate", "--id", tt.id)
		require.Error(t, err, tt.id)
		assert.Contains(t, err.Error(), tt.want)
	}
	assert.Equal(t, before, f.listed(), "nothing stored")
}

// unwrapTDES deciphers a key wrapped (ECB) under a double-length TDES key.
func unwrapTDES(t *testing.T, kekHex, wrappedHex string) []byte {
	t.Helper()
	kek, err := hex.DecodeString(kekHex)
	require.NoError(t, err)
	b, err := des.NewTripleDESCipher(append(kek, kek[:8]...))
	require.NoError(t, err)
	w, err := hex.DecodeString(wrappedHex)
	require.NoError(t, err)
	require.Zero(t, len(w)%8)
	out := make([]byte, len(w))
	for i := 0; i < len(w); i += 8 {
		b.Decrypt(out[i:i+8], w[i:i+8])
	}
	return out
}

func TestKeysLMKFromEnvironment(t *testing.T) {
	f := newKeysFixture(t, "", false)
	t.Setenv(lmkEnv, keysLMK)
	gen := f.must("", "generate", "--id", "01020000/zak", "--alg", "tdes")
	assert.Equal(t, kcvOf(t, gen), f.listed()["01020000/zak"][3])

	t.Setenv(lmkEnv, keysLMK2)
	_, err := f.run("", "list")
	require.Error(t, err)
	assert.Contains(t, err.Error(), lmkEnv+": ")

	require.NoError(t, os.Unsetenv(lmkEnv)) // t.Setenv restores it afterwards
	_, err = f.run("", "list")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "security.lmk_file is empty, so the LMK comes from HULIAN_LMK")
	f.assertNoSecrets(keysLMK, keysLMK2)
}

func TestKeysErrors(t *testing.T) {
	f := newKeysFixture(t, keysLMK, true)
	f.must("", "generate", "--id", "01020000/zak", "--alg", "tdes")
	wrongLMK := newKeysFixture(t, keysLMK2, true)
	require.NoError(t, os.WriteFile(filepath.Join(wrongLMK.dir, "switchd.yaml"),
		[]byte("switch: {id: \"99990000\"}\nsecurity: {key_store: "+f.store+", lmk_file: lmk.hex}\n"), 0o600))
	noStore := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(noStore, []byte("switch: {id: \"99990000\"}\n"), 0o600))
	missingLMK := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(missingLMK, []byte("switch: {id: \"99990000\"}\nsecurity: {key_store: k.json, lmk_file: nope.hex}\n"), 0o600))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no verb", nil, "a verb is needed"},
		{"flag first", []string{"--config", f.config, "list"}, "a verb is needed"},
		{"unknown verb", []string{"export", "--config", f.config}, `unknown verb "export"`},
		{"no config", []string{"list"}, "--config: required"},
		{"bad config", []string{"list", "--config", filepath.Join(f.dir, "nope.yaml")}, "no such file"},
		{"no key store", []string{"list", "--config", noStore}, "security.key_store: not set"},
		{"missing lmk file", []string{"list", "--config", missingLMK}, "security.lmk_file: "},
		{"wrong lmk", []string{"list", "--config", wrongLMK.config}, "security.lmk_file: soft: local master key does not open"},
		{"flag of another verb", []string{"list", "--config", f.config, "--id", "x"}, "not defined"},
		{"no id", []string{"generate", "--config", f.config, "--type", "zak", "--alg", "tdes"}, "--id: required"},
		{"bad id", []string{"generate", "--config", f.config, "--id", "a b", "--type", "zak", "--alg", "tdes"}, "--id: hsm"},
		{"no type", []string{"generate", "--config", f.config, "--id", "k1", "--alg", "tdes"}, "--type: required"},
		{"bad type", []string{"generate", "--config", f.config, "--id", "k1", "--type", "kek", "--alg", "tdes"}, "--type: must be"},
		{"type against id", []string{"generate", "--config", f.config, "--id", "01020000/zpk", "--type", "zak", "--alg", "tdes"}, "--type: ZAK, but the id 01020000/zpk names a ZPK"},
		{"no alg", []string{"generate", "--config", f.config, "--id", "01020000/zpk"}, "--alg: required"},
		{"bad alg", []string{"generate", "--config", f.config, "--id", "01020000/zpk", "--alg", "aes"}, "--alg: must be"},
		{"bad length", []string{"generate", "--config", f.config, "--id", "01020000/zpk", "--alg", "tdes", "--length", "8"}, "--length: must be"},
		{"sm4 length", []string{"generate", "--config", f.config, "--id", "01020000/zpk", "--alg", "sm4", "--length", "24"}, "--length: must be"},
		{"extra argument", []string{"delete", "--config", f.config, "--id", "01020000/zak", "more"}, "1 unexpected argument"},
		{"delete unknown", []string{"delete", "--config", f.config, "--id", "01020000/zpk"}, "--id: hsm: Key key \"01020000/zpk\": hsm: no such key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			err := keysCmd{in: strings.NewReader(""), out: &out, errw: &errw}.run(context.Background(), tt.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, out.String())
		})
	}
	assert.Len(t, f.listed(), 1, "the store is unchanged")
}

func TestKeysNextGeneration(t *testing.T) {
	keys := []hsm.KeyInfo{{ID: "a/zak"}, {ID: "a/zak:2"}, {ID: "a/zak:7"}, {ID: "b/zak:3"}, {ID: "a/zakx:9"}}
	tests := []struct {
		id   hsm.KeyID
		want hsm.KeyID
	}{
		{"a/zak", "a/zak:8"},
		{"a/zak:2", "a/zak:8"},
		{"b/zak", "b/zak:4"},
		{"c/zpk", "c/zpk:2"},
		{"c/zpk:1", "c/zpk:1:2"},   // 1 is not a generation suffix
		{"c/zpk:+3", "c/zpk:+3:2"}, // nor a signed number
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, hsm.NextGeneration(keys, tt.id), tt.id)
	}
	assert.Equal(t, hsm.ZPK, suffixType("01020000/zpk:3"))
	assert.Equal(t, hsm.KeyType(0), suffixType("zpk"))
	assert.Equal(t, hsm.KeyType(0), suffixType("01020000/mac"))
}
