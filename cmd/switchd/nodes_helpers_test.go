package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hulian/hulian/switch/journal/journaltest"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
)

// Institutions and values of the several-nodes test.
const (
	nodesSwitchID = "99990000"
	nodesAcquirer = "48020000"
	nodesIssuer   = "01020000"
	nodesPAN      = "6222020000000000000" // BIN 622202, valid Luhn
	nodesSAFEvery = 2 * time.Second       // store_and_forward.interval (also the claim lease)
	nodesTimeout  = 800 * time.Millisecond
	nodesHashKey  = "several nodes, one journal, one key"
)

// nodesConfig is one node's configuration: only the node name, the
// listener and the admin port differ between nodes.
const nodesConfig = `
switch: {id: "99990000", node: %q, shutdown_grace: 2s}
admin: {address: %q}
listeners:
  - {name: in, address: %q, dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "01020000", role: issuer, dialect: hl87b, timeout: %s, outbound: {addresses: [%q], connections: 1}}
routes:
  - {name: bank, issuer: "01020000", bins: ["622202"]}
journal: {url: %q, hash_key_file: %q}
store_and_forward: {interval: %s, expiry: 1h}
clearing: {dir: %q, cutoff: "00:00", timezone: UTC}
`

// nodesPostgresURL creates a fresh schema in the test database on
// 127.0.0.1:5432 (HULIAN_TEST_POSTGRES overrides) and returns a URL using
// it; the schema is dropped after the test. Without PostgreSQL the test is
// skipped on a developer machine and fails in CI (CI=true).
func nodesPostgresURL(t *testing.T) string {
	return journaltest.PostgresURL(t, "hulian_nodes_test")
}

// nodesProc is one switchd node: the process and its ports.
type nodesProc struct {
	*switchdProc
	admin, listen string
}

// nodesLaunch writes the node's configuration and starts switchd on it
// without waiting for it.
func nodesLaunch(t *testing.T, bin, dir, name, journalURL, issuerAddr string) *nodesProc {
	t.Helper()
	admin, listen := freePort(t), freePort(t)
	keyPath := filepath.Join(dir, "hash.key")
	require.NoError(t, os.WriteFile(keyPath, []byte(nodesHashKey), 0o600))
	cfg := fmt.Sprintf(nodesConfig, name, admin, listen, nodesTimeout, issuerAddr, journalURL, keyPath,
		nodesSAFEvery, filepath.Join(dir, "clearing"))
	path := filepath.Join(dir, name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return &nodesProc{switchdProc: startSwitchd(t, bin, name, "--config", path, "--log-level", "debug"), admin: admin, listen: listen}
}

// ready waits until the node's issuer link is signed on.
func (p *nodesProc) ready(t *testing.T) {
	t.Helper()
	nodesWaitFor(t, p.name+" signed on to the issuer", 15*time.Second, func() bool {
		require.False(t, p.done(), "%s exited at start: %v; logs:\n%s", p.name, p.waitErr, p.logs())
		return strings.Contains(nodesGet(p.admin, "/status"), `"state": "signed_on"`)
	})
}

// nodesGet returns the body of an admin GET, "" on any error.
func nodesGet(addr, path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return ""
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// nodesWaitFor polls cond every 10 ms until it holds or within passes.
func nodesWaitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting: "+what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// nodesIssuerSim starts the issuer simulator every node dials.
func nodesIssuerSim(t *testing.T) *issuer.Issuer {
	t.Helper()
	hl87b, err := dialect.Builtin("hl87b")
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: nodesIssuer, Dialect: hl87b, Framing: frame.Binary2})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, is.Start(ctx))
	t.Cleanup(func() { cancel(); _ = is.Close() })
	return is
}

// nodesClient connects the acquirer to a node and signs it on.
func nodesClient(t *testing.T, p *nodesProc) *acquirer.Client {
	t.Helper()
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: p.listen, InstitutionID: nodesAcquirer, Dialect: hl87a, Framing: frame.ASCII4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SignOn(ctx))
	return c
}

// nodesTxTime is field 7 for now (MMDDhhmmss, UTC).
func nodesTxTime() string { return time.Now().UTC().Format("0102150405") }

