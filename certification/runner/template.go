package runner

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
)

// Template is an issuer's expected personalization: for every application
// ("*") or one (its AID), what each data object must be: an exact value,
// a pattern, or present / absent. The runner compares the data it read
// from each application (FCI, GPO answer, records) with it and reports
// each difference as a failing case naming the tag (TEMPLATE-<tag>).
//
// File format (YAML):
//
//	applications:
//	  "*":                       # every application
//	    9F08: "0030"             # exact value, hex
//	    5F28: {value: "0156"}    # the same, long form
//	    5F20: {pattern: "^[A-Z /]{2,26}$"}  # regex over the text (a, an, ans) or the hex
//	    9F74: present
//	    9F79: absent
//	  A000000333010102:          # one application: adds to and overrides "*"
//	    50: {text: "PBOC CREDIT"}
type Template struct {
	Path string
	Apps map[string]map[tlv.Tag]Expect // key: "*" or the AID in upper-case hex
}

// Expect is what one data object must be.
type Expect struct {
	Present, Absent bool
	Value           []byte
	Pattern         *regexp.Regexp
}

// ErrTemplate marks a template that does not load; the message names the
// entry.
var ErrTemplate = errors.New("runner: issuer template invalid")

// maxTemplate bounds a template file.
const maxTemplate = 1 << 20

// LoadTemplate reads and checks an issuer template.
func LoadTemplate(path string) (*Template, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTemplate+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTemplate {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTemplate, path, maxTemplate)
	}
	t, err := ParseTemplate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.Path = path
	return t, nil
}

// ParseTemplate decodes an issuer template (YAML).
func ParseTemplate(b []byte) (*Template, error) {
	var raw struct {
		Applications map[string]map[string]yaml.Node `yaml:"applications"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	if len(raw.Applications) == 0 {
		return nil, fmt.Errorf("%w: no applications", ErrTemplate)
	}
	t := &Template{Apps: map[string]map[tlv.Tag]Expect{}}
	for app, entries := range raw.Applications {
		key := strings.ToUpper(app)
		if key != "*" {
			if aid, err := hex.DecodeString(key); err != nil || len(aid) < 5 || len(aid) > 16 {
				return nil, fmt.Errorf("%w: applications: %q is neither \"*\" nor an AID", ErrTemplate, app)
			}
		}
		m := map[tlv.Tag]Expect{}
		for tagText, node := range entries {
			where := fmt.Sprintf("applications.%s.%s", app, tagText)
			tb, err := hex.DecodeString(tagText)
			tag, n, terr := tlv.ParseTag(tb)
			if err != nil || terr != nil || n != len(tb) {
				return nil, fmt.Errorf("%w: %s: not a tag", ErrTemplate, where)
			}
			e, err := parseExpect(&node)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrTemplate, where, err)
			}
			m[tag] = e
		}
		t.Apps[key] = m
	}
	return t, nil
}

// parseExpect reads one entry: "present", "absent", a hex value, or a map
// with one of value, text, pattern.
func parseExpect(n *yaml.Node) (Expect, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		switch v := strings.TrimSpace(n.Value); strings.ToLower(v) {
		case "present":
			return Expect{Present: true}, nil
		case "absent":
			return Expect{Absent: true}, nil
		default:
			b, err := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
			if err != nil {
				return Expect{}, fmt.Errorf("want present, absent or a hex value")
			}
			return Expect{Present: true, Value: b}, nil
		}
	case yaml.MappingNode:
		var m struct {
			Value   *string `yaml:"value"`
			Text    *string `yaml:"text"`
			Pattern *string `yaml:"pattern"`
		}
		if err := n.Decode(&m); err != nil {
			return Expect{}, err
		}
		switch {
		case m.Value != nil && m.Text == nil && m.Pattern == nil:
			b, err := hex.DecodeString(strings.ReplaceAll(*m.Value, " ", ""))
			if err != nil {
				return Expect{}, fmt.Errorf("value is not hex")
			}
			return Expect{Present: true, Value: b}, nil
		case m.Text != nil && m.Value == nil && m.Pattern == nil:
			return Expect{Present: true, Value: []byte(*m.Text)}, nil
		case m.Pattern != nil && m.Value == nil && m.Text == nil:
			re, err := regexp.Compile(*m.Pattern)
			if err != nil {
				return Expect{}, fmt.Errorf("pattern: %v", err)
			}
			return Expect{Present: true, Pattern: re}, nil
		}
		return Expect{}, fmt.Errorf("give one of value, text and pattern")
	}
	return Expect{}, fmt.Errorf("want present, absent, a hex value or a map")
}

// forApp merges "*" with the application's own entries.
func (t *Template) forApp(aid []byte) map[tlv.Tag]Expect {
	out := map[tlv.Tag]Expect{}
	for k, v := range t.Apps["*"] {
		out[k] = v
	}
	for k, v := range t.Apps[strings.ToUpper(hex.EncodeToString(aid))] {
		out[k] = v
	}
	return out
}

// templateCases compares what the discovery read of the application with
// the template: one case per entry, in tag order.
func (r *Runner) templateCases(info *cardInfo) []report.Case {
	t := r.opts.Template
	if t == nil {
		return nil
	}
	var aid []byte
	var list []tlv.TLV
	if info.data != nil {
		aid, list = info.data.aid, info.data.list
	}
	want := t.forApp(aid)
	keys := make([]tlv.Tag, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]report.Case, 0, len(keys))
	for _, tag := range keys {
		name := fmt.Sprintf("%X", uint32(tag))
		rc := report.Case{ID: "TEMPLATE-" + name, Clause: "issuer personalization template " + t.Path,
			Title: name + " " + tags.Name(tag) + " is as the issuer's template says", Category: "template",
			Severity: "fail", Tags: []string{"template"}}
		switch {
		case info.data == nil || len(aid) == 0:
			rc.Verdict, rc.Message = report.Error, "the card could not be read: no application data to compare"
			if info.err != nil {
				rc.Message += " (" + info.err.Error() + ")"
			}
		default:
			rc.Verdict, rc.Message = report.Pass, ""
			if msg := templateDiff(tag, want[tag], list); msg != "" {
				rc.Verdict, rc.Message = report.Fail, msg
			}
		}
		out = append(out, rc)
	}
	return out
}

// templateDiff says how the card's data object differs from what is
// expected, "" when it does not; values of sensitive objects are masked.
func templateDiff(tag tlv.Tag, e Expect, list []tlv.TLV) string {
	name := fmt.Sprintf("%X", uint32(tag))
	o, found := tlv.Find(list, tag)
	switch {
	case e.Absent && found:
		return fmt.Sprintf("%s is present, the template says absent", name)
	case e.Absent:
		return ""
	case !found:
		return fmt.Sprintf("%s is missing, the template expects it", name)
	case e.Value != nil && !bytes.Equal(o.Value, e.Value):
		return fmt.Sprintf("%s differs from the template: expected %s, the card has %s", name, show(tag, e.Value), show(tag, o.Value))
	case e.Pattern != nil:
		subject := strings.ToUpper(hex.EncodeToString(o.Value))
		if textual(tag) {
			subject = string(o.Value)
		}
		if !e.Pattern.MatchString(subject) {
			return fmt.Sprintf("%s does not match the template's pattern %s", name, e.Pattern)
		}
	}
	return ""
}
