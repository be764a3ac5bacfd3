package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hulian/hulian/switch/journal/journaltest"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/server"
)

// Helpers of the crash-safety test (crash_test.go). Every name starts with
// "crash" so that it never collides with other tests of package main.

const (
	crashAcquirerID = "48020000"
	crashIssuerID   = "01020000"
	crashIssuerLink = 2 // outbound links to the issuer
	crashHashKey    = "crash test key of enough length"
	crashApproveAmt = "000000012345"
	crashDeclineAmt = "000000001251" // the issuer simulator declines amounts ending in 51
)

// crashConfig is switchd's configuration: one hl87a acquirer listener, one
// issuer reached over two links, a 500ms route timeout and a 300ms
// store-and-forward interval. Arguments: admin address, listener address,
// issuer address, journal URL.
const crashConfig = `
switch: {id: "99990000", node: crash-node, shutdown_grace: 2s}
admin: {address: "%s"}
listeners:
  - {name: in, address: "%s", dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "01020000", role: issuer, dialect: hl87a, outbound: {addresses: ["%s"], connections: 2}}
routes:
  - {name: bank, issuer: "01020000", bins: ["622202"], timeout: 500ms}
journal: {url: %q, hash_key_file: hash.key}
store_and_forward: {interval: 300ms}
clearing: {dir: out, cutoff: "00:00", timezone: UTC}
`

// crashRecoveredRE finds the number of records a switchd start recovered.
var crashRecoveredRE = regexp.MustCompile(`recovered unfinished transactions[^\n]*count=(\d+)`)

// crashSQLiteURL is a journal file in dir.
func crashSQLiteURL(_ *testing.T, dir string) string {
	return "sqlite:" + filepath.Join(dir, "journal.db")
}

// crashPostgresURL creates a fresh schema in the test database on
// 127.0.0.1:5432 (or $HULIAN_TEST_POSTGRES) and returns a URL using it; the
// schema is dropped after the test. Without PostgreSQL the test is skipped,
// except in CI (CI=true) where it fails.
func crashPostgresURL(t *testing.T, _ string) string {
	return journaltest.PostgresURL(t, "hulian_crash_test")
}

// crashEnv is one backend's run: the binary, its configuration and the
// addresses the test reaches it on.
type crashEnv struct {
	t                 *testing.T
	bin, dir, cfgPath string
	url               string
	inAddr, adminAddr string
	starts            int
	// rev is the acquirer's reversal duty over every round: what got no
	// answer (the switch was killed under it) is reversed once a later
	// round's connections are up.
	rev *acquirer.Reverser
}

// crashSetup writes the configuration and hash key into dir.
func crashSetup(t *testing.T, bin, dir, url, issuerAddr string) *crashEnv {
	t.Helper()
	e := &crashEnv{t: t, bin: bin, dir: dir, url: url, inAddr: freePort(t), adminAddr: freePort(t),
		cfgPath: filepath.Join(dir, "switchd.yaml")}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hash.key"), []byte(crashHashKey), 0o600))
	cfg := fmt.Sprintf(crashConfig, e.adminAddr, e.inAddr, issuerAddr, url)
	require.NoError(t, os.WriteFile(e.cfgPath, []byte(cfg), 0o600))
	return e
}

// start runs switchd on the configuration.
func (e *crashEnv) start() *switchdProc {
	e.t.Helper()
	e.starts++
	return startSwitchd(e.t, e.bin, fmt.Sprintf("switchd start %d", e.starts), "--config", e.cfgPath, "--log-format", "text")
}

