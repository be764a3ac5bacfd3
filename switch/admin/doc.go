// Package admin serves the switch's administration port over HTTP:
// /metrics (Prometheus exposition), /healthz (liveness and link summary),
// /status (institutions and links as JSON) and POST /reload (re-read the
// configuration file and swap the routing table).
package admin
