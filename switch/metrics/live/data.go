package live

// Data is what /dashboard/data returns.
type Data struct {
	T            int64         `json:"t"`           // time of the last reading, Unix ms
	IntervalMS   int64         `json:"interval_ms"` // between samples
	Samples      []Sample      `json:"samples"`     // oldest first
	Institutions []Institution `json:"institutions"`
	Alerts       []Alert       `json:"alerts"` // newest first
}

// Sample is one interval of traffic. Rates are per second, latencies in
// seconds; a latency or approval rate is null when nothing was answered.
type Sample struct {
	T             int64              `json:"t"`   // end of the interval, Unix ms
	TPS           float64            `json:"tps"` // responses delivered per second
	ByInstitution map[string]float64 `json:"by_institution"`
	Approval      *float64           `json:"approval"` // share of code 00
	P50           *float64           `json:"p50"`
	P90           *float64           `json:"p90"`
	P99           *float64           `json:"p99"`
	InFlight      float64            `json:"in_flight"`
	Timeouts      float64            `json:"timeouts"` // per second
	SAFDepth      float64            `json:"saf_depth"`
}

// Institution is one institution's link status.
type Institution struct {
	ID       string         `json:"id"`
	SignedOn bool           `json:"signed_on"`
	Links    map[string]int `json:"links"` // by state, both directions
}

// Alert is something an operator should look at.
type Alert struct {
	T           int64  `json:"t"`    // Unix ms
	Kind        string `json:"kind"` // link_down, link_up, timeout_burst, saf_growing, journal_failure, mac_failure
	Institution string `json:"institution,omitempty"`
	Text        string `json:"text"`
}
