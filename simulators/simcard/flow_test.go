package simcard

import (
	"bytes"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/symmetric"
)

var debitAID = h("A000000333010101")

// issuerSession derives what the issuer host holds: the card's master key
// from an issuer master key (emv/crypto) and the session key for atc. The
// PAN is the shipped profile's of the suite (SM4: pboc-sm.yaml).
func issuerSession(t testing.TB, alg symmetric.Algorithm, imk []byte, atc uint16) []byte {
	t.Helper()
	pan := testPAN
	if alg == symmetric.SM4 {
		pan = testPANSM
	}
	mk, err := crypto.DeriveCardKey(alg, imk, []byte(pan), 0x01)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := crypto.SessionKey(alg, mk, atc)
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

// TestOnlineTransaction: ARQC verifies from the issuer master key, the ARPC
// is accepted, an EC load script changes the balance, the second GENERATE
// AC approves and the transaction is logged.
func TestOnlineTransaction(t *testing.T) {
	for _, tc := range []struct {
		file string
		alg  symmetric.Algorithm
	}{{"pboc-rsa.yaml", symmetric.TDES}, {"pboc-sm.yaml", symmetric.SM4}} {
		t.Run(tc.file, func(t *testing.T) {
			m := newTerm(t, loadProfile(t, tc.file))
			aip, data, _ := m.start(debitAID)
			r, sw := m.genAC(0x80, data[0x8C])
			if sw != apdu.SWOK {
				t.Fatalf("GENERATE AC: %v", sw)
			}
			cid, atc, arqc, iad := acFields(t, r)
			if cid != cidARQC || atc != 1 {
				t.Fatalf("CID %02X ATC %d, want ARQC and ATC 1", cid, atc)
			}
			if iad[7] != map[symmetric.Algorithm]byte{symmetric.TDES: 1, symmetric.SM4: 4}[tc.alg] || iad[4]&0x30 != 0x20 {
				t.Fatalf("9F10 %X: algorithm id or CVR wrong", iad)
			}
			terminal, _ := mustDOL(t, data[0x8C]).Split(m.cdol1)
			skAC := issuerSession(t, tc.alg, TestIMKAC(), atc)
			if err := crypto.VerifyAC(tc.alg, skAC, CryptogramInput(terminal, aip, atc, iad), arqc); err != nil {
				t.Fatalf("ARQC does not verify: %v", err)
			}
			arpc, err := crypto.ARPC1(tc.alg, skAC, arqc, []byte("00"))
			if err != nil {
				t.Fatal(err)
			}
			if _, sw := m.send(0x00, 0x82, 0, 0, append(arpc, "00"...), -1); sw != apdu.SWOK {
				t.Fatalf("EXTERNAL AUTHENTICATE: %v", sw)
			}
			ecLoad(t, m, tc.alg, atc, arqc, 60000, apdu.SWOK)
			if v, _ := m.send(0x80, 0xCA, 0x9F, 0x79, nil, 256); !bytes.Equal(v, h("9F7906000000060000")) {
				t.Fatalf("EC balance after load: %X", v)
			}
			r, sw = m.genAC(0x40, data[0x8D])
			if cid, atc2, _, _ := acFields(t, r); sw != apdu.SWOK || cid != cidTC || atc2 != atc {
				t.Fatalf("second GENERATE AC: %v CID %02X ATC %d", sw, cid, atc2)
			}
			if v, _ := m.send(0x80, 0xCA, 0x9F, 0x13, nil, 256); !bytes.Equal(v, h("9F13020001")) {
				t.Fatalf("last online ATC: %X", v)
			}
			if rec, sw := m.send(0x00, 0xB2, 1, 11<<3|4, nil, 256); sw != apdu.SWOK || !bytes.HasSuffix(rec, h("0001")) {
				t.Fatalf("log record: %X %v", rec, sw)
			}
		})
	}
}

func mustDOL(t testing.TB, b []byte) dol.DOL {
	t.Helper()
	d, err := dol.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ecLoad sends the EC load script PUT DATA 04 DA 9F 79 with a MAC made by
// the issuer from the issuer master key.
func ecLoad(t testing.TB, m *term, alg symmetric.Algorithm, atc uint16, arqc []byte, balance int64, want apdu.SW) {
	t.Helper()
	value := bcdAmount(balance)
	macData, err := crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, atc, arqc, value)
	if err != nil {
		t.Fatal(err)
	}
	mac, err := crypto.ScriptMAC(alg, issuerSession(t, alg, TestIMKMAC(), atc), macData)
	if err != nil {
		t.Fatal(err)
	}
	if _, sw := m.send(0x04, 0xDA, 0x9F, 0x79, append(value, mac...), -1); sw != want {
		t.Fatalf("EC load: %v, want %v", sw, want)
	}
}

// TestCDA: GENERATE AC with CDA returns 77 with 9F4B that verifies.
func TestCDA(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	aip, data, static := m.start(debitAID)
	icc := recoverKeys(t, aip, data, static)
	r, sw := m.genAC(0x90, data[0x8C])
	if sw != apdu.SWOK {
		t.Fatalf("GENERATE AC: %v", sw)
	}
	objs, _ := tlv.Parse(r)
	if objs[0].Tag != 0x77 {
		t.Fatalf("want format 2, got %X", r)
	}
	var resp []byte
	for _, o := range objs[0].Children {
		if o.Tag != 0x9F4B {
			resp = tlv.AppendTLV(resp, o)
		}
	}
	sdad, _ := tlv.Find(objs, 0x9F4B)
	cid, _ := tlv.Find(objs, 0x9F27)
	res, err := oda.VerifyCDA(icc, sdad.Value, oda.CDA{
		UnpredictableNumber: m.values[0x9F37], CID: cid.Value[0], PDOLData: m.pdol, CDOLData: m.cdol1, ResponseTLVs: resp,
	})
	if err != nil {
		t.Fatalf("CDA: %v", err)
	}
	if res.CID != cidARQC || len(res.AC) != 8 {
		t.Fatalf("CDA result %+v", res)
	}
}

// TestQPBOC: a GPO with TTQ asking qPBOC returns 77 with the cryptogram;
// an amount within the EC balance is approved offline with an fDDA
// signature that verifies, and the balance drops.
func TestQPBOC(t *testing.T) {
	for _, file := range []string{"pboc-rsa.yaml", "pboc-sm.yaml"} {
		t.Run(file, func(t *testing.T) {
			m := newTerm(t, loadProfile(t, file))
			m.values[0x9F66] = h("26000000")
			fci, _ := m.selectName([]byte("2PAY.SYS.DDF01"), false)
			if !bytes.Contains(fci, h("BF0C")) {
				t.Fatalf("PPSE FCI %X has no BF0C", fci)
			}
			fci, _ = m.selectName(debitAID, false)
			r, sw := m.gpo(fci)
			if sw != apdu.SWOK {
				t.Fatalf("GPO: %v", sw)
			}
			objs, _ := tlv.Parse(r)
			for _, tag := range []tlv.Tag{0x82, 0x94, 0x9F36, 0x9F26, 0x9F10, 0x9F27, 0x9F4B} {
				if _, ok := tlv.Find(objs, tag); !ok {
					t.Fatalf("qPBOC GPO response lacks %s", tag)
				}
			}
			iad, _ := tlv.Find(objs, 0x9F10)
			if iad.Value[4]&0x30 != 0x10 {
				t.Fatalf("9F10 %X: not a TC", iad.Value)
			}
			afl, _ := tlv.Find(objs, 0x94)
			aip, _ := tlv.Find(objs, 0x82)
			data, static := m.readAFL(afl.Value)
			icc := recoverKeys(t, aip.Value, data, static)
			sig, _ := tlv.Find(objs, 0x9F4B)
			signed := append(append(append(h("11223344"), h("000000000100")...), h("0156")...), data[0x9F69]...)
			if _, err := oda.VerifyDDA(icc, sig.Value, signed); err != nil {
				t.Fatalf("fDDA: %v", err)
			}
			if v, _ := m.send(0x80, 0xCA, 0x9F, 0x79, nil, 256); !bytes.Equal(v, h("9F7906000000009900")) {
				t.Fatalf("EC balance after offline purchase: %X", v)
			}
		})
	}
}
