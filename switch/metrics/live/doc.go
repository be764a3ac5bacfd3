// Package live keeps the last minutes of the switch's metrics in memory for
// the built-in dashboard (switch/admin serves it at /dashboard).
//
// A Sampler reads a prometheus.Gatherer (the registry that /metrics
// exposes, so the page and a Prometheus server see the same numbers) once a
// second and turns the counters into per-second samples: total and
// per-institution transactions per second (responses delivered), approval
// rate, latency percentiles interpolated from the request duration
// histogram buckets the way PromQL's histogram_quantile does, requests in
// flight, timeouts, store-and-forward depth. A ring keeps the last ten
// minutes. It also raises alerts: an institution losing its last
// signed-on link, a burst of timeouts, store-and-forward depth growing,
// journal commit and MAC failures.
//
// Entry points: New, Options, (*Sampler).Run, Record, Data; Data, Sample,
// Institution and Alert are the JSON the dashboard polls.
package live
