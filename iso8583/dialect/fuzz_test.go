package dialect

import (
	"errors"
	"testing"
)

// fuzzSeeds packs real-looking messages in d: the typical 0200, the golden
// 0100 and 0800, and a truncated 0200.
func fuzzSeeds(f *testing.F, d *Dialect) {
	f.Helper()
	var m Message
	for _, build := range []func(*Message){
		func(m *Message) { SampleFinancial(m, "000321") },
		goldenAuth,
		goldenEcho,
	} {
		build(&m)
		data, err := d.Pack(nil, &m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
}

// fuzzUnpack checks: Unpack never panics; every error is a *FieldError; a
// message that unpacks packs again, and unpacking that gives the same fields.
func fuzzUnpack(t *testing.T, d *Dialect, data []byte) {
	var m Message
	err := d.Unpack(data, &m)
	if err != nil {
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field < 0 || fe.Field > 128 || fe.Err == nil {
			t.Fatalf("error is not a well-formed *FieldError: %v", err)
		}
		return
	}
	packed, err := d.Pack(nil, &m)
	if err != nil {
		t.Fatalf("Pack rejects what Unpack accepted: %v", err)
	}
	var again Message
	if err := d.Unpack(packed, &again); err != nil {
		t.Fatalf("Unpack rejects what Pack produced: %v", err)
	}
	first, second := fieldsOf(&m), fieldsOf(&again)
	if len(first) != len(second) {
		t.Fatalf("field count %d != %d", len(first), len(second))
	}
	for n, v := range first {
		w := second[n]
		if d.fields[n].enc == encTrackBCD || (n == 35 && d.fields[n].enc == encASCII) {
			// 'D' and '=' are the same separator.
			v, w = normTrack2(v), normTrack2(w)
		}
		if v != w {
			t.Fatalf("field %d changed in the round trip", n)
		}
	}
}

func normTrack2(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == 'D' {
			b[i] = '='
		}
	}
	return string(b)
}

func FuzzUnpackHL87A(f *testing.F) {
	d, err := HL87A()
	if err != nil {
		f.Fatal(err)
	}
	fuzzSeeds(f, d)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzUnpack(t, d, data) })
}

func FuzzUnpackHL87B(f *testing.F) {
	d, err := HL87B()
	if err != nil {
		f.Fatal(err)
	}
	fuzzSeeds(f, d)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzUnpack(t, d, data) })
}

// FuzzUnpackPartner87 exercises the slow path (moov-io EBCDIC encoders and
// prefixers called through their interfaces).
func FuzzUnpackPartner87(f *testing.F) {
	d, err := LoadSpecFile("partner87", partner87)
	if err != nil {
		f.Fatal(err)
	}
	fuzzSeeds(f, d)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzUnpack(t, d, data) })
}
