package demo

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/internal/buildtest"
	"github.com/hulian/hulian/pan"
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
	// So do the fresh key store and LMK of the demo.
	out = strings.ReplaceAll(out, "key_store: ../bin/demo-keys.json", "key_store: keys.json")
	out = strings.ReplaceAll(out, "lmk_file: ../bin/demo-lmk.hex", "lmk_file: lmk.hex")
	key, err := os.ReadFile(filepath.Join(filepath.Dir(exampleConfig), "journal-hash.key"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "journal-hash.key"), key, 0o600))
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
	return path
}

// buildSwitchd compiles cmd/switchd into dir.
func buildSwitchd(t *testing.T, dir string) string {
	return buildtest.Command(t, "github.com/hulian/hulian/cmd/switchd", dir)
}

// demoFiles are the flags pointing the demo at the repository's files
// (the test runs in cmd/paysim), with a short, light load burst.
func demoFiles(reportDir, reader string) []string {
	return demoFilesCard(reportDir, reader, "pboc-sm")
}

// demoFilesCard is demoFiles with the card profile of testdata/cards.
func demoFilesCard(reportDir, reader, profile string) []string {
	return []string{
		"--accounts", "../../testdata/issuer/accounts.yaml",
		"--card", "../../testdata/cards/" + profile + ".yaml",
		"--capk", "../../testdata/emv/capk-test.txt",
		"--suite", "../../certification/suites/pboc",
		"--load-mix", "../../testdata/demo/load-mix.yaml",
		"--report-dir", reportDir, "--reader", reader,
		"--load-rate", "100", "--load-duration", "1s",
	}
}

// testCard is a simulated card of testdata/cards and what the demo must
// show of it.
type testCard struct {
	profile string
	pan     string // TEST PAN, never shown in clear
	scripts string // the summary's script count ("" when the issuer sends none)
}

// Cards of the demo tests: the RSA card's account has no pending script,
// the SM card's account an EC load.
func rsaCard() testCard { return testCard{"pboc-rsa", "6228480000000000018", ""} }
func smCard() testCard {
	return testCard{"pboc-sm", "6228480000000000026", ", 1 of 1 issuer scripts performed"}
}

func runDemoCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err := Run(ctx, args, &out, &errOut)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		code = 0
	case errors.Is(err, ErrUsage):
		code = 2
	default:
		fmt.Fprintf(&errOut, "paysim demo: %v\n", err) // as paysim prints it
		code = 1
	}
	return code, out.String(), errOut.String()
}

