package tlv

import (
	"bytes"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, that a strict
// parse re-encodes to a tree that parses back the same, and that lenient
// parsing accepts whatever strict parsing accepts with the same result.
// Seeds: the FCI, GPO and READ RECORD responses of vectors_test.go plus
// padding, long-form and malformed cases.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		fciHex, gpoHex, recordHex,
		"00005A0101FF005F34010100FF", "5A8102ABCD9F3682000101",
		"9F81818101", "5A80", "70045A030102", "5A8201000102",
		"DF810103010203", "70027000", "",
	} {
		f.Add(mustHex(s), false, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in []byte, dup bool, depth uint8) {
		strict := Options{RejectDuplicates: dup, MaxDepth: int(depth % 16)}
		list, err := ParseWith(in, strict)
		lenient := strict
		lenient.Lenient = true
		llist, n, lerr := ParsePrefix(in, lenient)
		if lerr == nil && (n < 0 || n > len(in)) {
			t.Fatalf("consumed %d of %d", n, len(in))
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Offset < 0 || e.Offset > len(in) {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if lerr != nil || shape(llist) != shape(list) || n != len(in) {
			t.Fatalf("lenient differs from strict: %v, %d", lerr, n)
		}
		enc := Encode(list...)
		again, err := ParseWith(enc, strict)
		if err != nil {
			t.Fatalf("re-parse of encoding: %v", err)
		}
		if !sameTree(list, again) {
			t.Fatal("re-parsed tree differs")
		}
	})
}

func sameTree(a, b []TLV) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Tag != b[i].Tag || (a[i].Children == nil) != (b[i].Children == nil) {
			return false
		}
		if a[i].Children == nil && !bytes.Equal(a[i].Value, b[i].Value) {
			return false
		}
		if !sameTree(a[i].Children, b[i].Children) {
			return false
		}
	}
	return true
}

// BenchmarkParseRecord parses a typical 194-byte READ RECORD response.
func BenchmarkParseRecord(b *testing.B) {
	in := mustHex(recordHex)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeRecord re-encodes the parsed record into a reused buffer.
func BenchmarkEncodeRecord(b *testing.B) {
	list, err := Parse(mustHex(recordHex))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendTLV(buf[:0], list[0])
	}
}
