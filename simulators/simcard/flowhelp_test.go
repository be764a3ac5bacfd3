package simcard

import (
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/symmetric"
)

// online runs a transaction up to the first GENERATE AC (ARQC) and
// returns the ARQC and ATC.
func online(t testing.TB, m *term) ([]byte, uint16) {
	t.Helper()
	m.cdol1 = nil
	_, data, _ := m.start(debitAID)
	r, sw := m.genAC(0x80, data[0x8C])
	if sw != apdu.SWOK {
		t.Fatalf("GENERATE AC: %v", sw)
	}
	_, atc, arqc, _ := acFields(t, r)
	return arqc, atc
}

// script sends an issuer script command with the issuer's MAC.
func script(t testing.TB, m *term, cla, ins, p2 byte, atc uint16, arqc, data []byte, want apdu.SW) {
	t.Helper()
	alg := m.c.suite.sym
	macData, err := crypto.ScriptMACData(cla, ins, 0, p2, atc, arqc, data)
	if err != nil {
		t.Fatal(err)
	}
	mac, err := crypto.ScriptMAC(alg, issuerSession(t, alg, TestIMKMAC(), atc), macData)
	if err != nil {
		t.Fatal(err)
	}
	if _, sw := m.send(cla, ins, 0, p2, append(append([]byte(nil), data...), mac...), -1); sw != want {
		t.Fatalf("script %02X%02X: %v, want %v", cla, ins, sw, want)
	}
}

func mustEncrypt(t testing.TB, alg symmetric.Algorithm, sk, plain []byte) []byte {
	t.Helper()
	c, err := crypto.ScriptEncrypt(alg, sk, plain)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
