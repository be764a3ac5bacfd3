package soft

import "errors"

// Sentinel errors of the key store. Key operations return the hsm sentinels.
var (
	// ErrWrongLMK reports a local master key that does not open the key store.
	ErrWrongLMK = errors.New("soft: local master key does not open the key store")
	// ErrStore reports a key store file that is malformed or inconsistent.
	ErrStore = errors.New("soft: key store file invalid")
	// ErrLMK reports a local master key that is missing or not 32 bytes.
	ErrLMK = errors.New("soft: local master key must be 32 bytes (64 hex digits)")
)
