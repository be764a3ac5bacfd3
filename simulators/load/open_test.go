package load_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/load"
)

// fakeTarget answers every request with 00 after service, except that a
// request arriving during [stallFrom, stallTo) after start waits until
// stallTo first: a peer that stops answering for a while. It runs inside a
// synctest bubble, so its time is the bubble's fake clock: no flakiness.
type fakeTarget struct {
	start              time.Time
	service            time.Duration
	stallFrom, stallTo time.Duration

	mu       sync.Mutex
	arrivals []arrival
	inFlight int
	maxIn    int
}

type arrival struct {
	stan string
	at   time.Duration
}

func (f *fakeTarget) Do(ctx context.Context, req, resp *dialect.Message) error {
	at := time.Since(f.start)
	f.mu.Lock()
	f.arrivals = append(f.arrivals, arrival{stan: string(req.Field(11)), at: at})
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	wait := f.service
	if at >= f.stallFrom && at < f.stallTo {
		wait += f.stallTo - at
	}
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		return ctx.Err()
	}
	resp.Reset()
	_ = resp.SetMTI([]byte("0210"))
	resp.SetString(39, "00")
	return nil
}

// stalled runs one second of load against a target that stalls from 200 to
// 500 ms, with 1 ms service time otherwise.
func stalled(t *testing.T, o load.Options) (load.Result, *fakeTarget) {
	f := &fakeTarget{start: time.Now(), service: time.Millisecond, stallFrom: 200 * time.Millisecond, stallTo: 500 * time.Millisecond}
	o.Targets = []load.Target{f}
	o.Duration = time.Second
	res, err := load.Run(context.Background(), o)
	require.NoError(t, err)
	return res, f
}

// TestOpenLoopCorrectsCoordinatedOmission: the same stall seen by both
// loops. The closed loop only measures the few requests that were in
// flight when the peer stalled, so its p90 and p99 stay at the service
// time; the open loop measures every request due during the stall from its
// intended send time, 300 requests waiting 1..301 ms.
func TestOpenLoopCorrectsCoordinatedOmission(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		closed, _ := stalled(t, load.Options{InFlight: 4})
		assert.Equal(t, "closed", closed.Mode)
		assert.Equal(t, time.Millisecond, closed.P99.Round(time.Millisecond), "closed loop hides the stall")
		assert.InDelta(t, 300*time.Millisecond, closed.Max, float64(2*time.Millisecond), "only the max shows it")

		open, f := stalled(t, load.Options{InFlight: 1000, Rate: 1000})
		assert.Equal(t, "open", open.Mode)
		assert.Equal(t, 1000, open.Sent)
		assert.Equal(t, 1000, open.Completed)
		assert.Equal(t, 0, open.Late)
		assert.Equal(t, 1000.0, open.IntendedRate)
		assert.Equal(t, time.Duration(0), open.MaxBehind, "a fake clock: the scheduler is never late")
		// 700 requests at 1 ms, 300 due every ms of the stall waiting
		// 301 ms down to 2 ms: the 900th value is the 200th smallest of
		// those (~201 ms), the 990th the 290th (~291 ms).
		assert.Equal(t, time.Millisecond, open.P50.Round(time.Millisecond))
		assert.InDelta(t, 201*time.Millisecond, open.P90, float64(2*time.Millisecond))
		assert.InDelta(t, 291*time.Millisecond, open.P99, float64(2*time.Millisecond))
		assert.InDelta(t, 301*time.Millisecond, open.Max, float64(2*time.Millisecond))
		assert.InDelta(t, 300, f.maxIn, 1, "requests kept being sent during the stall")
	})
}

// TestOpenLoopInFlightCap: with a cap of 50 the stall fills it 50 ms in;
// the 250 requests due until the peer answers again are not sent but
// counted late, and no more than 50 are ever outstanding.
func TestOpenLoopInFlightCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, f := stalled(t, load.Options{InFlight: 50, Rate: 1000})
		assert.LessOrEqual(t, f.maxIn, 50)
		assert.InDelta(t, 250, res.Late, 2, "due between 250 and ~501 ms")
		assert.Equal(t, res.Late, res.ErrorsByKind["late"])
		assert.Equal(t, 1000, res.Sent+res.Late)
		assert.Equal(t, res.Sent, res.Completed)
		assert.Equal(t, 0, res.Errors, "late requests were never sent: not errors")
		assert.InDelta(t, 301*time.Millisecond, res.Max, float64(2*time.Millisecond), "the request due at 200 ms waited the whole stall")
	})
}

// TestOpenLoopSchedule: request i is sent at exactly i/Rate on connection
// i mod 3 (the fake clock makes the check exact).
func TestOpenLoopSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		targets := make([]*fakeTarget, 3)
		o := load.Options{Rate: 100, Count: 30, InFlight: 8}
		for k := range targets {
			targets[k] = &fakeTarget{start: start}
			o.Targets = append(o.Targets, targets[k])
		}
		res, err := load.Run(context.Background(), o)
		require.NoError(t, err)
		assert.Equal(t, 30, res.Completed)
		assert.Less(t, res.Max, time.Microsecond, "zero service time, sent on time: zero latency (below the histogram's 1 µs resolution)")
		for k, f := range targets {
			require.Len(t, f.arrivals, 10)
			for j, a := range f.arrivals {
				i := k + 3*j
				assert.Equal(t, time.Duration(i)*10*time.Millisecond, a.at, "request %d", i)
				assert.Equal(t, wireSTAN(i+1), a.stan)
			}
		}
	})
}

func TestOpenLoopProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []load.Progress
		f := &fakeTarget{start: time.Now(), service: time.Millisecond}
		res, err := load.Run(context.Background(), load.Options{
			Targets: []load.Target{f}, Rate: 1000, Duration: time.Second, InFlight: 10,
			ProgressEvery: 100 * time.Millisecond, Progress: func(p load.Progress) { got = append(got, p) },
		})
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(got), 9)
		for i, p := range got {
			assert.Equal(t, time.Duration(i+1)*100*time.Millisecond, p.Elapsed)
			assert.InDelta(t, 1000, p.Rate, 20, "one answer a millisecond")
			assert.Equal(t, time.Millisecond, p.P99.Round(time.Millisecond))
			if i > 0 {
				assert.Greater(t, p.Done, got[i-1].Done)
			}
		}
		assert.Equal(t, 1000, res.Completed)
	})
}

func TestOpenLoopContextEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		f := &fakeTarget{start: time.Now(), service: time.Millisecond}
		res, err := load.Run(ctx, load.Options{Targets: []load.Target{f}, Rate: 1000, Duration: time.Hour, InFlight: 10})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.InDelta(t, 100, res.Sent, 2)
	})
}

// wireSTAN renders a STAN as the default builder sets it.
func wireSTAN(n int) string {
	b := []byte("000000")
	for i := 5; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
