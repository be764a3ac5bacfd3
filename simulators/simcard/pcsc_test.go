package simcard

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	hcard "github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/vpcd"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/symmetric"
)

// stackTerm is a test terminal talking to the card in reader r through
// pcscd (card/pcsc), with the T=0 status words handled by card.Sender.
func stackTerm(t *testing.T, r pcsctest.Reader) *term {
	t.Helper()
	conn := r.Connect(t, pcsc.ConnectOptions{})
	s := hcard.NewSender(conn)
	return &term{t: t, values: terminalValues(), tx: func(raw []byte) ([]byte, error) {
		return s.Transmit(context.Background(), raw)
	}}
}

// waitDetached polls until the bridge has left vpcd, which happens after
// the card was powered off (and its state file written).
func waitDetached(t *testing.T, b *vpcd.Bridge) {
	t.Helper()
	deadline := time.Now().Add(pcsctest.StateTimeout)
	for b.Connected() {
		if time.Now().After(deadline) {
			t.Fatal("bridge still connected after Remove")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// transaction runs SELECT AID, GPO, READ RECORD and GENERATE AC (ARQC) and
// checks the ARQC against the issuer master key; it returns the ATC.
func transaction(t *testing.T, m *term) uint16 {
	t.Helper()
	m.cdol1 = nil
	aip, data, _ := m.start(debitAID)
	r, sw := m.genAC(0x80, data[0x8C])
	if sw != apdu.SWOK {
		t.Fatalf("GENERATE AC: %v", sw)
	}
	cid, atc, arqc, iad := acFields(t, r)
	terminal, _ := mustDOL(t, data[0x8C]).Split(m.cdol1)
	sk := issuerSession(t, symmetric.TDES, TestIMKAC(), atc)
	if err := crypto.VerifyAC(symmetric.TDES, sk, CryptogramInput(terminal, aip, atc, iad), arqc); cid != cidARQC || err != nil {
		t.Fatalf("CID %02X, ARQC check: %v", cid, err)
	}
	return atc
}

// TestThroughPCSC drives the simulated card through the real PC/SC stack
// (pcscd, vpcd, card/pcsc): PPSE, a full online transaction, removal in the
// middle of the next one, reinsertion, and a power cycle of a new card
// process that resumes from the state file.
func TestThroughPCSC(t *testing.T) {
	r := pcsctest.Slot(t)
	ctx := context.Background()
	statePath := filepath.Join(t.TempDir(), "state.json")
	p := loadProfile(t, "pboc-rsa.yaml")
	c, err := New(p, Options{StatePath: statePath, Rand: seededRand(1)})
	if err != nil {
		t.Fatal(err)
	}
	b := r.Insert(t, c)
	m := stackTerm(t, r)
	fci, sw := m.selectName([]byte("2PAY.SYS.DDF01"), false)
	if sw != apdu.SWOK || !bytes.Contains(fci, append([]byte{0x4F, 0x08}, debitAID...)) {
		t.Fatalf("SELECT PPSE: %v, FCI without the debit AID", sw)
	}
	if atc := transaction(t, m); atc != 1 {
		t.Fatalf("ATC %d, want 1", atc)
	}

	// Next transaction: a wrong PIN, then the card leaves after GPO.
	m.start(debitAID)
	if _, sw := m.send(0x00, 0x20, 0, 0x80, pinBlock("000000"), -1); sw != 0x63C2 {
		t.Fatalf("wrong PIN: %v", sw)
	}
	conn := r.Connect(t, pcsc.ConnectOptions{})
	b.Remove()
	r.WaitAbsent(t)
	getATC := h("80CA9F3600")
	_, err = conn.Transmit(ctx, getATC)
	if !errors.Is(err, hcard.ErrCardRemoved) {
		_, err = conn.Transmit(ctx, getATC) // pcscd may first say "not transacted"
	}
	if !errors.Is(err, hcard.ErrCardRemoved) {
		t.Fatalf("transmit after removal: %v, want card.ErrCardRemoved", err)
	}

	b.Insert()
	r.WaitPresent(t)
	m = stackTerm(t, r)
	if atc := transaction(t, m); atc != 2 {
		t.Fatalf("ATC after reinsertion %d, want 2", atc)
	}

	// Power cycle: the card leaves, a new card process starts from the file.
	b.Remove()
	r.WaitAbsent(t)
	waitDetached(t, b)
	again, err := New(p, Options{StatePath: statePath, Rand: seededRand(2)})
	if err != nil {
		t.Fatal(err)
	}
	if st := again.State().Apps[Hex(debitAID).String()]; st.ATC != 2 || st.PINTries != 2 {
		t.Fatalf("state after power cycle: ATC %d, PIN tries %d; want 2 and 2", st.ATC, st.PINTries)
	}
	r.Insert(t, again)
	m = stackTerm(t, r)
	if atc := transaction(t, m); atc != 3 {
		t.Fatalf("ATC after power cycle %d, want 3", atc)
	}
	if v, sw := m.send(0x80, 0xCA, 0x9F, 0x17, nil, 256); sw != apdu.SWOK || !bytes.Equal(v, h("9F170102")) {
		t.Fatalf("PIN try counter after power cycle: %X %v", v, sw)
	}
}
