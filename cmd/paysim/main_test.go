package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hulian/hulian/switch/logtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// background runs a serving subcommand until the test ends and returns the
// address it printed.
func background(t *testing.T, args ...string) string {
	t.Helper()
	listenRE := regexp.MustCompile(`listening on (\S+)`)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut logtest.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &out, &errOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, 0, code, "%s exit code; stderr: %s", args[0], errOut.String())
		case <-time.After(5 * time.Second):
			t.Errorf("%s did not stop on cancel", args[0])
		}
	})
	var addr string
	require.Eventually(t, func() bool {
		m := listenRE.FindStringSubmatch(out.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, 5*time.Second, 5*time.Millisecond, "no listening line; stderr: %s", errOut.String())
	return addr
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := run(ctx, args, &out, &errOut)
	require.Equal(t, 0, code, "stderr: %s", errOut.String())
	return out.String()
}

func TestIssuerAcquirerLoadProxy(t *testing.T) {
	for _, wire := range [][]string{
		{"--dialect", "hl87a", "--header"},
		{"--dialect", "hl87b"},
	} {
		t.Run(strings.Join(wire, " "), func(t *testing.T) {
			iss := background(t, append([]string{"issuer", "--listen", "127.0.0.1:0", "--id", "01020000"}, wire...)...)
			out := runOK(t, append([]string{"acquirer", "--switch", iss, "--id", "48020000", "--count", "8"}, wire...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			require.Len(t, lines, 9, out)
			assert.Contains(t, lines[0], "signed on")
			assert.NotContains(t, out, "6222020000000000125", "PAN printed only masked")
			assert.Contains(t, out, "pan=622202*********0125")
			assert.Equal(t, 6, strings.Count(out, "code=00"), out)
			assert.Equal(t, 2, strings.Count(out, "code=51"), out)
			assert.Equal(t, 2, strings.Count(out, "proc=310000"), out)

			px := background(t, "proxy", "--listen", "127.0.0.1:0", "--target", iss)
			js := runOK(t, append([]string{"load", "--switch", px, "--conns", "2", "--inflight", "16", "--count", "300", "--json"}, wire...)...)
			var res struct {
				Sent, Completed, Errors int
				ByCode                  map[string]int `json:"by_code"`
			}
			require.NoError(t, json.Unmarshal([]byte(js), &res), js)
			assert.Equal(t, 300, res.Completed)
			assert.Equal(t, 0, res.Errors)
			assert.Equal(t, map[string]int{"00": 300}, res.ByCode)

			line := runOK(t, append([]string{"load", "--switch", iss, "--conns", "1", "--inflight", "4", "--duration", "100ms"}, wire...)...)
			assert.Regexp(t, `^sent=\d+ completed=\d+ errors=0 `, line)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage: paysim"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"issuer", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"issuer", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"issuer", "--dialect", "hl99"}, 1, "hl99"},
		{[]string{"issuer", "--framing", "ebcdic"}, 1, "ebcdic"},
		{[]string{"issuer", "--id", "abc", "--listen", "127.0.0.1:0"}, 1, "institution id"},
		{[]string{"acquirer", "--switch", "127.0.0.1:1", "--timeout", "1s"}, 1, "paysim acquirer:"},
		{[]string{"load", "--conns", "0"}, 1, "--conns"},
		{[]string{"proxy", "--target", ""}, 1, "target"},
		{[]string{"issuer", "-h"}, 0, "-listen"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errOut)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errOut.String(), tc.msg)
		})
	}
}
