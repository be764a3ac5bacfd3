// Command switchd runs the Hulian interconnect switch.
//
//	switchd --config FILE [--log-format text|json] [--log-level info]
//	switchd --check --config FILE
//	switchd clearing --config FILE --date YYYY-MM-DD [--out DIR]
//	switchd keys list|generate|import|rotate|delete --config FILE ...
//
// SIGTERM or SIGINT shut it down gracefully; SIGHUP reloads the
// configuration (as does POST /reload on the admin port).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hulian/hulian/switch/admin"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/keyceremony"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/metrics"
	"github.com/hulian/hulian/switch/metrics/live"
	"github.com/hulian/hulian/switch/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, hup); err != nil {
		fmt.Fprintln(os.Stderr, "switchd:", err)
		os.Exit(1)
	}
}

// defaultConfig is where an installed switch keeps its configuration.
const defaultConfig = "/etc/hulian/switchd.yaml"

// run is the whole daemon; main only wires the process to it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, hup <-chan os.Signal) error {
	if len(args) > 0 && args[0] == "clearing" {
		return runClearing(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "keys" {
		return runKeys(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("switchd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", defaultConfig, "configuration `file` (the demo's is testdata/switchd.yaml)")
	check := fs.Bool("check", false, "validate the configuration and exit")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	profiling := fs.Bool("pprof", false, "serve Go's profiler under /debug/pprof/ on the admin port")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if errors.Is(err, os.ErrNotExist) && *path == defaultConfig {
		return fmt.Errorf("no configuration at %s: give --config FILE (testdata/switchd.yaml is the demo's)", defaultConfig)
	}
	if err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(stdout, "%s: ok (%d institutions, %d routes)\n", *path, len(cfg.Institutions), len(cfg.Routes))
		return nil
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	day, err := businessDay(cfg)
	if err != nil {
		return err
	}
	m, err := metrics.New(reg)
	if err != nil {
		return err
	}
	j, err := openJournal(ctx, cfg, m)
	if err != nil {
		return err
	}
	if j == nil {
		log.Warn("no journal configured: transactions are not recorded, reversed or cleared")
	} else {
		defer j.Close()
	}
	sec, err := keyceremony.OpenModule(cfg)
	if err != nil {
		return err
	}
	opts := server.Options{Logger: log, Registerer: reg, Metrics: m, Journal: j, BusinessDate: day}
	if sec != nil {
		defer sec.Close()
		opts.HSM = sec
	}
	srv, err := server.New(cfg, opts)
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		return err
	}
	reload := func() error {
		next, err := config.Load(*path)
		if err != nil {
			log.Error("reload refused", "err", err)
			return err
		}
		return srv.Reload(next)
	}
	token, err := adminToken(cfg)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	dash, err := live.New(reg, live.Options{})
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	go dash.Run(ctx) // the dashboard's per-second samples, until ctx ends
	adminSrv, err := startAdmin(cfg.Admin.Address, srv, reg, reload, *profiling, token, log,
		func() any { return dash.Data() })
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
loop:
	for {
		select {
		case <-hup:
			_ = reload()
		case <-ctx.Done():
			break loop
		}
	}
	log.Info("shutting down")
	grace := cfg.Switch.ShutdownGrace.D() + 5*time.Second
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if adminSrv != nil {
		_ = adminSrv.Shutdown(sctx)
	}
	return err
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", format)
}

// startAdmin serves the admin port when one is configured.
func startAdmin(addr string, srv *server.Server, reg *prometheus.Registry, reload func() error, profiling bool, token []byte, log *slog.Logger, dashboard func() any) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin.address: %w", err)
	}
	h := admin.New(admin.Handlers{
		Gatherer: reg,
		Status:   func() any { return srv.Status() },
		Healthy: func() (bool, string) {
			st := srv.Status()
			if st.Draining {
				return false, "draining"
			}
			for _, inst := range st.Institutions {
				if inst.Role != "acquirer" && srv.SignedOnLinks(inst.ID, link.Outbound) == 0 {
					return true, "ok (issuer " + inst.ID + " has no signed-on link)"
				}
			}
			return true, "ok"
		},
		Dashboard: dashboard,
		Reload:    reload,
		Profiling: profiling,
		Token:     token,
	})
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server", "err", err)
		}
	}()
	log.Info("admin listening", "address", ln.Addr().String())
	return hs, nil
}
