package runner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hulian/hulian/certification/script"
)

// SuiteChecksum is the SHA-256 over the suite's files in path order: for
// each, its path relative to the suite directory (slash-separated) and its
// contents, each preceded by its length as 8 bytes big-endian. It returns
// the hex digest and the number of files.
func SuiteChecksum(s *script.Suite) (string, int, error) {
	paths := make([]string, 0, len(s.Files))
	for _, f := range s.Files {
		paths = append(paths, f.Path)
	}
	sort.Strings(paths)
	h := sha256.New()
	var n [8]byte
	for _, p := range paths {
		rel, err := filepath.Rel(s.Dir, p)
		if err != nil {
			rel = p
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", 0, fmt.Errorf("suite checksum: %w", err)
		}
		for _, part := range [][]byte{[]byte(filepath.ToSlash(rel)), data} {
			binary.BigEndian.PutUint64(n[:], uint64(len(part)))
			h.Write(n[:])
			h.Write(part)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), len(paths), nil
}
