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
)

func TestLintGood(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"lint", testSuite}, &stdout, &stderr)
	assert.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "140 cases in 13 files, no problems")
}

func TestLintBad(t *testing.T) {
	dir := t.TempDir()
	bad := `cases:
  - id: X-1
    clause: "EMV 4.4 Book 3"
    title: bad
    steps:
      - select: ZZ
        assrt:
          - present: 6F
      - get_data: 9F36
        expect: 9G00
  - id: X-1
    clause: "EMV 4.4 Book 3"
    title: duplicate id, unknown variable
    steps:
      - apdu: "80CA${nope}00"
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"lint", dir}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	file := filepath.Join(dir, "bad.yaml")
	out := stdout.String()
	for _, want := range []string{
		file + ":6: select.aid: \"ZZ\" is not hex",
		file + ":7: unknown key \"assrt\"",
		file + ":10: expect: status word \"9G00\"",
		file + ":15: apdu.command: variable ${nope} is used before it is captured or defined",
		file + ":11: case id X-1 is already used at " + file + ":2",
	} {
		assert.Contains(t, out, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		assert.True(t, strings.HasPrefix(line, file+":"), "every line is file:line: problem: %q", line)
	}
	assert.Contains(t, stderr.String(), "problems found")
}

func TestLintUsage(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"lint"}, &out, &out))
	assert.Equal(t, 1, run(context.Background(), []string{"lint", filepath.Join(t.TempDir(), "none")}, &out, &out))
}
