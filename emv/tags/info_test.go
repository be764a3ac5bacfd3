package tags

import (
	"errors"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

func TestDictionarySortedAndSane(t *testing.T) {
	all := All()
	if len(all) < 150 {
		t.Errorf("dictionary has %d entries, want at least 150", len(all))
	}
	for i, e := range all {
		if i > 0 && all[i-1].Tag >= e.Tag {
			t.Errorf("entry %d (%v) not after %v", i, e.Tag, all[i-1].Tag)
		}
		if e.Name == "" || e.MinLen < 0 || e.MinLen > e.MaxLen || e.Source == 0 {
			t.Errorf("entry %v: bad fields %+v", e.Tag, e)
		}
		if e.Spec != SpecEMV && e.Spec != SpecPBOC {
			t.Errorf("entry %v: spec %q", e.Tag, e.Spec)
		}
		if e.Tag.Constructed() && e.Format != FormatB {
			t.Errorf("template %v has format %v", e.Tag, e.Format)
		}
		if got, ok := Lookup(e.Tag); !ok || got != e {
			t.Errorf("Lookup(%v) = %+v, %v", e.Tag, got, ok)
		}
	}
}

func TestPBOCTagsPresent(t *testing.T) {
	// The PBOC 3.0 data objects listed in emv-pboc-facts.md.
	for _, tag := range []tlv.Tag{0x9F74, 0x9F79, 0x9F77, 0x9F78, 0x9F6D, 0x9F7A, 0x9F7B,
		0x9F5D, 0x9F63, 0x9F66, 0x9F6C, 0x9F69, 0xDF69, 0xDF31, 0x9F4D, 0x9F4F, 0xDF4D, 0xDF4F} {
		if _, ok := Lookup(tag); !ok {
			t.Errorf("Lookup(%v) missing", tag)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		tag      tlv.Tag
		format   Format
		min, max int
		source   Source
		spec     string
	}{
		{0x5A, FormatCN, 1, 10, SourceICC, SpecEMV},
		{0x9F02, FormatN, 6, 6, SourceTerminal, SpecEMV},
		{0x9F79, FormatN, 6, 6, SourceICC, SpecPBOC},
		{0x9F74, FormatAN, 6, 6, SourceICC, SpecPBOC},
		{0x91, FormatB, 8, 16, SourceIssuer, SpecEMV},
		{0x5F55, FormatA, 2, 2, SourceICC, SpecEMV},
		{0xDF69, FormatB, 1, 1, SourceTerminal, SpecPBOC},
	}
	for _, tt := range tests {
		i, ok := Lookup(tt.tag)
		if !ok || i.Format != tt.format || i.MinLen != tt.min || i.MaxLen != tt.max ||
			i.Source != tt.source || i.Spec != tt.spec {
			t.Errorf("Lookup(%v) = %+v, %v", tt.tag, i, ok)
		}
	}
	if _, ok := Lookup(0x9F99); ok {
		t.Error("Lookup(9F99) found an entry")
	}
	if Name(0x9F26) != "Application Cryptogram" || Name(0xDF99) != "" {
		t.Error("Name")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		tag    tlv.Tag
		value  string
		reason Reason
	}{
		{0x9F02, "000000010000", 0},
		{0x9F02, "0000000100", ReasonLength},
		{0x9F02, "00000001000A", ReasonFormat},
		{0x5A, "6212345678901234", 0},
		{0x5A, "621234567890123F", 0},
		{0x5A, "6212345678901F4F", ReasonFormat},
		{0x5A, "62123456789012FF", 0},
		{0x5A, "6212345678901A34", ReasonFormat},
		{0x5A, "", ReasonLength},
		{0x9F74, "454343303031", 0},            // "ECC001"
		{0x9F74, "4543432D3031", ReasonFormat}, // "ECC-01": '-' is not an
		{0x5F20, "5A48414E472F53414E", 0},      // "ZHANG/SAN"
		{0x5F20, "5A48414E470A53414E", ReasonFormat},
		{0x5F55, "434E", 0},            // "CN"
		{0x5F55, "4331", ReasonFormat}, // "C1"
		{0x9F26, "1122334455667788", 0},
		{0x9F26, "11223344556677", ReasonLength},
		{0x70, "5A0101", 0},
		{0x9F99, "00", ReasonUnknownTag},
	}
	for _, tt := range tests {
		v := mustHex(t, tt.value)
		err := Validate(tt.tag, v)
		if tt.reason == 0 {
			if err != nil {
				t.Errorf("Validate(%v, %s) = %v", tt.tag, tt.value, err)
			}
			continue
		}
		if !errors.Is(err, &Error{Reason: tt.reason}) {
			t.Errorf("Validate(%v, %s) = %v, want %v", tt.tag, tt.value, err, tt.reason)
		}
	}
}

func TestValidateErrorHasNoValue(t *testing.T) {
	err := Validate(0x5A, mustHex(t, "6212345678901A34"))
	if want := "tags: 5A: value does not match format at byte 6"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
