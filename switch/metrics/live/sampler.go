package live

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ErrNoGatherer is returned by New without a Gatherer.
var ErrNoGatherer = errors.New("live: no gatherer")

// Options tune a Sampler; zero values take the defaults.
type Options struct {
	Interval     time.Duration // between samples; default 1 s
	Keep         int           // samples kept; default 600 (ten minutes at 1 s)
	TimeoutBurst float64       // timeouts in one sample that raise an alert; default 5
	SAFGrowth    int           // samples over which a steadily growing SAF depth raises an alert; default 10
	MaxAlerts    int           // recent alerts kept; default 50
}

func (o *Options) defaults() {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Keep <= 0 {
		o.Keep = 600
	}
	if o.TimeoutBurst <= 0 {
		o.TimeoutBurst = 5
	}
	if o.SAFGrowth <= 0 {
		o.SAFGrowth = 10
	}
	if o.MaxAlerts <= 0 {
		o.MaxAlerts = 50
	}
}

// Sampler turns a Gatherer's metrics into a ring of per-second samples.
// Its methods are safe for concurrent use.
type Sampler struct {
	g prometheus.Gatherer
	o Options

	mu      sync.Mutex
	prev    *reading
	prevAt  time.Time
	ring    []Sample // ring buffer of o.Keep samples
	next    int      // where the next sample goes
	full    bool
	alerts  []Alert
	lastSAF int // samples in a row with the SAF depth growing
}

// New returns a sampler of g.
func New(g prometheus.Gatherer, o Options) (*Sampler, error) {
	if g == nil {
		return nil, ErrNoGatherer
	}
	o.defaults()
	return &Sampler{g: g, o: o, ring: make([]Sample, o.Keep)}, nil
}

// Run records a sample every Interval until ctx ends.
func (s *Sampler) Run(ctx context.Context) {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	_ = s.Record(time.Now())
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			_ = s.Record(now)
		}
	}
}

// Record gathers the metrics and, from the second call on, appends the
// sample of the interval since the previous call.
func (s *Sampler) Record(now time.Time) error {
	families, err := s.g.Gather()
	if err != nil {
		return fmt.Errorf("live: gathering metrics: %w", err)
	}
	cur := read(families)
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, prevAt := s.prev, s.prevAt
	s.prev, s.prevAt = cur, now
	if prev == nil || !now.After(prevAt) {
		return nil
	}
	smp := sample(cur, prev, now, now.Sub(prevAt).Seconds())
	s.alert(cur, prev, smp)
	s.ring[s.next] = smp
	s.next = (s.next + 1) % len(s.ring)
	s.full = s.full || s.next == 0
	return nil
}

// sample computes one sample from two readings dt seconds apart.
func sample(cur, prev *reading, now time.Time, dt float64) Sample {
	smp := Sample{T: now.UnixMilli(), ByInstitution: make(map[string]float64, len(cur.responses)),
		InFlight: cur.inFlight, SAFDepth: cur.safDepth}
	n := cur.total - prev.total
	smp.TPS = round(n / dt)
	for id, v := range cur.responses {
		smp.ByInstitution[id] = round((v - prev.responses[id]) / dt)
	}
	if n > 0 {
		a := round((cur.approved - prev.approved) / n)
		smp.Approval = &a
	}
	smp.Timeouts = round((cur.timeouts - prev.timeouts) / dt)
	for _, q := range []struct {
		q   float64
		dst **float64
	}{{0.5, &smp.P50}, {0.9, &smp.P90}, {0.99, &smp.P99}} {
		if v, ok := quantile(q.q, cur.latency, prev.latency); ok {
			*q.dst = &v
		}
	}
	return smp
}

// round keeps three decimals, so that JSON and the page show the same number.
func round(v float64) float64 {
	if v < 0 {
		return 0 // a counter reset (restart) is not negative traffic
	}
	return float64(int64(v*1000+0.5)) / 1000
}

// samples returns the ring oldest first; s.mu is held.
func (s *Sampler) samples() []Sample {
	if !s.full {
		return append([]Sample(nil), s.ring[:s.next]...)
	}
	return append(append([]Sample(nil), s.ring[s.next:]...), s.ring[:s.next]...)
}

// Data returns the dashboard's JSON: the samples, each institution's links
// and sign-on state, and the recent alerts (newest first).
func (s *Sampler) Data() Data {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := Data{IntervalMS: s.o.Interval.Milliseconds(), Samples: s.samples(), Alerts: make([]Alert, 0, len(s.alerts))}
	for i := len(s.alerts) - 1; i >= 0; i-- {
		d.Alerts = append(d.Alerts, s.alerts[i])
	}
	if !s.prevAt.IsZero() {
		d.T = s.prevAt.UnixMilli()
	}
	if s.prev != nil {
		d.Institutions = institutions(s.prev)
	}
	return d
}

// institutions lists the institutions of a reading by id.
func institutions(r *reading) []Institution {
	ids := make(map[string]bool)
	for id := range r.links {
		ids[id] = true
	}
	for id := range r.signedOn {
		ids[id] = true
	}
	out := make([]Institution, 0, len(ids))
	for id := range ids {
		if id == "" || id == "unknown" {
			continue
		}
		out = append(out, Institution{ID: id, SignedOn: r.signedOn[id], Links: r.links[id]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
