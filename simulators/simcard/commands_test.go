package simcard

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/hulian/hulian/card/apdu"
)

// TestStatusWords checks the answer to every command and its error paths
// on the in-process card. Each step runs in order on one card.
func TestStatusWords(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	cdol1 := func() []byte { return mustDOL(t, h(persoCDOL1)).Build(m.lookup) }
	steps := []struct {
		name string
		cmd  string // hex command APDU, or a marker handled below
		sw   apdu.SW
	}{
		{"short APDU", "00A4", apdu.SWWrongLength},
		{"unknown class", "A0A4040000", apdu.SWCLANotSupported},
		{"unknown INS", "00EE000000", apdu.SWINSNotSupported},
		{"GET DATA before SELECT", "80CA9F3600", apdu.SWConditionsOfUse},
		{"READ RECORD before SELECT", "00B2010C00", apdu.SWFileNotFound},
		{"SELECT P1 wrong", "00A4000007A000000333010100", apdu.SWIncorrectP1P2},
		{"SELECT P2 wrong", "00A4040107A000000333010100", apdu.SWIncorrectP1P2},
		{"SELECT name too long", "00A4040011A0000003330101010101010101010101010100", apdu.SWWrongLength},
		{"SELECT unknown AID", "00A4040007A000000999101000", apdu.SWFileNotFound},
		{"SELECT PSE", "00A404000E315041592E5359532E444446303100", apdu.SWOK},
		{"READ PSE record", "00B2010C00", apdu.SWOK},
		{"READ PSE record 2", "00B2020C00", apdu.SWRecordNotFound},
		{"READ PSE other SFI", "00B2011400", apdu.SWFileNotFound},
		{"SELECT partial", "00A4040005A00000033300", apdu.SWOK},
		{"SELECT next", "00A4040205A00000033300", apdu.SWOK},
		{"SELECT next past the end", "00A4040205A00000033300", apdu.SWFileNotFound},
		{"SELECT debit", "00A4040008A00000033301010100", apdu.SWOK},
		{"GET DATA ATC", "80CA9F3600", apdu.SWOK},
		{"GET DATA with data", "80CA9F360100", apdu.SWWrongLength},
		{"GET DATA unknown", "80CA9F4500", apdu.SWReferenceNotFound},
		{"READ RECORD P2 wrong", "00B2010800", apdu.SWIncorrectP1P2},
		{"READ RECORD unknown SFI", "00B2014C00", apdu.SWFileNotFound},
		{"READ RECORD missing record", "00B2090C00", apdu.SWRecordNotFound},
		{"READ RECORD record 0", "00B2000C00", apdu.SWRecordNotFound},
		{"VERIFY before GPO", "0020008008241234FFFFFFFFFF", apdu.SWConditionsOfUse},
		{"GENERATE AC before GPO", "cdol1:80", apdu.SWConditionsOfUse},
		{"INTERNAL AUTH before GPO", "008800000411223344", apdu.SWConditionsOfUse},
		{"GPO P1 wrong", "80A8010002830000", apdu.SWIncorrectP1P2},
		{"GPO without 83", "80A8000002840000", apdu.SWWrongData},
		{"GPO wrong PDOL length", "80A8000002830000", apdu.SWWrongLength},
		{"GPO", "gpo", apdu.SWOK},
		{"GPO twice", "gpo", apdu.SWConditionsOfUse},
		{"VERIFY P2 88 without GET CHALLENGE", "0020008808241234FFFFFFFFFF", apdu.SWConditionsOfUse},
		{"VERIFY P2 84", "0020008408241234FFFFFFFFFF", apdu.SWIncorrectP1P2},
		{"VERIFY short", "0020008007241234FFFFFFFF", apdu.SWWrongLength},
		{"VERIFY malformed block", "0020008008301234FFFFFFFFFF", apdu.SWWrongData},
		{"VERIFY wrong PIN", "0020008008241111FFFFFFFFFF", 0x63C2},
		{"VERIFY right PIN", "0020008008261234 56FFFFFFFF", apdu.SWOK},
		{"GET DATA PIN tries", "80CA9F1700", apdu.SWOK},
		{"INTERNAL AUTH empty", "0088000000", apdu.SWWrongLength},
		{"INTERNAL AUTH wrong DDOL length", "00880000021122", apdu.SWWrongLength},
		{"INTERNAL AUTH", "008800000411223344", apdu.SWOK},
		{"EXTERNAL AUTH before GENERATE AC", "008200000A11223344556677883030", apdu.SWConditionsOfUse},
		{"script before GENERATE AC", "841E000004AABBCCDD", apdu.SWConditionsOfUse},
		{"GENERATE AC P1 RFU", "cdol1:C0", apdu.SWIncorrectP1P2},
		{"GENERATE AC P1 bits", "cdol1:81", apdu.SWIncorrectP1P2},
		{"GENERATE AC wrong length", "80AE8000021122", apdu.SWWrongLength},
		{"GENERATE AC ARQC", "cdol1:80", apdu.SWOK},
		{"GENERATE AC ARQC again", "80AE80000A8A023030000000000000", apdu.SWConditionsOfUse},
		{"EXTERNAL AUTH wrong length", "008200000411223344", apdu.SWWrongLength},
		{"EXTERNAL AUTH P1 wrong", "008201000A11223344556677883030", apdu.SWIncorrectP1P2},
		{"EXTERNAL AUTH wrong ARPC", "008200000A11223344556677883030", apdu.SWVerifyFailed},
		{"EXTERNAL AUTH twice", "008200000A11223344556677883030", apdu.SWConditionsOfUse},
		{"script wrong MAC", "841E000004AABBCCDD", apdu.SWSMDataIncorrect},
		{"script too short", "841E000002AABB", apdu.SWWrongLength},
		{"script P1 wrong", "841E010004AABBCCDD", apdu.SWIncorrectP1P2},
		{"PUT DATA unknown tag", "04DA9F450AAABBCCDDEEFF00112233", apdu.SWSMDataIncorrect},
		{"GET CHALLENGE", "0084000008", apdu.SWOK},
		{"GET CHALLENGE P1", "0084010008", apdu.SWIncorrectP1P2},
	}
	for _, s := range steps {
		var sw apdu.SW
		switch {
		case s.cmd == "gpo":
			fci, _ := m.selectName(debitAID, false)
			if s.name == "GPO twice" {
				m.gpo(fci) // after a fresh SELECT the first GPO succeeds
			}
			_, sw = m.gpo(fci)
		case len(s.cmd) > 6 && s.cmd[:6] == "cdol1:":
			_, sw = m.send(0x80, 0xAE, h(s.cmd[6:])[0], 0, cdol1(), 256)
		default:
			_, sw = m.raw(h(s.cmd))
		}
		if sw != s.sw {
			t.Errorf("%s: SW %v, want %v", s.name, sw, s.sw)
		}
	}
}

