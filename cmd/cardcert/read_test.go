package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/simulators/simcard"
)

const (
	simProfile = "../../testdata/cards/pboc-rsa.yaml"
	simCAPK    = "../../testdata/emv/capk-test.txt"
	simPAN     = "6228480000000000018" // the TEST PAN of the shipped profile
)

func TestReadSim(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		clear   bool
		outcome string
	}{
		{"masked", []string{"read", "--sim", simProfile, "--capk", simCAPK}, false, "Outcome: read complete"},
		{"show-pan", []string{"read", "--sim", simProfile, "--capk", simCAPK, "--show-pan"}, true, "Outcome: read complete"},
		{"contactless", []string{"read", "--sim", simProfile, "--capk", simCAPK, "--contactless"}, false, "Outcome: online request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			s := out.String()
			for _, want := range []string{"A000000333010101", "PBOC DEBIT", "5F24 Application Expiration Date", tc.outcome, "622848"} {
				if !strings.Contains(s, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if strings.Contains(s, simPAN) != tc.clear {
				t.Errorf("PAN in clear: %v, want %v", strings.Contains(s, simPAN), tc.clear)
			}
		})
	}
}

func TestReadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"read"},
		{"read", "--sim", "x", "--reader", "y"},
		{"read", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"read", "--sim", "no-such-profile"}, &out, &errOut); code != 1 {
		t.Errorf("missing profile: exit %d, want 1", code)
	}
}

// TestReadPCSC reads the simulated card through the real PC/SC stack
// (pcscd + vpcd): what a lab does with `cardcert read --reader`.
func TestReadPCSC(t *testing.T) {
	r := pcsctest.Slot(t)
	p, err := simcard.LoadProfile(simProfile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := simcard.New(p, simcard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Insert(t, c)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"read", "--reader", r.Name, "--capk", simCAPK}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{"A000000333010101", "PBOC DEBIT", "Outcome: read complete", "622848"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, simPAN) {
		t.Error("PAN in clear without --show-pan")
	}
}
