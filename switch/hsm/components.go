package hsm

import (
	"strconv"

	"github.com/hulian/hulian/symmetric"
)

// MaxComponents bounds a key ceremony.
const MaxComponents = 9

// CombineComponents XORs the clear components of a key ceremony into a new
// key, checking each component's check value (kcvs holds one per component
// and then one for the key, which the caller checks once parity is set).
// op and id name the operation in errors. The caller clears the result.
func CombineComponents(op string, id KeyID, a symmetric.Algorithm, components [][]byte, kcvs []string) ([]byte, error) {
	if len(components) == 0 || len(components) > MaxComponents {
		return nil, NewError(op, id, ErrInvalid, "number of components outside 1..9")
	}
	if len(kcvs) != len(components)+1 {
		return nil, NewError(op, id, ErrInvalid, "need one check value per component plus one for the key")
	}
	key := make([]byte, len(components[0]))
	for i, c := range components {
		if len(c) != len(key) {
			clear(key)
			return nil, NewError(op, id, ErrInvalid, "components differ in length")
		}
		if !SameKCV(KCV(a, c), kcvs[i]) {
			clear(key)
			return nil, NewError(op, id, ErrKCVMismatch, "component "+strconv.Itoa(i+1)+" check value")
		}
		for j := range key {
			key[j] ^= c[j]
		}
	}
	return key, nil
}

// SetOddParity forces odd parity on every byte of a DES key (the low bit of
// each byte is its parity bit). It is emv/symmetric.SetOddParity.
func SetOddParity(k []byte) { symmetric.SetOddParity(k) }
