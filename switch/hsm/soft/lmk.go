package soft

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// LMKSize is the length of the local master key: an AES-256 key.
const LMKSize = 32

// maxLMKFile bounds what LMKFromFile reads.
const maxLMKFile = 1024

// LMKFromFile reads a local master key from a file holding either 64 hex
// digits (surrounding white space ignored) or exactly 32 raw bytes. The
// caller should clear the result once the module is open.
func LMKFromFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("soft: LMK file: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxLMKFile+1))
	if err != nil {
		return nil, fmt.Errorf("soft: LMK file: %w", err)
	}
	defer clear(raw)
	if len(raw) > maxLMKFile {
		return nil, ErrLMK
	}
	if len(raw) == LMKSize {
		return bytes.Clone(raw), nil
	}
	return decodeLMKHex(bytes.TrimSpace(raw))
}

// LMKFromEnv reads a local master key given as 64 hex digits in environment variable name.
func LMKFromEnv(name string) ([]byte, error) {
	v, ok := os.LookupEnv(name)
	if !ok {
		return nil, fmt.Errorf("soft: LMK environment variable %s not set: %w", name, ErrLMK)
	}
	return decodeLMKHex(bytes.TrimSpace([]byte(v)))
}

func decodeLMKHex(h []byte) ([]byte, error) {
	if len(h) != 2*LMKSize {
		return nil, ErrLMK
	}
	k := make([]byte, LMKSize)
	if _, err := hex.Decode(k, h); err != nil {
		clear(k)
		return nil, ErrLMK // never wrap hex errors: they quote the offending byte
	}
	return k, nil
}

// newAEAD keys AES-256-GCM with the LMK.
func newAEAD(lmk []byte) (cipher.AEAD, error) {
	if len(lmk) != LMKSize {
		return nil, ErrLMK
	}
	b, err := aes.NewCipher(lmk)
	if err != nil {
		return nil, ErrLMK
	}
	return cipher.NewGCM(b)
}
