// Package metrics defines the Prometheus metrics of the switch.
//
// Metrics is a struct built against a Registerer the caller passes in (no
// global registry). Names follow namespace_subsystem_name_unit
// (hulian_switch_requests_total, hulian_switch_request_duration_seconds).
// Label sets are bounded: institution id, route name, MTI class, response
// code, link state. A PAN, STAN or terminal id is never a label.
//
// The hot path does not look labels up per message: Institution and Route
// return handles whose counters are resolved once.
package metrics
