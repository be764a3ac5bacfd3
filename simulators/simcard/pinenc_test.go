package simcard

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/oda"
)

// encTerm is a terminal past GPO and READ RECORD that holds the ICC public
// key recovered from the card's certificates (the key EMV Book 2 7.1 lets a
// card use for PIN encipherment when it has no 9F2D key).
func encTerm(t *testing.T) (*term, *oda.PublicKey) {
	t.Helper()
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	aip, data, static := m.start(debitAID)
	return m, recoverKeys(t, aip, data, static)
}

// challenge sends GET CHALLENGE and returns the 8-byte answer.
func (m *term) challenge() []byte {
	m.t.Helper()
	un, sw := m.send(0x00, 0x84, 0, 0, nil, 8)
	if sw != apdu.SWOK || len(un) != challengeLen {
		m.t.Fatalf("GET CHALLENGE: %X %v", un, sw)
	}
	return un
}

// verifyEnc enciphers block with the challenge (oda.EncipherPIN, EMV Book 2
// 7.2) and sends VERIFY P2 88.
func (m *term) verifyEnc(key *oda.PublicKey, block, un []byte) apdu.SW {
	m.t.Helper()
	data, err := oda.EncipherPIN(key, block, un, seededRand(5))
	if err != nil {
		m.t.Fatal(err)
	}
	_, sw := m.send(0x00, 0x20, 0, verifyEnciphered, data, -1)
	return sw
}

// TestEncipheredPIN: VERIFY with an enciphered PIN checks the challenge,
// the header and the PIN, and keeps the try counter like the plaintext PIN.
func TestEncipheredPIN(t *testing.T) {
	m, key := encTerm(t)
	right, wrong := pinBlock("123456"), pinBlock("654321")
	tries := func() int {
		v, _ := m.send(0x80, 0xCA, 0x9F, 0x17, nil, 256)
		return int(v[len(v)-1])
	}
	if sw := m.verifyEnc(key, wrong, m.challenge()); sw != 0x63C2 || tries() != 2 {
		t.Fatalf("wrong PIN: %v, tries %d; want 63C2 and 2", sw, tries())
	}
	if sw := m.verifyEnc(key, right, m.challenge()); sw != apdu.SWOK || tries() != 3 || !m.c.sess.pinOK {
		t.Fatalf("right PIN: %v, tries %d; want 9000 and 3", sw, tries())
	}

	stale := m.challenge()
	m.send(0x80, 0xCA, 0x9F, 0x36, nil, 256) // any command spends the challenge
	if sw := m.verifyEnc(key, right, stale); sw != apdu.SWConditionsOfUse {
		t.Fatalf("stale challenge: %v, want 6985", sw)
	}
	un := m.challenge()
	if sw := m.verifyEnc(key, right, un); sw != apdu.SWOK {
		t.Fatalf("VERIFY: %v", sw)
	}
	if sw := m.verifyEnc(key, right, un); sw != apdu.SWConditionsOfUse {
		t.Fatalf("challenge replayed: %v, want 6985", sw)
	}
	other := m.challenge()
	other[0] ^= 1
	if sw := m.verifyEnc(key, right, other); sw != apdu.SWWrongData {
		t.Fatalf("wrong challenge: %v, want 6A80", sw)
	}
	if sw := m.verifyEnc(key, h("3412 34FF FFFF FFFF"), m.challenge()); sw != apdu.SWWrongData {
		t.Fatalf("not a format 2 block: %v, want 6A80", sw)
	}
	n := len(key.Modulus)
	m.challenge()
	if _, sw := m.send(0x00, 0x20, 0, verifyEnciphered, make([]byte, n-1), -1); sw != apdu.SWWrongLength {
		t.Fatalf("short data: %v, want 6700", sw)
	}
	m.challenge()
	if _, sw := m.send(0x00, 0x20, 0, verifyEnciphered, bytes.Repeat([]byte{0xFF}, n), -1); sw != apdu.SWWrongData {
		t.Fatalf("data above the modulus: %v, want 6A80", sw)
	}
	if tries() != 3 {
		t.Fatalf("malformed enciphered data changed the try counter: %d", tries())
	}
}

// TestEncipheredPINHeader: a block enciphered without the 7F header is
// refused (the terminal-side layout is built by hand here).
func TestEncipheredPINHeader(t *testing.T) {
	m, key := encTerm(t)
	un := m.challenge()
	msg := make([]byte, len(key.Modulus))
	msg[0] = 0x7E
	copy(msg[1:], pinBlock("123456"))
	copy(msg[9:], un)
	x := new(big.Int).Exp(new(big.Int).SetBytes(msg), new(big.Int).SetBytes(key.Exponent), new(big.Int).SetBytes(key.Modulus))
	if _, sw := m.send(0x00, 0x20, 0, verifyEnciphered, x.FillBytes(make([]byte, len(msg))), -1); sw != apdu.SWWrongData {
		t.Fatalf("header 7E: %v, want 6A80", sw)
	}
}

// TestEncipheredPINSM: SM profiles do not support P2 88 (no public source
// of the SM2 layout): 6A86, even after GET CHALLENGE.
func TestEncipheredPINSM(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-sm.yaml"))
	m.start(debitAID)
	m.challenge()
	if _, sw := m.send(0x00, 0x20, 0, verifyEnciphered, make([]byte, 128), -1); sw != apdu.SWIncorrectP1P2 {
		t.Fatalf("SM card VERIFY P2 88: %v, want 6A86", sw)
	}
}