// crashRecovered is the number of unfinished records start p recovered.
func crashRecovered(p *switchdProc) int {
	m := crashRecoveredRE.FindStringSubmatch(p.logs())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// crashDial connects one acquirer client and signs it on; with rev it
// carries out the acquirer's reversal duty.
func crashDial(ctx context.Context, addr string, rev *acquirer.Reverser) (*acquirer.Client, error) {
	hl87a, err := dialect.Builtin("hl87a")
	if err != nil {
		return nil, err
	}
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: crashAcquirerID,
		Dialect: hl87a, Framing: frame.ASCII4, Reverser: rev})
	if err != nil {
		return nil, err
	}
	if err := c.SignOn(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// signOn retries an acquirer sign-on until the switch answers it and
// returns the client and the time since the process started.
func (e *crashEnv) signOn(p *switchdProc) (*acquirer.Client, time.Duration) {
	t := e.t
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		require.False(t, p.done(), "switchd exited (%v); logs:\n%s", p.waitErr, p.logs())
		require.True(t, time.Now().Before(deadline), "no acquirer sign-on; logs:\n%s", p.logs())
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := crashDial(ctx, e.inAddr, e.rev)
		cancel()
		if err == nil {
			return c, time.Since(p.started)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitIssuerLinks polls the admin status until every issuer link is
// signed on.
func (e *crashEnv) waitIssuerLinks(p *switchdProc) {
	t := e.t
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for crashSignedOnLinks(e.adminAddr) < crashIssuerLink {
		require.False(t, p.done(), "switchd exited (%v); logs:\n%s", p.waitErr, p.logs())
		require.True(t, time.Now().Before(deadline), "issuer links not signed on; logs:\n%s", p.logs())
		time.Sleep(5 * time.Millisecond)
	}
}

// crashSignedOnLinks counts the issuer's signed-on outbound links from
// the admin port's /status (0 when it cannot tell).
func crashSignedOnLinks(adminAddr string) int {
	resp, err := http.Get("http://" + adminAddr + "/status")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var st server.Status
	if json.NewDecoder(resp.Body).Decode(&st) != nil {
		return 0
	}
	n := 0
	for _, inst := range st.Institutions {
		for _, l := range inst.Links {
			if inst.ID == crashIssuerID && l.Direction == "outbound" && l.State == "signed_on" {
				n++
			}
		}
	}
	return n
}

// dialMore connects n more signed-on acquirer clients.
func (e *crashEnv) dialMore(n int) []*acquirer.Client {
	e.t.Helper()
	out := make([]*acquirer.Client, 0, n)
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := crashDial(ctx, e.inAddr, e.rev)
		cancel()
		require.NoError(e.t, err)
		out = append(out, c)
	}
	return out
}

// openJournal opens the journal the switch keeps, as a reader.
func (e *crashEnv) openJournal() *journal.Journal {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	j, err := journal.Open(ctx, e.url, journal.Options{Node: "crash-test", HashKey: []byte(crashHashKey)})
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = j.Close() })
	return j
}

// crashOutcome is what the acquirer saw of one request: the response code,
// or "" when no answer came (unknown).
type crashOutcome struct {
	key  journal.Key
	code string
}

// crashLedger sends purchases with STANs unique across the whole run and
// records every outcome.
type crashLedger struct {
	next atomic.Int64

	mu       sync.Mutex
	outcomes []crashOutcome
}

// build fills one purchase (one in ten is declined for lack of funds) and
// returns its key.
func (l *crashLedger) build(m *dialect.Message) journal.Key {
	i := l.next.Add(1)
	stan := fmt.Sprintf("%06d", i)
	dialect.SampleFinancial(m, stan)
	for _, f := range []int{33, 35, 52, 128} {
		m.Unset(f)
	}
	f7 := time.Now().UTC().Format("0102150405")
	m.SetString(7, f7)
	m.SetString(32, crashAcquirerID)
	if i%10 == 0 {
		m.SetString(4, crashDeclineAmt)
	} else {
		m.SetString(4, crashApproveAmt)
	}
	return journal.Key{MTI: "0200", Acquirer: crashAcquirerID, STAN: stan, TxTime: f7}
}

// record notes one outcome.
func (l *crashLedger) record(k journal.Key, code string) {
	l.mu.Lock()
	l.outcomes = append(l.outcomes, crashOutcome{key: k, code: code})
	l.mu.Unlock()
}

// snapshot returns a copy of the outcomes so far.
func (l *crashLedger) snapshot() []crashOutcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]crashOutcome(nil), l.outcomes...)
}

// run keeps workers requests in flight over clients until ctx ends or a
// client's connection is gone; with each > 0 every worker stops after
// that many requests. It returns when every worker has stopped.
func (l *crashLedger) run(ctx context.Context, clients []*acquirer.Client, workers, each int) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.work(ctx, clients[w%len(clients)], each)
		}()
	}
	wg.Wait()
}

// work is one worker of run.
func (l *crashLedger) work(ctx context.Context, c *acquirer.Client, each int) {
	var req, resp dialect.Message
	for n := 0; ctx.Err() == nil && (each <= 0 || n < each); n++ {
		k := l.build(&req)
		err := c.Do(ctx, &req, &resp)
		code := ""
		if err == nil {
			code = string(resp.Field(39))
		}
		l.record(k, code)
		if errors.Is(err, acquirer.ErrClosed) {
			return
		}
	}
}

// crashBusinessDates lists the UTC dates from start to now (the business
// dates of the run with a 00:00 UTC cut-off).
func crashBusinessDates(start time.Time) []string {
	first, last := start.UTC().Format(time.DateOnly), time.Now().UTC().Format(time.DateOnly)
	if first == last {
		return []string{first}
	}
	return []string{first, last}
}
