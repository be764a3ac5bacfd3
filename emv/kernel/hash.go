package kernel

import "crypto/sha1"

// sha1Sum is the EMV hash algorithm 01 (TC hash value, Book 3 5.4).
func sha1Sum(b []byte) []byte {
	h := sha1.Sum(b)
	return h[:]
}
