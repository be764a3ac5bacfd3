package capk

import (
	"errors"
	"fmt"
)

// Sentinel errors; ParseError wraps one of them.
var (
	ErrSyntax      = errors.New("capk: syntax error")
	ErrChecksum    = errors.New("capk: checksum mismatch")
	ErrKey         = errors.New("capk: invalid key")
	ErrDuplicate   = errors.New("capk: duplicate RID and index")
	ErrLimit       = errors.New("capk: file exceeds limits")
	ErrNotTestOnly = errors.New("capk: private key file is not marked TEST ONLY")
)

// ParseError locates a problem in a key file.
type ParseError struct {
	File   string // the name given to the parser
	Line   int    // 1-based; 0 when the problem is the whole file
	Detail string // what is wrong (never key material)
	Err    error  // one of the sentinels
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Detail, e.Err)
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }
