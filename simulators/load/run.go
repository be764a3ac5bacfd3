package load

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/dialect"
)

// Option errors.
var (
	ErrNoClients = errors.New("load: no clients")
	ErrNoLimit   = errors.New("load: neither Count nor Duration set")
	ErrNegative  = errors.New("load: negative Count, Duration, InFlight or Timeout")
)

// Options describes a load run.
type Options struct {
	Clients  []*acquirer.Client // requests are spread over them round-robin
	InFlight int                // concurrent requests kept in flight; <= 0 means 1
	Count    int                // total requests; 0 = until Duration
	Duration time.Duration      // stop starting requests after this long; 0 = until Count
	Timeout  time.Duration      // per-request limit; 0 = none (only ctx)
	Build    func(i int, m *dialect.Message)
	// Build fills request i (0-based) into a reset message; nil means
	// DefaultBuild. It is called concurrently from InFlight goroutines.
}

// Run sends requests as o describes and waits for the ones in flight. It
// returns the result so far and ctx.Err() when ctx ends first. A worker that
// meets a closed connection stops (its failure counts in Errors).
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.check(); err != nil {
		return Result{}, err
	}
	r := newRunner(o)
	start := time.Now()
	var wg sync.WaitGroup
	for range max(o.InFlight, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx, start)
		}()
	}
	wg.Wait()
	return r.result(time.Since(start)), ctx.Err()
}

func (o *Options) check() error {
	switch {
	case len(o.Clients) == 0:
		return ErrNoClients
	case o.Count < 0 || o.Duration < 0 || o.InFlight < 0 || o.Timeout < 0:
		return ErrNegative
	case o.Count == 0 && o.Duration == 0:
		return ErrNoLimit
	}
	return nil
}

// runner is the shared state of one Run.
type runner struct {
	o     Options
	build func(i int, m *dialect.Message)
	next  atomic.Int64
	hist  histogram

	mu        sync.Mutex
	sent      int
	completed int
	errs      int
	codes     map[[2]byte]int
}

func newRunner(o Options) *runner {
	b := o.Build
	if b == nil {
		b = DefaultBuild()
	}
	return &runner{o: o, build: b, codes: make(map[[2]byte]int)}
}

// tally is one worker's counts, merged into the runner at the end.
type tally struct {
	sent, completed, errs int
	codes                 map[[2]byte]int
}

// work sends requests until the run's limit is reached.
func (r *runner) work(ctx context.Context, start time.Time) {
	var req, resp dialect.Message
	t := tally{codes: make(map[[2]byte]int)}
	defer r.merge(&t)
	n := len(r.o.Clients)
	for ctx.Err() == nil {
		i := int(r.next.Add(1) - 1)
		if (r.o.Count > 0 && i >= r.o.Count) || (r.o.Duration > 0 && time.Since(start) >= r.o.Duration) {
			return
		}
		req.Reset()
		r.build(i, &req)
		t.sent++
		begin := time.Now()
		err := r.do(ctx, r.o.Clients[i%n], &req, &resp)
		if err != nil {
			t.errs++
			if errors.Is(err, acquirer.ErrClosed) {
				return
			}
			continue
		}
		r.hist.record(time.Since(begin))
		t.completed++
		var code [2]byte
		copy(code[:], resp.Field(39))
		t.codes[code]++
	}
}

func (r *runner) do(ctx context.Context, c *acquirer.Client, req, resp *dialect.Message) error {
	if r.o.Timeout <= 0 {
		return c.Do(ctx, req, resp)
	}
	rctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	return c.Do(rctx, req, resp)
}

func (r *runner) merge(t *tally) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent += t.sent
	r.completed += t.completed
	r.errs += t.errs
	for k, v := range t.codes {
		r.codes[k] += v
	}
}

func (r *runner) result(elapsed time.Duration) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := Result{
		Sent:      r.sent,
		Completed: r.completed,
		Errors:    r.errs,
		ByCode:    make(map[string]int, len(r.codes)),
		Elapsed:   elapsed,
	}
	for k, v := range r.codes {
		res.ByCode[codeString(k)] += v
	}
	if elapsed > 0 {
		res.PerSecond = float64(r.completed) / elapsed.Seconds()
	}
	q := r.hist.quantiles(0.50, 0.90, 0.99)
	res.P50, res.P90, res.P99 = q[0], q[1], q[2]
	res.Max = time.Duration(r.hist.max.Load())
	return res
}

// codeString renders a response code; a missing or short field 39 shows
// as "--" rather than NUL bytes.
func codeString(k [2]byte) string {
	for i, c := range k {
		if c == 0 {
			k[i] = '-'
		}
	}
	return string(k[:])
}
