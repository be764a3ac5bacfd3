package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/acquirer"
)

// Helpers of the misbehaving-peer test (guard_test.go); every name starts
// with "guard".

const (
	guardGoodAcq   = "48020000" // the well-behaved acquirer
	guardFloodAcq  = "48030000" // floods the slow route and stops reading; bursts on the stuck route
	guardDropAcq   = "48040000" // leaves with about 1,000 approvals in flight
	guardGoodBank  = "01020000"
	guardSlowBank  = "01030000" // answers after 300 ms
	guardStuckBank = "05050000" // signs on, then stops reading
	guardGoodPAN   = "6222020000000000125"
	guardSlowPAN   = "6228480000000000000"
	guardStuckPAN  = "6225050000000000006"
)

// guardConfig: admin, listener, good bank, slow bank, stuck bank, journal URL.
const guardConfig = `
switch: {id: "99990000", node: guard-node, shutdown_grace: 2s, write_timeout: 1s}
admin: {address: "%s"}
listeners:
  - {name: in, address: "%s", dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, max_in_flight: 256, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "48030000", role: acquirer, dialect: hl87a, max_in_flight: 64, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "48040000", role: acquirer, dialect: hl87a, max_in_flight: 4096, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "01020000", role: issuer, dialect: hl87a, max_in_flight: 4096, outbound: {addresses: ["%s"], connections: 2}}
  - {id: "01030000", role: issuer, dialect: hl87a, max_in_flight: 4096, outbound: {addresses: ["%s"], connections: 2}}
  - {id: "05050000", role: issuer, dialect: hl87a, outbound: {addresses: ["%s"], connections: 1, reconnect_min: 50ms, reconnect_max: 500ms, echo_timeout: 500ms, echo_failures: 2}}
routes:
  - {name: good, issuer: "01020000", bins: ["622202"], timeout: 2s}
  - {name: slow, issuer: "01030000", bins: ["622848"], timeout: 2s}
  - {name: stuck, issuer: "05050000", bins: ["622505"], timeout: 500ms}
journal: {url: %q, hash_key_file: hash.key%s}
store_and_forward: {interval: 300ms}
clearing: {dir: out, cutoff: "00:00", timezone: UTC}
`

// guardSetup writes the configuration into dir and returns the process
// environment (the crash test's, whose start and logs it reuses).
func guardSetup(t *testing.T, bin, dir, url, good, slow, stuck string) *crashEnv {
	t.Helper()
	e := &crashEnv{t: t, bin: bin, dir: dir, url: url, inAddr: freePort(t), adminAddr: freePort(t),
		cfgPath: filepath.Join(dir, "switchd.yaml")}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hash.key"), []byte(crashHashKey), 0o600))
	backlog := "" // SQLite holds at most this many records in memory
	if strings.HasPrefix(url, "sqlite:") {
		backlog = ", max_backlog: 100000"
	}
	cfg := fmt.Sprintf(guardConfig, e.adminAddr, e.inAddr, good, slow, stuck, url, backlog)
	require.NoError(t, os.WriteFile(e.cfgPath, []byte(cfg), 0o600))
	return e
}

// guardDial connects one acquirer client as id and signs it on, retrying
// while switchd starts.
func guardDial(t *testing.T, p *switchdProc, addr, id string) *acquirer.Client {
	t.Helper()
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	deadline := time.Now().Add(20 * time.Second)
	for {
		require.False(t, p.done(), "switchd exited (%v); logs:\n%s", p.waitErr, p.logs())
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: id, Dialect: hl87a, Framing: frame.ASCII4})
		if err == nil {
			if err = c.SignOn(ctx); err != nil {
				_ = c.Close()
			}
		}
		cancel()
		if err == nil {
			t.Cleanup(func() { _ = c.Close() })
			return c
		}
		require.True(t, time.Now().Before(deadline), "no sign-on as %s: %v; logs:\n%s", id, err, p.logs())
		time.Sleep(10 * time.Millisecond)
	}
}

// guardSTAN numbers requests uniquely over the whole test.
var guardSTAN atomic.Uint32

