package simcard

import (
	"context"
	"testing"

	hcard "github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
)

// benchLoop sends SELECT debit AID + GET DATA ATC over tr until the
// benchmark ends and reports APDUs per second.
func benchLoop(b *testing.B, tr hcard.Transport) {
	ctx := context.Background()
	sel, getATC := h("00A4040008A00000033301010100"), h("80CA9F3600")
	for b.Loop() {
		for _, cmd := range [][]byte{sel, getATC} {
			r, err := tr.Transmit(ctx, cmd)
			if err != nil {
				b.Fatal(err)
			}
			if n := len(r); n < 2 || r[n-2] != 0x90 || r[n-1] != 0x00 {
				b.Fatalf("%X answered %X", cmd[:4], r)
			}
		}
	}
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "APDU/s")
}

// BenchmarkPCSCCard: APDUs per second to the simulated card through pcscd
// and vpcd (T=0 as the ATR offers; neither command needs GET RESPONSE).
func BenchmarkPCSCCard(b *testing.B) {
	r := pcsctest.Slot(b)
	c, err := New(loadProfile(b, "pboc-rsa.yaml"), Options{Rand: seededRand(1)})
	if err != nil {
		b.Fatal(err)
	}
	r.Insert(b, c)
	benchLoop(b, r.Connect(b, pcsc.ConnectOptions{}))
}

// BenchmarkInProcessCard: the same loop on the in-process transport.
func BenchmarkInProcessCard(b *testing.B) {
	c, err := New(loadProfile(b, "pboc-rsa.yaml"), Options{Rand: seededRand(1)})
	if err != nil {
		b.Fatal(err)
	}
	tr := hcard.NewInProcess(c)
	defer tr.Close()
	benchLoop(b, tr)
}
