package metrics

// Kind says what a query's values are, so that a dashboard picks the unit
// and a test knows which values are plausible.
type Kind uint8

// Kinds of query results.
const (
	KindRate    Kind = iota // events per second, >= 0
	KindRatio               // a fraction in 0..1
	KindSeconds             // a duration in seconds, > 0
	KindCount               // a number of things (queue depth, links), >= 0
	KindBool                // 0 or 1
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindRate:
		return "rate"
	case KindRatio:
		return "ratio"
	case KindSeconds:
		return "seconds"
	case KindCount:
		return "count"
	case KindBool:
		return "bool"
	}
	return "unknown"
}

// Query is one panel of the switch's dashboards: a PromQL expression over
// the metrics of this package and what it means.
type Query struct {
	Name    string // stable identifier (snake_case)
	Title   string // panel title
	PromQL  string // the expression, exactly as the Grafana dashboard holds it
	Legend  string // Grafana legend format ("{{institution}}"), "" for one series
	Meaning string // what the value tells an operator
	Kind    Kind
}

// rateWindow is the range of every rate(): four scrapes at a 15 s scrape
// interval, the usual minimum for a stable rate.
const rateWindow = "[1m]"

// Queries returns every query of the dashboards, in panel order. The Grafana
// dashboard (grafana/hulian-switch.json) holds exactly these expressions; a
// test checks it, and another runs each one against a real Prometheus.
func Queries() []Query {
	return []Query{
		{"throughput_total", "Throughput (all institutions)",
			"sum(rate(hulian_switch_responses_total" + rateWindow + "))", "",
			"Responses delivered to acquirers per second: the switch's transaction rate.", KindRate},
		{"throughput_by_institution", "Throughput by acquiring institution",
			"sum by (institution) (rate(hulian_switch_responses_total" + rateWindow + "))", "{{institution}}",
			"Responses delivered per second to each acquiring institution.", KindRate},
		{"requests_by_mti_class", "Requests by MTI class",
			"sum by (mti_class) (rate(hulian_switch_requests_total" + rateWindow + "))", "{{mti_class}}",
			"Requests received per second, by message class (authorization, financial, reversal...).", KindRate},
		{"approval_rate", "Approval rate",
			"sum(rate(hulian_switch_responses_total{code=\"00\"}" + rateWindow + ")) / sum(rate(hulian_switch_responses_total" + rateWindow + "))", "",
			"Share of responses with code 00. A drop means declines, issuer trouble or switch rejections.", KindRatio},
		{"responses_by_code", "Responses by code",
			"sum by (code) (rate(hulian_switch_responses_total" + rateWindow + "))", "{{code}}",
			"Responses per second by field 39 (91: issuer down or late, 96: system malfunction...).", KindRate},
		{"latency_p50_by_route", "Latency p50 by route",
			"histogram_quantile(0.5, sum by (route, le) (rate(hulian_switch_request_duration_seconds_bucket" + rateWindow + ")))", "{{route}}",
			"Median time from a request's arrival to its response, per route.", KindSeconds},
		{"latency_p99_by_route", "Latency p99 by route",
			"histogram_quantile(0.99, sum by (route, le) (rate(hulian_switch_request_duration_seconds_bucket" + rateWindow + ")))", "{{route}}",
			"99th percentile of the time from a request's arrival to its response, per route.", KindSeconds},
		{"in_flight_by_institution", "Requests in flight by issuer",
			"sum by (institution) (hulian_switch_requests_in_flight)", "{{institution}}",
			"Requests forwarded to each issuer and not yet answered.", KindCount},
		{"timeouts_by_route", "Issuer timeouts by route",
			"sum by (route) (rate(hulian_switch_timeouts_total" + rateWindow + "))", "{{route}}",
			"Requests per second the issuer did not answer in time (answered 91 by the switch).", KindRate},
		{"reversals_queued", "Reversals queued by issuer",
			"sum by (institution) (rate(hulian_switch_reversals_queued_total" + rateWindow + "))", "{{institution}}",
			"Reversal advices per second queued for each issuer through store-and-forward.", KindRate},
		{"reversals_acknowledged", "Reversals acknowledged by issuer",
			"sum by (institution) (rate(hulian_switch_reversals_acknowledged_total" + rateWindow + "))", "{{institution}}",
			"Reversal advices per second each issuer acknowledged; below 'queued' the queue grows.", KindRate},
		{"saf_depth", "Store-and-forward depth",
			"max(hulian_switch_saf_depth)", "",
			"Advices and reversals waiting to be delivered. Steady growth: an issuer is not acknowledging.", KindCount},
		{"links_by_state", "Links by institution and state",
			"sum by (institution, state) (hulian_switch_links)", "{{institution}} {{state}}",
			"Connections of each institution by state (connected, signed_on, signed_off).", KindCount},
		{"signed_on", "Sign-on state",
			"max by (institution) (hulian_switch_signed_on)", "{{institution}}",
			"1 while the institution has a signed-on link; 0 means it cannot send or receive transactions.", KindBool},
		{"mac_failures", "MAC failures by institution",
			"sum by (institution) (rate(hulian_switch_mac_failures_total" + rateWindow + "))", "{{institution}}",
			"Messages per second with a missing or wrong MAC: a key out of step or tampering.", KindRate},
		{"journal_commit_p99", "Journal commit latency p99",
			"histogram_quantile(0.99, sum by (le) (rate(hulian_switch_journal_commit_duration_seconds_bucket" + rateWindow + ")))", "",
			"99th percentile of one journal group commit: every transaction waits for one.", KindSeconds},
		{"journal_writes", "Journal writes",
			"sum(rate(hulian_switch_journal_writes_total" + rateWindow + "))", "",
			"Writes made durable per second.", KindRate},
		{"journal_commit_failures", "Journal commit failures",
			"sum(rate(hulian_switch_journal_commit_failures_total" + rateWindow + "))", "",
			"Failed group commits per second: anything above 0 needs attention.", KindRate},
	}
}
