package metrics

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingRegisterer counts the collectors registered through it.
type countingRegisterer struct {
	*prometheus.Registry
	n int
}

func (c *countingRegisterer) Register(col prometheus.Collector) error {
	c.n++
	return c.Registry.Register(col)
}

// labelValues is the allow-list of label names, each with the pattern its
// values must match. Every one is a bounded set: never a PAN, STAN,
// terminal id or anything else that grows with traffic.
func labelValues() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"institution": regexp.MustCompile(`^([0-9]{1,11}|unknown)$`),
		"route":       regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`),
		"mti_class":   regexp.MustCompile(`^(0|authorization|financial|file|reversal|reconciliation|administrative|fee|network|9)$`),
		"code":        regexp.MustCompile(`^([0-9A-Z]{2}|other)$`),
		"direction":   regexp.MustCompile(`^(inbound|outbound)$`),
		"state":       regexp.MustCompile(`^(connected|signed_on|signed_off|closed)$`),
		"reason":      regexp.MustCompile(`^[a-z_]{1,32}$`),
	}
}

// exerciseAll touches every metric so that each family has a series.
func exerciseAll(m *Metrics) {
	inst := m.Institution("48020000")
	inst.Request([]byte("0200"))
	inst.Response([]byte("00"))
	inst.Response([]byte("?!"))
	inst.InFlight.Inc()
	for _, c := range []prometheus.Counter{inst.Unmatched, inst.FormatErrors, inst.Backpressure,
		inst.Undelivered, inst.Spoofed, inst.MACFailures, inst.KeyExchangeFailures,
		inst.ReversalsQueued, inst.ReversalsAcked} {
		c.Inc()
	}
	r := m.Route("bank-a-cards")
	r.Latency.Observe(0.004)
	r.Timeouts.Inc()
	m.Disconnect("48020000", "connection_lost")
	m.Links("48020000", "inbound", "signed_on", 1)
	m.FormatErrorUnknown()
	m.OwnAnswer("48020000", "91", "in_flight_limit")
	m.SAFDepth(3)
	m.JournalCommit(10, 2*time.Millisecond, nil)
	m.JournalCommit(0, time.Millisecond, errors.New("disk full"))
}

// namingProblems lists how a metric family breaks the Prometheus naming
// conventions (https://prometheus.io/docs/practices/naming/):
// namespace_subsystem_name_unit, counters end in _total, durations and
// sizes in base units (_seconds, _bytes), and label names from a bounded
// allow-list with bounded values.
func namingProblems(f *dto.MetricFamily) []string {
	name := regexp.MustCompile(`^hulian_switch_[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	badUnit := regexp.MustCompile(`_(ms|us|ns|millis|milliseconds|microseconds|nanoseconds|minutes|hours|days|kb|mb|gb|kilobytes|megabytes|percent)(_|$)`)
	timeWord := regexp.MustCompile(`_(duration|latency|time|age|elapsed)(_|$)`)
	sizeWord := regexp.MustCompile(`_(size|length)(_|$)`)
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	n := f.GetName()
	if !name.MatchString(n) {
		bad("name is not hulian_switch_snake_case")
	}
	if badUnit.MatchString(n) {
		bad("not in base units (seconds, bytes)")
	}
	if f.GetHelp() == "" {
		bad("no help text")
	}
	isCounter := f.GetType() == dto.MetricType_COUNTER
	switch {
	case isCounter != strings.HasSuffix(n, "_total"):
		bad("counters, and only counters, end in _total")
	case f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY:
		if !strings.HasSuffix(n, "_seconds") && !strings.HasSuffix(n, "_bytes") {
			bad("a histogram measures seconds or bytes")
		}
	}
	for _, reserved := range []string{"_count", "_sum", "_bucket"} {
		if strings.HasSuffix(n, reserved) {
			bad("%s is reserved for histograms", reserved)
		}
	}
	if timeWord.MatchString(n) && !strings.HasSuffix(n, "_seconds") {
		bad("a duration is in seconds")
	}
	if sizeWord.MatchString(n) && !strings.HasSuffix(n, "_bytes") {
		bad("a size is in bytes")
	}
	allowed := labelValues()
	for _, s := range f.GetMetric() {
		for _, l := range s.GetLabel() {
			re, ok := allowed[l.GetName()]
			switch {
			case !ok:
				bad("label %q is not in the allow-list", l.GetName())
			case !re.MatchString(l.GetValue()):
				bad("label %s=%q is outside its bounded set", l.GetName(), l.GetValue())
			}
		}
	}
	return out
}

