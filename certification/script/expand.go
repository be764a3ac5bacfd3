package script

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// maxVarName bounds a variable name.
const maxVarName = 64

// Vars returns the names of the ${name} references in s, in order.
func Vars(s string) ([]string, error) {
	var names []string
	err := scan(s, func(name string) error { names = append(names, name); return nil }, nil)
	return names, err
}

// Expand replaces every ${name} in s by lookup(name); an unknown name or a
// malformed reference is an error naming it.
func Expand(s string, lookup func(name string) (string, bool)) (string, error) {
	var b strings.Builder
	err := scan(s, func(name string) error {
		v, ok := lookup(name)
		if !ok {
			return fmt.Errorf("variable ${%s} is not defined", name)
		}
		b.WriteString(v)
		return nil
	}, &b)
	return b.String(), err
}

// scan walks s, calling ref for each reference and copying the text between
// references to out when it is not nil.
func scan(s string, ref func(string) error, out *strings.Builder) error {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			if out != nil {
				out.WriteString(s)
			}
			return nil
		}
		if out != nil {
			out.WriteString(s[:i])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return fmt.Errorf("unterminated ${ in %q", s)
		}
		name := s[i+2 : i+end]
		if !validVarName(name) {
			return fmt.Errorf("bad variable name %q", name)
		}
		if err := ref(name); err != nil {
			return err
		}
		s = s[i+end+1:]
	}
}

// validVarName accepts letters, digits and _ (not first a digit), up to maxVarName.
func validVarName(n string) bool {
	if n == "" || len(n) > maxVarName || n[0] >= '0' && n[0] <= '9' {
		return false
	}
	for _, c := range n {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// decodeHex decodes hex that may contain spaces.
func decodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.ReplaceAll(s, " ", ""))
}

// checkHexTemplate checks that s is hex once its ${} references are
// replaced by hex (it checks the literal parts: even digit counts are the
// runner's to check after expansion).
func checkHexTemplate(s string) error {
	var lit strings.Builder
	if err := scan(s, func(string) error { return nil }, &lit); err != nil {
		return err
	}
	for _, c := range strings.ReplaceAll(lit.String(), " ", "") {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return fmt.Errorf("%q is not hex", s)
		}
	}
	return nil
}