// TestPINTryCounter: wrong PINs count down to 63C0, then 6983; the
// counter persists through a power cycle.
func TestPINTryCounter(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	m.start(debitAID)
	wrong := h("2411 11FF FFFF FFFF")
	for _, want := range []apdu.SW{0x63C2, 0x63C1, 0x63C0, apdu.SWAuthMethodBlocked} {
		if _, sw := m.send(0x00, 0x20, 0, 0x80, wrong, -1); sw != want {
			t.Fatalf("VERIFY: %v, want %v", sw, want)
		}
	}
	if _, sw := m.send(0x00, 0x20, 0, 0x80, pinBlock("123456"), -1); sw != apdu.SWAuthMethodBlocked {
		t.Fatalf("right PIN on a blocked PIN: %v", sw)
	}
	if v, _ := m.send(0x80, 0xCA, 0x9F, 0x17, nil, 256); !bytes.Equal(v, h("9F170100")) {
		t.Fatalf("9F17 = %X", v)
	}
}

// TestScriptsBlockUnblock: APPLICATION BLOCK makes SELECT answer 6283 and
// GPO 6985; APPLICATION UNBLOCK restores; PIN UNBLOCK resets the counter;
// CARD BLOCK answers 6A81 to everything.
func TestScriptsBlockUnblock(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	arqc, atc := online(t, m)
	script(t, m, 0x84, 0x1E, 0, atc, arqc, nil, apdu.SWOK)
	fci, sw := m.selectName(debitAID, false)
	if sw != apdu.SWWarnFileInvalidated {
		t.Fatalf("SELECT of a blocked application: %v", sw)
	}
	if _, sw := m.gpo(fci); sw != apdu.SWConditionsOfUse {
		t.Fatalf("GPO of a blocked application: %v", sw)
	}
	m.send(0x00, 0x20, 0, 0x80, h("2411 11FF FFFF FFFF"), -1)
	// A blocked application still goes online to be unblocked by script.
	m.c.state.Apps["A000000333010101"].Blocked = false
	arqc, atc = online(t, m)
	script(t, m, 0x84, 0x18, 0, atc, arqc, nil, apdu.SWOK)
	script(t, m, 0x84, 0x24, 0, atc, arqc, nil, apdu.SWOK)
	if v, _ := m.send(0x80, 0xCA, 0x9F, 0x17, nil, 256); !bytes.Equal(v, h("9F170103")) {
		t.Fatalf("9F17 after PIN unblock = %X", v)
	}
	script(t, m, 0x84, 0x16, 0, atc, arqc, nil, apdu.SWOK)
	if _, sw := m.selectName(debitAID, false); sw != apdu.SWFunctionNotSupported {
		t.Fatalf("SELECT on a blocked card: %v", sw)
	}
}

// TestPINChange: PIN CHANGE with an enciphered new PIN block.
func TestPINChange(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-sm.yaml"))
	arqc, atc := online(t, m)
	sk := issuerSession(t, m.c.suite.sym, TestIMKENC(), atc)
	enc := mustEncrypt(t, m.c.suite.sym, sk, pinBlock("8888"))
	script(t, m, 0x84, 0x24, 0x02, atc, arqc, enc, apdu.SWOK)
	m.start(debitAID)
	if _, sw := m.send(0x00, 0x20, 0, 0x80, pinBlock("8888"), -1); sw != apdu.SWOK {
		t.Fatalf("VERIFY new PIN: %v", sw)
	}
}

// TestECLoadAboveLimit: PUT DATA 9F79 above 9F77 is refused (6A80).
func TestECLoadAboveLimit(t *testing.T) {
	m := newTerm(t, loadProfile(t, "pboc-rsa.yaml"))
	arqc, atc := online(t, m)
	ecLoad(t, m, m.c.suite.sym, atc, arqc, 100001, apdu.SWWrongData)
}

// TestStatePersists: ATC, EC balance and log survive a new Card on the
// same state file.
func TestStatePersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	p := loadProfile(t, "pboc-rsa.yaml")
	c, err := New(p, Options{StatePath: path, Rand: seededRand(1)})
	if err != nil {
		t.Fatal(err)
	}
	m := &term{t: t, c: c, values: newTerm(t, p).values}
	c.PowerOn()
	online(t, m)
	c.PowerOff()
	c2, err := New(p, Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.State().Apps["A000000333010101"].ATC; got != 1 {
		t.Fatalf("ATC after reload = %d, want 1", got)
	}
}
