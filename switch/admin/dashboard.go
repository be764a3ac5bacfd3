package admin

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

// dashboardPage is the built-in live dashboard: one HTML file with its own
// CSS and JavaScript, drawing on <canvas>; it loads nothing from elsewhere.
//
//go:embed dashboard.html
var dashboardPage []byte

// dashboardCSP lets the page run its inline script and style and fetch
// from this port only: no CDN, no outside request.
const dashboardCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// mountDashboard serves the page and the JSON it polls.
func mountDashboard(mux *http.ServeMux, data func() any) {
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", dashboardCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(dashboardPage)
	})
	mux.HandleFunc("GET /dashboard/data", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(data())
	})
}
