package runner

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
)

// check evaluates one assertion on the step's answer: "" when it holds,
// else what the card did, in plain words. err is a script error.
func (s *session) check(a script.Assertion) (string, error) {
	switch a.Kind {
	case "present", "absent", "unique":
		return s.checkCount(a), nil
	case "no_duplicates":
		return s.checkNoDuplicates(a), nil
	case "format":
		return s.withValue(a, func(o tlv.TLV) string {
			if err := tags.Validate(o.Tag, o.Value); err != nil {
				return fmt.Sprintf("%s does not have the format the dictionary gives: %v", a.Path, err)
			}
			return ""
		}), nil
	case "length":
		return s.checkLength(a)
	case "equals":
		return s.checkEquals(a)
	case "matches":
		return s.checkMatches(a)
	case "range":
		return s.checkRange(a)
	case "order":
		return s.checkOrder(a), nil
	case "compare":
		return s.checkCompare(a)
	case "bit":
		return s.checkBit(a)
	case "atc_incremented":
		return s.checkCounter(a, 0x9F36, +1)
	case "pin_try_decremented":
		return s.checkCounter(a, 0x9F17, -1)
	case "oda":
		return s.checkODA(a.Args["method"]), nil
	case "arqc_valid":
		return s.checkARQC()
	case "arpc_accepted":
		return s.checkARPCAccepted(), nil
	case "cid":
		return s.checkCID(a.Args["type"]), nil
	case "luhn":
		return s.checkLuhn(a), nil
	case "track2":
		return s.checkTrack2(a), nil
	case "date":
		return s.checkDate(a), nil
	case "iso_code":
		return s.checkISOCode(a), nil
	case "disjoint":
		return s.checkDisjoint(a)
	case "mask":
		return s.checkMask(a)
	case "unique_in_records":
		return s.checkUniqueInRecords(), nil
	case "iad_layout":
		return s.checkIAD(a), nil
	case "sw":
		p, err := script.ParseSWPattern(a.Args["pattern"])
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrScript, err)
		}
		if !s.ans.hasSW || !p.Match(s.ans.sw) {
			return fmt.Sprintf("the status word is %s, expected %s", swText(s.ans.sw), p), nil
		}
		return "", nil
	}
	return "", fmt.Errorf("%w: unknown assertion %q", ErrScript, a.Kind)
}

