package script

import (
	"fmt"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
)

// Path names a data object: a scope, then tags from the outermost template
// inwards, e.g. "6F/A5/50" (in the step's answer) or "card:9F4A" (among the
// data objects the session has read so far). A single tag is searched at
// any depth; a longer path is followed template by template.
type Path struct {
	Scope string // "resp" (the step's answer, the default) or "card"
	Tags  []tlv.Tag
}

// String writes the path as it is written in scripts.
func (p Path) String() string {
	var b strings.Builder
	if p.Scope == "card" {
		b.WriteString("card:")
	}
	for i, t := range p.Tags {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(t.String())
	}
	return b.String()
}

// IsZero reports whether p names nothing.
func (p Path) IsZero() bool { return len(p.Tags) == 0 }

// maxPathTags bounds a path's length.
const maxPathTags = 8

// ParsePath reads a path such as "6F/A5/50" or "card:9F4A".
func ParsePath(s string) (Path, error) {
	p := Path{Scope: "resp"}
	if scope, rest, ok := strings.Cut(s, ":"); ok {
		if scope != "card" && scope != "resp" {
			return Path{}, fmt.Errorf("unknown scope %q (resp or card)", scope)
		}
		p.Scope, s = scope, rest
	}
	if s == "" {
		return Path{}, fmt.Errorf("empty data object path")
	}
	parts := strings.Split(s, "/")
	if len(parts) > maxPathTags {
		return Path{}, fmt.Errorf("path %q is deeper than %d tags", s, maxPathTags)
	}
	for _, part := range parts {
		t, err := parseTagText(part)
		if err != nil {
			return Path{}, err
		}
		p.Tags = append(p.Tags, t)
	}
	return p, nil
}

// parseTagText reads a tag written in hex ("9F26").
func parseTagText(s string) (tlv.Tag, error) {
	b, err := decodeHex(s)
	if err != nil || len(b) == 0 {
		return 0, fmt.Errorf("%q is not a tag in hex", s)
	}
	t, n, err := tlv.ParseTag(b)
	if err != nil || n != len(b) {
		return 0, fmt.Errorf("%q is not a BER-TLV tag", s)
	}
	return t, nil
}
