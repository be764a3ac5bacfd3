package admin

import (
	"encoding/json"
	"net/http"
	"net/http/pprof"

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
	// Reload re-reads the configuration and applies it.
	Reload func() error
	// Profiling mounts Go's profiler under /debug/pprof/.
	Profiling bool
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
	if h.Reload != nil {
		mux.HandleFunc("POST /reload", func(w http.ResponseWriter, r *http.Request) {
			if err := h.Reload(); err != nil {
				http.Error(w, "reload failed: "+err.Error(), http.StatusUnprocessableEntity)
				return
			}
			_, _ = w.Write([]byte("reloaded\n"))
		})
	}
	if h.Profiling {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}
