package capk

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"time"
)

// File limits: no line is longer than MaxLineLen bytes, no file holds more
// than MaxKeys keys.
const (
	MaxLineLen = 4096
	MaxKeys    = 512
)

// Store holds CA public keys by RID and index. It is read-only after
// Parse, so it is safe for concurrent use.
type Store struct {
	keys  map[id]Key
	order []id
}

type id struct {
	rid   [5]byte
	index byte
}

// LoadFile reads a public key file (see the package doc).
func LoadFile(path string) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads public keys from r; name labels errors (file:line).
func Parse(r io.Reader, name string) (*Store, error) {
	s := &Store{keys: make(map[id]Key)}
	err := scanLines(r, name, func(line int, text string) error {
		if text[0] == '#' {
			return nil
		}
		k, detail, err := parseKey(strings.Fields(text))
		if err != nil {
			return &ParseError{File: name, Line: line, Detail: detail, Err: err}
		}
		kid := id{k.RID, k.Index}
		if _, dup := s.keys[kid]; dup {
			return &ParseError{File: name, Line: line, Detail: "RID " + hexUpper(k.RID[:]) + " index " + hexUpper([]byte{k.Index}), Err: ErrDuplicate}
		}
		if len(s.order) == MaxKeys {
			return &ParseError{File: name, Line: line, Detail: "more than MaxKeys keys", Err: ErrLimit}
		}
		s.keys[kid] = k
		s.order = append(s.order, kid)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Lookup returns the key of rid (5 bytes) and index.
func (s *Store) Lookup(rid []byte, index byte) (Key, bool) {
	var kid id
	if len(rid) != len(kid.rid) {
		return Key{}, false
	}
	copy(kid.rid[:], rid)
	kid.index = index
	k, ok := s.keys[kid]
	return k, ok
}

// Keys returns the keys in file order.
func (s *Store) Keys() []Key {
	out := make([]Key, 0, len(s.order))
	for _, kid := range s.order {
		out = append(out, s.keys[kid])
	}
	return out
}

// Len returns the number of keys.
func (s *Store) Len() int { return len(s.order) }

// scanLines calls fn with every non-blank line, trimmed (comments included).
// A too long line is ErrLimit.
func scanLines(r io.Reader, name string, fn func(line int, text string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), MaxLineLen)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if err := fn(line, text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &ParseError{File: name, Line: line + 1, Detail: "line longer than MaxLineLen", Err: ErrLimit}
		}
		return &ParseError{File: name, Line: line + 1, Detail: "read failed", Err: err}
	}
	return nil
}

// parseKey reads the seven fields of a public key line and verifies it.
func parseKey(f []string) (Key, string, error) {
	var k Key
	if len(f) != 7 {
		return k, "want 7 fields: RID INDEX ALG EXPIRY EXPONENT KEY CHECKSUM", ErrSyntax
	}
	if detail := parseID(f[0], f[1], &k.RID, &k.Index); detail != "" {
		return k, detail, ErrSyntax
	}
	switch f[2] {
	case "RSA":
		k.Algorithm = RSA
	case "SM2":
		k.Algorithm = SM2
	default:
		return k, "algorithm is not RSA or SM2", ErrSyntax
	}
	exp, err := time.Parse("20060102", f[3])
	if err != nil {
		return k, "expiry is not YYYYMMDD", ErrSyntax
	}
	k.Expiry = exp
	material, err1 := hex.DecodeString(f[5])
	sum, err2 := hex.DecodeString(f[6])
	if err1 != nil || err2 != nil || len(sum) != len(k.Checksum) {
		return k, "key or checksum is not hex (checksum 40 digits)", ErrSyntax
	}
	copy(k.Checksum[:], sum)
	if k.Algorithm == SM2 {
		if f[4] != "-" {
			return k, "SM2 key has exponent \"-\"", ErrSyntax
		}
		k.SM2 = material
	} else {
		if k.Exponent, err = hex.DecodeString(f[4]); err != nil {
			return k, "exponent is not hex", ErrSyntax
		}
		k.Modulus = material
	}
	if detail := k.check(); detail != "" {
		return k, detail, ErrKey
	}
	want := k.ComputeChecksum()
	if !bytes.Equal(want[:], k.Checksum[:]) {
		return k, "RID " + f[0] + " index " + f[1], ErrChecksum
	}
	return k, "", nil
}

// parseID reads the RID and index fields.
func parseID(ridHex, indexHex string, rid *[5]byte, index *byte) string {
	r, err := hex.DecodeString(ridHex)
	if err != nil || len(r) != len(rid) {
		return "RID is not 10 hex digits"
	}
	i, err := hex.DecodeString(indexHex)
	if err != nil || len(i) != 1 {
		return "index is not 2 hex digits"
	}
	copy(rid[:], r)
	*index = i[0]
	return ""
}
