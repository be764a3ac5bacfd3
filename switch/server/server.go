package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/metrics"
	"github.com/hulian/hulian/switch/route"
)

// ErrServerClosed is returned by Start after Shutdown.
var ErrServerClosed = errors.New("server: closed")

// Options are the collaborators of a Server.
type Options struct {
	Logger     *slog.Logger          // nil: discard
	Registerer prometheus.Registerer // nil: a private registry
	// Dialects resolves a dialect name of the configuration; nil uses
	// dialect.Builtin and the configuration's spec files.
	Dialects func(name string) (*dialect.Dialect, error)
	// SignOnWait, when set, overrides every listener's sign_on_wait: how
	// long an inbound connection may stay without a successful sign-on
	// before it is closed.
	SignOnWait time.Duration
	// Journal records every transaction and holds the store-and-forward
	// queue; nil runs without one (nothing is recorded or reversed).
	Journal *journal.Journal
	// HSM is the security module holding the institutions' keys; it is
	// required when an institution authenticates its messages (mac).
	HSM hsm.Module
	// Clock tells the time of key overlaps; nil is time.Now.
	Clock func() time.Time
	// Metrics receives the switch's metrics; nil creates them on
	// Registerer.
	Metrics *metrics.Metrics
	// BusinessDate gives the business day ("YYYY-MM-DD") of a moment, with
	// the clearing cut-off applied; nil uses the UTC date.
	BusinessDate func(time.Time) string
}

// snapshot is what a reload replaces at once.
type snapshot struct {
	cfg       *config.Config
	routes    *route.Table
	issuerOf  []*institution   // by route index
	routeM    []*metrics.Route // by route index
	insts     map[string]*institution
	listeners map[string]config.Listener
}

// Server is the interconnect switch.
type Server struct {
	log        *slog.Logger
	metrics    *metrics.Metrics
	gatherer   prometheus.Gatherer
	dialects   func(string) (*dialect.Dialect, error)
	switchID   []byte
	signOnWait time.Duration

	// With a journal:
	node         string
	j            *journal.Journal
	saf          *saf
	businessDate func(time.Time) string
	hsm          hsm.Module

	snap    atomic.Pointer[snapshot]
	reloadM sync.Mutex

	txns   txnPool
	msgs   msgPool
	frames bufPool
	linkID atomic.Uint64

	ctx       context.Context
	cancel    context.CancelFunc
	lnMu      sync.Mutex
	listeners map[string]net.Listener
	unsigned  sync.Map // *link.Link -> *gatePass: inbound links not signed on yet
	draining  atomic.Bool
	closed    atomic.Bool
	wg        sync.WaitGroup // every goroutine the server starts
	now       func() time.Time
}

// New builds a switch from a validated configuration. Nothing is bound or
// dialed until Start.
func New(cfg *config.Config, opts Options) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	reg := opts.Registerer
	var gatherer prometheus.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, gatherer = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		gatherer = g
	}
	m := opts.Metrics
	var err error
	if m == nil {
		if m, err = metrics.New(reg); err != nil {
			return nil, fmt.Errorf("server: metrics: %w", err)
		}
	}
	s := &Server{
		log:       log,
		metrics:   m,
		gatherer:  gatherer,
		switchID:  []byte(cfg.Switch.ID),
		listeners: make(map[string]net.Listener),
	}
	s.node, s.j, s.businessDate, s.hsm = cfg.Switch.Node, opts.Journal, opts.BusinessDate, opts.HSM
	for _, in := range cfg.Institutions {
		if (in.MAC != "" && in.MAC != "none" || in.PINFormat != "") && s.hsm == nil {
			return nil, fmt.Errorf("server: institutions %s: mac and pin_format need a security module", in.ID)
		}
	}
	if s.businessDate == nil {
		s.businessDate = func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	}
	if s.now = opts.Clock; s.now == nil {
		s.now = time.Now
	}
	if s.j != nil {
		if s.saf, err = newSAF(s); err != nil {
			return nil, err
		}
	}
	s.signOnWait = opts.SignOnWait
	s.dialects = opts.Dialects
	if s.dialects == nil {
		s.dialects = configDialects(cfg)
	}
	snap, err := s.buildSnapshot(cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := s.loadKeys(context.Background(), snap.insts); err != nil {
		return nil, fmt.Errorf("server: security module keys: %w", err)
	}
	s.snap.Store(snap)
	return s, nil
}

