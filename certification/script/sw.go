package script

import (
	"fmt"
	"strings"

	"github.com/hulian/hulian/card/apdu"
)

// SWPattern is a set of status words written as alternatives separated by
// "|", each four hex digits where X stands for any digit: "9000|6283|61XX".
// The zero SWPattern matches nothing; Parse gives steps "9000" by default.
type SWPattern struct {
	alts []swAlt
	text string
}

// swAlt is one alternative: the bits that must equal value under mask.
type swAlt struct{ value, mask uint16 }

// maxSWAlternatives bounds a pattern.
const maxSWAlternatives = 32

// ParseSWPattern reads a status word pattern.
func ParseSWPattern(s string) (SWPattern, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return SWPattern{}, fmt.Errorf("empty status word pattern")
	}
	parts := strings.Split(s, "|")
	if len(parts) > maxSWAlternatives {
		return SWPattern{}, fmt.Errorf("status word pattern with more than %d alternatives", maxSWAlternatives)
	}
	p := SWPattern{text: s}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if len(part) != 4 {
			return SWPattern{}, fmt.Errorf("status word %q is not four hex digits (X for any)", part)
		}
		var a swAlt
		for _, c := range part {
			a.value <<= 4
			a.mask <<= 4
			switch {
			case c == 'X':
			case c >= '0' && c <= '9':
				a.value |= uint16(c - '0')
				a.mask |= 0xF
			case c >= 'A' && c <= 'F':
				a.value |= uint16(c-'A') + 10
				a.mask |= 0xF
			default:
				return SWPattern{}, fmt.Errorf("status word %q is not four hex digits (X for any)", part)
			}
		}
		p.alts = append(p.alts, a)
	}
	return p, nil
}

// Match reports whether sw is one of the pattern's status words.
func (p SWPattern) Match(sw apdu.SW) bool {
	for _, a := range p.alts {
		if uint16(sw)&a.mask == a.value {
			return true
		}
	}
	return false
}

// String returns the pattern as written (upper case).
func (p SWPattern) String() string { return p.text }

// IsZero reports whether the pattern is unset.
func (p SWPattern) IsZero() bool { return len(p.alts) == 0 }
