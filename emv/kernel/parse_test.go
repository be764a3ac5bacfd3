package kernel_test

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/hulian/hulian/emv/kernel"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The AFLs are those of testdata/cards/pboc-rsa.yaml (contact and qPBOC)
// and of its afl-bad-length defect (simulators/simcard DEFECTS.md).
func TestParseAFL(t *testing.T) {
	tests := []struct {
		afl  string
		want []kernel.AFLEntry
		ok   bool
	}{
		{"080101001001010118010300", []kernel.AFLEntry{{1, 1, 1, 0}, {2, 1, 1, 1}, {3, 1, 3, 0}}, true},
		{"08010100100101011801030020010100", []kernel.AFLEntry{{1, 1, 1, 0}, {2, 1, 1, 1}, {3, 1, 3, 0}, {4, 1, 1, 0}}, true},
		{"", []kernel.AFLEntry{}, true},
		{"08010100100101011801030000", nil, false}, // stray byte
		{"00010100", nil, false},                   // SFI 0
		{"F8010100", nil, false},                   // SFI 31
		{"09010100", nil, false},                   // low bits set
		{"08000100", nil, false},                   // record 0
		{"08020100", nil, false},                   // first > last
		{"08010203", nil, false},                   // more ODA records than in range
	}
	for _, tt := range tests {
		got, err := kernel.ParseAFL(unhex(t, tt.afl))
		if tt.ok != (err == nil) {
			t.Errorf("ParseAFL(%s) error %v, want ok %v", tt.afl, err, tt.ok)
			continue
		}
		if !tt.ok {
			if !errors.Is(err, kernel.ErrMalformed) {
				t.Errorf("ParseAFL(%s) error %v is not ErrMalformed", tt.afl, err)
			}
			continue
		}
		if len(got) != len(tt.want) {
			t.Fatalf("ParseAFL(%s) = %v, want %v", tt.afl, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseAFL(%s)[%d] = %v, want %v", tt.afl, i, got[i], tt.want[i])
			}
		}
	}
}

// The CVM list is the one of testdata/cards/pboc-rsa.yaml: offline PIN
// (apply next), online PIN, signature, no CVM, each "if supported" (03).
func TestParseCVMList(t *testing.T) {
	l, err := kernel.ParseCVMList(unhex(t, "000003E8000007D0410342031E031F03"))
	if err != nil {
		t.Fatal(err)
	}
	if l.X != 1000 || l.Y != 2000 || len(l.Rules) != 4 {
		t.Fatalf("got %+v", l)
	}
	wantMethods := []byte{0x01, 0x02, 0x1E, 0x1F}
	for i, r := range l.Rules {
		if r.Method() != wantMethods[i] || r.Condition != 0x03 {
			t.Errorf("rule %d = %+v (method %02X), want method %02X condition 03", i, r, r.Method(), wantMethods[i])
		}
	}
	for _, bad := range []string{"", "0000000000000000", "00000000000000004103FF"} {
		if _, err := kernel.ParseCVMList(unhex(t, bad)); !errors.Is(err, kernel.ErrMalformed) {
			t.Errorf("ParseCVMList(%s) error %v, want ErrMalformed", bad, err)
		}
	}
}

// TestStaticData: the records the AFL flags (70's value for SFI 1..10, the
// whole record for SFI 11..30) then the AIP that 9F4A = 82 names (EMV Book
// 3 10.3).
func TestStaticData(t *testing.T) {
	recs := map[[2]byte][]byte{
		{2, 1}:  unhex(t, "70035A0112"),
		{2, 2}:  unhex(t, "70059F08020030"),
		{11, 1}: unhex(t, "AABB"),
	}
	get := func(sfi, rec byte) ([]byte, bool) { b, ok := recs[[2]byte{sfi, rec}]; return b, ok }
	got, err := kernel.StaticData(unhex(t, "10010201"+"58010101"), get, []byte{0x82}, []byte{0x7D, 0x00})
	if err != nil {
		t.Fatal(err)
	}
	if want := "5A0112" + "AABB" + "7D00"; hex.EncodeToString(got) != toLower(want) {
		t.Errorf("StaticData = %X, want %s", got, want)
	}
	if got, err := kernel.StaticData(unhex(t, "10010202"), get, nil, nil); err != nil || hex.EncodeToString(got) != "5a01129f08020030" {
		t.Errorf("two flagged records of SFI 2, no 9F4A: got %X, %v", got, err)
	}
	if _, err := kernel.StaticData(unhex(t, "18010100"+"10010101"), func(byte, byte) ([]byte, bool) { return nil, false }, nil, nil); !errors.Is(err, kernel.ErrMissing) {
		t.Errorf("a flagged record not read: error %v, want ErrMissing", err)
	}
	if _, err := kernel.StaticData(unhex(t, "10010101"), get, []byte{0x9F, 0x36}, []byte{0x7D, 0x00}); !errors.Is(err, kernel.ErrMalformed) {
		t.Errorf("9F4A listing 9F36: error %v, want ErrMalformed", err)
	}
	if _, err := kernel.StaticData(unhex(t, "10010101"), func(byte, byte) ([]byte, bool) { return []byte{0x71, 0x00}, true }, nil, nil); !errors.Is(err, kernel.ErrMalformed) {
		t.Errorf("a record of SFI 2 that is not a 70 template: error %v, want ErrMalformed", err)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func FuzzParseAFL(f *testing.F) {
	f.Add(unhex(f, "080101001001010118010300"))         // testdata/cards/pboc-rsa.yaml
	f.Add(unhex(f, "08010100100101011801030020010100")) // its qPBOC AFL
	f.Add(unhex(f, "0801010010010101180103"))           // afl-bad-length defect
	f.Add(unhex(f, "00010100"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := kernel.ParseAFL(b)
		if err != nil {
			return
		}
		if len(entries)*4 != len(b) {
			t.Fatalf("%d entries from %d bytes", len(entries), len(b))
		}
		for _, e := range entries {
			if e.SFI < 1 || e.SFI > 30 || e.First < 1 || e.Last < e.First || int(e.ODA) > int(e.Last-e.First)+1 {
				t.Fatalf("accepted a bad entry %+v", e)
			}
		}
	})
}

func FuzzParseCVMList(f *testing.F) {
	f.Add(unhex(f, "0000000000000000410342031E031F03")) // testdata/cards/pboc-rsa.yaml
	f.Add(unhex(f, "000000000000000041031E031F03"))     // cvm-pin-without-pin defect
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := kernel.ParseCVMList(b)
		if err != nil {
			return
		}
		if 8+2*len(l.Rules) != len(b) {
			t.Fatalf("%d rules from %d bytes", len(l.Rules), len(b))
		}
	})
}

func FuzzStaticData(f *testing.F) {
	f.Add(unhex(f, "080101001001010118010300"), unhex(f, "70035A0112"), []byte{0x82})
	f.Add(unhex(f, "58010101"), unhex(f, "AABB"), []byte{})
	f.Fuzz(func(t *testing.T, afl, rec, tagList []byte) {
		out, err := kernel.StaticData(afl, func(byte, byte) ([]byte, bool) { return rec, true }, tagList, []byte{0x7D, 0x00})
		if err == nil && len(out) > 8<<10 {
			t.Fatalf("%d bytes of static data", len(out))
		}
	})
}
