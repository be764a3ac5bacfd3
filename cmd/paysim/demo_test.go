package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/pan"
	"github.com/hulian/hulian/switch/config"
)

// exampleConfig is the configuration make demo uses.
const exampleConfig = "../../testdata/switchd.yaml"

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	require.NoError(t, err)
	return port
}

// exampleOnFreePorts writes a copy of the example configuration with every
// 127.0.0.1 port replaced by a free one and returns its path.
func exampleOnFreePorts(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(exampleConfig)
	require.NoError(t, err)
	ports := make(map[string]string)
	re := regexp.MustCompile(`127\.0\.0\.1:(\d+)`)
	out := re.ReplaceAllStringFunc(string(data), func(m string) string {
		old := re.FindStringSubmatch(m)[1]
		if ports[old] == "" {
			ports[old] = freePort(t)
		}
		return "127.0.0.1:" + ports[old]
	})
	require.Len(t, ports, 7, "listeners, issuer hosts and admin port")
	// The journal and clearing files stay inside dir; the hash key comes along.
	out = strings.ReplaceAll(out, "sqlite:../bin/demo-journal.db", "sqlite:journal.db")
	out = strings.ReplaceAll(out, "dir: ../bin/clearing", "dir: clearing")
	key, err := os.ReadFile(filepath.Join(filepath.Dir(exampleConfig), "journal-hash.key"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "journal-hash.key"), key, 0o600))
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
	return path
}

// buildSwitchd compiles cmd/switchd into dir.
func buildSwitchd(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "switchd")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/hulian/hulian/cmd/switchd").CombinedOutput()
	require.NoError(t, err, "go build switchd: %s", out)
	return bin
}

func runDemoCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code = run(ctx, append([]string{"demo"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" { // CI always runs it
		t.Skip("builds and runs switchd")
	}
	bin := buildSwitchd(t, t.TempDir())
	tests := []struct {
		name    string
		edit    func(string) string
		metrics []string
	}{
		{"example config", nil, []string{
			`hulian_switch_responses_total{code="15",institution="48020000"}`,
			`hulian_switch_links{direction="outbound",institution="01020000",state="signed_on"} 4`,
			`hulian_switch_timeouts_total{route="bank-b-cards"} 0`,
			"8 issuer links signed on",
		}},
		{"no admin port", func(s string) string {
			return regexp.MustCompile(`(?m)^  address: 127\.0\.0\.1:\d+\n`).ReplaceAllString(s, "")
		}, []string{
			"switchd metrics: no admin port configured",
			"8 issuer links signed on (seen by the simulators: no admin port)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := exampleOnFreePorts(t, dir)
			if tc.edit != nil {
				data, err := os.ReadFile(cfgPath)
				require.NoError(t, err)
				edited := tc.edit(string(data))
				require.NotEqual(t, string(data), edited)
				require.NoError(t, os.WriteFile(cfgPath, []byte(edited), 0o600))
			}
			logPath := filepath.Join(dir, "logs", "switchd.log")
			code, out, errOut := runDemoCmd(t, "--switchd", bin, "--config", cfgPath, "--log", logPath, "--count", "120")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assertReport(t, out)
			for _, m := range tc.metrics {
				assert.Contains(t, out, m)
			}
			assertNoClearPAN(t, cfgPath, logPath, out, errOut)
		})
	}
}

// assertReport checks the category table, totals and shutdown line of a
// successful run of the example configuration.
func assertReport(t *testing.T, out string) {
	t.Helper()
	rows := []struct{ name, detail, route, want string }{
		{"purchase", "BIN 622202", "bank-a-cards", "00"},
		{"purchase", "BIN 621700", "bank-a-cards", "00"},
		{"purchase", "BIN 622848", "bank-b-cards", "00"},
		{"purchase", "BIN 62220288", "bank-b-cards", "00"}, // longest prefix wins over 622202
		{"balance inquiry", "BIN 622202", "bank-a-cards", "00"},
		{"balance inquiry", "BIN 622848", "bank-b-cards", "00"},
		{"authorization", "BIN 622202", "bank-a-cards", "00"},
		{"declined: no funds", "BIN 622202", "bank-a-cards", "51"},
		{"declined: over limit", "BIN 622848", "bank-b-cards", "61"},
		{"unknown BIN", "BIN 999999", "-", "15"},
		{"PAN fails Luhn", "BIN 622202", "-", "14"},
		{"wallet transfer", "f100 09990000", "wallet", "00"},
		{"wallet purchase", "f100 09990000", "wallet", "00"},
		{"wallet balance (not allowed)", "f100 09990000", "wallet", "12"},
	}
	for _, r := range rows {
		// Every transaction of the category got exactly the expected code.
		re := `(?m)^` + regexp.QuoteMeta(r.name) + `\s+` + regexp.QuoteMeta(r.detail) + `\s+` +
			regexp.QuoteMeta(r.route) + `\s+(\d+)\s+` + r.want + `\s+` + r.want + `=(\d+)$`
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if assert.NotNil(t, m, "row %s %s", r.name, r.detail) {
			assert.Equal(t, m[1], m[2], "row %s %s: all as expected", r.name, r.detail)
			n, _ := strconv.Atoi(m[1])
			assert.Positive(t, n)
		}
	}
	assert.Contains(t, out, "total: 120 transactions")
	assert.Contains(t, out, "120 as expected, 0 unexpected, 0 without response")
	assert.Regexp(t, `(?m)^  03080000 +Bank B +(\d+), expected +(\d+)`, out)
	assert.NotContains(t, out, "UNEXPECTED")
	assert.Regexp(t, `(?m)^  purchase BIN 62220288 .* pan 622202\*{6}\d{4} .* bank-b-cards -> 03080000 +code 00 `, out,
		"sample line with the PAN masked")
	assert.Contains(t, out, "switchd stopped cleanly")
}

// assertNoClearPAN checks that no PAN the demo sent appears in its output
// or in switchd's log.
func assertNoClearPAN(t *testing.T, cfgPath, logPath, out, errOut string) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	p, err := buildPlan(cfg, 120)
	require.NoError(t, err)
	logData, err := os.ReadFile(logPath)
	require.NoError(t, err)
	n := 0
	for _, txn := range p.txns {
		if txn.pan == "" {
			continue
		}
		n++
		for name, text := range map[string]string{"stdout": out, "stderr": errOut, "switchd log": string(logData)} {
			require.NotContains(t, text, txn.pan, "clear PAN in %s", name)
		}
	}
	assert.Greater(t, n, 100, "PANs checked")
}

func TestDemoFailures(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("switch:\n  id: \"abc\"\n"), 0o600))
	tests := []struct {
		name string
		args func() []string
		msg  []string
	}{
		{"config error names file and line", func() []string {
			return []string{"--config", bad}
		}, []string{"paysim demo:", "bad.yaml:2", "switch.id"}},
		{"switchd exits at once", func() []string {
			return []string{"--config", exampleOnFreePorts(t, t.TempDir()), "--switchd", "/bin/false",
				"--log", filepath.Join(t.TempDir(), "s.log")}
		}, []string{"switchd exited before its issuer links were up", "exit status 1", "(log is empty)"}},
		{"switchd binary missing", func() []string {
			return []string{"--config", exampleOnFreePorts(t, t.TempDir()), "--switchd", filepath.Join(dir, "nope"),
				"--log", filepath.Join(t.TempDir(), "s.log")}
		}, []string{"start switchd"}},
		{"bad count", func() []string { return []string{"--count", "0"} }, []string{"--count"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runDemoCmd(t, tc.args()...)
			assert.Equal(t, 1, code)
			for _, m := range tc.msg {
				assert.Contains(t, errOut, m)
			}
		})
	}
}

