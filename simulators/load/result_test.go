package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/simulators/load"
)

// TestResultJSONKeys: the keys scripts parse (.ci/bench-switch reads
// per_second, completed, p50_ns, p99_ns and by_code) stay, and the new ones
// are present with their values.
func TestResultJSONKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeTarget{start: time.Now(), service: 2 * time.Millisecond}
		res, err := load.Run(context.Background(), load.Options{Targets: []load.Target{f}, Rate: 500, Count: 100, InFlight: 4})
		require.NoError(t, err)
		js, err := json.Marshal(res)
		require.NoError(t, err)
		var back map[string]any
		require.NoError(t, json.Unmarshal(js, &back))
		for _, k := range []string{"sent", "completed", "errors", "by_code", "elapsed_ns", "per_second", "p50_ns", "p90_ns", "p99_ns", "max_ns",
			"mode", "intended_rate", "achieved_rate", "late", "p999_ns", "min_ns", "mean_ns", "errors_by_kind", "by_type", "max_behind_ns", "cpu_ns_per_request"} {
			assert.Contains(t, back, k)
		}
		assert.Equal(t, "open", back["mode"])
		assert.EqualValues(t, 100, back["completed"])
		assert.EqualValues(t, 500, back["intended_rate"])
		assert.InDelta(t, float64(2*time.Millisecond), back["p99_ns"], float64(10*time.Microsecond))
		assert.Equal(t, map[string]any{"00": 100.0}, back["by_code"])
		assert.Equal(t, map[string]any{"timeout": 0.0, "disconnect": 0.0, "send": 0.0, "bad_mac": 0.0, "canceled": 0.0, "late": 0.0}, back["errors_by_kind"])
		assert.Equal(t, map[string]any{"sample": map[string]any{"sent": 100.0, "completed": 100.0, "approved": 100.0}}, back["by_type"])
		// 99 intervals of 2 ms plus the last answer's 2 ms.
		assert.Equal(t, 200*time.Millisecond, res.Elapsed)

		var out bytes.Buffer
		require.NoError(t, res.WriteSummary(&out))
		assert.Regexp(t, `^sent=100 completed=100 errors=0 late=0 `, out.String())
		assert.Contains(t, out.String(), "intended 500.0/s")
		assert.Contains(t, out.String(), "types sent: [sample:100]")
	})
}
