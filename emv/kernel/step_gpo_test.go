package kernel

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/tlv"
)

// session returns a Session on c with terminal data set, for step tests.
func session(t *testing.T, mod func(*Config), txn Transaction, c card.Card) *Session {
	t.Helper()
	if c == nil {
		c = newScripted()
	}
	tr := card.NewInProcess(c)
	t.Cleanup(func() { _ = tr.Close() })
	s := testKernel(mod).newSession(tr, txn)
	s.initTerminalData()
	return s
}

func TestGPOResponse(t *testing.T) {
	tests := []struct {
		name    string
		resp    []byte
		aip     [2]byte
		afl     string
		wantTag tlv.Tag
	}{
		{"format 1", tlv.Encode(p(0x80, "7C00 08010100 10010301")), [2]byte{0x7C, 0}, "0801010010010301", 0},
		{"format 2", tlv.Encode(c(0x77, p(0x82, "3900"), p(0x94, "18010201"))), [2]byte{0x39, 0}, "18010201", 0},
		{"format 1 without AFL", tlv.Encode(p(0x80, "1800")), [2]byte{0x18, 0}, "", 0},
		{"AFL not a multiple of 4", tlv.Encode(p(0x80, "1800 080101")), [2]byte{}, "", 0x94},
		{"AFL SFI 0", tlv.Encode(p(0x80, "1800 00010100")), [2]byte{}, "", 0x94},
		{"AFL first > last", tlv.Encode(p(0x80, "1800 08030100")), [2]byte{}, "", 0x94},
		{"AFL record 0", tlv.Encode(p(0x80, "1800 08000100")), [2]byte{}, "", 0x94},
		{"AFL ODA count too big", tlv.Encode(p(0x80, "1800 08010203")), [2]byte{}, "", 0x94},
		{"format 1 too short", tlv.Encode(p(0x80, "18")), [2]byte{}, "", 0x80},
		{"format 2 without AIP", tlv.Encode(c(0x77, p(0x94, "08010100"))), [2]byte{}, "", 0x82},
		{"format 2 AIP 3 bytes", tlv.Encode(c(0x77, p(0x82, "180000"), p(0x94, "08010100"))), [2]byte{}, "", 0x82},
		{"wrong template", tlv.Encode(p(0x6F, "00")), [2]byte{}, "", 0x80},
		{"truncated", unhex("800A1800080101"), [2]byte{}, "", 0x80},
		{"garbage", unhex("FFFFFF"), [2]byte{}, "", 0x80},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := session(t, nil, purchase(100), nil)
			err := s.gpoResponse(tc.resp)
			if tc.wantTag != 0 {
				var ke *Error
				if !errors.As(err, &ke) || ke.Step != StepGPO || ke.Tag != tc.wantTag || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrMissing) {
					t.Fatalf("error %v, want a GPO error naming %v", err, tc.wantTag)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.aip != tc.aip || !bytes.Equal(s.afl, unhex(tc.afl)) {
				t.Errorf("AIP %X AFL %X, want %X %s", s.aip, s.afl, tc.aip, tc.afl)
			}
		})
	}
}

// TestPDOL: the GPO data is 83 with the PDOL values from terminal data.
func TestPDOL(t *testing.T) {
	pdol := p(0x9F38, "9F02069F1A025F2A029A039C019F7A01DF6901")
	card := newScripted(
		rule{prefix: selectPSE, resp: sw(0x6A82)},
		rule{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "01", pdol)},
		rule{prefix: "80A80000", resp: sw(0x6A80)},
	)
	k := testKernel(func(c *Config) { c.ECSupport, c.SMSupport = true, true })
	_, err := start(t, k, card, purchase(1234))
	if !errors.Is(err, ErrStatus) {
		t.Fatalf("error %v, want ErrStatus", err)
	}
	want := "80A8000012" + "8310" + "000000001234" + "0156" + "0156" + "250601" + "00" + "01" + "01"
	if card.sent(want) != 1 {
		t.Errorf("GPO sent %v, want %s", card.cmds, want)
	}
}

func TestReadRecords(t *testing.T) {
	rec1 := tlv.Encode(c(0x70, p(0x5A, "6228480000000000018F"), p(0x5F24, "301231")))
	rec2 := tlv.Encode(c(0x70, p(0x8C, "9F3704"), p(0x8D, "8A02"), p(0x9F4A, "82")))
	rec11 := tlv.Encode(c(0x70, p(0x9F46, "0102")))
	tests := []struct {
		name    string
		afl     string
		rules   []rule
		static  []byte
		wantErr error
		wantTag tlv.Tag
	}{
		{
			name: "SFI 1..10 value of 70, SFI 11 whole record, 9F4A adds the AIP",
			afl:  "08010201 58010101",
			rules: []rule{
				{prefix: "00B2010C", resp: ok(rec1)}, {prefix: "00B2020C", resp: ok(rec2)}, {prefix: "00B2015C", resp: ok(rec11)},
			},
			static: append(append(append([]byte(nil), rec1[2:]...), rec11...), 0x58, 0x00),
		},
		{
			name:    "record not a 70 template in SFI 1",
			afl:     "08010100",
			rules:   []rule{{prefix: "00B2010C", resp: ok(tlv.Encode(p(0x71, "00")))}},
			wantErr: ErrMalformed, wantTag: 0x70,
		},
		{
			name:    "duplicate data object",
			afl:     "08010200",
			rules:   []rule{{prefix: "00B2010C", resp: ok(rec1)}, {prefix: "00B2020C", resp: ok(rec1)}},
			wantErr: ErrMalformed, wantTag: 0x5A,
		},
		{
			name:    "record not found",
			afl:     "08010200",
			rules:   []rule{{prefix: "00B2010C", resp: ok(rec1)}, {prefix: "00B2020C", resp: sw(0x6A83)}},
			wantErr: ErrStatus,
		},
		{
			name:    "truncated record",
			afl:     "08010100",
			rules:   []rule{{prefix: "00B2010C", resp: ok(rec1[:len(rec1)-3])}},
			wantErr: ErrMalformed, wantTag: 0x70,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := session(t, nil, purchase(100), newScripted(tc.rules...))
			s.aip, s.afl = [2]byte{0x58, 0x00}, unhex(tc.afl)
			err := s.readRecords(context.Background())
			if tc.wantErr != nil {
				var ke *Error
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &ke) || ke.Step != StepReadRecord || ke.Tag != tc.wantTag {
					t.Fatalf("error %v, want %v naming %v", err, tc.wantErr, tc.wantTag)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(s.static, tc.static) {
				t.Errorf("static data %X, want %X", s.static, tc.static)
			}
		})
	}
}

func TestMandatoryData(t *testing.T) {
	for _, missing := range []tlv.Tag{0x5F24, 0x5A, 0x8C, 0x8D} {
		s := session(t, nil, purchase(100), nil)
		for _, tg := range []tlv.Tag{0x5F24, 0x5A, 0x8C, 0x8D} {
			if tg != missing {
				s.card.set(tg, []byte{1})
			}
		}
		var ke *Error
		if err := s.checkMandatory(); !errors.Is(err, ErrMissing) || !errors.As(err, &ke) || ke.Tag != missing {
			t.Errorf("missing %v: error %v", missing, err)
		}
	}
}
