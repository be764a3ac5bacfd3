package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// demoKeys is the demo's software security module: a fresh LMK and fresh
// zone keys, in the key store switchd reads. The simulators share this one
// module in process; switchd opens the same file in its own process.
type demoKeys struct {
	mod   *soft.Module
	store string
	list  []string // "48020000/zak x919 TDES", for the report
}

// macKey and pinKey name an institution's zone keys (switch/config:
// "<id>/zak", "<id>/zpk").
func macKey(id string) hsm.KeyID { return hsm.KeyID(id + "/zak") }
func pinKey(id string) hsm.KeyID { return hsm.KeyID(id + "/zpk") }

// setupKeys writes a fresh LMK to cfg.Security.LMKFile, starts an empty key
// store at cfg.Security.KeyStore and generates a ZAK for every institution
// with a MAC and a ZPK for every one with a PIN format. It returns nil, nil
// when no institution needs a key.
func setupKeys(ctx context.Context, cfg *config.Config) (*demoKeys, error) {
	if !needsKeys(cfg) {
		return nil, nil
	}
	sec := &cfg.Security
	if sec.PKCS11 != nil || sec.KeyStore == "" || sec.LMKFile == "" {
		return nil, errors.New("demo: institutions use MACs or PIN formats: the configuration needs security.key_store and security.lmk_file (software module)")
	}
	lmk := make([]byte, soft.LMKSize)
	defer clear(lmk)
	if _, err := io.ReadFull(rand.Reader, lmk); err != nil {
		return nil, fmt.Errorf("demo keys: %w", err)
	}
	if err := writeFresh(sec.LMKFile, []byte(hex.EncodeToString(lmk)+"\n")); err != nil {
		return nil, fmt.Errorf("demo keys: LMK: %w", err)
	}
	if err := os.Remove(sec.KeyStore); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("demo keys: %w", err)
	}
	mod, err := soft.New(sec.KeyStore, soft.Options{LMK: lmk})
	if err != nil {
		return nil, fmt.Errorf("demo keys: %w", err)
	}
	k := &demoKeys{mod: mod, store: sec.KeyStore}
	if err := k.generate(ctx, cfg); err != nil {
		_ = mod.Close()
		return nil, err
	}
	return k, nil
}

func needsKeys(cfg *config.Config) bool {
	for i := range cfg.Institutions {
		if in := &cfg.Institutions[i]; hasMAC(in) || in.PINFormat != "" {
			return true
		}
	}
	return false
}

func hasMAC(in *config.Institution) bool { return in.MAC != "" && in.MAC != "none" }

// generate makes every institution's ZAK and ZPK.
func (k *demoKeys) generate(ctx context.Context, cfg *config.Config) error {
	for i := range cfg.Institutions {
		in := &cfg.Institutions[i]
		if hasMAC(in) {
			alg := symmetric.TDES
			if in.MAC == "sm4" {
				alg = symmetric.SM4
			}
			if err := k.gen(ctx, macKey(in.ID), hsm.ZAK, alg, in.MAC); err != nil {
				return err
			}
		}
		if in.PINFormat != "" {
			alg := symmetric.TDES
			if in.PINFormat == "iso4" {
				alg = symmetric.SM4
			}
			if err := k.gen(ctx, pinKey(in.ID), hsm.ZPK, alg, in.PINFormat); err != nil {
				return err
			}
		}
	}
	return nil
}

func (k *demoKeys) gen(ctx context.Context, id hsm.KeyID, t hsm.KeyType, a symmetric.Algorithm, use string) error {
	info, err := k.mod.GenerateKey(ctx, id, t, a, 0)
	if err != nil {
		return fmt.Errorf("demo keys: %w", err)
	}
	k.list = append(k.list, fmt.Sprintf("%s (%s, %s, KCV %s)", id, use, algName(a), info.KCV))
	return nil
}

func algName(a symmetric.Algorithm) string {
	if a == symmetric.SM4 {
		return "SM4"
	}
	return "3DES"
}

// print lists the keys (ids, algorithms and check values only).
func (k *demoKeys) print(w io.Writer) {
	if k == nil {
		return
	}
	fmt.Fprintf(w, "keys     fresh LMK, %d zone keys in %s:\n", len(k.list), k.store)
	for i := 0; i < len(k.list); i += 2 {
		fmt.Fprintf(w, "           %s\n", strings.Join(k.list[i:min(i+2, len(k.list))], "   "))
	}
}

// close releases the module (nil-safe).
func (k *demoKeys) close() {
	if k != nil {
		_ = k.mod.Close()
	}
}

// module returns the module, or nil without keys.
func (k *demoKeys) module() hsm.Module {
	if k == nil {
		return nil
	}
	return k.mod
}

// writeFresh writes data to path (mode 0600), creating its directory.
func writeFresh(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