// guardPurchase fills m with a purchase of pan from acquirer id.
func guardPurchase(m *dialect.Message, id, pan string) {
	stan := fmt.Sprintf("%06d", guardSTAN.Add(1)%1000000)
	dialect.SampleFinancial(m, stan)
	for _, f := range []int{33, 35, 52, 128} {
		m.Unset(f)
	}
	m.SetString(2, pan)
	m.SetString(4, crashApproveAmt)
	m.SetString(7, time.Now().UTC().Format("0102150405"))
	m.SetString(32, id)
}

// guardLoad is the well-behaved acquirer: workers requests kept in flight
// over its clients, counting approvals.
type guardLoad struct {
	approved atomic.Int64
	other    atomic.Int64
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

func guardStartLoad(clients []*acquirer.Client, workers int) *guardLoad {
	ctx, cancel := context.WithCancel(context.Background())
	g := &guardLoad{stop: cancel}
	for w := range workers {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			c := clients[w%len(clients)]
			var req, resp dialect.Message
			for ctx.Err() == nil {
				guardPurchase(&req, guardGoodAcq, guardGoodPAN)
				rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
				err := c.Do(rctx, &req, &resp)
				rcancel()
				if err == nil && string(resp.Field(39)) == "00" {
					g.approved.Add(1)
				} else if ctx.Err() == nil {
					g.other.Add(1)
				}
			}
		}()
	}
	return g
}

// rate measures approvals a second over d.
func (g *guardLoad) rate(d time.Duration) float64 {
	before := g.approved.Load()
	start := time.Now()
	time.Sleep(d)
	return float64(g.approved.Load()-before) / time.Since(start).Seconds()
}

func (g *guardLoad) close() {
	g.stop()
	g.wg.Wait()
}

// guardRSS samples the resident memory of a process.
type guardRSS struct {
	pid  int
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func guardWatchRSS(pid int) *guardRSS {
	r := &guardRSS{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := guardReadRSS(pid); kb > r.peak.Load() {
				r.peak.Store(kb)
			}
			select {
			case <-r.stop:
				return
			case <-t.C:
			}
		}
	}()
	return r
}

// peakMB stops sampling and returns the peak in MiB.
func (r *guardRSS) peakMB() float64 {
	close(r.stop)
	<-r.done
	return float64(r.peak.Load()) / 1024
}

// guardReadRSS reads VmRSS (KiB) from /proc; 0 when it cannot.
func guardReadRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// guardStuckIssuer accepts the switch's connections and answers its
// network management until Stick; from then on it reads nothing at all,
// on its connections and on new ones, and never answers a request.
type guardStuckIssuer struct {
	ln    net.Listener
	codec *wire.Codec
	stuck atomic.Bool
	done  chan struct{}

	mu    sync.Mutex
	conns []net.Conn
}

func guardStartStuckIssuer(t *testing.T) *guardStuckIssuer {
	t.Helper()
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	codec, err := wire.NewCodec(hl87a, frame.ASCII4, false, guardStuckBank)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &guardStuckIssuer{ln: ln, codec: codec, done: make(chan struct{})}
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *guardStuckIssuer) addr() string { return s.ln.Addr().String() }

// stick stops all reading from now on.
func (s *guardStuckIssuer) stick() { s.stuck.Store(true) }

func (s *guardStuckIssuer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		go s.conn(c)
	}
}

func (s *guardStuckIssuer) conn(c net.Conn) {
	r := frame.NewReader(c, frame.ASCII4, 0)
	var m dialect.Message
	for !s.stuck.Load() {
		body, err := r.Next()
		if err != nil {
			return
		}
		if _, err := s.codec.Decode(body, &m); err != nil || !m.IsRequest() || m.MTI()[1] != '8' {
			continue // financial requests are never answered
		}
		var resp dialect.Message
		_ = resp.SetMTI([]byte("0810"))
		wire.EchoNetFields(&resp, &m)
		resp.SetString(39, "00")
		out, err := s.codec.AppendFrame(nil, &resp, "99990000")
		if err != nil {
			return
		}
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write(out); err != nil {
			return
		}
	}
	<-s.done // hold the connection, reading nothing
}

func (s *guardStuckIssuer) close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	_ = s.ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
}
