package runner

import (
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// resolve returns the data objects a path names: in the step's answer, or
// for card: among what the case has read.
func (s *session) resolve(p script.Path) []tlv.TLV {
	list := s.ans.list
	if p.Scope == "card" {
		list = s.data.list
	}
	return findPath(list, p.Tags)
}

// findPath follows a path: one tag is found at any depth; a longer path is
// followed template by template from the top level.
func findPath(list []tlv.TLV, path []tlv.Tag) []tlv.TLV {
	if len(path) == 0 {
		return nil
	}
	if len(path) == 1 {
		return tlv.FindAll(list, path[0])
	}
	level := list
	for i, t := range path {
		var next []tlv.TLV
		for _, o := range level {
			if o.Tag != t {
				continue
			}
			if i == len(path)-1 {
				next = append(next, o)
			} else {
				next = append(next, o.Children...)
			}
		}
		if len(next) == 0 {
			return nil
		}
		level = next
	}
	return level
}

// show renders a value for a message: hex, or masked for the data objects
// that carry a PAN or cardholder data.
func show(t tlv.Tag, v []byte) string {
	if !tags.Sensitive(t) {
		return hexUpper(v)
	}
	if t == 0x5A {
		return pan.Mask(panDigits(v))
	}
	return "(masked)"
}

// textual reports whether the dictionary gives t a text format (a, an,
// ans): patterns then match its characters, not its hex.
func textual(t tlv.Tag) bool {
	info, ok := tags.Lookup(t)
	return ok && (info.Format == tags.FormatA || info.Format == tags.FormatAN || info.Format == tags.FormatANS)
}
