package pkcs11

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"

	p11 "github.com/miekg/pkcs11"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// GenerateKey creates a random TDES key. A ZPK or ZMK is generated inside the
// token; a ZAK is drawn on the host (see the package doc) so that its K1||K1
// helper object can be created. length 0 means 16 bytes.
func (m *Module) GenerateKey(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, length int) (hsm.KeyInfo, error) {
	const op = "GenerateKey"
	if length == 0 {
		length = a.DefaultLength()
	}
	if err := checkNewKey(op, id, t, a, length); err != nil {
		return hsm.KeyInfo{}, err
	}
	if t == hsm.ZAK {
		key := make([]byte, length)
		defer clear(key)
		if _, err := io.ReadFull(rand.Reader, key); err != nil {
			return hsm.KeyInfo{}, hsm.NewError(op, id, err, "random source")
		}
		hsm.SetOddParity(key)
		return m.importClear(ctx, op, id, t, key, "")
	}
	return m.add(ctx, op, id, t, length, func(s p11.SessionHandle, o *object) error {
		mech := uint(p11.CKM_DES2_KEY_GEN)
		if length == 24 {
			mech = p11.CKM_DES3_KEY_GEN
		}
		var err error
		o.key, err = m.ctx.GenerateKey(s, []*p11.Mechanism{p11.NewMechanism(mech, nil)}, keyTemplate(string(id), length))
		return err
	})
}

// ImportComponents builds a TDES key as the XOR of clear components (in a
// buffer zeroed after use), checks each component's and the key's check
// value and creates the key object. The caller owns and should clear the components.
func (m *Module) ImportComponents(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, components [][]byte, kcvs []string) (hsm.KeyInfo, error) {
	const op = "ImportComponents"
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
	hsm.SetOddParity(key)
	return m.importClear(ctx, op, id, t, key, kcvs[len(components)])
}

// ImportWrapped deciphers (CKM_DES3_ECB, in the token) a key enciphered under
// the ZMK kek, checks its check value and creates the key object. The clear
// key passes through a host buffer zeroed after use.
func (m *Module) ImportWrapped(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, kek hsm.KeyID, wrapped []byte, kcv string) (hsm.KeyInfo, error) {
	const op = "ImportWrapped"
	if err := checkNewKey(op, id, t, a, len(wrapped)); err != nil {
		return hsm.KeyInfo{}, err
	}
	z, err := m.lookup(op, kek, hsm.ZMK)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	s, err := m.session(ctx, op)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	key, err := m.ecb(s, z.key, wrapped, true)
	m.release(s)
	defer clear(key)
	if err != nil {
		return hsm.KeyInfo{}, p11Error(op, kek, err, "deciphering under the ZMK")
	}
	hsm.SetOddParity(key)
	if kcv == "" {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKCVMismatch, "key check value missing")
	}
	return m.importClear(ctx, op, id, t, key, kcv)
}

// ExportWrapped is hsm.ErrUnsupported (after checking both keys exist): token
// keys are non-extractable and SoftHSM2 has no 3DES key-wrap mechanism.
func (m *Module) ExportWrapped(ctx context.Context, id hsm.KeyID, kek hsm.KeyID) ([]byte, string, error) {
	const op = "ExportWrapped"
	if err := ctx.Err(); err != nil {
		return nil, "", hsm.NewError(op, id, err, "")
	}
	if _, err := m.lookup(op, id, 0); err != nil {
		return nil, "", err
	}
	if _, err := m.lookup(op, kek, hsm.ZMK); err != nil {
		return nil, "", err
	}
	return nil, "", hsm.NewError(op, id, hsm.ErrUnsupported, "token keys are non-extractable and the token has no 3DES key wrap")
}

// Key describes one key; its check value is computed in the token.
func (m *Module) Key(ctx context.Context, id hsm.KeyID) (hsm.KeyInfo, error) {
	const op = "Key"
	o, err := m.lookup(op, id, 0)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	s, err := m.session(ctx, op)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	defer m.release(s)
	return m.describe(op, s, o)
}

// Keys describes every key, sorted by id.
func (m *Module) Keys(ctx context.Context) ([]hsm.KeyInfo, error) {
	const op = "Keys"
	m.mu.RLock()
	objs := make([]*object, 0, len(m.keys))
	for _, o := range m.keys {
		if o != nil {
			objs = append(objs, o)
		}
	}
	m.mu.RUnlock()
	s, err := m.session(ctx, op)
	if err != nil {
		return nil, err
	}
	defer m.release(s)
	out := make([]hsm.KeyInfo, 0, len(objs))
	for _, o := range objs {
		info, err := m.describe(op, s, o)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b hsm.KeyInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// DeleteKey destroys a key's objects on the token.
func (m *Module) DeleteKey(ctx context.Context, id hsm.KeyID) error {
	const op = "DeleteKey"
	s, err := m.session(ctx, op)
	if err != nil {
		return err
	}
	defer m.release(s)
	m.mu.Lock()
	o := m.keys[id]
	if o == nil {
		m.mu.Unlock()
		return hsm.NewError(op, id, hsm.ErrNoKey, "")
	}
	delete(m.keys, id)
	m.mu.Unlock()
	if err := m.destroy(s, o); err != nil {
		return p11Error(op, id, err, "C_DestroyObject")
	}
	return nil
}

// describe returns o's description with the check value computed in the token.
func (m *Module) describe(op string, s p11.SessionHandle, o *object) (hsm.KeyInfo, error) {
	kcv, err := m.kcv(s, o.key)
	if err != nil {
		return hsm.KeyInfo{}, p11Error(op, o.info.ID, err, "computing the check value")
	}
	info := o.info
	info.KCV = kcv
	return info, nil
}

// kcv enciphers a zero block with CKM_DES3_ECB and returns the first 3 bytes in hex.
func (m *Module) kcv(s p11.SessionHandle, key p11.ObjectHandle) (string, error) {
	var zero [8]byte
	out, err := m.ecb(s, key, zero[:], false)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(hex.EncodeToString(out[:3])), nil
}

// ecb enciphers or deciphers data (a multiple of 8 bytes) with CKM_DES3_ECB.
func (m *Module) ecb(s p11.SessionHandle, key p11.ObjectHandle, data []byte, decrypt bool) ([]byte, error) {
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_DES3_ECB, nil)}
	if decrypt {
		if err := m.ctx.DecryptInit(s, mech, key); err != nil {
			return nil, err
		}
		return m.ctx.Decrypt(s, data)
	}
	if err := m.ctx.EncryptInit(s, mech, key); err != nil {
		return nil, err
	}
	return m.ctx.Encrypt(s, data)
}

