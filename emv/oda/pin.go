package oda

import (
	"io"

	"github.com/hulian/hulian/emv/capk"
)

// StepPIN is the terminal's encipherment of an offline PIN.
const StepPIN Step = "PIN encipherment"

// Lengths of the enciphered PIN data fields (EMV Book 2 7.2).
const (
	PINBlockLen  = 8 // ISO 9564 format 2 PIN block
	ChallengeLen = 8 // ICC unpredictable number from GET CHALLENGE
)

// EncipherPIN returns the data of a VERIFY with P2 88 (offline enciphered
// PIN, EMV Book 2 7.2, terminal side): 7F || PIN block || ICC unpredictable
// number || random pad, as long as the modulus of key, enciphered with the
// RSA public key: the ICC PIN encipherment public key (9F2D/9F2E/9F2F) or
// the ICC public key (9F46/9F47/9F48), both recovered with RecoverICCKey.
// The pad is read from r (crypto/rand when nil). The result is key material
// of the cardholder's PIN: never log it.
func EncipherPIN(key *PublicKey, pinBlock, challenge []byte, r io.Reader) ([]byte, error) {
	if key == nil || key.Algorithm != capk.RSA {
		return nil, fail(StepPIN, ErrKeyAlgorithm, "RSA key required")
	}
	if len(pinBlock) != PINBlockLen || len(challenge) != ChallengeLen {
		return nil, fail(StepPIN, ErrInput, "PIN block and challenge must be 8 bytes")
	}
	n := len(key.Modulus)
	if n < 1+PINBlockLen+ChallengeLen {
		return nil, fail(StepPIN, ErrKey, "modulus too short")
	}
	msg := make([]byte, 0, n)
	msg = append(append(append(msg, 0x7F), pinBlock...), challenge...)
	pad := msg[len(msg):n]
	if _, err := io.ReadFull(Signer{Rand: r}.rand(), pad); err != nil {
		return nil, fail(StepPIN, ErrInput, "random pad unavailable")
	}
	return rsaRecover(StepPIN, key.Modulus, key.Exponent, msg[:n])
}
