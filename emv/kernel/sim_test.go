package kernel_test

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/transcript"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/simulators/simcard"
)

var update = flag.Bool("update", false, "record testdata/transcripts/kernel from the simulated card")

const (
	cardsDir       = "../../testdata/cards"
	transcriptsDir = "../../testdata/transcripts/kernel"
	capkFile       = "../../testdata/emv/capk-test.txt"
	testPIN        = "123456" // the simulated card's TEST PIN
)

// testNow is the transaction date: the test profiles' certificates are
// valid then and the application has not expired (5F24 301231).
var testNow = time.Date(2025, 6, 1, 10, 30, 0, 0, time.UTC)

// seeded is a deterministic random source, so transcripts replay.
func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// testConfig is the default terminal with the test CA keys, a fixed clock,
// a seeded random source and a PIN pad that enters pin.
func testConfig(t testing.TB, pin string) kernel.Config {
	t.Helper()
	store, err := capk.LoadFile(capkFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := kernel.DefaultConfig()
	cfg.CAKeys = store
	cfg.Clock = func() time.Time { return testNow }
	cfg.Rand = seeded(7)
	cfg.FloorLimit = 50000
	cfg.SMSupport = true
	cfg.PIN = func(context.Context, kernel.PINRequest) ([]byte, error) { return []byte(pin), nil }
	return cfg
}

// simulated returns the simulated card of a profile in testdata/cards with
// optional defects.
func simulated(t testing.TB, profile string, defects ...string) *simcard.Card {
	t.Helper()
	p, err := simcard.LoadProfile(filepath.Join(cardsDir, profile+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p.Defects = append(p.Defects, defects...)
	c, err := simcard.New(p, simcard.Options{Rand: seeded(3)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// transport returns, with -update, a recorder of the simulated card writing
// testdata/transcripts/kernel/<name>.apdu, else a replay of that file. The
// cleanup checks that the whole transcript was played.
func transport(t *testing.T, name string, mk func() card.Card) card.Transport {
	t.Helper()
	path := filepath.Join(transcriptsDir, name+".apdu")
	if *update {
		var buf bytes.Buffer
		rec := transcript.NewRecorder(card.NewInProcess(mk()), &buf, "kernel test "+name+" (TEST card, simulators/card)")
		t.Cleanup(func() {
			if err := rec.Err(); err != nil {
				t.Error(err)
			}
			if err := os.MkdirAll(transcriptsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		})
		return rec
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (record it with go test ./emv/kernel -update)", err)
	}
	tr, err := transcript.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rp := transcript.NewReplay(tr, path)
	t.Cleanup(func() {
		if err := rp.Remaining(); err != nil && !t.Failed() {
			t.Error(err)
		}
	})
	return rp
}