// runDemoOnFreePorts runs the demo with args(), and again with fresh
// arguments when a port picked free (exampleOnFreePorts) was taken by
// another process before the demo bound it: at most three tries.
func runDemoOnFreePorts(t *testing.T, args func() []string) (code int, stdout, stderr string) {
	t.Helper()
	for try := 1; ; try++ {
		code, stdout, stderr = runDemoCmd(t, args()...)
		if code == 0 || try == 3 || !strings.Contains(stdout+stderr, "address already in use") {
			return code, stdout, stderr
		}
		t.Logf("a port picked free was taken meanwhile; again with fresh ones:\n%s", stderr)
	}
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" { // CI always runs it
		t.Skip("builds and runs switchd")
	}
	bin := buildSwitchd(t, t.TempDir())
	tests := []struct {
		name    string
		edit    func(string) string
		reader  string
		card    testCard
		metrics []string
	}{
		{"example config", nil, readerInProcess, rsaCard(), []string{
			`hulian_switch_responses_total{code="15",institution="48020000"}`,
			`hulian_switch_links{direction="outbound",institution="01020000",state="signed_on"} 4`,
			`hulian_switch_timeouts_total{route="bank-b-cards"} 0`,
			"8 issuer links signed on",
			"card     pboc-rsa (../../testdata/cards/pboc-rsa.yaml) in process, without PC/SC: --reader inprocess",
			"  dashboard      http://127.0.0.1:",
		}},
		{"no admin port", func(s string) string {
			return regexp.MustCompile(`(?m)^  address: 127\.0\.0\.1:\d+\n`).ReplaceAllString(s, "")
		}, readerInProcess, smCard(), []string{
			"switchd metrics: no admin port configured",
			"8 issuer links signed on (seen by the simulators: no admin port)",
			"  dashboard      none: the configuration has no admin address",
		}},
		// The card in a vpcd reader of the real PC/SC stack: skipped without
		// pcscd, failed under CI=true.
		{"card through PC/SC", nil, readerPCSC, smCard(), []string{"(pcscd + vpcd)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reader == readerPCSC {
				pcsctest.Context(t) // skips (fails with CI=true) without pcscd
			}
			var dir, cfgPath, logPath, reportDir string
			code, out, errOut := runDemoOnFreePorts(t, func() []string {
				dir = t.TempDir()
				cfgPath = exampleOnFreePorts(t, dir)
				if tc.edit != nil {
					data, err := os.ReadFile(cfgPath)
					require.NoError(t, err)
					edited := tc.edit(string(data))
					require.NotEqual(t, string(data), edited)
					require.NoError(t, os.WriteFile(cfgPath, []byte(edited), 0o600))
				}
				logPath = filepath.Join(dir, "logs", "switchd.log")
				reportDir = filepath.Join(dir, "report")
				return append([]string{"--switchd", bin, "--config", cfgPath, "--log", logPath, "--count", "120"},
					demoFilesCard(reportDir, tc.reader, tc.card.profile)...)
			})
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assertReport(t, out)
			assertNewParts(t, out, reportDir, filepath.Join(dir, "keys.json"), tc.card)
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

// assertNewParts checks the keys, the chip purchase, the certification
// run with its report, the load burst and the summary.
func assertNewParts(t *testing.T, out, reportDir, keyStore string, card testCard) {
	t.Helper()
	for _, id := range []string{"48020000/zak (x919, 3DES", "48020000/zpk (iso0, 3DES", "01020000/zak (x919, 3DES",
		"01020000/zpk (iso0, 3DES", "03080000/zak (sm4, SM4", "03080000/zpk (iso4, SM4"} {
		assert.Contains(t, out, id)
	}
	assert.FileExists(t, keyStore)
	assert.Regexp(t, `(?m)^issuer +03080000 +Bank B +hl87b-sm/binary2 .*; MAC sm4, PIN iso4, cards and ARQCs from the accounts$`, out)
	// The chip purchase went online, the issuer approved it and the card
	// took the ARPC and the issuer script (the EC load of the account).
	assert.Regexp(t, `(?m)^  \| result: +APPROVED \(online approved, TC\)$`, out)
	assert.Regexp(t, `(?m)^  \| response: +00$`, out)
	if card.scripts != "" {
		assert.Regexp(t, `(?m)^  \| issuer script: .*performed`, out)
	}
	masked := regexp.QuoteMeta(pan.Mask([]byte(card.pan)))
	assert.Regexp(t, `(?m)^  chip purchase  card `+masked+`, response 00, approved \(TC\)`+regexp.QuoteMeta(card.scripts)+`, EC balance`, out)
	m := regexp.MustCompile(`(?m)^  certification  (\d+) passed, 0 failed, 0 errors, \d+ skipped on "[^"]+": (.+)$`).FindStringSubmatch(out)
	if assert.NotNil(t, m, "certification summary line") {
		n, _ := strconv.Atoi(m[1])
		assert.Positive(t, n)
		html, err := os.ReadFile(filepath.Join(reportDir, "report.html"))
		require.NoError(t, err)
		assert.Contains(t, string(html), "<html")
		// Both cards: the SM card's ICC certificate (9F46, SM2, signed not
		// enciphered) carries the PAN readable; emv/tags masks it.
		assert.False(t, strings.Contains(string(html), card.pan), "clear PAN in the certification report")
	}
	assert.Regexp(t, `(?m)^  sent \d+, answered \d+ in .*late 0, errors 0$`, out)
	assert.Regexp(t, `(?m)^  latency p50 \S+ +p90 \S+ +p99 `, out)
	assert.Regexp(t, `(?m)^  load burst     \d+ requests, \d+/s achieved of 100/s, p50 \S+ p99 \S+, 0 without answer$`, out)
	assert.Contains(t, out, "  result         everything as expected")
	assert.NotContains(t, out, card.pan)
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
			return append([]string{"--config", exampleOnFreePorts(t, t.TempDir()), "--switchd", "/bin/false",
				"--log", filepath.Join(t.TempDir(), "s.log")}, demoFiles(t.TempDir(), readerInProcess)...)
		}, []string{"switchd exited before its issuer links were up", "exit status 1", "(log is empty)"}},
		{"switchd binary missing", func() []string {
			return append([]string{"--config", exampleOnFreePorts(t, t.TempDir()), "--switchd", filepath.Join(dir, "nope"),
				"--log", filepath.Join(t.TempDir(), "s.log")}, demoFiles(t.TempDir(), readerInProcess)...)
		}, []string{"start switchd"}},
		{"bad count", func() []string { return []string{"--count", "0"} }, []string{"--count"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runDemoOnFreePorts(t, tc.args)
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
