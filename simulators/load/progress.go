package load

import (
	"sync"
	"time"
)

// defaultProgressEvery is the progress period when Options.ProgressEvery is 0.
const defaultProgressEvery = time.Second

// Progress is a snapshot of a run in progress (Options.Progress).
type Progress struct {
	Elapsed   time.Duration
	Done      int           // requests finished: answered or failed
	Completed int           // answered
	Errors    int           // failed (late ones not included)
	Late      int           // open loop: not sent, in-flight cap full
	InFlight  int           // open loop: queued or sent, not yet answered
	Rate      float64       // answers per second since the previous report
	P99       time.Duration // latency so far
}

// startProgress starts the progress reporter when Options.Progress is set;
// the returned function stops it and waits for it.
func (r *runner) startProgress(start time.Time) (stop func()) {
	if r.o.Progress == nil {
		return func() {}
	}
	every := r.o.ProgressEvery
	if every <= 0 {
		every = defaultProgressEvery
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		var prevDone int64
		prevAt := start
		for {
			select {
			case <-quit:
				return
			case now := <-tick.C:
				p := r.progress(now.Sub(start))
				p.Rate = float64(int64(p.Completed)-prevDone) / now.Sub(prevAt).Seconds()
				prevDone, prevAt = int64(p.Completed), now
				r.o.Progress(p)
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

func (r *runner) progress(elapsed time.Duration) Progress {
	t := r.rec.merge()
	return Progress{
		Elapsed:   elapsed,
		Done:      int(t.sent),
		Completed: int(t.completed),
		Errors:    int(t.errors()),
		Late:      int(t.errs[kindLate]),
		InFlight:  int(r.rec.inFlight.Load()),
		P99:       time.Duration(t.hist.ValueAtQuantile(99)),
	}
}
