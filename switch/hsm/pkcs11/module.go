package pkcs11

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	p11 "github.com/miekg/pkcs11"

	"github.com/hulian/hulian/switch/hsm"
)

// DefaultSessions is the session pool size when Options.Sessions is 0.
const DefaultSessions = 4

// maxSessions bounds Options.Sessions.
const maxSessions = 64

// Options configure Open.
type Options struct {
	Module     string       // path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so
	TokenLabel string       // label of the token to use
	PIN        string       // user PIN
	Sessions   int          // session pool size, 0 means DefaultSessions
	Logger     *slog.Logger // nil means slog.Default(); never given key material
}

// Module is the PKCS#11 security module. It is safe for concurrent use.
type Module struct {
	ctx    *p11.Ctx
	final  bool // this Module initialised the library and must finalise it
	log    *slog.Logger
	pool   chan p11.SessionHandle
	login  p11.SessionHandle
	mu     sync.RWMutex // guards keys and closed
	keys   map[hsm.KeyID]*object
	closed bool
	wg     sync.WaitGroup // sessions on loan
}

var _ hsm.Module = (*Module)(nil)

// Open loads the library, finds the token labelled o.TokenLabel, opens the
// session pool, logs in with o.PIN and indexes the keys on the token.
func Open(o Options) (*Module, error) {
	const op = "Open"
	if o.Module == "" || o.TokenLabel == "" {
		return nil, hsm.NewError(op, "", hsm.ErrInvalid, "library path and token label are required")
	}
	n := o.Sessions
	if n == 0 {
		n = DefaultSessions
	}
	if n < 1 || n > maxSessions {
		return nil, hsm.NewError(op, "", hsm.ErrInvalid, "session pool size outside 1..64")
	}
	m := &Module{log: o.Logger, keys: map[hsm.KeyID]*object{}, pool: make(chan p11.SessionHandle, n)}
	if m.log == nil {
		m.log = slog.Default()
	}
	m.ctx = p11.New(o.Module)
	if m.ctx == nil {
		return nil, hsm.NewError(op, "", hsm.ErrUnsupported, "cannot load the PKCS#11 library")
	}
	if err := m.start(op, o, n); err != nil {
		m.shutdown()
		return nil, err
	}
	m.log.Info("pkcs11 module open", "token", o.TokenLabel, "sessions", n, "keys", len(m.keys))
	return m, nil
}

// start initialises the library, opens sessions, logs in and loads the index.
func (m *Module) start(op string, o Options, n int) error {
	err := m.ctx.Initialize()
	switch {
	case err == nil:
		m.final = true
	case isRV(err, p11.CKR_CRYPTOKI_ALREADY_INITIALIZED):
	default:
		return p11Error(op, "", err, "C_Initialize")
	}
	slot, err := m.findSlot(op, o.TokenLabel)
	if err != nil {
		return err
	}
	for range n {
		s, err := m.ctx.OpenSession(slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
		if err != nil {
			return p11Error(op, "", err, "C_OpenSession")
		}
		m.pool <- s
	}
	m.login = <-m.pool
	m.pool <- m.login
	err = m.ctx.Login(m.login, p11.CKU_USER, o.PIN)
	if err != nil && !isRV(err, p11.CKR_USER_ALREADY_LOGGED_IN) {
		return p11Error(op, "", err, "C_Login")
	}
	return m.loadIndex(op)
}

// findSlot returns the slot holding the token labelled label.
func (m *Module) findSlot(op, label string) (uint, error) {
	slots, err := m.ctx.GetSlotList(true)
	if err != nil {
		return 0, p11Error(op, "", err, "C_GetSlotList")
	}
	for _, s := range slots {
		ti, err := m.ctx.GetTokenInfo(s)
		if err != nil {
			continue
		}
		if strings.TrimRight(ti.Label, " \x00") == label {
			return s, nil
		}
	}
	return 0, hsm.NewError(op, "", hsm.ErrInvalid, "no token with that label")
}

// Name returns "pkcs11".
func (m *Module) Name() string { return "pkcs11" }

// Close waits for operations in progress, logs out, closes the sessions and
// unloads the library; later calls fail with hsm.ErrClosed. Keys stay on the token.
func (m *Module) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.keys = nil
	m.mu.Unlock()
	m.wg.Wait()
	m.shutdown()
	return nil
}

// shutdown releases sessions and the library.
func (m *Module) shutdown() {
	if len(m.pool) > 0 {
		_ = m.ctx.Logout(m.login)
	}
	for len(m.pool) > 0 {
		_ = m.ctx.CloseSession(<-m.pool)
	}
	if m.final {
		_ = m.ctx.Finalize()
	}
	m.ctx.Destroy()
}

// session borrows a session; release returns it. It fails on a closed module
// or a done context.
func (m *Module) session(ctx context.Context, op string) (p11.SessionHandle, error) {
	if err := ctx.Err(); err != nil {
		return 0, hsm.NewError(op, "", err, "")
	}
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return 0, hsm.NewError(op, "", hsm.ErrClosed, "")
	}
	m.wg.Add(1)
	m.mu.RUnlock()
	select {
	case s := <-m.pool:
		return s, nil
	case <-ctx.Done():
		m.wg.Done()
		return 0, hsm.NewError(op, "", ctx.Err(), "")
	}
}

// release returns a session to the pool.
func (m *Module) release(s p11.SessionHandle) {
	m.pool <- s
	m.wg.Done()
}

// isRV reports whether err is the PKCS#11 return value rv.
func isRV(err error, rv uint) bool {
	var e p11.Error
	return errors.As(err, &e) && uint(e) == rv
}

// p11Error wraps a PKCS#11 error (its text is the CKR_ name only).
func p11Error(op string, id hsm.KeyID, err error, reason string) error {
	return hsm.NewError(op, id, err, reason)
}
