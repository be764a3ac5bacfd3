package journal

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIDIndexLikeMap drives the index and a map with the same random
// operations (mostly increasing IDs, deletions oldest first with
// stragglers, old IDs set again, gaps) and compares them throughout.
func TestIDIndexLikeMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := newIDIndex()
	want := map[int64]ovEntry{}
	var next, oldest int64 = 1, 1
	seq := int64(1)
	check := func() {
		require.Equal(t, len(want), x.len())
		got := map[int64]ovEntry{}
		x.each(func(id int64, e ovEntry) { got[id] = e })
		require.Equal(t, want, got)
	}
	for step := 0; step < 60000; step++ {
		seq++
		e := ovEntry{seq: seq, keyHash: uint64(step)}
		switch r := rng.IntN(100); {
		case r < 45: // a new record
			x.set(next, e)
			want[next] = e
			next++
		case r < 85 && oldest < next: // the applier takes the oldest
			if rng.IntN(20) > 0 { // sometimes one stays behind
				x.del(oldest)
				delete(want, oldest)
			}
			oldest++
		case r < 95: // a later image of a held or an old record
			id := 1 + rng.Int64N(next)
			x.set(id, e)
			want[id] = e
		case r == 99: // a gap in the IDs (another run's, say)
			next += windowSlack + 100
		default:
			id := 1 + rng.Int64N(next)
			x.del(id)
			delete(want, id)
		}
		if step%997 == 0 {
			check()
		}
		id := 1 + rng.Int64N(next+10)
		g, ok := x.get(id)
		w, wok := want[id]
		require.Equal(t, wok, ok, "id %d", id)
		require.Equal(t, w, g)
	}
	check()
	assert.LessOrEqual(t, x.end-x.head, 4*x.live+2*windowSlack+1, "the window stays dense")
	assert.LessOrEqual(t, len(x.chunks), (x.end+idChunk-1)/idChunk, "no chunk behind the window")
}

// BenchmarkIDIndexGrow sets 400,000 new IDs in order, as a backlog that
// builds up while the applier waits (ns/op is per record).
func BenchmarkIDIndexGrow(b *testing.B) {
	const n = 400000
	img := make([]byte, 8)
	for b.Loop() {
		x := newIDIndex()
		for id := int64(1); id <= n; id++ {
			x.set(id, ovEntry{seq: id, img: img})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
