package soft

import (
	"cmp"
	"context"
	"crypto/cipher"
	"io"
	"slices"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// GenerateKey creates a random key (crypto/rand unless Options.Rand says
// otherwise); TDES keys get odd parity. length 0 means 16 bytes.
func (m *Module) GenerateKey(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, length int) (hsm.KeyInfo, error) {
	const op = "GenerateKey"
	if err := m.begin(ctx, op); err != nil {
		return hsm.KeyInfo{}, err
	}
	if length == 0 {
		length = a.DefaultLength()
	}
	if err := checkNewKey(op, id, t, a, length); err != nil {
		return hsm.KeyInfo{}, err
	}
	key := make([]byte, length)
	defer clear(key)
	if _, err := io.ReadFull(m.rnd, key); err != nil {
		return hsm.KeyInfo{}, hsm.NewError(op, id, err, "random source")
	}
	if a == symmetric.TDES {
		hsm.SetOddParity(key)
	}
	return m.store(op, id, t, a, key)
}

// ImportComponents builds a key as the XOR of its clear components. kcvs
// holds each component's check value, then the resulting key's
// (len(components)+1 entries). TDES results get odd parity (check values do
// not depend on parity bits). The caller owns and should clear the components.
func (m *Module) ImportComponents(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, components [][]byte, kcvs []string) (hsm.KeyInfo, error) {
	const op = "ImportComponents"
	if err := m.begin(ctx, op); err != nil {
		return hsm.KeyInfo{}, err
	}
	if len(components) > 0 {
		if err := checkNewKey(op, id, t, a, len(components[0])); err != nil {
			return hsm.KeyInfo{}, err
		}
	}
	key, err := hsm.CombineComponents(op, id, a, components, kcvs)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	defer clear(key)
	if a == symmetric.TDES {
		hsm.SetOddParity(key)
	}
	if !hsm.SameKCV(hsm.KCV(a, key), kcvs[len(components)]) {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKCVMismatch, "key check value")
	}
	return m.store(op, id, t, a, key)
}

// ImportWrapped imports a key enciphered in ECB under the ZMK kek and
// verifies its check value. The wrapped length must be a valid key length of
// a and a multiple of the ZMK's block size.
func (m *Module) ImportWrapped(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, kek hsm.KeyID, wrapped []byte, kcv string) (hsm.KeyInfo, error) {
	const op = "ImportWrapped"
	if err := m.begin(ctx, op); err != nil {
		return hsm.KeyInfo{}, err
	}
	if err := checkNewKey(op, id, t, a, len(wrapped)); err != nil {
		return hsm.KeyInfo{}, err
	}
	ke, aead, err := m.lookup(op, kek, hsm.ZMK)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	key := make([]byte, len(wrapped))
	defer clear(key)
	err = withCipher(op, aead, ke, func(b cipher.Block) error {
		if len(wrapped)%b.BlockSize() != 0 {
			return hsm.NewError(op, kek, hsm.ErrUnsupported, "key length not a multiple of the ZMK block size")
		}
		ecb(b, key, wrapped, true)
		return nil
	})
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	if a == symmetric.TDES {
		hsm.SetOddParity(key)
	}
	if !hsm.SameKCV(hsm.KCV(a, key), kcv) {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKCVMismatch, "key check value")
	}
	return m.store(op, id, t, a, key)
}

// ExportWrapped returns key id enciphered in ECB under the ZMK kek, with its check value.
func (m *Module) ExportWrapped(ctx context.Context, id hsm.KeyID, kek hsm.KeyID) ([]byte, string, error) {
	const op = "ExportWrapped"
	if err := m.begin(ctx, op); err != nil {
		return nil, "", err
	}
	e, aead, err := m.lookup(op, id, 0)
	if err != nil {
		return nil, "", err
	}
	ke, _, err := m.lookup(op, kek, hsm.ZMK)
	if err != nil {
		return nil, "", err
	}
	out := make([]byte, e.info.Length)
	err = withKey(op, aead, e, func(key []byte) error {
		return withCipher(op, aead, ke, func(b cipher.Block) error {
			if len(key)%b.BlockSize() != 0 {
				return hsm.NewError(op, kek, hsm.ErrUnsupported, "key length not a multiple of the ZMK block size")
			}
			ecb(b, out, key, false)
			return nil
		})
	})
	if err != nil {
		return nil, "", err
	}
	return out, e.info.KCV, nil
}

// Key describes one key.
func (m *Module) Key(ctx context.Context, id hsm.KeyID) (hsm.KeyInfo, error) {
	if err := m.begin(ctx, "Key"); err != nil {
		return hsm.KeyInfo{}, err
	}
	e, _, err := m.lookup("Key", id, 0)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	return e.info, nil
}

// Keys describes every key, sorted by id.
func (m *Module) Keys(ctx context.Context) ([]hsm.KeyInfo, error) {
	if err := m.begin(ctx, "Keys"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, hsm.NewError("Keys", "", hsm.ErrClosed, "")
	}
	out := make([]hsm.KeyInfo, 0, len(m.keys))
	for _, e := range m.keys {
		out = append(out, e.info)
	}
	slices.SortFunc(out, func(a, b hsm.KeyInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// DeleteKey removes a key and rewrites the store.
func (m *Module) DeleteKey(ctx context.Context, id hsm.KeyID) error {
	const op = "DeleteKey"
	if err := m.begin(ctx, op); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return hsm.NewError(op, id, hsm.ErrClosed, "")
	}
	e, ok := m.keys[id]
	if !ok {
		return hsm.NewError(op, id, hsm.ErrNoKey, "")
	}
	delete(m.keys, id)
	if err := m.save(); err != nil {
		m.keys[id] = e
		return hsm.NewError(op, id, err, "")
	}
	return nil
}

// checkNewKey validates the arguments describing a new key.
func checkNewKey(op string, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, length int) error {
	if err := id.Validate(); err != nil {
		return hsm.NewError(op, "", err, "")
	}
	if !t.Valid() {
		return hsm.NewError(op, id, hsm.ErrUnsupported, "unknown key type")
	}
	if a.BlockSize() == 0 {
		return hsm.NewError(op, id, hsm.ErrUnsupported, "unknown algorithm")
	}
	if !a.ValidLength(length) {
		return hsm.NewError(op, id, hsm.ErrInvalid, "key length not valid for the algorithm (TDES 16 or 24, SM4 16)")
	}
	return nil
}

// store seals a new clear key under the LMK, adds it and rewrites the store.
func (m *Module) store(op string, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, key []byte) (hsm.KeyInfo, error) {
	info := hsm.KeyInfo{ID: id, Type: t, Alg: a, Length: len(key), KCV: hsm.KCV(a, key), Created: m.now().UTC()}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrClosed, "")
	}
	if _, ok := m.keys[id]; ok {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKeyExists, "")
	}
	v, err := sealKey(m.aead, m.rnd, info, key)
	if err != nil {
		return hsm.KeyInfo{}, hsm.NewError(op, id, err, "sealing under the LMK")
	}
	m.keys[id] = &entry{info: info, value: v}
	if err := m.save(); err != nil {
		delete(m.keys, id)
		return hsm.KeyInfo{}, hsm.NewError(op, id, err, "")
	}
	return info, nil
}
