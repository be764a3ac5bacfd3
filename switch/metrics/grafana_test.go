package metrics

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite grafana/hulian-switch.json from Queries")

const grafanaFile = "grafana/hulian-switch.json"

// grafanaUnit is the Grafana unit of a query kind.
func grafanaUnit(k Kind) string {
	switch k {
	case KindRate:
		return "reqps"
	case KindRatio:
		return "percentunit"
	case KindSeconds:
		return "s"
	}
	return "short"
}

// grafanaDashboard builds the dashboard of Queries: one panel per query,
// two panels a row, the Prometheus data source as an import input.
func grafanaDashboard() ([]byte, error) {
	ds := map[string]any{"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
	panels := make([]any, 0, len(Queries()))
	for i, q := range Queries() {
		defaults := map[string]any{"unit": grafanaUnit(q.Kind), "min": 0}
		switch q.Kind {
		case KindRatio, KindBool:
			defaults["max"] = 1
		}
		panels = append(panels, map[string]any{
			"id":          i + 1,
			"type":        "timeseries",
			"title":       q.Title,
			"description": q.Meaning,
			"datasource":  ds,
			"gridPos":     map[string]any{"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
			"fieldConfig": map[string]any{"defaults": defaults, "overrides": []any{}},
			"options": map[string]any{
				"legend":  map[string]any{"displayMode": "list", "placement": "bottom", "showLegend": true},
				"tooltip": map[string]any{"mode": "multi", "sort": "desc"},
			},
			"targets": []any{map[string]any{
				"refId": "A", "datasource": ds, "expr": q.PromQL, "legendFormat": q.Legend, "range": true,
			}},
		})
	}
	d := map[string]any{
		"__inputs": []any{map[string]any{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource",
			"pluginId": "prometheus", "pluginName": "Prometheus", "description": "scrapes switchd's admin /metrics"}},
		"title":         "Hulian switch",
		"uid":           "hulian-switch",
		"description":   "switchd: throughput, approvals, latency, timeouts, reversals, store-and-forward, links, journal. Queries: switch/metrics/queries.go.",
		"tags":          []string{"hulian", "iso8583"},
		"schemaVersion": 39,
		"version":       1,
		"editable":      true,
		"refresh":       "10s",
		"time":          map[string]any{"from": "now-1h", "to": "now"},
		"timezone":      "",
		"annotations":   map[string]any{"list": []any{}},
		"templating":    map[string]any{"list": []any{}},
		"panels":        panels,
	}
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}

// grafanaJSON is the part of the dashboard file the test reads.
type grafanaJSON struct {
	Panels []struct {
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestGrafanaDashboardUsesExactlyTheQueries reads the committed dashboard
// and checks that its panels hold exactly the expressions of Queries (no
// more, no fewer, none edited by hand), under the same titles. Rewrite it
// with go test ./switch/metrics -run Grafana -update.
func TestGrafanaDashboardUsesExactlyTheQueries(t *testing.T) {
	if *update {
		b, err := grafanaDashboard()
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(grafanaFile), 0o755))
		require.NoError(t, os.WriteFile(grafanaFile, b, 0o644))
	}
	raw, err := os.ReadFile(grafanaFile)
	require.NoError(t, err, "run go test ./switch/metrics -run Grafana -update")
	var d grafanaJSON
	require.NoError(t, json.Unmarshal(raw, &d))

	var got, want []string
	titles := make(map[string]string)
	for _, p := range d.Panels {
		assert.Equal(t, "${DS_PROMETHEUS}", p.Datasource.UID, "%s: data source is the import input", p.Title)
		for _, tg := range p.Targets {
			got = append(got, tg.Expr)
			titles[tg.Expr] = p.Title
		}
	}
	for _, q := range Queries() {
		want = append(want, q.PromQL)
		assert.Equal(t, q.Title, titles[q.PromQL], "panel of %s", q.Name)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got, "the dashboard's expressions are Queries(); rerun with -update")

	// Nothing is pinned to one Grafana's data source or a CDN.
	assert.NotRegexp(t, regexp.MustCompile(`"uid":\s*"[A-Za-z0-9]{9,}"`), string(raw))

	gen, err := grafanaDashboard()
	require.NoError(t, err)
	assert.JSONEq(t, string(gen), string(raw), "%s is generated: rerun with -update", grafanaFile)
}
