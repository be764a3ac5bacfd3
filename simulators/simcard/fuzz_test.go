package simcard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzProcess: Process never panics and always answers at least a status
// word, whatever the command bytes, in any session state. Seeds are real
// commands of a transaction.
func FuzzProcess(f *testing.F) {
	p := loadProfile(f, "pboc-rsa.yaml")
	for _, s := range []string{
		"00A404000E315041592E5359532E444446303100", "00A4040008A00000033301010100",
		"80A800001F831D46000000000000000100000000000000015600000000000156250601001122334400" + "00",
		"00B2010C00", "80CA9F3600", "0020008008241234FFFFFFFFFF", "008800000411223344",
		"80AE80002B" + "000000000100000000000000015600000000000156250601001122334412000048554C49414E205445535420" + "00",
		"008200000A11223344556677883030", "04DA9F790A00000006000011223344", "841E000004AABBCCDD", "00",
		"0084000008", "0020008880" + strings.Repeat("5A", 128),
	} {
		f.Add(h(s))
	}
	f.Fuzz(func(t *testing.T, cmd []byte) {
		c, err := New(p, Options{Rand: seededRand(1)})
		if err != nil {
			t.Fatal(err)
		}
		c.PowerOn()
		// Bring the card into a transaction so deep states are reached.
		for _, s := range []string{"00A4040008A00000033301010100"} {
			c.Process(h(s))
		}
		for _, state := range []int{0, 1} {
			if state == 1 {
				c.Process(h("80A800001F831D460000000000000001000000000000000156000000000001562506010011223344000000"))
				c.Process(h("0084000008")) // a fresh challenge reaches the enciphered PIN path
			}
			if r := c.Process(cmd); len(r) < 2 {
				t.Fatalf("response %X has no status word", r)
			}
		}
	})
}

// FuzzParseProfile: the profile loader never panics; what it accepts
// builds a card.
func FuzzParseProfile(f *testing.F) {
	for _, name := range []string{"pboc-rsa.yaml", "pboc-sm.yaml"} {
		b, err := os.ReadFile(filepath.Join(cardsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: x\natr: 3B00\nalgorithm: rsa\napplications: []\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfile(b, cardsDir)
		if err != nil {
			return
		}
		if c, err := New(p, Options{Rand: seededRand(1)}); err == nil {
			c.PowerOn()
			c.Process(h("00A4040008A00000033301010100"))
		}
	})
}

// BenchmarkGenerateAC measures Process of a first GENERATE AC (ARQC).
func BenchmarkGenerateAC(b *testing.B) {
	m := newTerm(b, loadProfile(b, "pboc-rsa.yaml"))
	fci, _ := m.selectName(debitAID, false)
	m.gpo(fci)
	cdol1 := mustDOL(b, h(persoCDOL1)).Build(m.lookup)
	genAC := append([]byte{0x80, 0xAE, 0x80, 0x00, byte(len(cdol1))}, cdol1...)
	genAC = append(genAC, 0x00)
	selectCmd := h("00A4040008A00000033301010100")
	gpoCmd := append([]byte{0x80, 0xA8, 0, 0, byte(len(m.pdol) + 2), 0x83, byte(len(m.pdol))}, m.pdol...)
	gpoCmd = append(gpoCmd, 0x00)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		m.c.Process(selectCmd)
		m.c.Process(gpoCmd)
		m.c.state.Apps["A000000333010101"].ATC = 1
		b.StartTimer()
		if r := m.c.Process(genAC); r[len(r)-2] != 0x90 {
			b.Fatalf("GENERATE AC: %X", r)
		}
	}
}