// configDialects resolves built-in dialect names and the spec files the
// configuration declares.
func configDialects(cfg *config.Config) func(string) (*dialect.Dialect, error) {
	files := make(map[string]string)
	for _, d := range cfg.Dialects {
		files[d.Name] = d.SpecFile
	}
	var mu sync.Mutex
	cache := make(map[string]*dialect.Dialect)
	return func(name string) (*dialect.Dialect, error) {
		mu.Lock()
		defer mu.Unlock()
		if d, ok := cache[name]; ok {
			return d, nil
		}
		var d *dialect.Dialect
		var err error
		if path, ok := files[name]; ok {
			d, err = dialect.LoadSpecFile(name, path)
		} else {
			d, err = dialect.Builtin(name)
		}
		if err != nil {
			return nil, err
		}
		cache[name] = d
		return d, nil
	}
}

// Metrics gives access to the Prometheus gatherer the server registers with.
func (s *Server) Gatherer() prometheus.Gatherer { return s.gatherer }

// Start binds every listener, starts the outbound links and the deadline
// sweeper, and returns. Serving goes on until Shutdown or ctx ends.
func (s *Server) Start(ctx context.Context) error {
	if s.closed.Load() {
		return ErrServerClosed
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	snap := s.snap.Load()
	if s.j != nil {
		if err := s.awaitPrevious(); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := s.recoverUnfinished(s.ctx, true); err != nil {
			return fmt.Errorf("server: recovering unfinished transactions: %w", err)
		}
		s.wg.Add(1)
		go s.saf.run(s.ctx)
	}
	for _, lc := range snap.cfg.Listeners {
		if err := s.listen(lc); err != nil {
			s.closeListeners()
			return err
		}
	}
	for _, inst := range snap.insts {
		s.startOutbound(inst)
	}
	s.wg.Add(1)
	go s.sweep()
	s.log.Info("switch started", "id", string(s.switchID), "listeners", len(snap.cfg.Listeners), "institutions", len(snap.insts))
	return nil
}

// ListenerAddr returns the bound address of a listener, or nil.
func (s *Server) ListenerAddr(name string) net.Addr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if ln, ok := s.listeners[name]; ok {
		return ln.Addr()
	}
	return nil
}

// sweep answers 91 for every request whose issuer did not respond in time.
func (s *Server) sweep() {
	defer s.wg.Done()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	var buf []*txn
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			for _, inst := range s.snap.Load().insts {
				buf = inst.pending.Expire(now, buf[:0])
				for _, tx := range buf {
					tx.rm.Timeouts.Inc()
					tx.to.NoteTimeout(now)
					s.log.Warn("issuer timeout", "issuer", tx.issuer.id, "route", tx.route.Name,
						"mti", string(tx.req.MTI()), "stan", string(tx.req.Field(11)))
					s.timedOut(tx)
				}
			}
		}
	}
}

// track counts a transaction into (+1) or out of (-1) the in-flight
// counters of its issuer link and issuer (the acquirer's link counts it
// from newTxn to its release).
func (s *Server) track(tx *txn, d int64) {
	tx.to.InFlight().Add(d)
	tx.issuer.m.InFlight.Add(float64(d))
	if d > 0 {
		tx.to.Forwarded().Add(1)
	}
}

// finish updates the counters of a transaction leaving the match table.
func (s *Server) finish(tx *txn) {
	s.track(tx, -1)
	tx.rm.Latency.Observe(time.Since(tx.start).Seconds())
}
