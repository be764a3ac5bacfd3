package pos

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Answers' field 55 as the issuer simulator builds them (simulators/issuer:
// 91 = ARPC || ARC, then a 72 template with 9F18 and an 86 PUT DATA 9F79).
const (
	seedApproved = "910A 1122334455667788 3030"
	seedScript   = "910A 1122334455667788 3030 7218 9F1804 00000001 860F 04DA9F790A 000000050000 AABBCCDD"
	seedTwo      = "7107 9F1804 00000002 7207 9F1804 00000003"
)

func TestParseIssuerData(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		auth       string
		scripts    string
		wantErr    bool
		scriptTags []tlv.Tag
	}{
		{name: "empty"},
		{name: "approved", in: seedApproved, auth: "1122334455667788 3030"},
		{name: "script", in: seedScript, auth: "1122334455667788 3030", scriptTags: []tlv.Tag{0x72}},
		{name: "templates in order", in: seedTwo, scriptTags: []tlv.Tag{0x71, 0x72}},
		{name: "other objects ignored", in: "8A02 3030 910A 1122334455667788 3030", auth: "1122334455667788 3030"},
		{name: "91 too short", in: "9104 11223344", wantErr: true},
		{name: "91 twice", in: seedApproved + seedApproved, wantErr: true},
		{name: "truncated", in: "910A 11223344", wantErr: true},
		{name: "bad length", in: "9184 FFFFFFFF", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseIssuerData(unhex(t, tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrIssuerData) || d.auth != nil || d.scripts != nil {
					t.Fatalf("got %X %X %v, want ErrIssuerData and nothing", d.auth, d.scripts, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.auth, unhex(t, tc.auth)) {
				t.Errorf("91 %X, want %s", d.auth, tc.auth)
			}
			list, err := tlv.Parse(d.scripts)
			if err != nil || len(list) != len(tc.scriptTags) {
				t.Fatalf("scripts %X: %v", d.scripts, err)
			}
			for i, o := range list {
				if o.Tag != tc.scriptTags[i] {
					t.Errorf("script %d tag %v, want %v", i, o.Tag, tc.scriptTags[i])
				}
			}
		})
	}
	if _, err := parseIssuerData(make([]byte, maxIssuerData+1)); !errors.Is(err, ErrIssuerData) {
		t.Errorf("oversized field 55: %v", err)
	}
}

// Card records as the shipped profile pboc-rsa.yaml holds them (TEST PAN).
const seedCard = "57 13 6228480000000000018D30122201000000000F 5A 0A 6228480000000000018F 5F24 03 301231 5F34 01 01"

func TestReadCard(t *testing.T) {
	for _, tc := range []struct {
		name, in                 string
		pan, expiry, psn, track2 string
		wantErr                  bool
	}{
		{name: "full", in: seedCard, pan: "6228480000000000018", expiry: "3012", psn: "001", track2: "6228480000000000018=30122201000000000"},
		{name: "PAN from track 2", in: "57 13 6228480000000000018D30122201000000000F 5F24 03 301231",
			pan: "6228480000000000018", expiry: "3012", track2: "6228480000000000018=30122201000000000"},
		{name: "no PAN", in: "5F24 03 301231", wantErr: true},
		{name: "Luhn", in: "5A 0A 6228480000000000017F 5F24 03 301231", wantErr: true},
		{name: "no expiry", in: "5A 0A 6228480000000000018F", wantErr: true},
		{name: "expiry not BCD", in: "5A 0A 6228480000000000018F 5F24 03 3A1231", wantErr: true},
		{name: "PSN not BCD", in: "5A 0A 6228480000000000018F 5F24 03 301231 5F34 01 0A", wantErr: true},
		{name: "track 2 without separator", in: "57 04 62284800 5F24 03 301231", wantErr: true},
		{name: "track 2 too long", in: "57 14 6228480000000000018D30122201000000000000", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := tlv.Parse(unhex(t, tc.in))
			if err != nil {
				t.Fatal(err)
			}
			f, err := readCard(list)
			if tc.wantErr {
				if !errors.Is(err, ErrCardData) {
					t.Fatalf("err %v, want ErrCardData", err)
				}
				if strings.Contains(err.Error(), "622848") {
					t.Errorf("error %q holds the PAN", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := cardFields{pan: tc.pan, expiry: tc.expiry, psn: tc.psn, track2: tc.track2}
			if f != want {
				t.Errorf("got %+v, want %+v", f, want)
			}
		})
	}
}

// FuzzParseIssuerData: any field 55 of an answer parses or fails with
// ErrIssuerData, never panics, and what it keeps re-parses.
func FuzzParseIssuerData(f *testing.F) {
	for _, s := range []string{seedApproved, seedScript, seedTwo, ""} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseIssuerData(b)
		if err != nil {
			if !errors.Is(err, ErrIssuerData) {
				t.Fatalf("error %v not ErrIssuerData", err)
			}
			return
		}
		if n := len(d.auth); n != 0 && (n < 8 || n > 16) {
			t.Fatalf("91 of %d bytes kept", n)
		}
		if _, err := tlv.Parse(d.scripts); err != nil {
			t.Fatalf("kept scripts do not parse: %v", err)
		}
	})
}

// FuzzReadCard: any card data gives card fields or ErrCardData, never a
// panic, and accepted fields fit their ISO 8583 formats.
func FuzzReadCard(f *testing.F) {
	f.Add(unhex(f, seedCard))
	f.Add(unhex(f, "57 13 6228480000000000018D30122201000000000F 5F24 03 301231"))
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := tlv.Parse(b)
		if err != nil {
			return
		}
		c, err := readCard(list)
		if err != nil {
			if !errors.Is(err, ErrCardData) {
				t.Fatalf("error %v not ErrCardData", err)
			}
			return
		}
		if len(c.pan) < 12 || len(c.pan) > 19 || len(c.expiry) != 4 || len(c.track2) > maxTrack2 || (c.psn != "" && len(c.psn) != 3) {
			t.Fatalf("fields out of format: %d %d %d %d", len(c.pan), len(c.expiry), len(c.track2), len(c.psn))
		}
	})
}
