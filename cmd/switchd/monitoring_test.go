package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/logtest"
	"github.com/hulian/hulian/switch/metrics"
)

// monitoredConfig: two acquirers on one listener, one issuer, one route.
const monitoredConfig = `
switch: {id: "99990000", shutdown_grace: 2s}
admin: {address: %q, token_file: %q}
listeners:
  - {name: in, address: %q, dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "48020001", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "01020000", role: issuer, dialect: hl87b, timeout: %s, outbound: {addresses: [%q], connections: 2}}
routes:
  - {name: bank, issuer: "01020000", bins: ["622202"]}
journal: {url: %q, hash_key_file: %q}
clearing: {dir: %q, cutoff: "00:00", timezone: UTC}
`

// monitoredTimeout is the issuer timeout: every latency lies below it, even
// on a loaded machine under the race detector.
const monitoredTimeout = 5 * time.Second

// needTool skips the test when a system binary is missing, except in CI
// (CI=true), where it fails: `make deps` installs it.
func needTool(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing (Debian package %s; make deps installs it)", path, pkg)
	}
	t.Skipf("%s is missing (Debian package %s; make deps installs it)", path, pkg)
}

// waitFor polls cond every 50 ms until it holds or the deadline passes.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(50 * time.Millisecond)
	}
}

// monitored is switchd running in-process with an issuer simulator behind
// it and two acquirers signed on.
type monitored struct {
	admin   string // admin port address
	logs    *logtest.Buffer
	clients []*acquirer.Client
}

// startMonitored starts the issuer simulator and switchd (its run
// function, as main does) and signs both acquirers on. Everything stops
// when the test ends.
func startMonitored(t *testing.T) *monitored {
	t.Helper()
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	hl87b, err := dialect.Builtin("hl87b")
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: "01020000", Dialect: hl87b, Framing: frame.Binary2})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { is.Close() })

	m := &monitored{admin: freePort(t), logs: &logtest.Buffer{}}
	in := freePort(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hash.key"), []byte("a test key of enough length"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "admin.token"), []byte("admin-token-for-the-test\n"), 0o600))
	path := filepath.Join(dir, "switchd.yaml")
	cfg := fmt.Sprintf(monitoredConfig, m.admin, filepath.Join(dir, "admin.token"), in, monitoredTimeout, is.Addr(),
		"sqlite:"+filepath.Join(dir, "journal.db"), filepath.Join(dir, "hash.key"), filepath.Join(dir, "out"))
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--config", path, "--log-level", "warn"}, io.Discard, m.logs, nil) }()
	t.Cleanup(func() {
		for _, c := range m.clients {
			c.Close()
		}
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Error("switchd did not stop")
		}
	})
	waitFor(t, "switchd signed on to the issuer", 15*time.Second, func() bool {
		select {
		case err := <-done:
			require.FailNow(t, "switchd exited", "%v; logs:\n%s", err, m.logs.String())
		default:
		}
		_, body := httpGet(m.admin, "/status")
		return strings.Contains(body, `"state": "signed_on"`)
	})
	for _, id := range []string{"48020000", "48020001"} {
		c, err := acquirer.Dial(ctx, acquirer.Config{Addr: in, InstitutionID: id, Dialect: hl87a, Framing: frame.ASCII4})
		require.NoError(t, err)
		m.clients = append(m.clients, c)
		require.NoError(t, c.SignOn(ctx))
	}
	return m
}

// httpGet fetches a path of an address; 0 and "" when it cannot connect.
func httpGet(addr, path string) (int, string) {
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// progressPoint is the load generator's count of answers at an instant.
type progressPoint struct {
	at        time.Time
	completed int
}

// loadRun is an open-loop load in the background with its progress.
type loadRun struct {
	start  time.Time
	mu     sync.Mutex
	points []progressPoint
	done   chan struct{}
	result load.Result
}

// startLoad sends rate requests per second over the clients until the test
// ends (or for at most a minute), recording progress every 100 ms.
func startLoad(t *testing.T, clients []*acquirer.Client, rate float64) *loadRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &loadRun{done: make(chan struct{}), start: time.Now()}
	opts := load.Options{Clients: clients, Rate: rate, InFlight: 256, Duration: time.Minute,
		// Longer than the switch's issuer timeout: every answer the switch
		// sends, 91 included, reaches the generator's count.
		Timeout:       monitoredTimeout + 5*time.Second,
		ProgressEvery: 100 * time.Millisecond,
		Progress: func(p load.Progress) {
			l.mu.Lock()
			l.points = append(l.points, progressPoint{time.Now(), p.Completed})
			l.mu.Unlock()
		}}
	go func() {
		defer close(l.done)
		l.result, _ = load.Run(ctx, opts)
	}()
	t.Cleanup(func() {
		cancel()
		<-l.done
	})
	return l
}

// last returns the latest progress point.
func (l *loadRun) last() progressPoint {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.points) == 0 {
		return progressPoint{at: l.start}
	}
	return l.points[len(l.points)-1]
}

// prometheus is a Prometheus server started for one test.
type promServer struct{ addr string }

