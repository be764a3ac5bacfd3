package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	namespace = "hulian"
	subsystem = "switch"
)

// Metrics holds every metric the switch exports.
type Metrics struct {
	requests     *prometheus.CounterVec
	responses    *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	inFlight     *prometheus.GaugeVec
	links        *prometheus.GaugeVec
	timeouts     *prometheus.CounterVec
	unmatched    *prometheus.CounterVec
	formatErrors *prometheus.CounterVec
	backpressure *prometheus.CounterVec
	ownAnswers   *prometheus.CounterVec
	disconnects  *prometheus.CounterVec
	undelivered  *prometheus.CounterVec
	spoofed      *prometheus.CounterVec
	macFailures  *prometheus.CounterVec
	keyExchanges *prometheus.CounterVec
	signedOn     *prometheus.GaugeVec
	revQueued    *prometheus.CounterVec
	revAcked     *prometheus.CounterVec
	safDepth     prometheus.Gauge
	commit       prometheus.Histogram
	commitWrites prometheus.Counter
	commitFails  prometheus.Counter

	mu       sync.Mutex
	insts    map[string]*Institution
	routes   map[string]*Route
	signedIn map[string]*[2]int // signed-on links by institution, per direction
}

// New creates the metrics and registers them with reg.
func New(reg prometheus.Registerer) (*Metrics, error) {
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts(opts("requests_total",
			"Requests received from institutions, by institution and MTI class.")), []string{"institution", "mti_class"}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts(opts("responses_total",
			"Responses delivered to institutions, by institution and response code.")), []string{"institution", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "request_duration_seconds",
			Help:    "Time from a request's arrival to its response being queued to the acquirer, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts(opts("requests_in_flight",
			"Requests forwarded to an issuing institution and not yet answered.")), []string{"institution"}),
		links: prometheus.NewGaugeVec(prometheus.GaugeOpts(opts("links",
			"Connections to or from an institution, by state.")), []string{"institution", "direction", "state"}),
		timeouts: prometheus.NewCounterVec(prometheus.CounterOpts(opts("timeouts_total",
			"Requests the issuer did not answer in time, by route.")), []string{"route"}),
		unmatched: prometheus.NewCounterVec(prometheus.CounterOpts(opts("unmatched_responses_total",
			"Responses that matched no request in flight (late, duplicate or unknown), by institution.")), []string{"institution"}),
		formatErrors: prometheus.NewCounterVec(prometheus.CounterOpts(opts("format_errors_total",
			"Messages that violated the dialect, by institution ('unknown' before sign-on).")), []string{"institution"}),
		backpressure: prometheus.NewCounterVec(prometheus.CounterOpts(opts("backpressure_total",
			"Requests refused with 91 because an in-flight limit was reached, by institution.")), []string{"institution"}),
		ownAnswers: prometheus.NewCounterVec(prometheus.CounterOpts(opts("own_answers_total",
			"Responses the switch made itself instead of passing on an issuer's, by institution ('unknown' before sign-on), response code and reason.")),
			[]string{"institution", "code", "reason"}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts(opts("disconnects_total",
			"Connections closed, by institution and reason.")), []string{"institution", "reason"}),
		undelivered: prometheus.NewCounterVec(prometheus.CounterOpts(opts("undelivered_responses_total",
			"Responses that could not be delivered because the acquirer had no connection, by institution.")), []string{"institution"}),
		spoofed: prometheus.NewCounterVec(prometheus.CounterOpts(opts("spoofed_ids_total",
			"Requests refused with 63 because field 32 or 33 named another institution, by institution.")), []string{"institution"}),
		macFailures: prometheus.NewCounterVec(prometheus.CounterOpts(opts("mac_failures_total",
			"Messages whose MAC was missing or wrong, by institution.")), []string{"institution"}),
		keyExchanges: prometheus.NewCounterVec(prometheus.CounterOpts(opts("key_exchange_failures_total",
			"Online key exchanges (0800, field 70 = 101) refused, by institution.")), []string{"institution"}),
		signedOn: prometheus.NewGaugeVec(prometheus.GaugeOpts(opts("signed_on",
			"1 while the institution has at least one signed-on link (either direction), else 0.")), []string{"institution"}),
		revQueued: prometheus.NewCounterVec(prometheus.CounterOpts(opts("reversals_queued_total",
			"Reversal advices (0420) made durable in the store-and-forward queue, by the issuer they are for.")), []string{"institution"}),
		revAcked: prometheus.NewCounterVec(prometheus.CounterOpts(opts("reversals_acknowledged_total",
			"Reversal advices the issuer acknowledged (0430), by issuer.")), []string{"institution"}),
		safDepth: prometheus.NewGauge(prometheus.GaugeOpts(opts("saf_depth",
			"Advices and reversals waiting in the store-and-forward queue (all nodes)."))),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "journal_commit_duration_seconds",
			Help:    "Time of one journal group commit (the durable point of many writes).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 5},
		}),
		commitWrites: prometheus.NewCounter(prometheus.CounterOpts(opts("journal_writes_total",
			"Writes made durable by journal group commits."))),
		commitFails: prometheus.NewCounter(prometheus.CounterOpts(opts("journal_commit_failures_total",
			"Journal group commits that failed."))),
		insts:    make(map[string]*Institution),
		routes:   make(map[string]*Route),
		signedIn: make(map[string]*[2]int),
	}
	for _, c := range []prometheus.Collector{m.requests, m.responses, m.latency, m.inFlight, m.links,
		m.timeouts, m.unmatched, m.formatErrors, m.backpressure, m.ownAnswers, m.disconnects, m.undelivered, m.spoofed,
		m.macFailures, m.keyExchanges, m.signedOn, m.revQueued, m.revAcked, m.safDepth, m.commit,
		m.commitWrites, m.commitFails} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Institution returns the handles for one institution, creating them once.
