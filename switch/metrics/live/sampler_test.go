package live

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/metrics"
)

func newSampler(t *testing.T, o Options) (*Sampler, *metrics.Metrics) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	require.NoError(t, err)
	s, err := New(reg, o)
	require.NoError(t, err)
	return s, m
}

func TestSamplesFromTheSwitchMetrics(t *testing.T) {
	s, m := newSampler(t, Options{})
	t0 := time.Unix(1_700_000_000, 0)
	a, b := m.Institution("48020000"), m.Institution("48020001")
	m.Links("01020000", "outbound", "signed_on", 2)
	require.NoError(t, s.Record(t0))
	assert.Empty(t, s.Data().Samples, "the first reading is the baseline")

	// Two seconds: 30 answers to A (27 approved), 10 to B (all 05), latencies 1..40 ms.
	for i := range 40 {
		code, inst := "00", a
		switch {
		case i >= 30:
			code, inst = "05", b
		case i >= 27:
			code = "51"
		}
		inst.Response([]byte(code))
		m.Route("bank").Latency.Observe(float64(i+1) / 1000)
	}
	a.InFlight.Add(3)
	m.SAFDepth(4)
	require.NoError(t, s.Record(t0.Add(2*time.Second)))

	d := s.Data()
	require.Len(t, d.Samples, 1)
	smp := d.Samples[0]
	assert.Equal(t, t0.Add(2*time.Second).UnixMilli(), smp.T)
	assert.Equal(t, 20.0, smp.TPS)
	assert.Equal(t, map[string]float64{"48020000": 15, "48020001": 5}, smp.ByInstitution)
	require.NotNil(t, smp.Approval)
	assert.Equal(t, 0.675, *smp.Approval, "27 of 40")
	require.NotNil(t, smp.P50)
	require.NotNil(t, smp.P99)
	// 20 of 40 observations are <= 20 ms, all in the (10 ms, 25 ms] bucket
	// with 10 below it: 10 + 15*(20-10)/(40-10)... interpolated as PromQL does.
	assert.InDelta(t, 0.010+0.015*(20.0-10)/(25-10), *smp.P50, 1e-9)
	assert.InDelta(t, 0.025+0.025*(39.6-25)/(40-25), *smp.P99, 1e-9)
	assert.Equal(t, 3.0, smp.InFlight)
	assert.Equal(t, 4.0, smp.SAFDepth)
	assert.Equal(t, []Institution{
		{ID: "01020000", SignedOn: true, Links: map[string]int{"signed_on": 2}},
		{ID: "48020000"}, {ID: "48020001"}, // no link yet: down
	}, d.Institutions)

	// A quiet second: no approval rate, no latency, zero TPS.
	require.NoError(t, s.Record(t0.Add(3*time.Second)))
	quiet := s.Data().Samples[1]
	assert.Zero(t, quiet.TPS)
	assert.Nil(t, quiet.Approval)
	assert.Nil(t, quiet.P50)
}

func TestAlerts(t *testing.T) {
	s, m := newSampler(t, Options{TimeoutBurst: 3, SAFGrowth: 2})
	t0 := time.Unix(1_700_000_000, 0)
	tick := 0
	record := func() {
		tick++
		require.NoError(t, s.Record(t0.Add(time.Duration(tick)*time.Second)))
	}
	m.Links("01020000", "outbound", "signed_on", 1)
	record()
	m.Links("01020000", "outbound", "signed_on", 0)
	for range 3 {
		m.Route("bank").Timeouts.Inc()
	}
	m.Institution("48020000").MACFailures.Inc()
	m.JournalCommit(0, time.Millisecond, errors.New("disk full"))
	m.SAFDepth(1)
	record()
	m.SAFDepth(2)
	record()
	m.SAFDepth(3)
	m.Links("01020000", "outbound", "signed_on", 1)
	record()

	var kinds []string
	for _, a := range s.Data().Alerts {
		kinds = append(kinds, a.Kind+":"+a.Institution)
	}
	assert.Equal(t, []string{"link_up:01020000", "saf_growing:", "mac_failure:48020000", "journal_failure:",
		"timeout_burst:", "link_down:01020000"}, kinds, "newest first")
}

func TestRingKeepsTheLastSamples(t *testing.T) {
	s, m := newSampler(t, Options{Keep: 3, MaxAlerts: 2})
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 6 {
		m.Institution("48020000").Response([]byte("00"))
		m.Links("01020000", "outbound", "signed_on", i%2)
		require.NoError(t, s.Record(t0.Add(time.Duration(i)*time.Second)))
	}
	d := s.Data()
	require.Len(t, d.Samples, 3)
	for i, smp := range d.Samples {
		assert.Equal(t, t0.Add(time.Duration(i+3)*time.Second).UnixMilli(), smp.T, "oldest first")
	}
	assert.Len(t, d.Alerts, 2)
	assert.Equal(t, t0.Add(5*time.Second).UnixMilli(), d.T)
}

func TestNewNeedsAGatherer(t *testing.T) {
	_, err := New(nil, Options{})
	assert.ErrorIs(t, err, ErrNoGatherer)
}

func TestQuantileEdges(t *testing.T) {
	inf := bucket{upper: math.Inf(1), count: 0}
	cur := []bucket{{0.1, 0}, {1, 0}, inf}
	_, ok := quantile(0.5, cur, nil)
	assert.False(t, ok, "no observations")
	cur = []bucket{{0.1, 0}, {1, 0}, {inf.upper, 4}}
	v, ok := quantile(0.5, cur, nil)
	assert.True(t, ok)
	assert.Equal(t, 1.0, v, "beyond the last bound: the last finite bound")
}
