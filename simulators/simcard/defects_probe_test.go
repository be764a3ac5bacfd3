package simcard

import (
	"bytes"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/symmetric"
)

// TestDefectProbes checks what a lab observes for the main defects: each
// probe returns true when the card behaves correctly; it must hold on the
// clean profile and fail with the defect switched on.
func TestDefectProbes(t *testing.T) {
	probes := []struct {
		defect string
		ok     func(t *testing.T, m *term) bool
	}{
		{DefectATCNotIncremented, func(t *testing.T, m *term) bool {
			_, a1 := online(t, m)
			_, a2 := online(t, m)
			return a2 == a1+1
		}},
		{DefectWrongARQCKey, func(t *testing.T, m *term) bool {
			aip, data, _ := m.start(debitAID)
			r, _ := m.genAC(0x80, data[0x8C])
			_, atc, arqc, iad := acFields(t, r)
			terminal, _ := mustDOL(t, data[0x8C]).Split(m.cdol1)
			sk := issuerSession(t, symmetric.TDES, TestIMKAC(), atc)
			return crypto.VerifyAC(symmetric.TDES, sk, CryptogramInput(terminal, aip, atc, iad), arqc) == nil
		}},
		{DefectPINTryNotDecr, func(t *testing.T, m *term) bool {
			m.start(debitAID)
			_, sw := m.send(0x00, 0x20, 0, 0x80, h("2411 11FF FFFF FFFF"), -1)
			return sw == 0x63C2
		}},
		{DefectNo6283WhenBlocked, func(t *testing.T, m *term) bool {
			arqc, atc := online(t, m)
			script(t, m, 0x84, 0x1E, 0, atc, arqc, nil, apdu.SWOK)
			_, sw := m.selectName(debitAID, false)
			return sw == apdu.SWWarnFileInvalidated
		}},
		{DefectGPOIgnoresPDOLLen, func(t *testing.T, m *term) bool {
			m.selectName(debitAID, false)
			_, sw := m.send(0x80, 0xA8, 0, 0, h("8300"), 256)
			return sw == apdu.SWWrongLength
		}},
		{DefectWrongSWUnknownINS, func(t *testing.T, m *term) bool {
			_, sw := m.send(0x80, 0xEE, 0, 0, nil, 256)
			return sw == apdu.SWINSNotSupported
		}},
		{DefectARPCIgnored, func(t *testing.T, m *term) bool {
			online(t, m)
			_, sw := m.send(0x00, 0x82, 0, 0, h("11223344556677883030"), -1)
			return sw == apdu.SWVerifyFailed
		}},
		{DefectScriptMACIgnored, func(t *testing.T, m *term) bool {
			online(t, m)
			_, sw := m.send(0x84, 0x1E, 0, 0, h("00000000"), -1)
			return sw == apdu.SWSMDataIncorrect
		}},
		{DefectECBalanceInRecord, func(t *testing.T, m *term) bool {
			_, data, _ := m.start(debitAID)
			_, found := data[0x9F79]
			return !found
		}},
		{DefectFCIMissing84, func(t *testing.T, m *term) bool {
			fci, _ := m.selectName(debitAID, false)
			objs, _ := tlv.Parse(fci)
			_, ok := tlv.Find(objs, 0x84)
			return ok
		}},
		{DefectPSEMissing, func(t *testing.T, m *term) bool {
			_, sw := m.selectName([]byte("1PAY.SYS.DDF01"), false)
			return sw == apdu.SWOK
		}},
		{DefectGetDataWrongTag, func(t *testing.T, m *term) bool {
			m.selectName(debitAID, false)
			r, _ := m.send(0x80, 0xCA, 0x9F, 0x36, nil, 256)
			return bytes.HasPrefix(r, h("9F36"))
		}},
		{DefectMissingMandatoryTag, func(t *testing.T, m *term) bool {
			_, data, _ := m.start(debitAID)
			_, ok := data[0x5F24]
			return ok
		}},
	}
	for _, pr := range probes {
		t.Run(pr.defect, func(t *testing.T) {
			if !pr.ok(t, newTerm(t, loadProfile(t, "pboc-rsa.yaml"))) {
				t.Fatal("probe fails on the clean card")
			}
			if pr.ok(t, newTerm(t, loadProfile(t, "pboc-rsa.yaml", pr.defect))) {
				t.Fatal("probe passes with the defect on")
			}
		})
	}
}
