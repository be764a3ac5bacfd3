package load_test

import (
	"context"
	"testing"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/load"
)

// BenchmarkBuild measures requests built per second for each type (the
// generator's hot path: template, varied fields, and for chip the ARQC).
func BenchmarkBuild(b *testing.B) {
	mod := testModule(b)
	pin := testPIN(b, mod)
	for _, typ := range []string{"purchase", "chip", "pin", "balance", "account", "reversal"} {
		b.Run(typ, func(b *testing.B) {
			yaml := "transactions: {" + typ + ": 1}\n"
			if typ == "reversal" {
				yaml = "transactions: {purchase: 1, reversal: 1}\n"
			}
			g := newGen(b, only(b, yaml), pin)
			var m dialect.Message
			// Warm up: PIN blocks made once per card, originals to reverse.
			for i := range 64 {
				m.Reset()
				if _, err := load.BuildForTest(context.Background(), g, i, 0, &m); err != nil {
					b.Fatal(err)
				}
				load.ApproveForTest(g, i, 0, &m)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				m.Reset()
				if _, err := load.BuildForTest(context.Background(), g, i, 0, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("chip-fresh", func(b *testing.B) {
		g, err := load.NewGenerator(load.GeneratorConfig{Mix: only(b, "transactions: {chip: 1}\n"), Connections: []string{"48020000"}, ChipPool: -1})
		if err != nil {
			b.Fatal(err)
		}
		var m dialect.Message
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Reset()
			if _, err := load.BuildForTest(context.Background(), g, i, 0, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sample", func(b *testing.B) {
		build := load.DefaultBuild()
		var m dialect.Message
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Reset()
			build(i, &m)
		}
	})
}
