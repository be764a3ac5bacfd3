package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// mtiClasses are the label values of the MTI class digit (ISO 8583:1987
// clause 4.1.2: the second digit of the MTI). Classes 0 and 9 are reserved
// by the standard; they keep their digit.
func mtiClasses() [10]string {
	return [10]string{"0", "authorization", "financial", "file", "reversal", "reconciliation",
		"administrative", "fee", "network", "9"}
}

// Institution holds pre-resolved metric handles for one institution.
type Institution struct {
	id string
	m  *Metrics

	InFlight            prometheus.Gauge
	Unmatched           prometheus.Counter
	FormatErrors        prometheus.Counter
	Backpressure        prometheus.Counter
	Undelivered         prometheus.Counter
	Spoofed             prometheus.Counter
	MACFailures         prometheus.Counter
	KeyExchangeFailures prometheus.Counter
	ReversalsQueued     prometheus.Counter // reversal advices queued for this issuer
	ReversalsAcked      prometheus.Counter // reversal advices this issuer acknowledged

	requests  [10]atomic.Pointer[prometheus.Counter]
	responses [100]atomic.Pointer[prometheus.Counter]
}

// Request counts a request of the given MTI from this institution.
func (h *Institution) Request(mti []byte) {
	if len(mti) != 4 || mti[1] < '0' || mti[1] > '9' {
		return
	}
	i := mti[1] - '0'
	c := h.requests[i].Load()
	if c == nil {
		v := h.m.requests.WithLabelValues(h.id, mtiClasses()[i])
		c = &v
		h.requests[i].Store(c)
	}
	(*c).Inc()
}

// Response counts a response with the given code delivered to this
// institution. Numeric codes use a cached handle; others are looked up, and
// anything but two digits or capital letters is counted as "other".
func (h *Institution) Response(code []byte) {
	if len(code) == 2 && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' {
		i := int(code[0]-'0')*10 + int(code[1]-'0')
		c := h.responses[i].Load()
		if c == nil {
			v := h.m.responses.WithLabelValues(h.id, string(code))
			c = &v
			h.responses[i].Store(c)
		}
		(*c).Inc()
		return
	}
	label := "other"
	if len(code) == 2 && alnum(code[0]) && alnum(code[1]) {
		label = string(code)
	}
	h.m.responses.WithLabelValues(h.id, label).Inc()
}

// alnum keeps response code labels to a bounded set.
func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
}

// Route holds pre-resolved metric handles for one route.
type Route struct {
	Latency  prometheus.Observer
	Timeouts prometheus.Counter
}
