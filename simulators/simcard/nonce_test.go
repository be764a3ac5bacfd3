package simcard

import (
	"bytes"
	"testing"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// TestSM2SignaturesRepeat: two SM cards with the same seeded random source
// give byte-identical DDA answers, call after call, and every signature
// verifies. gmsm's coin-flip read (nonce.go) would otherwise make about
// half of them differ.
func TestSM2SignaturesRepeat(t *testing.T) {
	run := func() ([][]byte, *oda.PublicKey) {
		m := newTerm(t, loadProfile(t, "pboc-sm.yaml"))
		aip, data, static := m.start(debitAID)
		key := recoverKeys(t, aip, data, static)
		var out [][]byte
		for range 16 {
			r, sw := m.send(0x00, 0x88, 0, 0, h("11223344"), 256)
			if sw != apdu.SWOK {
				t.Fatalf("INTERNAL AUTHENTICATE: %v", sw)
			}
			out = append(out, r)
		}
		return out, key
	}
	a, key := run()
	b, _ := run()
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("signature %d differs between two runs with the same seed", i)
		}
		objs, err := tlv.Parse(a[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := oda.VerifyDDA(key, objs[0].Value, h("11223344")); err != nil {
			t.Fatalf("signature %d: %v", i, err)
		}
	}
	if bytes.Equal(a[0], a[1]) {
		t.Fatal("two signatures of one card are equal: the nonce does not change")
	}
}

// TestNonceReader: one-byte reads do not consume the stream; longer reads
// are a function of the seed only.
func TestNonceReader(t *testing.T) {
	x, y := newNonceReader(seededRand(4)), newNonceReader(seededRand(4))
	var one [1]byte
	_, _ = x.Read(one[:])
	p, q := make([]byte, 70), make([]byte, 70)
	_, _ = x.Read(p[:32])
	_, _ = x.Read(one[:])
	_, _ = x.Read(p[32:])
	_, _ = y.Read(q)
	if !bytes.Equal(p, q) {
		t.Fatal("stream depends on one-byte reads")
	}
	if z := newNonceReader(seededRand(5)); func() bool { r := make([]byte, 70); _, _ = z.Read(r); return bytes.Equal(r, p) }() {
		t.Fatal("different seeds, same stream")
	}
}
