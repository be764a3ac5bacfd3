package load

import (
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range and precision: 1 µs to 10 minutes in nanoseconds, three
// significant digits (0.1% relative error), about 180 KiB per histogram.
const (
	histLowest  = int64(time.Microsecond)
	histHighest = int64(10 * time.Minute)
	histDigits  = 3
	numShards   = 16 // workers share histograms by index modulo numShards
)

// newHist returns an empty latency histogram.
func newHist() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histDigits)
}

// typeTally counts the requests of one type.
type typeTally struct{ sent, completed, approved int64 }

// shard is one part of the run's statistics, guarded by its own mutex so
// workers rarely contend; the critical sections are a few stores.
type shard struct {
	mu        sync.Mutex
	hist      *hdrhistogram.Histogram
	sent      int64
	completed int64
	errs      [numKinds]int64
	codes     map[[2]byte]int64
	types     [numTypes]typeTally
}

// recorder holds the statistics of one run.
type recorder struct {
	shards   [numShards]shard
	late     atomic.Int64 // open loop: requests not sent (cap full)
	behind   atomic.Int64 // open loop: largest lag of a send behind its intended time, ns
	inFlight atomic.Int64
}

func newRecorder() *recorder {
	r := &recorder{}
	for i := range r.shards {
		r.shards[i].hist = newHist()
		r.shards[i].codes = make(map[[2]byte]int64)
	}
	return r
}

// ok records a response: its latency, response code and type.
func (r *recorder) ok(worker int, t Type, lat time.Duration, code [2]byte) {
	v := min(max(int64(lat), 0), histHighest)
	s := &r.shards[worker%numShards]
	s.mu.Lock()
	_ = s.hist.RecordValue(v) // in range by construction
	s.sent++
	s.completed++
	s.codes[code]++
	tt := &s.types[t]
	tt.sent++
	tt.completed++
	if code == [2]byte{'0', '0'} {
		tt.approved++
	}
	s.mu.Unlock()
}

// fail records a request sent without a usable response.
func (r *recorder) fail(worker int, t Type, k errKind) {
	s := &r.shards[worker%numShards]
	s.mu.Lock()
	s.sent++
	s.errs[k]++
	s.types[t].sent++
	s.mu.Unlock()
}

// noteBehind keeps the largest scheduling lag seen.
func (r *recorder) noteBehind(d time.Duration) {
	for {
		old := r.behind.Load()
		if int64(d) <= old || r.behind.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// totals is a merged view of the shards.
type totals struct {
	hist      *hdrhistogram.Histogram
	sent      int64
	completed int64
	errs      [numKinds]int64
	codes     map[[2]byte]int64
	types     [numTypes]typeTally
}

// merge sums the shards into one view (a fresh histogram each call: used
// once a second by progress and once at the end).
func (r *recorder) merge() totals {
	t := totals{hist: newHist(), codes: make(map[[2]byte]int64)}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		t.hist.Merge(s.hist)
		t.sent += s.sent
		t.completed += s.completed
		for k, v := range s.errs {
			t.errs[k] += v
		}
		for k, v := range s.codes {
			t.codes[k] += v
		}
		for k, v := range s.types {
			t.types[k].sent += v.sent
			t.types[k].completed += v.completed
			t.types[k].approved += v.approved
		}
		s.mu.Unlock()
	}
	t.errs[kindLate] = r.late.Load()
	return t
}

// errors returns the requests sent without a response (late ones excluded:
// they were never sent).
func (t *totals) errors() int64 {
	var n int64
	for k, v := range t.errs {
		if errKind(k) != kindLate {
			n += v
		}
	}
	return n
}
