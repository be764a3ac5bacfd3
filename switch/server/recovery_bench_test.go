package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/journal"
)

// BenchmarkRecovery10k measures what a restart after SIGKILL costs with
// 10,000 requests left in flight: switchd's Start finds them, queues a
// reversal advice for each and gives each its final state before it
// accepts traffic.
func BenchmarkRecovery10k(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				j := openJournal(b, kind)
				ctx := context.Background()
				now := time.Now()
				var wg syncCounter
				for k := 0; k < 10000; k++ {
					rec := &journal.Record{Key: journal.Key{MTI: "0200", Acquirer: acqA, STAN: fmt.Sprintf("%06d", k+1), TxTime: "1126120000"},
						Node: "node-a", BusinessDate: "2026-11-26", ReceivedAt: now, AcquirerInst: acqA, Issuer: bankA,
						Route: "bank-a", Processing: "000000", Amount: 100, Currency: "156", State: journal.StateForwarded}
					wg.add()
					j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: rec}, func(w *journal.Write) { wg.done(w.Err) })
				}
				require.NoError(b, wg.wait())
				text := configText([]string{"127.0.0.1:1"}, "127.0.0.1:1", "127.0.0.1:1", nil)
				cfg, err := config.Parse([]byte(text), b.TempDir(), "bench.yaml")
				require.NoError(b, err)
				srv, err := New(cfg, Options{Journal: j})
				require.NoError(b, err)
				b.StartTimer()
				start := time.Now()
				require.NoError(b, srv.Start(ctx))
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/recovery")
				b.StopTimer()
				depth, err := j.SAFDepth(ctx)
				require.NoError(b, err)
				require.Equal(b, 10000, depth, "a reversal queued for each")
				_ = srv.Shutdown(ctx)
			}
		})
	}
}

// syncCounter waits for asynchronous journal writes.
type syncCounter struct {
	ch  chan error
	n   int
	err error
}

func (c *syncCounter) add() {
	if c.ch == nil {
		c.ch = make(chan error, 1<<16)
	}
	c.n++
}

func (c *syncCounter) done(err error) { c.ch <- err }

func (c *syncCounter) wait() error {
	for ; c.n > 0; c.n-- {
		if err := <-c.ch; err != nil && c.err == nil {
			c.err = err
		}
	}
	return c.err
}
