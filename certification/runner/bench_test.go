package runner

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/certification/script"
)

// countingTransport counts the commands sent.
type countingTransport struct {
	card.Transport
	n atomic.Int64
}

func (c *countingTransport) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	c.n.Add(1)
	return c.Transport.Transmit(ctx, cmd)
}

// benchSuite is one case of 100 GET DATA with an assertion each: the
// harness's work per APDU (expansion, encoding, T=0 handling, TLV parsing,
// masking for the trace, the assertion).
const benchSuite = `cases:
  - id: B-1
    clause: "EMV 4.4 Book 3 6.5.7"
    title: bench
    steps:
      - select: ${aid}
      - repeat: 100
        steps:
          - get_data: 9F36
            assert:
              - length: {path: 9F36, is: 2}
`

// BenchmarkAPDU compares the harness per APDU with raw Transmit calls on
// the same in-process transport to the simulated card; ns/apdu of both
// gives the harness overhead ratio.
func BenchmarkAPDU(b *testing.B) {
	c, prof := simCard(b)
	tr := &countingTransport{Transport: card.NewInProcess(c)}
	defer func() { _ = tr.Close() }()
	b.Run("raw", func(b *testing.B) { benchRaw(b, tr) })
	b.Run("harness", func(b *testing.B) { benchHarness(b, tr, prof) })
}

// benchRaw sends GET DATA 9F36 b.N times.
func benchRaw(b *testing.B, tr card.Transport) {
	ctx := context.Background()
	cmd := []byte{0x80, 0xCA, 0x9F, 0x36, 0x00}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Transmit(ctx, cmd); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/apdu")
}

// benchHarness runs the bench suite b.N times and reports ns per APDU sent.
func benchHarness(b *testing.B, tr *countingTransport, prof Profile) {
	dir := b.TempDir()
	s := writeSuite(b, dir, benchSuite)
	r, err := New(s, Options{Profile: prof})
	if err != nil {
		b.Fatal(err)
	}
	start := tr.n.Load()
	b.ReportAllocs()
	for b.Loop() {
		if rep := r.Run(context.Background(), "bench", tr); !rep.Conforms() {
			b.Fatal(rep.Cases[0].Message)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(tr.n.Load()-start), "ns/apdu")
}

func writeSuite(b *testing.B, dir, text string) *script.Suite {
	b.Helper()
	if err := os.WriteFile(filepath.Join(dir, "bench.yaml"), []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	s, err := script.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
