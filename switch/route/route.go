package route

import (
	"fmt"
	"slices"
	"time"
)

// Spec describes one route; see switch/config.Route for the meaning of each
// field. Empty MTIs means the default request MTIs (config.DefaultMTIs);
// empty ProcessingCodes means every processing code.
type Spec struct {
	Name, Issuer                           string
	BINs, Receiving, MTIs, ProcessingCodes []string
	Timeout                                time.Duration
}

// Route is one entry of a Table. It is immutable once built.
type Route struct {
	// Name is the route's unique name.
	Name string
	// Issuer is the issuing institution id.
	Issuer string
	// Timeout is how long the switch waits for the issuer's response.
	Timeout time.Duration
	// Index is the route's position 0..n-1 in its Table, for callers that
	// keep per-route arrays (metrics, counters).
	Index int

	mtis    []uint16  // allowed MTIs, sorted
	procAll bool      // no processing-code restriction
	procs   [2]uint64 // bit i set: processing code i (0..99) allowed
}

// AllowsMTI reports whether the route accepts a request with this MTI (4
// ASCII digits). A repeat (last digit 1, such as 0221) is accepted when the
// original (0220) is.
func (r *Route) AllowsMTI(mti []byte) bool {
	v, ok := digits(mti, 4)
	if !ok {
		return false
	}
	if r.hasMTI(uint16(v)) {
		return true
	}
	return v%10 == 1 && r.hasMTI(uint16(v-1))
}

func (r *Route) hasMTI(v uint16) bool {
	for _, m := range r.mtis {
		if m == v {
			return true
		}
	}
	return false
}

// AllowsProcessing reports whether the route accepts this processing code
// (field 3; only its first two digits, the transaction type, are used). A
// route without a processing-code list accepts every code, even an empty
// one; otherwise code must start with two ASCII digits on the list.
func (r *Route) AllowsProcessing(code []byte) bool {
	if r.procAll {
		return true
	}
	if len(code) < 2 {
		return false
	}
	v, ok := digits(code[:2], 2)
	return ok && r.procs[v/64]&(1<<(v%64)) != 0
}

// digits parses exactly n ASCII digits.
func digits(b []byte, n int) (int, bool) {
	if len(b) != n {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// newRoute builds a Route from a spec, checking the MTI and processing code
// lists. defaultMTIs is used when s.MTIs is empty.
func newRoute(s Spec, index int, defaultMTIs []string) (*Route, []string) {
	r := &Route{Name: s.Name, Issuer: s.Issuer, Timeout: s.Timeout, Index: index}
	var problems []string
	mtis := s.MTIs
	if len(mtis) == 0 {
		mtis = defaultMTIs
	}
	for _, m := range mtis {
		v, ok := digits([]byte(m), 4)
		if !ok {
			problems = append(problems, fmt.Sprintf("MTI %q is not 4 digits", m))
			continue
		}
		if !slices.Contains(r.mtis, uint16(v)) {
			r.mtis = append(r.mtis, uint16(v))
		}
	}
	slices.Sort(r.mtis)
	r.procAll = len(s.ProcessingCodes) == 0
	for _, p := range s.ProcessingCodes {
		v, ok := digits([]byte(p), 2)
		if !ok {
			problems = append(problems, fmt.Sprintf("processing code %q is not 2 digits", p))
			continue
		}
		r.procs[v/64] |= 1 << (v % 64)
	}
	return r, problems
}
