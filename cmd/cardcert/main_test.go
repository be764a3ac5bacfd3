package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{nil, 2, "usage: cardcert"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"help"}, 0, "readers"},
		{[]string{"help"}, 0, "  read      read a card"},
		{[]string{"readers", "-x"}, 2, "flag provided but not defined"},
		{[]string{"readers", "extra"}, 2, "unexpected arguments"},
		{[]string{"readers", "-h"}, 0, "usage: cardcert readers"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if code := run(context.Background(), tt.args, &out, &out); code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Errorf("run(%q) = %d, %q; want %d, %q", tt.args, code, out.String(), tt.code, tt.out)
		}
	}
}

// TestReaders runs "cardcert readers" against pcscd with a software card in
// one vpcd reader.
func TestReaders(t *testing.T) {
	r := pcsctest.Slot(t)
	c := testcard.New(false)
	r.Insert(t, c)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"readers"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := fmt.Sprintf("%s: ATR %X\n", r.Name, c.ATR())
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, stdout.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if !strings.Contains(line, ": ATR ") && !strings.HasSuffix(line, ": empty") {
			t.Errorf("unexpected line %q", line)
		}
	}
}