func (m *Metrics) Institution(id string) *Institution {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.insts[id]; ok {
		return h
	}
	h := &Institution{
		id:                  id,
		m:                   m,
		InFlight:            m.inFlight.WithLabelValues(id),
		Unmatched:           m.unmatched.WithLabelValues(id),
		FormatErrors:        m.formatErrors.WithLabelValues(id),
		Backpressure:        m.backpressure.WithLabelValues(id),
		Undelivered:         m.undelivered.WithLabelValues(id),
		Spoofed:             m.spoofed.WithLabelValues(id),
		MACFailures:         m.macFailures.WithLabelValues(id),
		KeyExchangeFailures: m.keyExchanges.WithLabelValues(id),
		ReversalsQueued:     m.revQueued.WithLabelValues(id),
		ReversalsAcked:      m.revAcked.WithLabelValues(id),
	}
	if m.signedIn[id] == nil {
		m.signedOn.WithLabelValues(id).Set(0) // down until a link signs on
	}
	m.insts[id] = h
	return h
}

// Route returns the handles for one route, creating them once.
func (m *Metrics) Route(name string) *Route {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.routes[name]; ok {
		return h
	}
	h := &Route{Latency: m.latency.WithLabelValues(name), Timeouts: m.timeouts.WithLabelValues(name)}
	m.routes[name] = h
	return h
}

// Disconnect counts a closed connection.
func (m *Metrics) Disconnect(institution, reason string) {
	m.disconnects.WithLabelValues(institution, reason).Inc()
}

// Links sets the number of connections of an institution in a state. The
// signed_on counts of both directions also give the institution's sign-on
// state (hulian_switch_signed_on).
func (m *Metrics) Links(institution, direction, state string, n int) {
	m.links.WithLabelValues(institution, direction, state).Set(float64(n))
	if state != "signed_on" {
		return
	}
	d := 0
	if direction == "outbound" {
		d = 1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.signedIn[institution]
	if c == nil {
		c = new([2]int)
		m.signedIn[institution] = c
	}
	c[d] = n
	up := 0.0
	if c[0]+c[1] > 0 {
		up = 1
	}
	m.signedOn.WithLabelValues(institution).Set(up)
}

// OwnAnswer counts a response the switch made itself, with its reason (a
// label from a fixed set the switch defines).
func (m *Metrics) OwnAnswer(institution, code, reason string) {
	m.ownAnswers.WithLabelValues(institution, code, reason).Inc()
}

// FormatErrorUnknown counts a format error from a connection not yet signed on.
func (m *Metrics) FormatErrorUnknown() { m.formatErrors.WithLabelValues("unknown").Inc() }

// SAFDepth sets the number of store-and-forward entries waiting.
func (m *Metrics) SAFDepth(n int) { m.safDepth.Set(float64(n)) }

// JournalCommit records one journal group commit; it fits
// journal.Options.OnCommit.
func (m *Metrics) JournalCommit(writes int, took time.Duration, err error) {
	m.commit.Observe(took.Seconds())
	if err != nil {
		m.commitFails.Inc()
		return
	}
	m.commitWrites.Add(float64(writes))
}
