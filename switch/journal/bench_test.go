package journal

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkGroupCommit measures durable inserts per second with many
// concurrent submitters (b.RunParallel with 64 goroutines per CPU), as the
// switch produces them on its hot path.
func BenchmarkGroupCommit(b *testing.B) {
	for _, bc := range []struct {
		name   string
		newEnv newEnvFunc
	}{{"sqlite", sqliteEnv}, {"postgres", pgEnv}} {
		b.Run(bc.name, func(b *testing.B) {
			e := bc.newEnv(b)
			j, err := Open(context.Background(), e.url, Options{Node: "bench", HashKey: testKey()})
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			var seq atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(64)
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					i := int(seq.Add(1))
					r := newRecord(j, i)
					r.STAN = fmt.Sprintf("%d", i)
					if err := j.Do(ctx, &Write{Kind: WriteInsert, Record: r}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
			st := j.Stats()
			if st.Batches > 0 {
				b.ReportMetric(float64(st.Writes)/float64(st.Batches), "writes/batch")
			}
		})
	}
}
