package simcard

import (
	"encoding/hex"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
)

const cardsDir = "../../testdata/cards"

// seededRand is a deterministic random source for replayable transcripts.
func seededRand(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

func h(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func loadProfile(t testing.TB, name string, defects ...string) *Profile {
	t.Helper()
	p, err := LoadProfile(filepath.Join(cardsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	p.Defects = append(p.Defects, defects...)
	return p
}

// term is a minimal test terminal driving a Card.
type term struct {
	t      testing.TB
	c      *Card
	values map[tlv.Tag][]byte // terminal data objects
	pdol   []byte             // PDOL data sent
	cdol1  []byte
	log    []string // transcript "C-APDU -> R-APDU"
	// tx, when set, carries the commands (a PC/SC connection) instead of
	// calling c.Process.
	tx func(raw []byte) ([]byte, error)
}

func newTerm(t testing.TB, p *Profile) *term {
	t.Helper()
	c, err := New(p, Options{Rand: seededRand(1)})
	if err != nil {
		t.Fatal(err)
	}
	c.PowerOn()
	return &term{t: t, c: c, values: terminalValues()}
}

// terminalValues are the terminal data objects the test terminals send.
func terminalValues() map[tlv.Tag][]byte {
	return map[tlv.Tag][]byte{
		0x9F66: h("46000000"), 0x9F02: h("000000000100"), 0x9F03: h("000000000000"),
		0x9F1A: h("0156"), 0x95: h("0000000000"), 0x5F2A: h("0156"), 0x9A: h("250601"),
		0x9C: h("00"), 0x9F37: h("11223344"), 0x9F7A: h("00"), 0xDF69: h("00"),
		0x9F21: h("120000"), 0x9F4E: []byte("HULIAN TEST MERCHANT"), 0x8A: []byte("00"),
	}
}

// send transmits one command and returns data and SW.
func (m *term) send(cla, ins, p1, p2 byte, data []byte, le int) ([]byte, apdu.SW) {
	m.t.Helper()
	raw, err := apdu.Command{CLA: cla, INS: ins, P1: p1, P2: p2, Data: data, Le: le}.Encode()
	if err != nil {
		m.t.Fatal(err)
	}
	return m.raw(raw)
}

func (m *term) raw(raw []byte) ([]byte, apdu.SW) {
	var resp []byte
	if m.tx != nil {
		var err error
		if resp, err = m.tx(raw); err != nil {
			m.t.Fatalf("transmit %X: %v", raw[:4], err)
		}
	} else {
		resp = m.c.Process(raw)
	}
	if len(resp) < 2 {
		m.t.Fatalf("response %X shorter than a status word", resp)
	}
	m.log = append(m.log, hex.EncodeToString(raw)+" -> "+hex.EncodeToString(resp))
	n := len(resp) - 2
	return resp[:n], apdu.SW(resp[n])<<8 | apdu.SW(resp[n+1])
}

func (m *term) selectName(name []byte, next bool) ([]byte, apdu.SW) {
	p2 := byte(0)
	if next {
		p2 = 2
	}
	return m.send(0x00, 0xA4, 0x04, p2, name, 256)
}

func (m *term) lookup(t tlv.Tag) ([]byte, bool) { v, ok := m.values[t]; return v, ok }

// gpo sends GET PROCESSING OPTIONS with the PDOL of the FCI.
func (m *term) gpo(fci []byte) ([]byte, apdu.SW) {
	m.t.Helper()
	var pdol dol.DOL
	if objs, err := tlv.Parse(fci); err == nil {
		if v, ok := tlv.Find(objs, 0x9F38); ok {
			pdol, _ = dol.Parse(v.Value)
		}
	}
	m.pdol = pdol.Build(m.lookup)
	return m.send(0x80, 0xA8, 0, 0, tlv.Encode(tlv.New(0x83, m.pdol)), 256)
}

// readAFL reads every AFL record; it returns the data objects found and the
// static data to be authenticated.
func (m *term) readAFL(afl []byte) (map[tlv.Tag][]byte, []byte) {
	m.t.Helper()
	data := map[tlv.Tag][]byte{}
	var static []byte
	for i := 0; i+4 <= len(afl); i += 4 {
		sfi, first, last, oda := afl[i]>>3, afl[i+1], afl[i+2], int(afl[i+3])
		for r := first; r <= last; r++ {
			rec, sw := m.send(0x00, 0xB2, r, sfi<<3|4, nil, 256)
			if sw != apdu.SWOK {
				m.t.Fatalf("READ RECORD SFI %d rec %d: %v", sfi, r, sw)
			}
			objs, err := tlv.Parse(rec)
			if err != nil || len(objs) != 1 || objs[0].Tag != 0x70 {
				m.t.Fatalf("record SFI %d rec %d malformed", sfi, r)
			}
			if int(r-first) < oda {
				static = append(static, objs[0].Value...)
			}
			for _, o := range objs[0].Children {
				if _, ok := data[o.Tag]; !ok {
					data[o.Tag] = o.Value
				}
			}
		}
	}
	return data, static
}

// start selects the application, runs GPO and reads the records.
func (m *term) start(aid []byte) (aip []byte, data map[tlv.Tag][]byte, static []byte) {
	m.t.Helper()
	fci, sw := m.selectName(aid, false)
	if sw != apdu.SWOK {
		m.t.Fatalf("SELECT: %v", sw)
	}
	r, sw := m.gpo(fci)
	if sw != apdu.SWOK {
		m.t.Fatalf("GPO: %v", sw)
	}
	objs, err := tlv.Parse(r)
	if err != nil || len(objs) != 1 {
		m.t.Fatalf("GPO response %X", r)
	}
	var afl []byte
	switch objs[0].Tag {
	case 0x80:
		aip, afl = objs[0].Value[:2], objs[0].Value[2:]
	case 0x77:
		a, _ := tlv.Find(objs, 0x82)
		f, _ := tlv.Find(objs, 0x94)
		aip, afl = a.Value, f.Value
	}
	data, static = m.readAFL(afl)
	return aip, data, static
}

// genAC sends GENERATE AC with the CDOL's data.
func (m *term) genAC(p1 byte, cdol []byte) ([]byte, apdu.SW) {
	m.t.Helper()
	d, err := dol.Parse(cdol)
	if err != nil {
		m.t.Fatal(err)
	}
	data := d.Build(m.lookup)
	if m.cdol1 == nil {
		m.cdol1 = data
	}
	return m.send(0x80, 0xAE, p1, 0, data, 256)
}

// acFields splits a format 1 GENERATE AC response.
func acFields(t testing.TB, r []byte) (cid byte, atc uint16, ac, iad []byte) {
	t.Helper()
	objs, err := tlv.Parse(r)
	if err != nil || len(objs) != 1 {
		t.Fatalf("GENERATE AC response %X", r)
	}
	if objs[0].Tag == 0x77 {
		c, _ := tlv.Find(objs, 0x9F27)
		a, _ := tlv.Find(objs, 0x9F36)
		i, _ := tlv.Find(objs, 0x9F10)
		return c.Value[0], uint16(a.Value[0])<<8 | uint16(a.Value[1]), nil, i.Value
	}
	v := objs[0].Value
	if objs[0].Tag != 0x80 || len(v) < 11 {
		t.Fatalf("GENERATE AC response %X", r)
	}
	return v[0], uint16(v[1])<<8 | uint16(v[2]), v[3:11], v[11:]
}
