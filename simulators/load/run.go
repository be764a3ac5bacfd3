package load

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/acquirer"
)

// Option errors.
var (
	ErrNoClients  = errors.New("load: no clients")
	ErrNoLimit    = errors.New("load: neither Count nor Duration set")
	ErrNegative   = errors.New("load: negative Count, Duration, InFlight, Timeout or Rate")
	ErrTwoSources = errors.New("load: both Build and Generator set")
)

// Options describes a load run.
type Options struct {
	Clients []*acquirer.Client // connections; requests are spread over them round-robin
	Targets []Target           // more connections (after Clients), e.g. fakes in tests
	// InFlight is, in the closed loop, the number of requests kept in
	// flight; in the open loop the cap on requests in flight (a request
	// whose time comes while the cap is full is not sent and counts as
	// late). <= 0 means 1.
	InFlight int
	// Rate, when > 0, selects the open loop: request i is due at
	// start + i/Rate seconds whatever the responses do, on connection
	// i mod len(connections), and its latency runs from that intended
	// time, so a stalled peer cannot hide its delay (no coordinated
	// omission). 0 is the closed loop: InFlight workers each send a request
	// as soon as their previous one is answered.
	Rate     float64
	Count    int           // total requests; 0 = until Duration
	Duration time.Duration // stop starting requests after this long; 0 = until Count
	Timeout  time.Duration // per-request limit; 0 = none (only ctx)
	// Build fills request i (0-based) into a reset message; nil means
	// DefaultBuild unless Generator is set. It is called concurrently from
	// many goroutines. Its requests count as type "sample".
	Build func(i int, m *dialect.Message)
	// Generator builds the requests of a transaction mix (NewGenerator);
	// its connection list must be these connections in the same order.
	Generator *Generator
	// Progress, when set, is called every ProgressEvery (default 1 s)
	// during the run from one goroutine.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Run sends requests as o describes and waits for the ones in flight. It
// returns the result so far and ctx.Err() when ctx ends first. In the
// closed loop a worker that meets a closed connection stops; in the open
// loop the schedule stops once every connection has closed.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.check(); err != nil {
		return Result{}, err
	}
	r := newRunner(o)
	cpu0 := cpuTime()
	start := time.Now()
	stop := r.startProgress(start)
	if o.Rate > 0 {
		r.open(ctx, start)
	} else {
		r.closed(ctx, start)
	}
	elapsed := time.Since(start)
	stop()
	t := r.rec.merge()
	res := t.result(elapsed)
	res.Mode = "closed"
	if o.Rate > 0 {
		res.Mode, res.IntendedRate = "open", o.Rate
		res.MaxBehind = time.Duration(r.rec.behind.Load())
	}
	if cpu := cpuTime() - cpu0; cpu > 0 && res.Sent > 0 {
		res.CPUPerRequest = cpu / time.Duration(res.Sent)
	}
	return res, ctx.Err()
}

func (o *Options) check() error {
	switch {
	case len(o.Clients)+len(o.Targets) == 0:
		return ErrNoClients
	case o.Count < 0 || o.Duration < 0 || o.InFlight < 0 || o.Timeout < 0 || o.Rate < 0:
		return ErrNegative
	case o.Count == 0 && o.Duration == 0:
		return ErrNoLimit
	case o.Build != nil && o.Generator != nil:
		return ErrTwoSources
	}
	return nil
}

// runner is the shared state of one Run.
type runner struct {
	o       Options
	targets []Target
	src     func() filler // a filler per worker
	next    atomic.Int64
	dead    []atomic.Bool // per connection: closed
	nDead   atomic.Int64
	rec     *recorder
}

