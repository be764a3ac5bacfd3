package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/hulian/hulian/simulators/simcard"
)

// TestCardPersonalizeCommand: `paysim card personalize` writes a profile
// that loads and builds a card.
func TestCardPersonalizeCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "card.yaml")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"card", "personalize", "--pan", "6228480000000000018", "--expiry", "3012",
		"--algorithm", "sm", "--ca-key", "../../testdata/emv/capk-test-private.txt", "--out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	p, err := simcard.LoadProfile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simcard.New(p, simcard.Options{}); err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"card"}, &stdout, &stderr); code != 2 {
		t.Fatalf("card without --profile: exit %d, want 2", code)
	}
}