// startPrometheus runs /usr/bin/prometheus on a free port with a temporary
// configuration and storage, scraping target every second.
func startPrometheus(t *testing.T, target string) *promServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: switchd
    static_configs: [{targets: [%q]}]
`, target)
	path := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	p := &promServer{addr: freePort(t)}
	logs := &logtest.Buffer{}
	cmd := exec.Command("/usr/bin/prometheus", "--config.file="+path, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+p.addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("prometheus logs:\n%s", logs.String())
		}
	})
	waitFor(t, "prometheus ready", 30*time.Second, func() bool {
		select {
		case <-exited:
			require.FailNow(t, "prometheus exited", logs.String())
		default:
		}
		code, _ := httpGet(p.addr, "/-/ready")
		return code == http.StatusOK
	})
	return p
}

// promSample is one element of an instant vector.
type promSample struct {
	Metric map[string]string
	Value  float64
}

// query runs an instant query at time at through /api/v1/query.
func (p *promServer) query(t *testing.T, q string, at time.Time) []promSample {
	t.Helper()
	v := url.Values{"query": {q}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	resp, err := http.Get("http://" + p.addr + "/api/v1/query?" + v.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, "success", body.Status, "%s: %s", q, body.Error)
	require.Equal(t, "vector", body.Data.ResultType, q)
	out := make([]promSample, 0, len(body.Data.Result))
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		f, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, "%s: value %v", q, r.Value)
		out = append(out, promSample{r.Metric, f})
	}
	return out
}

// lastScrape returns the time of the newest scrape of switchd.
func (p *promServer) lastScrape(t *testing.T) time.Time {
	s := p.query(t, `timestamp(up{job="switchd"} == 1)`, time.Now())
	if len(s) == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(s[0].Value * 1000))
}

// TestPrometheusRunsEveryDashboardQuery scrapes switchd with a real
// Prometheus while load runs, then runs every query of metrics.Queries (the
// Grafana dashboard's) through the HTTP API and checks the answers: the
// throughput within 10% of the load generator's own count over the same
// one-minute window, ratios in 0..1, latencies above 0 and below the issuer
// timeout, every institution signed on.
func TestPrometheusRunsEveryDashboardQuery(t *testing.T) {
	needTool(t, "/usr/bin/prometheus", "prometheus")
	sw := startMonitored(t)
	prom := startPrometheus(t, sw.admin)
	waitFor(t, "a first scrape of switchd", 30*time.Second, func() bool { return !prom.lastScrape(t).IsZero() })

	const rate = 50.0 // modest: the test runs beside others, under the race detector
	l := startLoad(t, sw.clients, rate)
	waitFor(t, "12 s of load", 40*time.Second, func() bool { return l.last().at.Sub(l.start) >= 12*time.Second })
	at := l.last()
	require.Less(t, at.at.Sub(l.start), 50*time.Second, "the rate window must cover the whole run")
	waitFor(t, "a scrape after the sampled instant", 10*time.Second, func() bool { return prom.lastScrape(t).After(at.at) })

	// No traffic before the load: the generator's answers in the minute
	// before at are all it ever got.
	genRate := float64(at.completed) / 60
	require.Positive(t, genRate)
	for _, q := range metrics.Queries() {
		t.Run(q.Name, func(t *testing.T) {
			res := prom.query(t, q.PromQL, at.at)
			require.NotEmpty(t, res, "%s returned no data", q.PromQL)
			sum := 0.0
			for _, s := range res {
				v := s.Value
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s: %v for %v", q.PromQL, v, s.Metric)
				assert.GreaterOrEqual(t, v, 0.0, "%v", s.Metric)
				switch q.Kind {
				case metrics.KindRatio, metrics.KindBool:
					assert.LessOrEqual(t, v, 1.0, "%v", s.Metric)
				case metrics.KindSeconds:
					assert.Positive(t, v, "%v", s.Metric)
					assert.Less(t, v, monitoredTimeout.Seconds(), "%v", s.Metric)
				case metrics.KindRate:
					assert.LessOrEqual(t, v, 2*rate, "%v: no more than the load", s.Metric)
				}
				sum += v
			}
			switch q.Name {
			case "throughput_total":
				t.Logf("prometheus %.2f/s, load generator %.2f/s over the minute to %s", sum, genRate, at.at.Format(time.TimeOnly))
				assert.InEpsilon(t, genRate, sum, 0.10, "prometheus %.2f/s, load generator %.2f/s", sum, genRate)
			case "throughput_by_institution":
				assert.Len(t, res, 2, "both acquirers")
				assert.InEpsilon(t, genRate, sum, 0.10)
			case "approval_rate":
				assert.Greater(t, sum, 0.5, "the issuer simulator approves")
			case "signed_on":
				assert.Len(t, res, 3)
				assert.Equal(t, 3.0, sum, "every institution signed on")
			case "journal_writes":
				assert.Positive(t, sum)
			case "latency_p50_by_route", "latency_p99_by_route":
				assert.Len(t, res, 1)
				assert.Equal(t, "bank", res[0].Metric["route"])
			}
		})
	}
}
