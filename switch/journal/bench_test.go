package journal

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
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
			j := openBench(b, bc.newEnv(b))
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

// openBench opens the journal of e for a benchmark, closed at its end.
func openBench(b *testing.B, e env) *Journal {
	b.Helper()
	j, err := Open(context.Background(), e.url, Options{Node: "bench", HashKey: testKey()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = j.Close() })
	return j
}

// BenchmarkApply measures the SQLite applier: records logged while it is
// held (as under a burst), then moved to table txn as fast as it goes.
// Its rate bounds the journal's sustained throughput once the backlog
// passes half of MaxBacklog.
func BenchmarkApply(b *testing.B) {
	j := openBench(b, sqliteEnv(b))
	s := j.b.(*sqliteStore)
	s.hold.Store(true)
	var wg sync.WaitGroup
	for i := range b.N {
		r := newRecord(j, i)
		r.STAN = fmt.Sprintf("%06d", i%1000000)
		r.TxTime = fmt.Sprintf("0314%06d", i/40) // 40 a second, in time order
		j.SetPAN(r, []byte(fmt.Sprintf("62258800%08d", i)))
		wg.Add(1)
		j.Submit(&Write{Kind: WriteInsert, Record: r}, func(w *Write) {
			if w.Err != nil {
				b.Error(w.Err)
			}
			wg.Done()
		})
	}
	wg.Wait()
	b.ResetTimer()
	s.hold.Store(false)
	for s.backlog() > 0 {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e3, "µs/record")
}

// BenchmarkTransaction measures the journal's share of a routed
// transaction as the switch makes it: an insert, and once it is durable a
// finish, with 256 transactions in flight. It reports the process's CPU
// time per transaction (user and system, so the syncs' kernel time
// counts) besides the rate: on two shared cores the switch's throughput
// with the journal on is bounded by that CPU (PostgreSQL: the client's
// share only; the server's is its own process).
func BenchmarkTransaction(b *testing.B) {
	for _, bc := range []struct {
		name   string
		newEnv newEnvFunc
	}{{"sqlite", sqliteEnv}, {"postgres", pgEnv}} {
		b.Run(bc.name, func(b *testing.B) { benchTransactions(b, openBench(b, bc.newEnv(b))) })
	}
}

func benchTransactions(b *testing.B, j *Journal) {
	recs := make([]*Record, b.N)
	for i := range recs {
		recs[i] = newRecord(j, i)
		recs[i].STAN = fmt.Sprintf("%d", i)
	}
	slots := make(chan struct{}, 256)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	b.ResetTimer()
	for _, r := range recs {
		slots <- struct{}{}
		wg.Add(1)
		j.Submit(&Write{Kind: WriteInsert, Record: r}, func(w *Write) {
			if w.Err != nil || w.Duplicate != nil {
				b.Error("insert", w.Err, w.Duplicate != nil)
			}
			j.Submit(&Write{Kind: WriteFinish, ID: r.ID, State: StateApproved, Code: "00", AuthID: "123456",
				At: r.ReceivedAt.Add(time.Millisecond)}, func(w *Write) {
				if w.Err != nil {
					b.Error("finish", w.Err)
				}
				<-slots
				wg.Done()
			})
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/txn")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txn/s")
}

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
