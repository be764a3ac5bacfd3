package load

import (
	"context"
	"sync"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// job is one request of the open loop: its index and intended send time.
type job struct {
	i   int
	due time.Time
}

// open runs the open loop: a scheduler hands each request, at its intended
// time, to a pool of InFlight workers through a channel of the same
// capacity. The in-flight count (queued or sent, not yet answered) never
// exceeds the cap: a request due while it is full is counted late and not
// sent, so nothing queues without bound.
func (r *runner) open(ctx context.Context, start time.Time) {
	capN := max(r.o.InFlight, 1)
	jobs := make(chan job, capN)
	var wg sync.WaitGroup
	for w := range capN {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.openWorker(ctx, w, jobs)
		}()
	}
	r.dispatch(ctx, start, jobs)
	close(jobs)
	wg.Wait()
}

// dispatch schedules request i at start + i/Rate until the count or the
// duration is reached, ctx ends or every connection has closed.
func (r *runner) dispatch(ctx context.Context, start time.Time, jobs chan<- job) {
	interval := float64(time.Second) / r.o.Rate
	capN := int64(cap(jobs))
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for i := 0; r.o.Count == 0 || i < r.o.Count; i++ {
		at := time.Duration(float64(i) * interval)
		if r.o.Duration > 0 && at >= r.o.Duration {
			return
		}
		due := start.Add(at)
		if !r.waitUntil(ctx, timer, due) || r.allDead() {
			return
		}
		if r.rec.inFlight.Load() >= capN {
			r.rec.late.Add(1)
			continue
		}
		r.rec.inFlight.Add(1) // only this goroutine adds: the cap holds
		jobs <- job{i: i, due: due}
	}
}

// waitUntil sleeps until due (noting how late the scheduler is when it is
// already past); false when ctx ends first.
func (r *runner) waitUntil(ctx context.Context, timer *time.Timer, due time.Time) bool {
	if d := time.Until(due); d > 0 {
		timer.Reset(d)
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
		}
	}
	if behind := time.Since(due); behind > 0 {
		r.rec.noteBehind(behind)
	}
	return ctx.Err() == nil
}

// openWorker sends the jobs it receives; once ctx has ended it drops them
// unsent (and uncounted).
func (r *runner) openWorker(ctx context.Context, id int, jobs <-chan job) {
	f := r.src()
	var req, resp dialect.Message
	n := len(r.targets)
	for j := range jobs {
		if ctx.Err() == nil {
			r.one(ctx, f, id, j.i, j.i%n, j.due, &req, &resp)
		}
		r.rec.inFlight.Add(-1)
	}
}
