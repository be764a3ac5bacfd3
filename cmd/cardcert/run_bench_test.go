package main

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/simulators/simcard"
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

// BenchmarkRunPCSC compares the harness per APDU with raw Transmit calls
// through the real PC/SC stack (pcscd, vpcd, the simulated card): ns/apdu
// of both gives the harness overhead ratio where it matters.
func BenchmarkRunPCSC(b *testing.B) {
	rd := pcsctest.Slot(b)
	p, err := simcard.LoadProfile(testProfile)
	if err != nil {
		b.Fatal(err)
	}
	c, err := simcard.New(p, simcard.Options{})
	if err != nil {
		b.Fatal(err)
	}
	rd.Insert(b, c)
	conn := rd.Connect(b, pcsc.ConnectOptions{})
	tr := &countingTransport{Transport: conn}
	prof, err := loadTestProfile(testProfile)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		sel := []byte{0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0, 0, 0x03, 0x33, 0x01, 0x01, 0x01, 0x00}
		if _, err := tr.Transmit(ctx, sel); err != nil {
			b.Fatal(err)
		}
		cmd := []byte{0x80, 0xCA, 0x9F, 0x36, 0x00}
		for b.Loop() {
			if _, err := tr.Transmit(ctx, cmd); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/apdu")
	})
	b.Run("harness", func(b *testing.B) {
		dir := b.TempDir()
		suite := "cases:\n  - id: B-1\n    clause: \"EMV 4.4 Book 3 6.5.7\"\n    title: bench\n    steps:\n      - select: ${aid}\n" +
			"      - repeat: 100\n        steps:\n          - get_data: 9F36\n            assert:\n              - length: {path: 9F36, is: 2}\n"
		if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(suite), 0o644); err != nil {
			b.Fatal(err)
		}
		s, err := script.Load(dir)
		if err != nil {
			b.Fatal(err)
		}
		r, err := runner.New(s, runner.Options{Profile: prof})
		if err != nil {
			b.Fatal(err)
		}
		start := tr.n.Load()
		for b.Loop() {
			if rep := r.Run(ctx, rd.Name, tr); !rep.Conforms() {
				b.Fatal(rep.Cases[0].Message)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(tr.n.Load()-start), "ns/apdu")
	})
}
