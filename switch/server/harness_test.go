package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
)

// Institutions of the test network.
const (
	switchID = "99990000"
	acqA     = "48020000" // acquirer on hl87a with header
	acqB     = "48030000" // acquirer on hl87b
	bankA    = "01020000" // issuer on hl87a with header, two addresses
	bankB    = "03080000" // issuer on hl87b
	wallet   = "09990000" // account-based payments, hl87b
)

// Test PANs with valid Luhn digits.
const (
	panBankA = "6222020000000000000"
	panBankB = "6228480000000000000"
)

// network is a switch with its simulated issuers, on loopback.
type network struct {
	t       *testing.T
	srv     *Server
	j       *journal.Journal
	issuers map[string][]*issuer.Issuer
	cfgText string
}

func mustDialect(t testing.TB, name string) *dialect.Dialect {
	d, err := dialect.Builtin(name)
	require.NoError(t, err)
	return d
}

func startIssuer(t *testing.T, id, dialectName string, header bool, kind frame.Kind, delay time.Duration) *issuer.Issuer {
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: id,
		Dialect: mustDialect(t, dialectName), Framing: kind, Header: header, Delay: delay})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, is.Start(ctx))
	t.Cleanup(func() { cancel(); _ = is.Close() })
	return is
}

// configText is the test network's configuration. extra is appended to
// bank A's institution block (e.g. a short timeout).
func configText(bankAAddrs []string, bankBAddr, walletAddr string, opts map[string]string) string {
	get := func(k, def string) string {
		if v, ok := opts[k]; ok {
			return v
		}
		return def
	}
	quoted := make([]string, len(bankAAddrs))
	for i, a := range bankAAddrs {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`
switch:
  id: "%s"
  shutdown_grace: %s
  node: node-a
listeners:
  - {name: a-in, address: "127.0.0.1:0", dialect: hl87a, header: true}
  - {name: b-in, address: "127.0.0.1:0", dialect: hl87b}
institutions:
  - id: "%s"
    role: acquirer
    dialect: hl87a
    header: true
    max_in_flight: %s
    inbound: {listener: a-in, allow: ["127.0.0.1"]}
  - id: "%s"
    role: acquirer
    dialect: hl87b
    inbound: {listener: b-in, allow: ["127.0.0.0/8"]}
  - id: "%s"
    role: issuer
    dialect: hl87a
    header: true
    timeout: %s
    max_in_flight: %s
    outbound:
      addresses: [%s]
      connections: 1
      strategy: primary-secondary
      echo_interval: %s
      echo_timeout: 200ms
      echo_failures: 2
      reconnect_min: 20ms
      reconnect_max: 200ms
  - id: "%s"
    role: issuer
    dialect: hl87b
    outbound: {addresses: ["%s"], connections: 2, strategy: least-in-flight, reconnect_min: 20ms, reconnect_max: 200ms}
  - id: "%s"
    role: issuer
    dialect: hl87b
    outbound: {addresses: ["%s"], connections: 1, reconnect_min: 20ms, reconnect_max: 200ms}
store_and_forward: {interval: %s, expiry: 1m}
routes:
  - {name: bank-a, issuer: "%s", bins: ["622202"], timeout: %s}
  - {name: bank-b, issuer: "%s", bins: ["622848"]}
  - {name: wallet, issuer: "%s", receiving: ["%s"], mtis: ["0200"], processing_codes: ["00", "40"]}
`, switchID, get("grace", "2s"), acqA, get("acqMax", "1024"), acqB,
		bankA, get("timeout", "2s"), get("bankAMax", "1024"), strings.Join(quoted, ", "), get("echo", "30s"),
		bankB, bankBAddr, wallet, walletAddr, get("saf", "200ms"),
		bankA, get("routeTimeout", get("timeout", "2s")), bankB, wallet, wallet)
}

// startNetwork starts issuers (bank A with nA addresses) and the switch, and
// waits until every issuer link is signed on.
func startNetwork(t *testing.T, nA int, opts map[string]string) *network {
	return startNetworkWith(t, nA, opts, nil)
}

