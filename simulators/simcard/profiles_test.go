package simcard

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

var update = flag.Bool("update", false, "regenerate testdata/cards profiles and DEFECTS.md")

// testNow is the transaction date of the tests (certificates expire 12/30).
var testNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// TEST PANs (Luhn-valid, UnionPay test range): pboc-rsa.yaml carries
// testPAN, pboc-sm.yaml testPANSM, so that the issuer simulator's accounts
// file (testdata/issuer/accounts.yaml) can hold both cards.
const (
	testPAN   = "6228480000000000018"
	testPANSM = "6228480000000000026"
)

// panOf returns the PAN of the shipped profile of an algorithm suite.
func panOf(alg string) string {
	if alg == "sm" {
		return testPANSM
	}
	return testPAN
}

// shipped are the committed profiles and how they were made.
func shipped() []struct{ file, alg string } {
	return []struct{ file, alg string }{{"pboc-rsa.yaml", "rsa"}, {"pboc-sm.yaml", "sm"}}
}

// TestShippedProfiles regenerates the committed profiles with -update and
// checks they still verify: issuer and ICC certificates chain to the test
// CA keys, SDA and DDA verify (emv/oda).
func TestShippedProfiles(t *testing.T) {
	for i, sp := range shipped() {
		t.Run(sp.alg, func(t *testing.T) {
			path := filepath.Join(cardsDir, sp.file)
			if *update {
				writeProfile(t, path, sp.alg, uint64(10+i))
			}
			p := loadProfile(t, sp.file)
			if p.Algorithm != sp.alg || len(p.Applications) != 2 {
				t.Fatalf("profile %s: algorithm %s, %d applications", sp.file, p.Algorithm, len(p.Applications))
			}
			for _, a := range p.Applications {
				verifyODA(t, p, a.AID)
			}
		})
	}
}

func writeProfile(t *testing.T, path, alg string, seed uint64) {
	p, err := Personalize(PersonalizeOptions{
		PAN: panOf(alg), Expiry: "3012", Algorithm: alg, CAKeyFile: "../../testdata/emv/capk-test-private.txt",
		Rand: seededRand(seed),
	})
	if err != nil {
		t.Fatal(err)
	}
	p.CAPrivateKey = "../emv/capk-test-private.txt"
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func caStore(t testing.TB) *capk.Store {
	t.Helper()
	s, err := capk.LoadFile("../../testdata/emv/capk-test.txt")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// verifyODA runs SELECT, GPO, READ RECORD and INTERNAL AUTHENTICATE and
// verifies SDA and DDA against the test CA public keys.
func verifyODA(t *testing.T, p *Profile, aid []byte) {
	t.Helper()
	m := newTerm(t, p)
	aip, data, records := m.start(aid)
	iccKey := recoverKeys(t, aip, data, records)
	ddol := h("11223344")
	r, sw := m.send(0x00, 0x88, 0, 0, ddol, 256)
	if sw != apdu.SWOK {
		t.Fatalf("INTERNAL AUTHENTICATE: %v", sw)
	}
	objs, _ := tlv.Parse(r)
	if _, err := oda.VerifyDDA(iccKey, objs[0].Value, ddol); err != nil {
		t.Fatalf("DDA: %v", err)
	}
}

// recoverKeys checks the certificate chain and SDA and returns the ICC key.
func recoverKeys(t testing.TB, aip []byte, data map[tlv.Tag][]byte, records []byte) *oda.PublicKey {
	t.Helper()
	ca, ok := caStore(t).Lookup(h("A000000333"), data[0x8F][0])
	if !ok {
		t.Fatalf("CA key %X not found", data[0x8F])
	}
	pan := data[0x5A]
	ik, err := oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: data[0x90], Remainder: data[0x92], Exponent: data[0x9F32]}, pan, testNow)
	if err != nil {
		t.Fatalf("issuer certificate: %v", err)
	}
	static, err := oda.StaticData(records, data[0x9F4A], aip)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oda.VerifySDA(ik, data[0x93], static); err != nil {
		t.Fatalf("SDA: %v", err)
	}
	icc, err := oda.RecoverICCKey(ik, oda.ICCCert{Cert: data[0x9F46], Remainder: data[0x9F48], Exponent: data[0x9F47]}, static, pan, testNow)
	if err != nil {
		t.Fatalf("ICC certificate: %v", err)
	}
	return icc
}

// TestPersonalizeFresh personalises a new card (another PAN and seed) and
// verifies its offline data authentication end to end.
func TestPersonalizeFresh(t *testing.T) {
	for _, alg := range []string{"rsa", "sm"} {
		t.Run(alg, func(t *testing.T) {
			p, err := Personalize(PersonalizeOptions{
				PAN: testPAN, Expiry: "2912", Algorithm: alg, CAKeyFile: "../../testdata/emv/capk-test-private.txt",
				Rand: seededRand(99),
			})
			if err != nil {
				t.Fatal(err)
			}
			b, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			q, err := ParseProfile(b, "")
			if err != nil {
				t.Fatalf("personalised profile does not load: %v", err)
			}
			verifyODA(t, q, debitAID)
		})
	}
	if _, err := Personalize(PersonalizeOptions{PAN: "6228480000000000017", Expiry: "3012"}); err == nil {
		t.Fatal("a PAN failing the Luhn check was accepted")
	}
}
