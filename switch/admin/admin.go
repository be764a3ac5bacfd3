package admin

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handlers are what the admin port exposes; nil members are left out.
type Handlers struct {
	Gatherer prometheus.Gatherer
	// Status returns a JSON-encodable snapshot of the switch.
	Status func() any
	// Healthy reports whether the switch serves traffic, and why not.
	Healthy func() (bool, string)
	// Dashboard returns the JSON of the live dashboard (/dashboard/data,
	// polled by the page at /dashboard); nil leaves both out.
	Dashboard func() any
	// Reload re-reads the configuration and applies it.
	Reload func() error
	// Profiling mounts Go's profiler under /debug/pprof/ (token required).
	Profiling bool
	// Token must be presented as "Authorization: Bearer TOKEN" on every
	// endpoint that changes state or exposes internals (reload, profiler).
	// Empty: those endpoints are refused. /metrics, /healthz, /status and
	// /dashboard (read-only) stay open.
	Token []byte
}

// guarded wraps an endpoint that needs the admin token.
func guarded(token []byte, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(token) == 0 {
			http.Error(w, "no admin token configured (admin.token_file)", http.StatusForbidden)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), token) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "admin token required", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

// New returns the admin HTTP handler.
func New(h Handlers) http.Handler {
	mux := http.NewServeMux()
	if h.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(h.Gatherer, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ok, why := true, "ok"
		if h.Healthy != nil {
			ok, why = h.Healthy()
		}
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = w.Write([]byte(why + "\n"))
	})
	if h.Status != nil {
		mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			_ = enc.Encode(h.Status())
		})
	}
	if h.Dashboard != nil {
		mountDashboard(mux, h.Dashboard)
	}
	if h.Reload != nil {
		mux.HandleFunc("POST /reload", guarded(h.Token, func(w http.ResponseWriter, r *http.Request) {
			if err := h.Reload(); err != nil {
				http.Error(w, "reload failed: "+err.Error(), http.StatusUnprocessableEntity)
				return
			}
			_, _ = w.Write([]byte("reloaded\n"))
		}))
	}
	if h.Profiling {
		mux.HandleFunc("/debug/pprof/", guarded(h.Token, pprof.Index))
		mux.HandleFunc("/debug/pprof/profile", guarded(h.Token, pprof.Profile))
		mux.HandleFunc("/debug/pprof/trace", guarded(h.Token, pprof.Trace))
	}
	return mux
}
