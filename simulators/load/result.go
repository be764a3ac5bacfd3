package load

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Result summarises a Run. Durations marshal to JSON as nanoseconds.
type Result struct {
	Sent      int            `json:"sent"`      // requests handed to a client
	Completed int            `json:"completed"` // responses received (any response code)
	Errors    int            `json:"errors"`    // requests that got no response (timeout, closed connection, send error)
	ByCode    map[string]int `json:"by_code"`   // completed requests by field 39
	Elapsed   time.Duration  `json:"elapsed_ns"`
	PerSecond float64        `json:"per_second"` // Completed / Elapsed
	P50       time.Duration  `json:"p50_ns"`
	P90       time.Duration  `json:"p90_ns"`
	P99       time.Duration  `json:"p99_ns"`
	Max       time.Duration  `json:"max_ns"`
}

// String returns the result on one human-readable line.
func (r Result) String() string {
	codes := make([]string, 0, len(r.ByCode))
	for c := range r.ByCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%d", c, r.ByCode[c])
	}
	return fmt.Sprintf("sent=%d completed=%d errors=%d elapsed=%s rate=%.1f/s p50=%s p90=%s p99=%s max=%s codes=[%s]",
		r.Sent, r.Completed, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.P50, r.P90, r.P99, r.Max, b.String())
}
