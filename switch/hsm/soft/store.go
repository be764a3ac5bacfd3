package soft

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// Store file limits.
const (
	storeFormat  = "hulian-soft-hsm/1"
	maxStoreSize = 16 << 20
	maxKeys      = 100000
)

// storeFile is the JSON layout of the key store.
type storeFile struct {
	Format string   `json:"format"`
	Check  sealed   `json:"lmk_check"`
	Keys   []record `json:"keys"`
}

// record is one stored key: metadata in clear, value sealed under the LMK.
type record struct {
	ID      hsm.KeyID `json:"id"`
	Type    string    `json:"type"`
	Alg     string    `json:"alg"`
	Length  int       `json:"length"`
	KCV     string    `json:"kcv"`
	Created time.Time `json:"created"`
	Value   sealed    `json:"value"`
}

// load reads the store file; a missing file is an empty store.
func (m *Module) load() error {
	f, err := os.Open(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		m.check, err = sealCheck(m.aead, m.rnd)
		return err
	}
	if err != nil {
		return fmt.Errorf("soft: open key store: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxStoreSize+1))
	if err != nil {
		return fmt.Errorf("soft: read key store: %w", err)
	}
	if len(raw) > maxStoreSize {
		return fmt.Errorf("%w: larger than %d bytes", ErrStore, maxStoreSize)
	}
	var sf storeFile
	if err := json.Unmarshal(raw, &sf); err != nil {
		return fmt.Errorf("%w: not JSON", ErrStore) // no detail: keep file bytes out of errors
	}
	if sf.Format != storeFormat || len(sf.Keys) > maxKeys {
		return fmt.Errorf("%w: unknown format or too many keys", ErrStore)
	}
	if err := openCheck(m.aead, sf.Check); err != nil {
		return err
	}
	m.check = sf.Check
	for i := range sf.Keys {
		e, err := m.fromRecord(&sf.Keys[i])
		if err != nil {
			return err
		}
		if _, dup := m.keys[e.info.ID]; dup {
			return fmt.Errorf("%w: key id %q stored twice", ErrStore, e.info.ID)
		}
		m.keys[e.info.ID] = e
	}
	return nil
}

// fromRecord validates a stored key, unseals it and checks its check value.
func (m *Module) fromRecord(r *record) (*entry, error) {
	bad := func(what string) error { return fmt.Errorf("%w: key %q: %s", ErrStore, r.ID, what) }
	if r.ID.Validate() != nil {
		return nil, fmt.Errorf("%w: invalid key id", ErrStore)
	}
	t, err := hsm.ParseKeyType(r.Type)
	if err != nil {
		return nil, bad("unknown key type")
	}
	a, err := symmetric.ParseAlgorithm(r.Alg)
	if err != nil {
		return nil, bad("unknown algorithm")
	}
	if !a.ValidLength(r.Length) {
		return nil, bad("invalid key length")
	}
	info := hsm.KeyInfo{ID: r.ID, Type: t, Alg: a, Length: r.Length, KCV: r.KCV, Created: r.Created}
	key, err := unsealKey(m.aead, info, r.Value)
	if err != nil {
		// the LMK check marker opened, so a key that does not is damaged or altered
		return nil, bad("sealed value does not open (damaged or altered)")
	}
	kcv := hsm.KCV(a, key)
	clear(key)
	if !hsm.SameKCV(kcv, r.KCV) {
		return nil, bad("check value does not match the key")
	}
	return &entry{info: info, value: r.Value}, nil
}

// save writes the whole store atomically: temporary file in the same
// directory, fsync, rename, fsync of the directory. m.mu must be held.
func (m *Module) save() error {
	sf := storeFile{Format: storeFormat, Check: m.check, Keys: make([]record, 0, len(m.keys))}
	for _, e := range m.keys {
		i := e.info
		sf.Keys = append(sf.Keys, record{ID: i.ID, Type: i.Type.String(), Alg: i.Alg.String(),
			Length: i.Length, KCV: i.KCV, Created: i.Created, Value: e.value})
	}
	slices.SortFunc(sf.Keys, func(a, b record) int { return cmp.Compare(a.ID, b.ID) })
	raw, err := json.MarshalIndent(&sf, "", "  ")
	if err != nil {
		return fmt.Errorf("soft: encode key store: %w", err)
	}
	return writeAtomic(m.path, raw)
}

func writeAtomic(path string, raw []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	if _, err := tmp.Write(raw); err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("soft: write key store: %w", err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}