func TestBuildPlan(t *testing.T) {
	cfg, err := config.Load(exampleConfig)
	require.NoError(t, err)
	p, err := buildPlan(cfg, 300)
	require.NoError(t, err)
	require.Len(t, p.txns, 300)
	seen := make(map[int]int)
	for i, txn := range p.txns {
		c := &p.cats[txn.cat]
		seen[txn.cat]++
		if i < len(p.cats) {
			assert.Equal(t, i, txn.cat, "every category once before any repeats")
		}
		switch {
		case c.receiving != "":
			assert.Empty(t, txn.pan)
		case c.badLuhn:
			assert.False(t, pan.Luhn([]byte(txn.pan)))
		default:
			assert.True(t, pan.Luhn([]byte(txn.pan)), "category %s", c.name)
			r := routeForPAN(cfg, txn.pan)
			if c.want == codeNoRoute {
				assert.Nil(t, r)
			} else if assert.NotNil(t, r) {
				assert.Equal(t, c.route, r.Name)
			}
		}
		assert.Len(t, txn.amount, 12)
	}
	assert.Len(t, seen, len(p.cats))
}

func TestMakePAN(t *testing.T) {
	tests := []struct {
		bin    string
		n      int
		length int
	}{
		{"622202", 1, 16},
		{"62220288", 12345, 16},
		{"4", 0, 16},
		{"1234567890123", 7, 19},
	}
	for _, tc := range tests {
		t.Run(tc.bin, func(t *testing.T) {
			p := makePAN(tc.bin, tc.n)
			assert.Len(t, p, tc.length)
			assert.True(t, pan.Luhn([]byte(p)))
			assert.Equal(t, tc.bin, p[:len(tc.bin)])
			assert.False(t, pan.Luhn([]byte(breakLuhn(p))))
		})
	}
}

func TestPrintCategoriesCountsUnexpected(t *testing.T) {
	p := &plan{
		cats: []category{
			{name: "purchase", detail: "BIN 622202", route: "bank-a-cards", want: "00"},
			{name: "unknown BIN", detail: "BIN 999999", route: "-", want: "15"},
		},
		txns: []txnSpec{{cat: 0}, {cat: 0}, {cat: 1}, {cat: 0}},
	}
	res := []result{{code: "00"}, {code: "91"}, {code: "15"}, {code: "ERR"}}
	var out bytes.Buffer
	assert.Equal(t, 2, printCategories(&out, p, res))
	assert.Regexp(t, `(?m)^purchase +BIN 622202 +bank-a-cards +3  00 +00=1 91=1 ERR=1   <- UNEXPECTED$`, out.String())
	assert.Regexp(t, `(?m)^unknown BIN +BIN 999999 +- +1  15 +15=1$`, out.String())
}

func TestShowMetric(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{`hulian_switch_responses_total{code="00",institution="48020000"} 260`, true},
		{`hulian_switch_timeouts_total{route="wallet"} 0`, true},
		{`hulian_switch_unmatched_responses_total{institution="01020000"} 0`, true},
		{`hulian_switch_links{direction="outbound",institution="01020000",state="signed_on"} 4`, true},
		{`hulian_switch_links{direction="outbound",institution="01020000",state="closed"} 0`, false},
		{`# HELP hulian_switch_responses_total Responses delivered.`, false},
		{`hulian_switch_requests_total{institution="48020000",mti_class="financial"} 300`, false},
		{`hulian_switch_responses_totalx 1`, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, showMetric(tc.line), tc.line)
	}
}

func TestPercentile(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	assert.Equal(t, 50*time.Millisecond, percentile(lat, 50))
	assert.Equal(t, 99*time.Millisecond, percentile(lat, 99))
	assert.Equal(t, time.Duration(0), percentile(nil, 50))
	assert.Equal(t, time.Millisecond, percentile(lat[:1], 99))
}