// importClear checks a clear key against kcv (when not empty) and creates
// its objects (and a ZAK's helpers).
func (m *Module) importClear(ctx context.Context, op string, id hsm.KeyID, t hsm.KeyType, key []byte, kcv string) (hsm.KeyInfo, error) {
	if kcv != "" && !hsm.SameKCV(hsm.KCV(symmetric.TDES, key), kcv) {
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKCVMismatch, "key check value")
	}
	return m.add(ctx, op, id, t, len(key), func(s p11.SessionHandle, o *object) error {
		return m.createKeys(s, o, key)
	})
}

// createKeys creates the key object of a clear key and, for a ZAK, its helpers.
func (m *Module) createKeys(s p11.SessionHandle, o *object, key []byte) error {
	label := string(o.info.ID)
	var err error
	if o.key, err = m.ctx.CreateObject(s, append(keyTemplate(label, len(key)), p11.NewAttribute(p11.CKA_VALUE, key))); err != nil {
		return err
	}
	if o.info.Type != hsm.ZAK {
		return nil
	}
	var half [16]byte
	defer clear(half[:])
	copy(half[:8], key[:8])
	copy(half[8:], key[:8])
	if o.k1, err = m.ctx.CreateObject(s, append(keyTemplate(label+suffixK1, 16), p11.NewAttribute(p11.CKA_VALUE, half[:]))); err != nil {
		return err
	}
	if len(key) == 24 {
		o.k12, err = m.ctx.CreateObject(s, append(keyTemplate(label+suffixK12, 16), p11.NewAttribute(p11.CKA_VALUE, key[:16])))
	}
	return err
}

// add reserves id, runs create (which sets the key handles of o), writes the
// metadata and indexes the key. On failure every object created is destroyed.
func (m *Module) add(ctx context.Context, op string, id hsm.KeyID, t hsm.KeyType, length int, create func(p11.SessionHandle, *object) error) (hsm.KeyInfo, error) {
	s, err := m.session(ctx, op)
	if err != nil {
		return hsm.KeyInfo{}, err
	}
	defer m.release(s)
	m.mu.Lock()
	if _, ok := m.keys[id]; ok {
		m.mu.Unlock()
		return hsm.KeyInfo{}, hsm.NewError(op, id, hsm.ErrKeyExists, "")
	}
	m.keys[id] = nil // reserved
	m.mu.Unlock()
	o := &object{info: hsm.KeyInfo{ID: id, Type: t, Alg: symmetric.TDES, Length: length, Created: time.Now().UTC().Truncate(time.Second)}}
	info, err := m.build(s, o, create)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil || m.closed {
		_ = m.destroy(s, o)
		if !m.closed {
			delete(m.keys, id)
		}
		if err == nil {
			err = hsm.ErrClosed
		}
		return hsm.KeyInfo{}, p11Error(op, id, err, "creating the key objects")
	}
	m.keys[id] = o
	return info, nil
}

// build runs create, writes the metadata and describes the new key.
func (m *Module) build(s p11.SessionHandle, o *object, create func(p11.SessionHandle, *object) error) (hsm.KeyInfo, error) {
	if err := create(s, o); err != nil {
		return hsm.KeyInfo{}, err
	}
	var err error
	if o.meta, err = m.createMeta(s, o.info); err != nil {
		return hsm.KeyInfo{}, err
	}
	return m.describe("", s, o)
}

// lookup returns the indexed key id, checking its type when want is not 0.
func (m *Module) lookup(op string, id hsm.KeyID, want hsm.KeyType) (*object, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, hsm.NewError(op, id, hsm.ErrClosed, "")
	}
	o := m.keys[id]
	if o == nil {
		return nil, hsm.NewError(op, id, hsm.ErrNoKey, "")
	}
	if want != 0 && o.info.Type != want {
		return nil, hsm.NewError(op, id, hsm.ErrKeyType, "operation needs a "+want.String()+", key is a "+o.info.Type.String())
	}
	return o, nil
}

// checkNewKey validates a new key's arguments; SM4 is hsm.ErrUnsupported.
func checkNewKey(op string, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, length int) error {
	if err := id.Validate(); err != nil {
		return hsm.NewError(op, "", err, "")
	}
	if !t.Valid() {
		return hsm.NewError(op, id, hsm.ErrUnsupported, "unknown key type")
	}
	if a != symmetric.TDES {
		return hsm.NewError(op, id, hsm.ErrUnsupported, "the PKCS#11 module holds TDES keys only")
	}
	if !a.ValidLength(length) {
		return hsm.NewError(op, id, hsm.ErrInvalid, "key length not valid for TDES (16 or 24)")
	}
	return nil
}
