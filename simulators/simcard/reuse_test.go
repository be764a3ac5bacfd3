package simcard

import (
	"slices"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/symmetric"
)

// reusedBuffer delivers every command through one buffer, as the vpcd
// bridge does (vpcd.ReadFrame reads each frame into the buffer of the
// previous one), and scribbles over it once Process has returned: a card
// that keeps any part of a command (card.Card contract) sees garbage later.
func reusedBuffer(c *Card) func([]byte) ([]byte, error) {
	var buf []byte
	return func(raw []byte) ([]byte, error) {
		buf = append(buf[:0], raw...)
		resp := c.Process(buf)
		for i := range buf {
			buf[i] = 0xFF
		}
		return resp, nil
	}
}

// deliveries are the two ways a driver hands commands to the card: a fresh
// slice per command (the in-process transport, the kernel builds each
// command anew) and one reused buffer (the vpcd bridge behind pcscd).
var deliveries = []struct {
	name string
	tx   func(*Card) func([]byte) ([]byte, error)
}{{"fresh buffers", nil}, {"reused buffer", reusedBuffer}}

// TestCDAReusedCommandBuffer: the CDA signature covers the PDOL data of the
// GPO, which the card keeps for the GENERATE AC. With the vpcd bridge the
// later commands (READ RECORD, VERIFY, GET DATA) overwrote those values in
// the bridge's buffer, the card hashed garbage and CDA failed through PC/SC
// only. The signature must verify whatever the driver does with its buffer.
func TestCDAReusedCommandBuffer(t *testing.T) {
	for _, d := range deliveries {
		t.Run(d.name, func(t *testing.T) {
			m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
			if d.tx != nil {
				m.tx = d.tx(m.c)
			}
			aip, data, static := m.start(debitAID)
			icc := recoverKeys(t, aip, data, static)
			// A VERIFY between GPO and GENERATE AC, as the kernel sends it.
			if _, sw := m.send(0x00, 0x20, 0x00, 0x80, h("26123456FFFFFFFF"), -1); sw != apdu.SWOK {
				t.Fatalf("VERIFY: %v", sw)
			}
			r, sw := m.genAC(0x90, data[0x8C])
			if sw != apdu.SWOK {
				t.Fatalf("GENERATE AC: %v", sw)
			}
			if _, err := verifyCDA(t, icc, r, m.values[0x9F37], m.pdol, m.cdol1); err != nil {
				t.Fatalf("CDA: %v", err)
			}
		})
	}
}

// TestProcessKeepsNoCommand: a whole online transaction (first AC, issuer
// authentication, second AC with CDA over PDOL, CDOL1 and CDOL2 data) gives
// the same responses byte for byte whether or not the driver reuses its
// command buffer.
func TestProcessKeepsNoCommand(t *testing.T) {
	var logs [][]string
	for _, d := range deliveries {
		m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
		if d.tx != nil {
			m.tx = d.tx(m.c)
		}
		_, data, _ := m.start(debitAID)
		r, sw := m.genAC(0x80, data[0x8C])
		if sw != apdu.SWOK {
			t.Fatalf("%s: GENERATE AC: %v", d.name, sw)
		}
		_, atc, arqc, _ := acFields(t, r)
		skAC := issuerSession(t, symmetric.TDES, TestIMKAC(), atc)
		arpc, err := crypto.ARPC1(symmetric.TDES, skAC, arqc, []byte("00"))
		if err != nil {
			t.Fatal(err)
		}
		if _, sw := m.send(0x00, 0x82, 0, 0, append(arpc, "00"...), -1); sw != apdu.SWOK {
			t.Fatalf("%s: EXTERNAL AUTHENTICATE: %v", d.name, sw)
		}
		if r, sw := m.genAC(0x50, data[0x8D]); sw != apdu.SWOK || len(r) == 0 || r[0] != 0x77 {
			t.Fatalf("%s: second GENERATE AC: %v %X", d.name, sw, r)
		}
		logs = append(logs, m.log)
	}
	if !slices.Equal(logs[0], logs[1]) {
		for i := range min(len(logs[0]), len(logs[1])) {
			if logs[0][i] != logs[1][i] {
				t.Fatalf("exchange %d differs with a reused buffer:\n%s\n%s", i, logs[0][i], logs[1][i])
			}
		}
		t.Fatalf("transcripts differ in length: %d and %d", len(logs[0]), len(logs[1]))
	}
}

// verifyCDA checks the 9F4B of a format 2 GENERATE AC response r.
func verifyCDA(t *testing.T, icc *oda.PublicKey, r, un, pdol, cdol []byte) (*oda.CDAResult, error) {
	t.Helper()
	objs, err := tlv.Parse(r)
	if err != nil || len(objs) != 1 || objs[0].Tag != 0x77 {
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
	return oda.VerifyCDA(icc, sdad.Value, oda.CDA{
		UnpredictableNumber: un, CID: cid.Value[0], PDOLData: pdol, CDOLData: cdol, ResponseTLVs: resp,
	})
}
