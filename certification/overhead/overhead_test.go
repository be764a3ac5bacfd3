package overhead_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/simulators/simcard"
)

// getDataAPDUs is N, the GET DATA commands of the benchmark case: enough
// that the run's fixed part (discovery, the case's reset and SELECT) is
// small, and the same on both sides anyway.
const getDataAPDUs = 500

// benchSuite is one case: SELECT, then n GET DATA 9F36 with one assertion
// (repeat takes at most 100: n above 100 must be a multiple of 100).
func benchSuite(n int) string {
	outer, inner := 1, n
	if n > 100 {
		outer, inner = n/100, 100
	}
	return fmt.Sprintf(`cases:
  - id: BENCH-001
    clause: "EMV 4.4 Book 3 6.5.7"
    title: GET DATA with one assertion, %d times
    steps:
      - select: ${aid}
      - repeat: %d
        steps:
          - repeat: %d
            steps:
              - get_data: 9F36
                assert:
                  - length: {path: 9F36, is: 2}
`, n, outer, inner)
}

// event is one thing the runner did to the transport.
type event struct {
	reset, cold bool
	cmd         []byte
}

// recorder passes everything to the transport and, while on, records it.
type recorder struct {
	card.Transport
	mu     sync.Mutex
	on     bool
	events []event
}

func (r *recorder) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	r.mu.Lock()
	if r.on {
		r.events = append(r.events, event{cmd: append([]byte(nil), cmd...)})
	}
	r.mu.Unlock()
	return r.Transport.Transmit(ctx, cmd)
}

func (r *recorder) Reset(ctx context.Context, cold bool) error {
	r.mu.Lock()
	if r.on {
		r.events = append(r.events, event{reset: true, cold: cold})
	}
	r.mu.Unlock()
	return r.Transport.Reset(ctx, cold)
}

// replay sends the recorded events as raw transport calls.
func replay(ctx context.Context, tr card.Transport, events []event) error {
	for _, e := range events {
		var err error
		if e.reset {
			err = tr.Reset(ctx, e.cold)
		} else {
			_, err = tr.Transmit(ctx, e.cmd)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// simulated returns the clean RSA simulated card and its test profile.
func simulated(b *testing.B) (card.Card, runner.Profile) {
	p, err := simcard.LoadProfile("../../testdata/cards/pboc-rsa.yaml")
	if err != nil {
		b.Fatal(err)
	}
	c, err := simcard.New(p, simcard.Options{})
	if err != nil {
		b.Fatal(err)
	}
	a := p.Applications[0]
	return c, runner.Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: "tdes", UN: "11223344"}
}

// benchOverhead runs the comparison on one transport: raw replays and
// harness runs apart (ns/apdu and allocations of each), then interleaved
// (both ns/apdu and the harness overhead in percent).
func benchOverhead(b *testing.B, tr card.Transport, prof runner.Profile) {
	ctx := context.Background()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bench.yaml"), []byte(benchSuite(getDataAPDUs)), 0o644); err != nil {
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
	rec := &recorder{Transport: tr, on: true}
	if rep := r.Run(ctx, "bench", rec); !rep.Conforms() {
		b.Fatalf("the bench case does not pass: %s", rep.Cases[0].Message)
	}
	rec.on = false
	apdus, resets := 0, 0
	for _, e := range rec.events {
		if e.reset {
			resets++
		} else {
			apdus++
		}
	}
	if apdus < getDataAPDUs {
		b.Fatalf("the runner sent %d commands, fewer than the %d GET DATA", apdus, getDataAPDUs)
	}
	perAPDU := func(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n*apdus) }
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := replay(ctx, tr, rec.events); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(perAPDU(b.Elapsed(), b.N), "ns/apdu")
		b.ReportMetric(float64(resets), "resets/op")
	})
	b.Run("harness", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rep := r.Run(ctx, "bench", tr); !rep.Conforms() {
				b.Fatal(rep.Cases[0].Message)
			}
		}
		b.ReportMetric(perAPDU(b.Elapsed(), b.N), "ns/apdu")
		b.ReportMetric(float64(resets), "resets/op")
	})
	// interleaved alternates one raw replay and one harness run per
	// iteration, so drift in the machine's load hits both sides alike: its
	// overhead-% is the figure to quote.
	b.Run("interleaved", func(b *testing.B) {
		var raw, harness time.Duration
		for b.Loop() {
			t0 := time.Now()
			if err := replay(ctx, tr, rec.events); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if rep := r.Run(ctx, "bench", tr); !rep.Conforms() {
				b.Fatal(rep.Cases[0].Message)
			}
			raw, harness = raw+t1.Sub(t0), harness+time.Since(t1)
		}
		b.ReportMetric(perAPDU(raw, b.N), "raw-ns/apdu")
		b.ReportMetric(perAPDU(harness, b.N), "harness-ns/apdu")
		b.ReportMetric(100*float64(harness-raw)/float64(raw), "overhead-%")
	})
}

// BenchmarkOverheadInProcess: raw transmits vs the harness on the
// in-process transport to the simulated card (no I/O: the harness's cost
// shows at its largest here).
func BenchmarkOverheadInProcess(b *testing.B) {
	c, prof := simulated(b)
	tr := card.NewInProcess(c)
	defer func() { _ = tr.Close() }()
	benchOverhead(b, tr, prof)
}

// BenchmarkOverheadPCSC: raw transmits vs the harness through pcscd, vpcd
// and the simulated card, where a lab's reader sits. Skipped without pcscd
// (failing when CI=true).
func BenchmarkOverheadPCSC(b *testing.B) {
	rd := pcsctest.Slot(b)
	c, prof := simulated(b)
	rd.Insert(b, c)
	conn := rd.Connect(b, pcsc.ConnectOptions{})
	benchOverhead(b, conn, prof)
}

// TestReplayMatchesHarness: the raw side of the benchmark sends exactly
// the commands and resets the harness sent (so the comparison is fair),
// and the answers match.
func TestReplayMatchesHarness(t *testing.T) {
	p, err := simcard.LoadProfile("../../testdata/cards/pboc-rsa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := simcard.New(p, simcard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bench.yaml"), []byte(benchSuite(3)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := script.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(s, runner.Options{Profile: runner.Profile{AID: p.Applications[0].AID.String(), UN: "11223344"}})
	if err != nil {
		t.Fatal(err)
	}
	tr := card.NewInProcess(c)
	rec := &recorder{Transport: tr, on: true}
	if rep := r.Run(context.Background(), "t", rec); !rep.Conforms() {
		t.Fatal(rep.Cases[0].Message)
	}
	first := rec.events
	rec.events = nil
	if err := replay(context.Background(), rec, first); err != nil {
		t.Fatal(err)
	}
	if got, want := describe(rec.events), describe(first); got != want {
		t.Fatalf("replay sent\n%s\nthe harness sent\n%s", got, want)
	}
	var getData int
	for _, e := range first {
		if !e.reset && strings.HasPrefix(fmt.Sprintf("%X", e.cmd), "80CA9F36") {
			getData++
		}
	}
	if resets := strings.Count(describe(first), "reset"); getData != 3 || resets != 2 {
		t.Fatalf("the harness sent %d GET DATA and %d resets, want 3 and 2 (discovery, case)", getData, resets)
	}
}

func describe(events []event) string {
	var b strings.Builder
	for _, e := range events {
		if e.reset {
			fmt.Fprintf(&b, "reset cold=%v\n", e.cold)
		} else {
			fmt.Fprintf(&b, "%X\n", e.cmd)
		}
	}
	return b.String()
}