// nodesPurchase is an 0200 purchase with the given STAN and field 7; the
// acquirer fills field 32 with its own id.
func nodesPurchase(stan, f7 string) *dialect.Message {
	var m dialect.Message
	dialect.SampleFinancial(&m, stan)
	for _, f := range []int{32, 33, 35, 52, 55, 128} {
		m.Unset(f)
	}
	m.SetString(2, nodesPAN)
	m.SetString(7, f7)
	return &m
}

// nodesReversal is an acquirer reversal (0400 or 0420) with its own STAN of
// the purchase orig, which field 90 names: original MTI, STAN, field 7,
// acquirer id and forwarding id, both padded to 11 digits.
func nodesReversal(mti, stan string, orig *dialect.Message) *dialect.Message {
	m := nodesPurchase(stan, nodesTxTime())
	_ = m.SetMTI([]byte(mti))
	m.SetString(90, fmt.Sprintf("%4s%6s%10s%011s%011s", orig.MTI(), orig.Field(11), orig.Field(7),
		nodesAcquirer, nodesAcquirer))
	return m
}

// nodesDo sends req through c and returns the response.
func nodesDo(t *testing.T, c *acquirer.Client, req *dialect.Message) *dialect.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var resp dialect.Message
	require.NoError(t, c.Do(ctx, req, &resp))
	return &resp
}

// nodesSend is one store-and-forward message the issuer received, with
// the moment the watcher saw it (never earlier than its arrival, at most
// one poll later).
type nodesSend struct {
	MTI, STAN string
	At        time.Time
}

// nodesWatch records every 0420/0421 the issuer receives, in order, by
// polling its statistics: Stats().Requests counts every request and Recent
// holds the last issuer.RecentSize of them, so nothing is missed as long
// as fewer than RecentSize arrive between two polls (checked).
type nodesWatch struct {
	is   *issuer.Issuer
	stop chan struct{}
	done chan struct{}

	mu    sync.Mutex
	sends []nodesSend
	seen  int
	lost  bool
}

func nodesWatchIssuer(t *testing.T, is *issuer.Issuer) *nodesWatch {
	w := &nodesWatch{is: is, stop: make(chan struct{}), done: make(chan struct{}), seen: is.Stats().Requests}
	go w.run()
	t.Cleanup(w.close)
	return w
}

func (w *nodesWatch) run() {
	defer close(w.done)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			w.poll()
			return
		case <-tick.C:
			w.poll()
		}
	}
}

func (w *nodesWatch) poll() {
	w.mu.Lock() // held across Stats: polls from two goroutines must not interleave
	defer w.mu.Unlock()
	st := w.is.Stats()
	now := time.Now()
	n := st.Requests - w.seen
	if n > len(st.Recent) {
		w.lost = true
		n = len(st.Recent)
	}
	w.seen = st.Requests
	for _, r := range st.Recent[len(st.Recent)-n:] {
		if r.MTI == "0420" || r.MTI == "0421" {
			w.sends = append(w.sends, nodesSend{MTI: r.MTI, STAN: r.STAN, At: now})
		}
	}
}

func (w *nodesWatch) close() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// of returns the sends of the reversal advice of the transaction with
// the given STAN, oldest first, and whether any message may have been
// missed.
func (w *nodesWatch) of(stan string) ([]nodesSend, bool) {
	w.poll()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []nodesSend
	for _, s := range w.sends {
		if s.STAN == stan {
			out = append(out, s)
		}
	}
	return out, w.lost
}

// nodesSAFRow is one store-and-forward entry read straight from the
// database, with the STAN of the transaction it belongs to.
type nodesSAFRow struct {
	ID        int64
	STAN, MTI string
	Attempts  int
	State     string
	LeaseNode string
}

// nodesSAF reads every store-and-forward entry.
func nodesSAF(t *testing.T, url string) map[string]nodesSAFRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT s.id, t.stan, s.mti, s.attempts, s.state, s.lease_node
		FROM saf s JOIN txn t ON t.id = s.txn_id ORDER BY s.id`)
	require.NoError(t, err)
	defer rows.Close()
	out := make(map[string]nodesSAFRow)
	for rows.Next() {
		var r nodesSAFRow
		var attempts int64
		require.NoError(t, rows.Scan(&r.ID, &r.STAN, &r.MTI, &attempts, &r.State, &r.LeaseNode))
		r.Attempts = int(attempts)
		require.NotContains(t, out, r.STAN, "one store-and-forward entry per transaction")
		out[r.STAN] = r
	}
	require.NoError(t, rows.Err())
	return out
}
