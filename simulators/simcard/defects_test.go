package simcard

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/crypto/sm2"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// labRun drives a card through what a certification lab does (selection,
// several transactions, issuer authentication, scripts, error paths) and
// returns the transcript. It never fails the test on a card answer: a
// defect must show up as a difference in the transcript.
func labRun(t testing.TB, p *Profile) []string {
	m := newTerm(t, p)
	pse := []byte("1PAY.SYS.DDF01")
	m.selectName(pse, false)
	m.send(0x00, 0xB2, 1, 1<<3|4, nil, 256)
	m.selectName(h("A000000333"), false)
	m.selectName(h("A000000333"), true)
	m.selectName(debitAID, false)
	m.send(0x80, 0xA8, 0, 0, h("8300"), 256) // PDOL data too short
	labTransaction(m, 0x90, true)            // online with CDA, good ARPC, scripts
	m.values[0x9F7A] = h("01")
	labTransaction(m, 0x40, false) // EC offline
	m.values[0x9F7A] = h("00")
	for range 6 { // offline until the consecutive offline limit
		labTransaction(m, 0x40, false)
	}
	labTransaction(m, 0x80, false) // online, wrong ARPC
	m.send(0x80, 0xEE, 0, 0, nil, 256)
	if p.Algorithm == "sm" {
		return maskSM2(m.log, p)
	}
	return m.log
}

// maskSM2 hides SM2 signatures in a transcript: gmsm hedges its nonces
// with its own randomness, so they differ between runs even with a seeded
// reader. Masked: INTERNAL AUTHENTICATE answers and the 64-byte signature
// ending the issuer certificate record (SFI 3 record 1).
func maskSM2(log []string, p *Profile) []string {
	var icc *oda.PublicKey
	if k := p.Applications[0].Keys.ICC; k != nil {
		if priv, err := sm2.NewPrivateKey(k.SM2); err == nil {
			icc = &oda.PublicKey{Algorithm: capk.SM2, SM2: sm2.MarshalPublicKey(&priv.PublicKey)}
		}
	}
	out := make([]string, len(log))
	for i, l := range log {
		cmd, resp, _ := strings.Cut(l, " -> ")
		switch {
		case strings.HasPrefix(cmd, "00880000") && len(resp) > 4:
			verdict := "(signature invalid)"
			if objs, err := tlv.Parse(h(resp[:len(resp)-4])); err == nil && len(objs) == 1 {
				if _, err := oda.VerifyDDA(icc, objs[0].Value, h("11223344")); err == nil {
					verdict = "(signature valid)"
				}
			}
			resp = verdict + resp[len(resp)-4:]
		case strings.HasPrefix(cmd, "00b2011c") && len(resp) > 132:
			resp = resp[:len(resp)-132] + "(signature)" + resp[len(resp)-4:]
		}
		out[i] = cmd + " -> " + resp
	}
	return out
}

// labTransaction runs one transaction; cda/arpc choose the online path.
func labTransaction(m *term, p1 byte, goodARPC bool) {
	m.cdol1 = nil
	fci, _ := m.selectName(debitAID, false)
	r, _ := m.gpo(fci)
	var afl []byte
	if objs, err := tlv.Parse(r); err == nil && len(objs) == 1 && len(objs[0].Value) > 2 {
		afl = objs[0].Value[2:]
	}
	for i := 0; i+4 <= len(afl); i += 4 {
		for r := afl[i+1]; r <= afl[i+2] && r != 0; r++ {
			m.send(0x00, 0xB2, r, afl[i]|4, nil, 256)
		}
	}
	for _, tag := range []uint16{0x9F36, 0x9F13, 0x9F17, 0x9F79, 0x9F77, 0x9F78, 0x9F6D, 0x9F4F, 0xDF4F} {
		m.send(0x80, 0xCA, byte(tag>>8), byte(tag), nil, 256)
	}
	m.send(0x00, 0x20, 0, 0x80, h("2411 11FF FFFF FFFF"), -1)
	m.send(0x00, 0x20, 0, 0x80, pinBlock("123456"), -1)
	m.send(0x80, 0xCA, 0x9F, 0x17, nil, 256)
	m.send(0x00, 0x88, 0, 0, h("11223344"), 256)
	cdol1 := mustDOL(m.t, h(persoCDOL1)).Build(m.lookup)
	r, sw := m.send(0x80, 0xAE, p1, 0, cdol1, 256)
	if sw != apdu.SWOK || p1&0xC0 != 0x80 {
		return
	}
	labOnline(m, r, goodARPC)
}

