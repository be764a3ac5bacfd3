package load

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Result summarises a Run. Durations marshal to JSON as nanoseconds. The
// keys of the first block are those of the first load generator (scripts
// such as .ci/bench-switch parse them); the others were added with the open
// loop and the mix.
type Result struct {
	Sent      int            `json:"sent"`      // requests handed to a connection
	Completed int            `json:"completed"` // responses received (any response code)
	Errors    int            `json:"errors"`    // requests sent that got no usable response (late ones not included)
	ByCode    map[string]int `json:"by_code"`   // completed requests by field 39
	Elapsed   time.Duration  `json:"elapsed_ns"`
	PerSecond float64        `json:"per_second"` // Completed / Elapsed
	P50       time.Duration  `json:"p50_ns"`
	P90       time.Duration  `json:"p90_ns"`
	P99       time.Duration  `json:"p99_ns"`
	Max       time.Duration  `json:"max_ns"`

	Mode         string  `json:"mode"`          // "closed" (fixed in flight) or "open" (fixed arrival rate)
	IntendedRate float64 `json:"intended_rate"` // open loop: Options.Rate; closed loop: 0
	AchievedRate float64 `json:"achieved_rate"` // requests sent per second of the run
	// Late counts the open loop's requests that were not sent because the
	// in-flight cap was full at their intended time (also in ErrorsByKind).
	Late         int                  `json:"late"`
	P999         time.Duration        `json:"p999_ns"`
	Min          time.Duration        `json:"min_ns"`
	Mean         time.Duration        `json:"mean_ns"`
	ErrorsByKind map[string]int       `json:"errors_by_kind"` // timeout, disconnect, send, bad_mac, canceled, late
	ByType       map[string]TypeCount `json:"by_type"`        // per transaction type
	// MaxBehind is, in the open loop, the largest delay between a request's
	// intended send time and the moment the scheduler handed it over: when
	// it grows, the generator itself is the bottleneck.
	MaxBehind time.Duration `json:"max_behind_ns"`
	// CPUPerRequest is the process's user + system CPU time during the run
	// divided by the requests sent (0 where the platform has no getrusage).
	// It includes anything else running in the process.
	CPUPerRequest time.Duration `json:"cpu_ns_per_request"`
}

// TypeCount counts the requests of one transaction type.
type TypeCount struct {
	Sent      int `json:"sent"`
	Completed int `json:"completed"`
	Approved  int `json:"approved"` // completed with response code 00
}

// String returns the result on one human-readable line.
func (r Result) String() string {
	return fmt.Sprintf("sent=%d completed=%d errors=%d late=%d elapsed=%s rate=%.1f/s p50=%s p90=%s p99=%s p99.9=%s max=%s codes=[%s]",
		r.Sent, r.Completed, r.Errors, r.Late, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.P50, r.P90, r.P99, r.P999, r.Max, joinCounts(r.ByCode))
}

// WriteSummary writes the result for people: the String line, then rates,
// latencies, errors by kind and counts by type, one topic a line.
func (r Result) WriteSummary(w io.Writer) error {
	rate := fmt.Sprintf("rate: achieved %.1f/s sent, %.1f/s completed", r.AchievedRate, r.PerSecond)
	if r.Mode == "open" {
		rate += fmt.Sprintf(", intended %.1f/s; scheduler max behind %s", r.IntendedRate, r.MaxBehind)
	}
	errs := make(map[string]int, len(r.ErrorsByKind))
	for k, v := range r.ErrorsByKind {
		if v != 0 {
			errs[k] = v
		}
	}
	types := make(map[string]int, len(r.ByType))
	for k, v := range r.ByType {
		types[k] = v.Sent
	}
	_, err := fmt.Fprintf(w, "%s\nmode: %s\n%s\nlatency: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (min %s, mean %s)\nerrors: [%s]\ntypes sent: [%s]\ngenerator CPU: %s per request\n",
		r.String(), r.Mode, rate, r.P50, r.P90, r.P99, r.P999, r.Max, r.Min, r.Mean,
		joinCounts(errs), joinCounts(types), r.CPUPerRequest)
	return err
}

// joinCounts renders a map as "k:v,k:v" sorted by key.
func joinCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%d", k, m[k])
	}
	return b.String()
}

// result builds the Result of a run from its merged totals.
func (t *totals) result(elapsed time.Duration) Result {
	res := Result{
		Sent:         int(t.sent),
		Completed:    int(t.completed),
		Errors:       int(t.errors()),
		Late:         int(t.errs[kindLate]),
		ByCode:       make(map[string]int, len(t.codes)),
		ErrorsByKind: make(map[string]int, numKinds),
		ByType:       make(map[string]TypeCount),
		Elapsed:      elapsed,
	}
	for k, v := range t.codes {
		res.ByCode[codeString(k)] += int(v)
	}
	for k, n := range kindNames() {
		res.ErrorsByKind[n] = int(t.errs[k])
	}
	for k, v := range t.types {
		if v.sent > 0 {
			res.ByType[Type(k).String()] = TypeCount{Sent: int(v.sent), Completed: int(v.completed), Approved: int(v.approved)}
		}
	}
	if elapsed > 0 {
		res.PerSecond = float64(t.completed) / elapsed.Seconds()
		res.AchievedRate = float64(t.sent) / elapsed.Seconds()
	}
	if t.hist.TotalCount() > 0 {
		q := func(p float64) time.Duration { return time.Duration(t.hist.ValueAtQuantile(p)) }
		res.P50, res.P90, res.P99, res.P999 = q(50), q(90), q(99), q(99.9)
		res.Max = time.Duration(t.hist.Max())
		res.Min = time.Duration(t.hist.Min())
		res.Mean = time.Duration(t.hist.Mean())
	}
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
