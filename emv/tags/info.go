package tags

import (
	"slices"

	"github.com/hulian/hulian/emv/tlv"
)

// Format is the data format of a data element (EMV Book 3 section 4.3).
type Format uint8

// Formats.
const (
	// FormatB: binary, any byte.
	FormatB Format = iota
	// FormatN: numeric, BCD digits right-justified with leading zeros.
	FormatN
	// FormatCN: compressed numeric, BCD digits left-justified, padded with 'F'.
	FormatCN
	// FormatA: alphabetic, a-z and A-Z.
	FormatA
	// FormatAN: alphanumeric, a-z, A-Z and 0-9.
	FormatAN
	// FormatANS: alphanumeric and special characters (printable ASCII).
	FormatANS
)

// String is the format's name in the EMV tables ("b", "n", "cn", ...).
func (f Format) String() string {
	switch f {
	case FormatN:
		return "n"
	case FormatCN:
		return "cn"
	case FormatA:
		return "a"
	case FormatAN:
		return "an"
	case FormatANS:
		return "ans"
	default:
		return "b"
	}
}

// Source says who provides a data element.
type Source uint8

// Sources.
const (
	SourceICC Source = iota + 1
	SourceTerminal
	SourceIssuer
)

// String names the source.
func (s Source) String() string {
	switch s {
	case SourceICC:
		return "ICC"
	case SourceTerminal:
		return "terminal"
	case SourceIssuer:
		return "issuer"
	default:
		return "unknown"
	}
}

// Specifications named in Info.Spec.
const (
	SpecEMV  = "EMV"
	SpecPBOC = "PBOC"
)

// Info describes one data element. MinLen and MaxLen are in bytes of the
// value (an n 12 amount is 6 bytes). Template lists the templates the
// element usually appears in ("70, 77"), empty when it is not sent in a
// template (terminal data) or is a top-level template itself.
type Info struct {
	Tag      tlv.Tag
	Name     string
	Format   Format
	MinLen   int
	MaxLen   int
	Source   Source
	Template string
	Spec     string
}

// Lookup returns the dictionary entry of tag t.
func Lookup(t tlv.Tag) (Info, bool) {
	i, ok := slices.BinarySearchFunc(dictionary[:], t, func(e Info, t tlv.Tag) int {
		switch {
		case e.Tag < t:
			return -1
		case e.Tag > t:
			return 1
		}
		return 0
	})
	if !ok {
		return Info{}, false
	}
	return dictionary[i], true
}

// All returns a copy of the dictionary, sorted by tag.
func All() []Info { return slices.Clone(dictionary[:]) }

// Name returns the name of tag t, or "" when it is not in the dictionary.
func Name(t tlv.Tag) string {
	i, _ := Lookup(t)
	return i.Name
}
