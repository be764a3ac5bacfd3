package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// baseYAML is a small valid configuration that exercises every section.
// Tests derive invalid variants from it with edit.
const baseYAML = `switch:
  id: "99990000"
admin:
  address: 127.0.0.1:9180
listeners:
  - name: a-in
    address: 127.0.0.1:5800
    dialect: hl87a
    header: true
  - name: b-in
    address: 127.0.0.1:5801
    dialect: hl87b
dialects:
  - name: custom
    spec_file: custom.json
institutions:
  - id: "48020000"
    name: Acquirer
    role: acquirer
    dialect: hl87a
    header: true
    inbound:
      listener: a-in
      allow: [127.0.0.1, 10.0.0.0/8]
  - id: "01020000"
    name: Bank A
    role: issuer
    dialect: hl87a
    outbound:
      addresses: [127.0.0.1:6100, 127.0.0.1:6101]
  - id: "03080000"
    name: Bank B
    role: both
    dialect: hl87b
    timeout: 7s
    inbound:
      listener: b-in
      allow: ["::1"]
    outbound:
      addresses: ["[::1]:6200"]
routes:
  - name: a
    issuer: "01020000"
    bins: ["622202"]
  - name: b
    issuer: "03080000"
    bins: ["62220288"]
    receiving: ["03080000"]
    mtis: ["0200"]
    processing_codes: ["00"]
`

// edit returns base with old replaced by new; old must occur exactly once.
func edit(t testing.TB, base, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(base, old), "edit target %q", old)
	return strings.Replace(base, old, new, 1)
}

// specDir returns a directory holding custom.json, the spec file baseYAML names.
func specDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "custom.json"), []byte("{}"), 0o600))
	return dir
}

// lineContaining returns the 1-based line of the first line of doc that
// contains s. s may be a chain "a>>b>>c": b is searched after the line of a,
// then c after the line of b, to pick one of several similar lines.
func lineContaining(t testing.TB, doc, s string) int {
	t.Helper()
	lines := strings.Split(doc, "\n")
	at := -1
	for _, part := range strings.Split(s, ">>") {
		found := false
		for i := at + 1; i < len(lines); i++ {
			if strings.Contains(lines[i], part) {
				at, found = i, true
				break
			}
		}
		if !found {
			t.Fatalf("no line contains %q (in %q)", part, s)
		}
	}
	return at + 1
}

// parseErrs parses doc and returns its Errors, failing if there are none.
func parseErrs(t testing.TB, doc string) Errors {
	t.Helper()
	c, err := Parse([]byte(doc), specDir(t), "switchd.yaml")
	require.Error(t, err)
	require.Nil(t, c)
	var errs Errors
	require.True(t, errors.As(err, &errs), "error type %T", err)
	require.NotEmpty(t, errs)
	return errs
}

// findKey returns the first error with key, or nil.
func findKey(errs Errors, key string) *Error {
	for _, e := range errs {
		if e.Key == key {
			return e
		}
	}
	return nil
}
