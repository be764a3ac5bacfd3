package hsm

import (
	"context"

	"github.com/hulian/hulian/symmetric"
)

// Module is a security module. Implementations are safe for concurrent use.
//
// Keys are named by KeyID and their clear values never cross this interface,
// except the clear components a key ceremony feeds into ImportComponents.
// Every method returns errors that wrap the sentinels of this package.
type Module interface {
	// Name identifies the implementation ("soft", "pkcs11", ...).
	Name() string

	// GenerateKey creates a random key; length 0 means a.DefaultLength().
	GenerateKey(ctx context.Context, id KeyID, t KeyType, a symmetric.Algorithm, length int) (KeyInfo, error)

	// ImportComponents builds a key as the XOR of clear components. kcvs holds
	// one check value per component followed by the check value of the
	// resulting key (len(components)+1 entries); any mismatch is ErrKCVMismatch.
	ImportComponents(ctx context.Context, id KeyID, t KeyType, a symmetric.Algorithm, components [][]byte, kcvs []string) (KeyInfo, error)

	// ImportWrapped imports a key received enciphered (ECB) under the zone
	// master key kek and checks it against kcv (ErrKCVMismatch).
	ImportWrapped(ctx context.Context, id KeyID, t KeyType, a symmetric.Algorithm, kek KeyID, wrapped []byte, kcv string) (KeyInfo, error)

	// ExportWrapped returns key id enciphered (ECB) under the zone master key kek, with its check value.
	ExportWrapped(ctx context.Context, id KeyID, kek KeyID) (wrapped []byte, kcv string, err error)

	// Key describes one key (ErrNoKey if absent).
	Key(ctx context.Context, id KeyID) (KeyInfo, error)

	// Keys describes every key, sorted by id.
	Keys(ctx context.Context) ([]KeyInfo, error)

	// DeleteKey removes a key (ErrNoKey if absent).
	DeleteKey(ctx context.Context, id KeyID) error

	// GenerateMAC returns the 8-byte MAC of data under a ZAK: ANSI X9.19 retail
	// MAC (ISO 9797-1 MAC algorithm 3, padding method 1) for TDES keys, SM4
	// CBC-MAC (zero IV, zero padding) truncated to its leftmost 8 bytes for SM4 keys.
	GenerateMAC(ctx context.Context, key KeyID, data []byte) ([]byte, error)

	// VerifyMAC checks an 8-byte MAC in constant time (ErrMACMismatch).
	VerifyMAC(ctx context.Context, key KeyID, data, mac []byte) error

	// TranslatePIN deciphers r.Block under r.From (a ZPK), checks the clear
	// block against r.FromFormat (ErrPINFormat), re-encodes the PIN in
	// r.ToFormat with r.PAN and enciphers it under r.To (a ZPK).
	TranslatePIN(ctx context.Context, r TranslatePIN) ([]byte, error)

	// Close releases the module; later calls fail with ErrClosed.
	Close() error
}
