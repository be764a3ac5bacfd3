package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/metrics/live"
)

// pageState is what the test reads from the dashboard's DOM.
type pageState struct {
	TPS       string `json:"tps"`      // the big number
	T         string `json:"t"`        // the sample it shows (Unix ms)
	Points    string `json:"points"`   // points on the TPS chart
	Last      string `json:"last"`     // the TPS chart's newest point
	Image     int    `json:"image"`    // a checksum of the TPS chart's pixels
	SignedOn  int    `json:"signedOn"` // institutions shown signed on
	Approval  string `json:"approval"`
	P99       string `json:"p99"`
	Latencies string `json:"latencies"` // points on the latency chart
}

// readPage is the JavaScript that reads pageState.
const readPage = `(() => {
  const c = document.getElementById("c-tps"), url = c.toDataURL();
  let sum = 0;
  for (let i = 0; i < url.length; i++) sum = (sum * 31 + url.charCodeAt(i)) | 0;
  const tps = document.getElementById("tps");
  return {tps: tps.textContent, t: tps.dataset.t, points: c.dataset.points || "", last: c.dataset.last || "",
    image: sum, signedOn: document.querySelectorAll("#insts td.up").length,
    approval: document.getElementById("approval").textContent, p99: document.getElementById("p99").textContent,
    latencies: document.getElementById("c-latency").dataset.points || ""};
})()`

// responsesTotal sums hulian_switch_responses_total from /metrics.
func responsesTotal(t *testing.T, admin string) float64 {
	t.Helper()
	code, body := httpGet(admin, "/metrics")
	require.Equal(t, 200, code)
	sum := 0.0
	for line := range strings.Lines(body) {
		if !strings.HasPrefix(line, "hulian_switch_responses_total{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		require.NoError(t, err, line)
		sum += v
	}
	return sum
}

// dashboardData fetches /dashboard/data.
func dashboardData(t *testing.T, admin string) live.Data {
	t.Helper()
	code, body := httpGet(admin, "/dashboard/data")
	require.Equal(t, 200, code)
	var d live.Data
	require.NoError(t, json.Unmarshal([]byte(body), &d))
	return d
}

// TestDashboardInHeadlessChromium opens /dashboard in headless Chromium
// while load runs and checks that the numbers and charts move and agree
// with the switch: the TPS shown is the one /dashboard/data holds for the
// same sample, and the samples count the responses /metrics counts.
func TestDashboardInHeadlessChromium(t *testing.T) {
	needTool(t, "/usr/bin/chromium", "chromium")
	sw := startMonitored(t)
	const rate = 50.0
	startLoad(t, sw.clients, rate)
	waitFor(t, "dashboard samples with traffic", 20*time.Second, func() bool {
		s := dashboardData(t, sw.admin).Samples
		return len(s) >= 3 && s[len(s)-1].TPS > 0
	})

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The first run starts the browser, which lives as long as the context
	// of that run: no timeout on it; later steps get one.
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate("http://"+sw.admin+"/dashboard")))
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible("#c-tps")))
	read := func() pageState {
		p, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
		require.NoError(t, err)
		return p
	}
	var first pageState
	waitFor(t, "the page to show a sample", 20*time.Second, func() bool {
		first = read()
		return first.T != "0" && first.Points != "" && first.Points != "0"
	})
	var second pageState
	waitFor(t, "the page to show a newer sample", 20*time.Second, func() bool {
		second = read()
		return second.T != first.T
	})
	t.Logf("first read: %+v", first)
	t.Logf("second read: %+v", second)
	assert.NotEqual(t, first.Last, second.Last, "the chart has a new newest point")
	assert.NotEqual(t, first.Image, second.Image, "the chart was redrawn differently")
	assert.Equal(t, 3, second.SignedOn, "three institutions signed on")
	assert.Contains(t, second.Approval, "%")
	assert.Contains(t, second.P99, "ms")
	assert.NotEqual(t, "", second.Latencies)

	// The number shown is the sample /dashboard/data holds for that time.
	shown, err := strconv.ParseFloat(second.TPS, 64)
	require.NoError(t, err, second.TPS)
	var sample *live.Sample
	d := dashboardData(t, sw.admin)
	for i := range d.Samples {
		if strconv.FormatInt(d.Samples[i].T, 10) == second.T {
			sample = &d.Samples[i]
		}
	}
	require.NotNil(t, sample, "sample %s is in /dashboard/data", second.T)
	assert.Equal(t, fmt.Sprintf("%.1f", sample.TPS), second.TPS)

	// And the samples are the rate /metrics shows: over a window of about
	// 5 s, the responses /metrics counted lie between what the samples
	// wholly inside the window add up to and what the samples covering it
	// add up to. (One sample against a rate taken over other seconds is
	// not a fair comparison: the load is bursty under the race detector.)
	t0a := time.Now()
	n0 := responsesTotal(t, sw.admin)
	t0b := time.Now()
	waitFor(t, "5 s of /metrics", 10*time.Second, func() bool { return time.Since(t0b) >= 5*time.Second })
	t1a := time.Now()
	n1 := responsesTotal(t, sw.admin)
	t1b := time.Now()
	waitFor(t, "a sample after the window", 10*time.Second, func() bool {
		s := dashboardData(t, sw.admin).Samples
		return len(s) > 0 && s[len(s)-1].T >= t1b.UnixMilli()
	})
	inside, covering := windowCounts(dashboardData(t, sw.admin).Samples, t0a, t0b, t1a, t1b)
	counted := n1 - n0
	t.Logf("page %.1f/s; window: /metrics counted %.0f, samples inside %.1f, covering %.1f", shown, counted, inside, covering)
	assert.Greater(t, counted, 0.0, "traffic in the window")
	assert.GreaterOrEqual(t, counted, math.Floor(inside+0.5)-1, "the samples inside the window count no more than /metrics")
	assert.LessOrEqual(t, counted, math.Floor(covering+0.5)+1, "the samples covering the window count no less than /metrics")
}

// gatherSlack is how long after its time stamp a sample's reading of the
// counters may be taken (the sampler gathers after the tick).
const gatherSlack = 250 * time.Millisecond

// windowCounts adds up the responses of samples (each covers the time
// since the one before it) wholly inside the window whose start was read
// between t0a and t0b and whose end between t1a and t1b, and of the
// samples covering it.
func windowCounts(samples []live.Sample, t0a, t0b, t1a, t1b time.Time) (inside, covering float64) {
	for i := 1; i < len(samples); i++ {
		from, to := time.UnixMilli(samples[i-1].T), time.UnixMilli(samples[i].T)
		n := samples[i].TPS * to.Sub(from).Seconds()
		if !from.Before(t0b) && !to.After(t1a.Add(-gatherSlack)) {
			inside += n
		}
		if to.After(t0a.Add(-gatherSlack)) && from.Before(t1b) {
			covering += n
		}
	}
	return inside, covering
}