// assertionText is an assertion as the report lists it.
func assertionText(a script.Assertion) string {
	parts := []string{a.Kind}
	if !a.Path.IsZero() {
		parts = append(parts, a.Path.String())
	}
	for _, k := range []string{"value", "text", "regex", "is", "min", "max", "multiple_of", "left", "op", "right",
		"byte", "bit", "set", "any", "list", "from", "by", "method", "type", "pattern"} {
		if v, ok := a.Args[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	if len(a.List) > 0 {
		parts = append(parts, "tags="+strings.Join(a.List, ","))
	}
	return strings.Join(parts, " ")
}

// where names the place a path is looked up.
func where(p script.Path) string {
	if p.Scope == "card" {
		return "in the card data read so far"
	}
	return "in the answer"
}

// checkCount is present, absent and unique.
func (s *session) checkCount(a script.Assertion) string {
	objs := s.resolve(a.Path)
	switch {
	case a.Kind == "present" && len(objs) == 0:
		return fmt.Sprintf("%s is missing %s", a.Path, where(a.Path))
	case a.Kind == "absent" && len(objs) > 0:
		return fmt.Sprintf("%s is present %s (it must not be): %s = %s", a.Path, where(a.Path), a.Path, show(objs[0].Tag, objs[0].Value))
	case a.Kind == "unique" && len(objs) != 1:
		return fmt.Sprintf("%s occurs %d times %s, expected once", a.Path, len(objs), where(a.Path))
	}
	return ""
}

// withValue runs fn on the first data object the path names, or says it
// is missing.
func (s *session) withValue(a script.Assertion, fn func(tlv.TLV) string) string {
	objs := s.resolve(a.Path)
	if len(objs) == 0 {
		return fmt.Sprintf("%s is missing %s", a.Path, where(a.Path))
	}
	return fn(objs[0])
}

// checkNoDuplicates: no tag repeats inside one template (or at the top
// level of the answer).
func (s *session) checkNoDuplicates(a script.Assertion) string {
	lists := [][]tlv.TLV{s.ans.list}
	name := "the answer"
	if !a.Path.IsZero() {
		lists, name = nil, a.Path.String()
		for _, o := range s.resolve(a.Path) {
			lists = append(lists, o.Children)
		}
		if len(lists) == 0 {
			return fmt.Sprintf("%s is missing %s", a.Path, where(a.Path))
		}
	}
	for _, l := range lists {
		if msg := duplicates(l, name); msg != "" {
			return msg
		}
	}
	return ""
}

// duplicates finds a tag repeated at one level of list or inside any of
// its templates.
func duplicates(list []tlv.TLV, name string) string {
	seen := map[tlv.Tag]bool{}
	for _, o := range list {
		if seen[o.Tag] {
			return fmt.Sprintf("tag %s occurs twice in %s", o.Tag, name)
		}
		seen[o.Tag] = true
	}
	for _, o := range list {
		if len(o.Children) > 0 {
			if msg := duplicates(o.Children, "template "+o.Tag.String()); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// checkEquals compares a value with hex or text.
func (s *session) checkEquals(a script.Assertion) (string, error) {
	var want []byte
	if v, ok := a.Args["text"]; ok {
		x, err := s.expand(v)
		if err != nil {
			return "", err
		}
		want = []byte(x)
	} else {
		b, err := s.hexArg(a.Args["value"])
		if err != nil {
			return "", err
		}
		want = b
	}
	return s.withValue(a, func(o tlv.TLV) string {
		if !bytes.Equal(o.Value, want) {
			return fmt.Sprintf("%s equals %s: the card sent %s", a.Path, show(o.Tag, want), show(o.Tag, o.Value))
		}
		return ""
	}), nil
}

// checkMatches matches the value's text (a, an, ans) or hex with a regex.
// ${name} in the regex is replaced by the variable's value, quoted (a
// captured value is hex): "^${pan}?D" checks 57 against a captured 5A.
func (s *session) checkMatches(a script.Assertion) (string, error) {
	expr, err := script.Expand(a.Args["regex"], func(n string) (string, bool) {
		x, ok := s.vars[n]
		return regexp.QuoteMeta(x), ok
	})
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrScript, err)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrScript, err)
	}
	shownRE := a.Args["regex"] // as written: a substituted value may be cardholder data
	if a.Path.IsZero() {
		data, what := s.ans.data, "the answer's data"
		if s.ans.action == script.ActPowerOn {
			data, what = s.ans.atr, "the ATR"
		}
		if !re.MatchString(hexUpper(data)) {
			if s.ans.action == script.ActPowerOn {
				return fmt.Sprintf("%s does not match %s: the card sent %s", what, shownRE, hexUpper(data)), nil
			}
			return fmt.Sprintf("%s (%d bytes, withheld) does not match %s", what, len(data), shownRE), nil
		}
		return "", nil
	}
	return s.withValue(a, func(o tlv.TLV) string {
		text := hexUpper(o.Value)
		if textual(o.Tag) {
			text = string(o.Value)
		}
		if !re.MatchString(text) {
			shown := text
			if tags.Sensitive(o.Tag) {
				shown = show(o.Tag, o.Value)
			}
			return fmt.Sprintf("%s does not match %s: the card sent %s", a.Path, shownRE, shown)
		}
		return ""
	}), nil
}

// checkOrder: the listed tags appear in this order among the template's
// children (or the answer's top level).
func (s *session) checkOrder(a script.Assertion) string {
	level, name := s.ans.list, "the answer"
	if !a.Path.IsZero() {
		objs := s.resolve(a.Path)
		if len(objs) == 0 {
			return fmt.Sprintf("%s is missing %s", a.Path, where(a.Path))
		}
		level, name = objs[0].Children, a.Path.String()
	}
	pos := map[tlv.Tag]int{}
	var seen []string
	for i, o := range level {
		if _, ok := pos[o.Tag]; !ok {
			pos[o.Tag] = i
		}
	}
	prev := -1
	for _, raw := range a.List {
		t, err := tagOf(raw)
		if err != nil {
			return err.Error()
		}
		p, ok := pos[t]
		if !ok {
			return fmt.Sprintf("%s is missing from %s, expected the order %s", t, name, strings.Join(a.List, ", "))
		}
		seen = append(seen, t.String())
		if p < prev {
			return fmt.Sprintf("in %s, %s comes before %s: expected the order %s", name, t, seen[len(seen)-2], strings.Join(a.List, ", "))
		}
		prev = p
	}
	return ""
}
