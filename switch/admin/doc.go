// Package admin serves the switch's administration port over HTTP:
// /metrics (Prometheus exposition), /healthz (liveness and link summary),
// /status (institutions and links as JSON) and /dashboard (a live page
// drawn on <canvas> from /dashboard/data, embedded, nothing loaded from
// elsewhere) open to monitoring, and, only with
// the admin bearer token, POST /reload (re-read the configuration file and
// swap the routing table) and the Go profiler.
package admin