// TestNamingRules holds every metric of the registry to namingProblems; a
// metric added later without being exercised here fails the count.
func TestNamingRules(t *testing.T) {
	reg := &countingRegisterer{Registry: prometheus.NewRegistry()}
	m, err := New(reg)
	require.NoError(t, err)
	exerciseAll(m)
	families, err := reg.Gather()
	require.NoError(t, err)
	require.Len(t, families, reg.n, "every registered metric must be exercised by exerciseAll")
	for _, f := range families {
		assert.Empty(t, namingProblems(f), f.GetName())
	}
}

// TestNamingRulesCatchBadMetrics shows each rule refusing a metric.
func TestNamingRulesCatchBadMetrics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		col   prometheus.Collector
		label string
		value string
		want  string
	}{
		{"counter without _total", prometheus.NewCounter(prometheus.CounterOpts{Name: "hulian_switch_requests", Help: "h"}), "", "", "_total"},
		{"gauge with _total", prometheus.NewGauge(prometheus.GaugeOpts{Name: "hulian_switch_depth_total", Help: "h"}), "", "", "_total"},
		{"milliseconds", prometheus.NewGauge(prometheus.GaugeOpts{Name: "hulian_switch_latency_ms", Help: "h"}), "", "", "base units"},
		{"duration not in seconds", prometheus.NewGauge(prometheus.GaugeOpts{Name: "hulian_switch_commit_duration", Help: "h"}), "", "", "seconds"},
		{"size not in bytes", prometheus.NewGauge(prometheus.GaugeOpts{Name: "hulian_switch_frame_size", Help: "h"}), "", "", "bytes"},
		{"histogram of counts", prometheus.NewHistogram(prometheus.HistogramOpts{Name: "hulian_switch_batch", Help: "h"}), "", "", "histogram"},
		{"other namespace", prometheus.NewGauge(prometheus.GaugeOpts{Name: "switch_links", Help: "h"}), "", "", "snake_case"},
		{"no help", prometheus.NewGauge(prometheus.GaugeOpts{Name: "hulian_switch_links"}), "", "", "help"},
		{"PAN label", nil, "pan", "6222020000000000000", "allow-list"},
		{"terminal label", nil, "terminal", "T0000001", "allow-list"},
		{"PAN as institution", nil, "institution", "6222020000000000000", "bounded"},
		{"free-form code", nil, "code", "declined", "bounded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			col := tc.col
			if col == nil {
				v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hulian_switch_x_total", Help: "h"}, []string{tc.label})
				v.WithLabelValues(tc.value).Inc()
				col = v
			} else if c, ok := col.(prometheus.Counter); ok {
				c.Inc()
			}
			reg.MustRegister(col)
			families, err := reg.Gather()
			require.NoError(t, err)
			require.Len(t, families, 1)
			problems := namingProblems(families[0])
			require.NotEmpty(t, problems)
			assert.Contains(t, strings.Join(problems, "; "), tc.want)
		})
	}
}

// TestQueriesUseRegisteredMetrics checks that every dashboard query names
// metrics this package registers, and that names and titles are unique.
func TestQueriesUseRegisteredMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(reg)
	require.NoError(t, err)
	exerciseAll(m)
	families, err := reg.Gather()
	require.NoError(t, err)
	known := make(map[string]dto.MetricType)
	for _, f := range families {
		known[f.GetName()] = f.GetType()
	}
	metric := regexp.MustCompile(`hulian_switch_[a-z0-9_]+`)
	names, titles := map[string]bool{}, map[string]bool{}
	for _, q := range Queries() {
		assert.False(t, names[q.Name], "duplicate query name %s", q.Name)
		assert.False(t, titles[q.Title], "duplicate title %s", q.Title)
		names[q.Name], titles[q.Title] = true, true
		assert.NotEmpty(t, q.Meaning, q.Name)
		assert.NotEqual(t, "unknown", q.Kind.String(), q.Name)
		used := metric.FindAllString(q.PromQL, -1)
		require.NotEmpty(t, used, q.Name)
		for _, u := range used {
			base, isBucket := strings.CutSuffix(u, "_bucket")
			typ, ok := known[base]
			if assert.True(t, ok, "%s: %s is not a registered metric", q.Name, u) && isBucket {
				assert.Equal(t, dto.MetricType_HISTOGRAM, typ, "%s: %s", q.Name, u)
			}
		}
		assert.Equal(t, strings.Count(q.PromQL, "("), strings.Count(q.PromQL, ")"), "%s: parentheses", q.Name)
	}
}
