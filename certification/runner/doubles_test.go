package runner

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tlv"
)

// testAID is the application of the scripted card.
const testAID = "A0000003330101"

// scriptedCard is a small card.Card double: each command is answered by
// handle (if it answers) or by a fixed table of answers by command prefix,
// else 6D00. It logs the commands it got.
type scriptedCard struct {
	mu      sync.Mutex
	answers map[string][]byte // command hex prefix -> answer
	handle  func(cmd string) ([]byte, bool)
	log     []string
	powerOn int
}

func (c *scriptedCard) PowerOn() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powerOn++
	return []byte{0x3B, 0x02, 0x14, 0x50}
}

func (c *scriptedCard) PowerOff() {}

func (c *scriptedCard) Process(cmd []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := strings.ToUpper(hex.EncodeToString(cmd))
	c.log = append(c.log, h)
	if c.handle != nil {
		if r, ok := c.handle(h); ok {
			return r
		}
	}
	best := ""
	for p := range c.answers {
		if strings.HasPrefix(h, p) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return []byte{0x6D, 0x00}
	}
	return append([]byte(nil), c.answers[best]...)
}

// commands returns the commands received that start with prefix.
func (c *scriptedCard) commands(prefix string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func ok(b []byte) []byte { return append(b, 0x90, 0x00) }

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// newScriptedCard answers SELECT, GPO (AIP 7C00, AFL SFI 1 records 1-2)
// and the two records the way an EMV application does, with a test PAN.
func newScriptedCard() *scriptedCard {
	fci := tlv.Encode(tlv.NewConstructed(0x6F, tlv.New(0x84, h(testAID)),
		tlv.NewConstructed(0xA5, tlv.New(0x50, []byte("TEST")), tlv.New(0x9F38, h("9F3704")))))
	rec1 := tlv.Encode(tlv.NewConstructed(0x70, tlv.New(0x5A, h("6228480000000018")), tlv.New(0x5F24, h("301231")),
		tlv.New(0x8E, h("00000000000000000103")), tlv.New(0x8C, h("9F3704"))))
	rec2 := tlv.Encode(tlv.NewConstructed(0x70, tlv.New(0x9F08, h("0030"))))
	return &scriptedCard{answers: map[string][]byte{
		"00A40400":   ok(fci),
		"80A8":       ok(tlv.Encode(tlv.New(0x80, h("7C00 08010200")))),
		"00B2010C":   ok(rec1),
		"00B2020C":   ok(rec2),
		"00B2030C":   h("6A83"),
		"80CA9F3600": ok(tlv.Encode(tlv.New(0x9F36, h("0005")))),
	}}
}

// suiteOf writes script files into a temporary suite directory and loads
// it; the scripts must lint clean.
func suiteOf(t *testing.T, files ...string) *script.Suite {
	t.Helper()
	dir := t.TempDir()
	for i, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".yaml"), []byte(f), 0o644))
	}
	s, err := script.Load(dir)
	require.NoError(t, err)
	return s
}

// runOn runs a suite on a card double and returns the report.
func runOn(t *testing.T, s *script.Suite, c card.Card, o Options) *report.Run {
	t.Helper()
	if o.Profile.AID == "" {
		o.Profile.AID = testAID
	}
	if o.Profile.PIN == "" {
		o.Profile.PIN = "1234"
	}
	if o.Profile.UN == "" {
		o.Profile.UN = "11223344"
	}
	r, err := New(s, o)
	require.NoError(t, err)
	tr := card.NewInProcess(c)
	t.Cleanup(func() { _ = tr.Close() })
	return r.Run(context.Background(), "test reader", tr)
}

// oneCase wraps steps (YAML, indented for a case) in a file with one case.
func oneCase(id, extra, steps string) string {
	return "cases:\n  - id: " + id + "\n    clause: \"EMV 4.4 Book 3\"\n    title: test\n" + extra + "    steps:\n" + steps
}

// caseByID finds a case in a report.
func caseByID(t *testing.T, r *report.Run, id string) report.Case {
	t.Helper()
	for _, c := range r.Cases {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no case %s in the report", id)
	return report.Case{}
}
