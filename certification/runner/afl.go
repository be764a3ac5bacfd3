package runner

import (
	"fmt"

	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
)

// terminalValues returns the terminal data with the action's overrides
// (args "terminal.TAG").
func (s *session) terminalValues(args map[string]string) (map[tlv.Tag][]byte, error) {
	out := make(map[tlv.Tag][]byte, len(s.term)+4)
	for k, v := range s.term {
		out[k] = v
	}
	for k, v := range args {
		name, ok := cutPrefix(k, "terminal.")
		if !ok {
			continue
		}
		t, err := tagOf(name)
		if err != nil {
			return nil, fmt.Errorf("%w: terminal data %s: %v", ErrScript, name, err)
		}
		b, err := s.hexArg(v)
		if err != nil {
			return nil, err
		}
		out[t] = b
	}
	return out, nil
}

// fillDOL builds the data a DOL asks for from terminal data; what the
// terminal does not have is zeros (EMV Book 3 5.4).
func fillDOL(raw []byte, term map[tlv.Tag][]byte) ([]byte, error) {
	d, err := dol.Parse(raw)
	if err != nil {
		return nil, err
	}
	return d.Build(func(t tlv.Tag) ([]byte, bool) { v, ok := term[t]; return v, ok }), nil
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

// tagOf reads a tag written in hex.
func tagOf(s string) (tlv.Tag, error) {
	b, err := decodeHexString(s)
	if err != nil || len(b) == 0 {
		return 0, fmt.Errorf("%q is not a tag", s)
	}
	t, n, err := tlv.ParseTag(b)
	if err != nil || n != len(b) {
		return 0, fmt.Errorf("%q is not a tag", s)
	}
	return t, nil
}

// parseDOL reads a DOL.
func parseDOL(b []byte) (dol.DOL, error) { return dol.Parse(b) }