func newRunner(o Options) *runner {
	targets := make([]Target, 0, len(o.Clients)+len(o.Targets))
	for _, c := range o.Clients {
		targets = append(targets, c)
	}
	targets = append(targets, o.Targets...)
	r := &runner{o: o, targets: targets, dead: make([]atomic.Bool, len(targets)), rec: newRecorder()}
	switch {
	case o.Generator != nil:
		r.src = func() filler { return o.Generator.newWorker() }
	case o.Build != nil:
		r.src = func() filler { return buildFiller(o.Build) }
	default:
		b := DefaultBuild()
		r.src = func() filler { return buildFiller(b) }
	}
	return r
}

// closed runs the closed loop: InFlight workers, each one request at a time.
func (r *runner) closed(ctx context.Context, start time.Time) {
	var wg sync.WaitGroup
	for w := range max(r.o.InFlight, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.closedWorker(ctx, w, start)
		}()
	}
	wg.Wait()
}

// closedWorker sends requests until the run's limit is reached.
func (r *runner) closedWorker(ctx context.Context, id int, start time.Time) {
	f := r.src()
	var req, resp dialect.Message
	n := len(r.targets)
	for ctx.Err() == nil {
		i := int(r.next.Add(1) - 1)
		if (r.o.Count > 0 && i >= r.o.Count) || (r.o.Duration > 0 && time.Since(start) >= r.o.Duration) {
			return
		}
		if !r.one(ctx, f, id, i, i%n, time.Time{}, &req, &resp) {
			return
		}
	}
}

// one builds, sends and records request i on connection conn; its latency
// runs from due, or from the moment it is handed to the connection when due
// is zero. It returns false when the connection has closed.
func (r *runner) one(ctx context.Context, f filler, worker, i, conn int, due time.Time, req, resp *dialect.Message) bool {
	req.Reset()
	var info reqInfo
	if err := f.fill(ctx, i, conn, req, &info); err != nil {
		r.rec.fail(worker, info.typ, kindSend)
		return true
	}
	if due.IsZero() {
		due = time.Now()
	}
	err := r.do(ctx, r.targets[conn], req, resp)
	if err != nil {
		k := classify(ctx, err)
		r.rec.fail(worker, info.typ, k)
		if k == kindDisconnect {
			r.markDead(conn)
			return false
		}
		return true
	}
	var code [2]byte
	copy(code[:], resp.Field(39))
	r.rec.ok(worker, info.typ, time.Since(due), code)
	f.done(conn, &info, code)
	return true
}

func (r *runner) do(ctx context.Context, t Target, req, resp *dialect.Message) error {
	if r.o.Timeout <= 0 {
		return t.Do(ctx, req, resp)
	}
	rctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	return t.Do(rctx, req, resp)
}

// classify names the kind of a failed request.
func classify(ctx context.Context, err error) errKind {
	var macErr *acquirer.MACError
	switch {
	case errors.Is(err, acquirer.ErrClosed):
		return kindDisconnect
	case errors.As(err, &macErr):
		return kindBadMAC
	case ctx.Err() != nil:
		return kindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return kindTimeout
	}
	return kindSend
}

func (r *runner) markDead(conn int) {
	if r.dead[conn].CompareAndSwap(false, true) {
		r.nDead.Add(1)
	}
}

func (r *runner) allDead() bool { return int(r.nDead.Load()) == len(r.targets) }

// reqInfo describes a request for the bookkeeping after its response.
type reqInfo struct {
	typ  Type
	orig original // what a later reversal of it needs (Generator only)
}

// filler builds requests for one worker (it need not be safe for
// concurrent use) and learns their outcome.
type filler interface {
	fill(ctx context.Context, i, conn int, m *dialect.Message, info *reqInfo) error
	done(conn int, info *reqInfo, code [2]byte)
}

// buildFiller adapts a Build function.
type buildFiller func(i int, m *dialect.Message)

func (b buildFiller) fill(_ context.Context, i, _ int, m *dialect.Message, info *reqInfo) error {
	b(i, m)
	info.typ = TypeSample
	return nil
}

func (buildFiller) done(int, *reqInfo, [2]byte) {}