func labOnline(m *term, r []byte, goodARPC bool) {
	alg := m.c.suite.sym
	atc := m.c.sess.atc
	arqc := m.c.sess.arqc
	arpc := h("1122334455667788")
	if goodARPC {
		arpc, _ = crypto.ARPC1(alg, issuerSession(m.t, alg, TestIMKAC(), atc), arqc, []byte("00"))
	}
	m.send(0x00, 0x82, 0, 0, append(arpc, "00"...), -1)
	m.send(0x84, 0x1E, 0, 0, h("00000000"), -1) // wrong MAC
	if goodARPC {
		value := bcdAmount(100001)
		macData, _ := crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, atc, arqc, value)
		mac, _ := crypto.ScriptMAC(alg, issuerSession(m.t, alg, TestIMKMAC(), atc), macData)
		m.send(0x04, 0xDA, 0x9F, 0x79, append(value, mac...), -1)
	}
	cdol2, _ := dol.Parse(h(persoCDOL2))
	m.send(0x80, 0xAE, 0x40, 0, cdol2.Build(m.lookup), 256)
	m.send(0x80, 0xCA, 0x9F, 0x13, nil, 256)
	m.send(0x80, 0xCA, 0x9F, 0x79, nil, 256)
	m.send(0x00, 0xB2, 1, 11<<3|4, nil, 256)
	if goodARPC {
		macData, _ := crypto.ScriptMACData(0x84, 0x1E, 0, 0, atc, arqc, nil)
		mac, _ := crypto.ScriptMAC(alg, issuerSession(m.t, alg, TestIMKMAC(), atc), macData)
		m.send(0x84, 0x1E, 0, 0, mac, -1) // APPLICATION BLOCK
		m.selectName(debitAID, false)
		m.c.state.Apps["A000000333010101"].Blocked = false
	}
}

// TestDefectsObservable: every catalogued defect, switched on alone,
// changes the lab transcript, and does so deterministically.
func TestDefectsObservable(t *testing.T) {
	base := map[string][]string{
		"rsa": labRun(t, loadProfile(t, "pboc-rsa.yaml")),
		"sm":  labRun(t, loadProfile(t, "pboc-sm.yaml")),
	}
	for alg, file := range map[string]string{"rsa": "pboc-rsa.yaml", "sm": "pboc-sm.yaml"} {
		if !slices.Equal(base[alg], labRun(t, loadProfile(t, file))) {
			t.Fatalf("%s baseline transcript is not deterministic", alg)
		}
	}
	if len(Defects()) < 25 {
		t.Fatalf("catalogue has %d defects, want at least 25", len(Defects()))
	}
	for _, d := range Defects() {
		t.Run(d.Name, func(t *testing.T) {
			for _, file := range []string{"pboc-rsa.yaml", "pboc-sm.yaml"} {
				p := loadProfile(t, file, d.Name)
				if d.Suite != "" && d.Suite != p.Algorithm {
					continue
				}
				got := labRun(t, p)
				if slices.Equal(got, base[p.Algorithm]) {
					t.Errorf("%s: transcript unchanged on %s", d.Name, file)
				}
				if !slices.Equal(got, labRun(t, loadProfile(t, file, d.Name))) {
					t.Errorf("%s: transcript not deterministic on %s", d.Name, file)
				}
			}
		})
	}
}

// TestUnknownDefect: a name outside the catalogue is a profile error.
func TestUnknownDefect(t *testing.T) {
	p := loadProfile(t, "pboc-rsa.yaml", "no-such-defect")
	if _, err := New(p, Options{}); err == nil || !strings.Contains(err.Error(), "no-such-defect") {
		t.Fatalf("err = %v", err)
	}
	p = loadProfile(t, "pboc-rsa.yaml", DefectSM2CertWrongFormat)
	if _, err := New(p, Options{}); err == nil {
		t.Fatal("an SM-only defect was accepted on an RSA profile")
	}
}

// TestDefectsMarkdown keeps DEFECTS.md in step with the catalogue (-update
// rewrites it).
func TestDefectsMarkdown(t *testing.T) {
	want := defectsMarkdown()
	if *update {
		if err := os.WriteFile("DEFECTS.md", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("DEFECTS.md")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("DEFECTS.md is stale: run go test ./simulators/simcard -run TestDefectsMarkdown -update")
	}
}

func defectsMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString("# Card simulator defect catalogue\n\n")
	b.WriteString("Generated from `Defects()` in defects.go by `go test ./simulators/simcard -run TestDefectsMarkdown -update`.\n")
	b.WriteString("Switch a defect on in a profile with `defects: [name]` or `defects: [\"name:param\"]`.\n")
	b.WriteString("Each one is deterministic and changes what a lab observes (TestDefectsObservable).\n\n")
	b.WriteString("| Name | Parameter | Kind | Suite | What is wrong | What a lab sees |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, d := range Defects() {
		suite := d.Suite
		if suite == "" {
			suite = "rsa, sm"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d.Name, d.Param, d.Kind, suite, d.Description, d.LabSees)
	}
	return b.Bytes()
}
