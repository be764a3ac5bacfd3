package soft

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"io"
	"sync"
	"time"

	"github.com/hulian/hulian/switch/hsm"
)

// Options configure New.
type Options struct {
	// LMK is the 32-byte local master key. The module keeps only the AES-GCM
	// key schedule: the caller may clear LMK once New returns.
	LMK []byte
	// Rand supplies key material, nonces and PIN fill; nil means crypto/rand.
	// Anything else is for tests only, and must be safe for concurrent use.
	Rand io.Reader
	// Now stamps KeyInfo.Created; nil means time.Now.
	Now func() time.Time
}

// Module is the software security module. It is safe for concurrent use.
type Module struct {
	path string
	rnd  io.Reader
	now  func() time.Time

	mu     sync.RWMutex // guards everything below and serialises store writes
	aead   cipher.AEAD
	check  sealed // LMK check marker written to the store
	keys   map[hsm.KeyID]*entry
	closed bool
}

// entry is one key: its description and its value sealed under the LMK.
// Entries are never modified once stored, so a reader may use one after
// releasing the lock.
type entry struct {
	info  hsm.KeyInfo
	value sealed
}

var _ hsm.Module = (*Module)(nil)

// Open opens (or prepares to create) the key store at path with the local
// master key lmk. It is New(path, Options{LMK: lmk}).
func Open(path string, lmk []byte) (*Module, error) {
	return New(path, Options{LMK: lmk})
}

// New opens the key store at path. A missing file is an empty store, written
// on the first change. An existing file is read, its LMK check marker and
// every key are unsealed and their check values verified: a wrong LMK is
// ErrWrongLMK, a damaged file ErrStore.
func New(path string, o Options) (*Module, error) {
	aead, err := newAEAD(o.LMK)
	if err != nil {
		return nil, err
	}
	m := &Module{path: path, rnd: o.Rand, now: o.Now, aead: aead, keys: map[hsm.KeyID]*entry{}}
	if m.rnd == nil {
		m.rnd = rand.Reader
	}
	if m.now == nil {
		m.now = time.Now
	}
	if err := m.load(); err != nil {
		return nil, err
	}
	return m, nil
}

// Name returns "soft".
func (m *Module) Name() string { return "soft" }

// Close drops the keys and the LMK key schedule; later calls fail with hsm.ErrClosed.
func (m *Module) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.keys = nil
	m.aead = nil
	return nil
}

// begin checks the context.
func (m *Module) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return hsm.NewError(op, "", err, "")
	}
	return nil
}

// lookup returns the entry of id, checking its type when want is not 0, and
// the AEAD to unseal it with.
func (m *Module) lookup(op string, id hsm.KeyID, want hsm.KeyType) (*entry, cipher.AEAD, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, nil, hsm.NewError(op, id, hsm.ErrClosed, "")
	}
	e, ok := m.keys[id]
	if !ok {
		return nil, nil, hsm.NewError(op, id, hsm.ErrNoKey, "")
	}
	if want != 0 && e.info.Type != want {
		return nil, nil, hsm.NewError(op, id, hsm.ErrKeyType, "operation needs a "+want.String()+", key is a "+e.info.Type.String())
	}
	return e, m.aead, nil
}

// withCipher unseals the key of e, keys its block cipher, clears the clear key
// and calls fn with the cipher.
func withCipher(op string, aead cipher.AEAD, e *entry, fn func(cipher.Block) error) error {
	key, err := unsealKey(aead, e.info, e.value)
	if err != nil {
		return hsm.NewError(op, e.info.ID, err, "")
	}
	b, err := keyCipher(op, e.info.ID, e.info.Alg, key)
	clear(key)
	if err != nil {
		return err
	}
	return fn(b)
}

// withKey unseals the key of e, calls fn with the clear value and clears it.
func withKey(op string, aead cipher.AEAD, e *entry, fn func([]byte) error) error {
	key, err := unsealKey(aead, e.info, e.value)
	if err != nil {
		return hsm.NewError(op, e.info.ID, err, "")
	}
	defer clear(key)
	return fn(key)
}