// startNetworkWith is startNetwork with a journal opened by the caller.
func startNetworkWith(t *testing.T, nA int, opts map[string]string, j *journal.Journal) *network {
	n := &network{t: t, issuers: map[string][]*issuer.Issuer{}, j: j}
	var aAddrs []string
	for i := 0; i < nA; i++ {
		delay, _ := time.ParseDuration(opts["delayA"])
		is := startIssuer(t, bankA, "hl87a", true, frame.ASCII4, delay)
		n.issuers[bankA] = append(n.issuers[bankA], is)
		aAddrs = append(aAddrs, is.Addr())
	}
	n.issuers[bankB] = []*issuer.Issuer{startIssuer(t, bankB, "hl87b", false, frame.Binary2, 0)}
	n.issuers[wallet] = []*issuer.Issuer{startIssuer(t, wallet, "hl87b", false, frame.Binary2, 0)}
	n.cfgText = configText(aAddrs, n.issuers[bankB][0].Addr(), n.issuers[wallet][0].Addr(), opts)
	cfg, err := config.Parse([]byte(n.cfgText), t.TempDir(), "test.yaml")
	require.NoError(t, err)
	if n.j == nil && opts["journal"] != "" {
		n.j = openJournal(t, opts["journal"])
	}
	opt := Options{Logger: testLogger(), Journal: n.j}
	srv, err := New(cfg, opt)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, srv.Start(ctx))
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
	})
	n.srv = srv
	waitFor(t, "issuer links signed on", func() bool {
		return srv.SignedOnLinks(bankA, link.Outbound) == nA &&
			srv.SignedOnLinks(bankB, link.Outbound) == 2 &&
			srv.SignedOnLinks(wallet, link.Outbound) == 1
	})
	return n
}

// acquirer connects and signs on as acqA (hl87a + header) or acqB (hl87b).
func (n *network) acquirer(id string) *acquirer.Client {
	c := n.dial(id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(n.t, c.SignOn(ctx))
	return c
}

func (n *network) dial(id string) *acquirer.Client {
	cfg := acquirer.Config{InstitutionID: id, SwitchID: switchID}
	switch id {
	case acqB:
		cfg.Addr = n.srv.ListenerAddr("b-in").String()
		cfg.Dialect, cfg.Framing = mustDialect(n.t, "hl87b"), frame.Binary2
	default:
		cfg.Addr = n.srv.ListenerAddr("a-in").String()
		cfg.Dialect, cfg.Framing, cfg.Header = mustDialect(n.t, "hl87a"), frame.ASCII4, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := acquirer.Dial(ctx, cfg)
	require.NoError(n.t, err)
	n.t.Cleanup(func() { _ = c.Close() })
	return c
}

// purchase builds a 0200 for pan.
func purchase(pan string) *dialect.Message {
	var m dialect.Message
	dialect.SampleFinancial(&m, "000000")
	m.Unset(11)
	m.Unset(7)
	m.Unset(32)
	m.Unset(35)
	m.Unset(52)
	m.Unset(53)
	m.Unset(128)
	m.Unset(33)
	m.SetString(4, "000000010000")
	m.SetString(2, pan)
	return &m
}

// do sends req and returns the response code.
func do(t *testing.T, c *acquirer.Client, req *dialect.Message) (string, *dialect.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var resp dialect.Message
	require.NoError(t, c.Do(ctx, req, &resp))
	return string(resp.Field(39)), &resp
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testLogger logs to stderr when SWITCH_LOG is set, for debugging.
func testLogger() *slog.Logger {
	if os.Getenv("SWITCH_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// openJournal opens a journal for a test: "sqlite" in a temporary file, or
// "postgres" in a fresh schema of the test database (skipped without
// PostgreSQL on a laptop, failed in CI).
func openJournal(t testing.TB, kind string) *journal.Journal {
	t.Helper()
	ctx := context.Background()
	opts := journal.Options{Node: "node-a", HashKey: []byte("test hash key 0123456789")}
	var url string
	switch kind {
	case "sqlite":
		url = "sqlite:" + filepath.Join(t.TempDir(), "journal.db")
	case "postgres":
		url = postgresURL(t)
	default:
		t.Fatalf("unknown journal %q", kind)
	}
	j, err := journal.Open(ctx, url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}
