package live

import (
	"math"
	"sort"

	dto "github.com/prometheus/client_model/go"
)

// Metric names the sampler reads (switch/metrics defines them).
const (
	mResponses   = "hulian_switch_responses_total"
	mLatency     = "hulian_switch_request_duration_seconds"
	mTimeouts    = "hulian_switch_timeouts_total"
	mInFlight    = "hulian_switch_requests_in_flight"
	mSAFDepth    = "hulian_switch_saf_depth"
	mSignedOn    = "hulian_switch_signed_on"
	mLinks       = "hulian_switch_links"
	mCommitFails = "hulian_switch_journal_commit_failures_total"
	mMACFailures = "hulian_switch_mac_failures_total"
)

// bucket is one cumulative histogram bucket.
type bucket struct {
	upper float64
	count float64
}

// reading is the cumulative state of the metrics at one instant.
type reading struct {
	responses   map[string]float64 // by institution
	total       float64
	approved    float64 // code 00
	latency     []bucket
	timeouts    float64
	inFlight    float64
	safDepth    float64
	signedOn    map[string]bool
	links       map[string]map[string]int // institution -> state -> links (both directions)
	commitFails float64
	macFailures map[string]float64
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// value is a counter's or gauge's value.
func value(m *dto.Metric) float64 {
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetGauge().GetValue()
}

// read turns gathered families into a reading.
func read(families []*dto.MetricFamily) *reading {
	r := &reading{responses: map[string]float64{}, signedOn: map[string]bool{},
		links: map[string]map[string]int{}, macFailures: map[string]float64{}}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			r.add(f.GetName(), m)
		}
	}
	sort.Slice(r.latency, func(i, j int) bool { return r.latency[i].upper < r.latency[j].upper })
	return r
}

func (r *reading) add(name string, m *dto.Metric) {
	inst := label(m, "institution")
	switch name {
	case mResponses:
		v := value(m)
		r.responses[inst] += v
		r.total += v
		if label(m, "code") == "00" {
			r.approved += v
		}
	case mLatency:
		r.addBuckets(m.GetHistogram())
	case mTimeouts:
		r.timeouts += value(m)
	case mInFlight:
		r.inFlight += value(m)
	case mSAFDepth:
		r.safDepth += value(m)
	case mSignedOn:
		r.signedOn[inst] = value(m) > 0
	case mLinks:
		if r.links[inst] == nil {
			r.links[inst] = map[string]int{}
		}
		r.links[inst][label(m, "state")] += int(value(m))
	case mCommitFails:
		r.commitFails += value(m)
	case mMACFailures:
		r.macFailures[inst] += value(m)
	}
}

// addBuckets merges one route's histogram into the reading's buckets
// (every route has the same bounds); +Inf is the sample count.
func (r *reading) addBuckets(h *dto.Histogram) {
	for _, b := range h.GetBucket() {
		r.addBucket(b.GetUpperBound(), float64(b.GetCumulativeCount()))
	}
	r.addBucket(math.Inf(1), float64(h.GetSampleCount()))
}

func (r *reading) addBucket(upper, count float64) {
	for i := range r.latency {
		if r.latency[i].upper == upper {
			r.latency[i].count += count
			return
		}
	}
	r.latency = append(r.latency, bucket{upper, count})
}

// quantile interpolates the q-quantile of the observations between two
// readings' buckets (cumulative, sorted, ending with +Inf) linearly within
// its bucket, as PromQL's histogram_quantile does. ok is false without
// observations.
func quantile(q float64, cur, prev []bucket) (v float64, ok bool) {
	delta := func(i int) float64 {
		d := cur[i].count
		for _, p := range prev {
			if p.upper == cur[i].upper {
				d -= p.count
			}
		}
		return d
	}
	n := len(cur)
	if n == 0 || delta(n-1) <= 0 {
		return 0, false
	}
	rank := q * delta(n-1)
	lower, below := 0.0, 0.0
	for i := range cur {
		c := delta(i)
		if c >= rank {
			if math.IsInf(cur[i].upper, 1) {
				return lower, true // beyond the last finite bound
			}
			if c == below {
				return cur[i].upper, true
			}
			return lower + (cur[i].upper-lower)*(rank-below)/(c-below), true
		}
		lower, below = cur[i].upper, c
	}
	return lower, true
}
