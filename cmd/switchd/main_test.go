package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/logtest"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

const daemonConfig = `
switch: {id: "99990000", shutdown_grace: 2s}
admin: {address: "%s", token_file: admin.token}
listeners:
  - {name: in, address: "%s", dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "01020000", role: issuer, dialect: hl87b, outbound: {addresses: ["%s"], connections: 1}}
routes:
  - {name: bank, issuer: "01020000", bins: [%s]}
journal: {url: "sqlite:journal.db", hash_key_file: hash.key}
clearing: {dir: out, cutoff: "00:00", timezone: UTC}
`

func TestDaemonServesReloadsAndStops(t *testing.T) {
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	hl87b, err := dialect.Builtin("hl87b")
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: "01020000", Dialect: hl87b, Framing: frame.Binary2})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	defer is.Close()

	adminAddr, inAddr := freePort(t), freePort(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hash.key"), []byte("a test key of enough length"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "admin.token"), []byte("admin-token-for-the-test\n"), 0o600))
	write := func(bins string) {
		require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(daemonConfig, adminAddr, inAddr, is.Addr(), bins)), 0o600))
	}
	write(`"622202"`)

	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal, 1)
	logs := &logtest.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--config", path, "--log-format", "json"}, io.Discard, logs, hup) }()

	get := func(p string) (int, string) {
		resp, err := http.Get("http://" + adminAddr + p)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get("/status")
		if strings.Contains(body, `"state": "signed_on"`) {
			break
		}
		require.True(t, time.Now().Before(deadline), "switchd did not sign on to the issuer; logs:\n%s", logs.String())
		time.Sleep(20 * time.Millisecond)
	}

	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: inAddr, InstitutionID: "48020000", Dialect: hl87a, Framing: frame.ASCII4})
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SignOn(ctx))
	send := func(pan string) string {
		var req, resp dialect.Message
		dialect.SampleFinancial(&req, "000000")
		for _, f := range []int{7, 11, 32, 33, 35, 52, 128} {
			req.Unset(f)
		}
		req.SetString(2, pan)
		require.NoError(t, c.Do(ctx, &req, &resp))
		return string(resp.Field(39))
	}
	assert.Equal(t, "00", send("6222020000000000000"))
	assert.Equal(t, "15", send("6212340000000000004"))

	// SIGHUP reloads the file: the new BIN routes.
	write(`"622202", "621234"`)
	hup <- os.Interrupt
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "configuration reloaded") {
		require.True(t, time.Now().Before(deadline), "no reload; logs:\n%s", logs.String())
		time.Sleep(10 * time.Millisecond)
	}
	assert.Equal(t, "00", send("6212340000000000004"))

	// A broken file is refused over the admin port and the switch goes on.
	require.NoError(t, os.WriteFile(path, []byte("switch: {id: x}\n"), 0o600))
	unauth, err := http.Post("http://"+adminAddr+"/reload", "text/plain", nil)
	require.NoError(t, err)
	unauth.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, unauth.StatusCode, "reload needs the admin token")
	req, err := http.NewRequest(http.MethodPost, "http://"+adminAddr+"/reload", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer admin-token-for-the-test")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), "switch.id")
	assert.Equal(t, "00", send("6222020000000000000"))

	// The counters move right after the response is queued to the acquirer,
	// which may read it first: poll for the last one.
	code, metrics := get("/metrics")
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(metrics, `hulian_switch_responses_total{code="00",institution="48020000"} 3`) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		code, metrics = get("/metrics")
	}
	assert.Equal(t, 200, code)
	assert.Contains(t, metrics, `hulian_switch_responses_total{code="00",institution="48020000"} 3`)
	assert.Contains(t, metrics, `hulian_switch_responses_total{code="15",institution="48020000"} 1`)
	assert.Contains(t, metrics, `hulian_switch_request_duration_seconds_count{route="bank"} 3`)
	assert.Contains(t, metrics, "hulian_switch_journal_commit_duration_seconds_count")
	assert.NotContains(t, metrics, "hulian_switch_journal_writes_total 0\n", "the journal committed writes")

	// No clear PAN in any log line.
	assert.NotContains(t, logs.String(), "6222020000000000000")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("switchd did not stop")
	}

	// The day's clearing from the journal the daemon kept: three approved
	// purchases of 123.45 between the acquirer and the issuer.
	write(`"622202", "621234"`)
	var out bytes.Buffer
	today := time.Now().UTC().Format(time.DateOnly)
	require.NoError(t, run(context.Background(), []string{"clearing", "--config", path, "--date", today}, &out, io.Discard, nil))
	settlement, err := os.ReadFile(filepath.Join(dir, "out", "settlement-"+today+".csv"))
	require.NoError(t, err, out.String())
	assert.Contains(t, string(settlement), "48020000")
	assert.Contains(t, string(settlement), "37035", "3 x 12345 receivable for the acquirer")
	clearingFile, err := os.ReadFile(filepath.Join(dir, "out", "clearing-"+today+"-01020000.csv"))
	require.NoError(t, err)
	assert.NotContains(t, string(clearingFile), "6222020000000000000", "no clear PAN in clearing files")
}

func TestCheckReportsConfigErrorsByKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("switch: {id: \"99990000\"}\nroutes:\n  - {name: r, issuer: \"123\", bins: [\"62\"]}\n"), 0o600))
	err := run(context.Background(), []string{"--check", "--config", path}, io.Discard, io.Discard, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "routes[0].issuer")

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"--check", "--config", "../../testdata/switchd.yaml"}, &out, io.Discard, nil))
	assert.Contains(t, out.String(), "ok")
}

// TestDefaultConfigMissing: without --config and without an installed
// configuration, switchd says where it looked and what to give.
func TestDefaultConfigMissing(t *testing.T) {
	if _, err := os.Stat(defaultConfig); err == nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI machines must not have an installed configuration at " + defaultConfig)
		}
		t.Skip("this machine has an installed configuration at " + defaultConfig)
	}
	err := run(context.Background(), []string{"--check"}, io.Discard, io.Discard, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no configuration at /etc/hulian/switchd.yaml: give --config FILE")
}
