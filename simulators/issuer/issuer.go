package issuer

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simmac"
)

// Errors returned by the Issuer.
var (
	ErrStarted = errors.New("issuer: already started")
	ErrClosed  = errors.New("issuer: closed")
	ErrNoID    = errors.New("issuer: institution id must be 1..11 digits")
)

// Config holds the settings of an Issuer.
type Config struct {
	Addr          string           // listen address, "127.0.0.1:0" in tests
	InstitutionID string           // 1..11 digits: field 33 and header source of what the issuer sends
	Dialect       *dialect.Dialect // message format
	Framing       frame.Kind       // length prefix
	Header        bool             // 46-byte header on every message
	MaxFrame      int              // largest frame body accepted; <= 0 means frame.DefaultMax
	Delay         time.Duration    // added before answering financial requests (0 = none)
	Logger        *slog.Logger     // nil = discard
	// TLS, when set, makes the issuer serve TLS with this configuration
	// (set ClientAuth and ClientCAs to require the switch's certificate).
	// nil serves plain TCP.
	TLS *tls.Config
	// MAC, when set, puts a MAC in field 128 of every non-08xx message
	// sent, and answers a non-08xx request whose MAC is missing or wrong
	// with 63 (counted in Stats.MACFailures). nil: no MAC.
	MAC *MAC

	// Accounts, when set, makes the issuer authorize from these accounts
	// (balances, statuses, PINs, cryptograms; see the package doc). nil
	// keeps the deterministic rules.
	Accounts *Accounts
	// PIN, with Accounts, verifies the PIN block of field 52 (nil: PIN
	// blocks are not checked).
	PIN *PIN
	// Now is the clock of expiry checks (nil: time.Now).
	Now func() time.Time
	// Faults injects misbehaviour (zero: none).
	Faults Faults
	// Connect, when set, makes the issuer dial this address (and redial
	// while it runs) instead of listening on Addr: it signs on (0800, 70 =
	// 001) on every connection and then answers as a listening issuer does.
	Connect string
}

// MAC names the security module and zone authentication key of the
// issuer's MACs (see simulators/internal/simmac).
type MAC = simmac.MAC

// Issuer is an issuer host. Its methods are safe for concurrent use.
type Issuer struct {
	cfg   Config
	codec *wire.Codec
	log   *slog.Logger

	silent    atomic.Bool
	silentAll atomic.Bool
	stan      atomic.Uint32
	stats     stats
	auth      *authorizer // nil: deterministic rules
	faults    *faulter    // nil: no faults

	mu      sync.Mutex
	ln      net.Listener
	started bool // Start ran (dial mode has no listener)
	conns   map[*conn]struct{}
	closed  bool
	done    chan struct{} // closed by Close
	wg      sync.WaitGroup
}

// New checks cfg and returns an Issuer that is not yet listening.
func New(cfg Config) (*Issuer, error) {
	if !validID(cfg.InstitutionID) {
		return nil, ErrNoID
	}
	codec, err := wire.NewCodec(cfg.Dialect, cfg.Framing, cfg.Header, cfg.InstitutionID)
	if err != nil {
		return nil, err
	}
	if err := cfg.Faults.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Issuer{
		cfg:   cfg,
		codec: codec,
		log:   log.With("issuer", cfg.InstitutionID),
		conns: make(map[*conn]struct{}),
		done:  make(chan struct{}),
	}
	if cfg.Faults.active() {
		s.faults = newFaulter(cfg.Faults)
	}
	if cfg.Accounts != nil {
		now := cfg.Now
		if now == nil {
			now = time.Now
		}
		s.auth = &authorizer{acc: cfg.Accounts, now: now, j: newJournal(), log: s.log}
	}
	return s, nil
}

// Accounts returns the accounts the issuer authorizes from (nil in the
// deterministic mode).
func (s *Issuer) Accounts() *Accounts { return s.cfg.Accounts }

// Start listens on Config.Addr (so Addr is known when it returns) and serves
// connections in the background until Close or until ctx is done.
func (s *Issuer) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.ln != nil || s.started:
		return ErrStarted
	}
	if err := s.startPIN(ctx); err != nil {
		return err
	}
	if s.cfg.Connect != "" {
		s.started = true
		s.wg.Add(2)
		go s.dialLoop(ctx)
		go s.closeOnDone(ctx)
		return nil
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		s.stopPIN()
		return err
	}
	if s.cfg.TLS != nil {
		// The handshake runs on each connection's goroutine at its first
		// read, so a slow client never blocks the accept loop.
		ln = tls.NewListener(ln, s.cfg.TLS)
	}
	s.ln = ln
	s.wg.Add(2)
	go s.acceptLoop(ln)
	go s.closeOnDone(ctx)
	return nil
}

// Addr returns the listening address ("" before Start).
func (s *Issuer) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops listening, closes every connection and waits for the
// connection goroutines to end. It is idempotent.
func (s *Issuer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	close(s.done)
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.stopPIN()
	return err
}

// SetSilent makes the issuer answer nothing to financial requests, advices
// and reversals (timeout tests). Network management is still answered
// unless SetSilentAll is on.
func (s *Issuer) SetSilent(on bool) { s.silent.Store(on) }

// SetSilentAll makes the issuer answer nothing at all (echo failure tests).
func (s *Issuer) SetSilentAll(on bool) { s.silentAll.Store(on) }

// SignOff sends an 0800 with field 70 = 002 on every open connection. It
// does not wait for the answers. It returns the first enqueue error.
func (s *Issuer) SignOff(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	var first error
	for _, c := range conns {
		if err := c.sendNetwork("002", s.nextSTAN(), time.Now()); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// nextSTAN returns the next trace number of issuer-originated messages
// (1..999999, wrapping).
func (s *Issuer) nextSTAN() uint32 {
	for {
		old := s.stan.Load()
		next := old%999999 + 1
		if s.stan.CompareAndSwap(old, next) {
			return next
		}
	}
}

func (s *Issuer) closeOnDone(ctx context.Context) {
	defer s.wg.Done()
	select {
	case <-ctx.Done():
		go s.Close() // Close waits for this goroutine: do not call it inline
	case <-s.done:
	}
}

func (s *Issuer) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	backoff := time.Duration(0)
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		s.track(nc)
	}
}

// track registers a new connection and starts its loops, unless closed.
func (s *Issuer) track(nc net.Conn) {
	c := s.register(nc)
	if c == nil {
		return
	}
	go func() {
		defer s.wg.Done()
		c.serve()
		s.unregister(c)
	}()
}

// register adds a connection (counting it in wg, which the caller's
// goroutine releases after serve and unregister), or closes nc and returns
// nil once the issuer is closed.
func (s *Issuer) register(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		nc.Close()
		return nil
	}
	c := newConn(s, nc)
	s.conns[c] = struct{}{}
	s.stats.connected()
	s.wg.Add(1)
	return c
}

func (s *Issuer) unregister(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Issuer) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// validID reports whether id is 1..11 ASCII digits.
func validID(id string) bool {
	if len(id) == 0 || len(id) > 11 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
