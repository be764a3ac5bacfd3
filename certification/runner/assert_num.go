package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
)

// number reads a data object's value as a number: the digits of an n
// value, else big-endian binary (at most 8 bytes).
func number(t tlv.Tag, v []byte) (uint64, error) {
	if info, ok := tags.Lookup(t); ok && info.Format == tags.FormatN {
		if len(v) > 9 {
			return 0, fmt.Errorf("%s is too long to compare", t)
		}
		n, err := strconv.ParseUint(hexUpper(v), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s is not numeric", t)
		}
		return n, nil
	}
	if len(v) > 8 {
		return 0, fmt.Errorf("%s is too long to compare", t)
	}
	var n uint64
	for _, b := range v {
		n = n<<8 | uint64(b)
	}
	return n, nil
}

// checkLength checks a value's length in bytes.
func (s *session) checkLength(a script.Assertion) (string, error) {
	limits := map[string]int{}
	for _, k := range []string{"is", "min", "max", "multiple_of"} {
		if v, ok := a.Args[k]; ok {
			n, err := s.intArg(v)
			if err != nil {
				return "", err
			}
			limits[k] = n
		}
	}
	return s.withValue(a, func(o tlv.TLV) string {
		n := len(o.Value)
		if v, ok := limits["is"]; ok && n != v {
			return fmt.Sprintf("%s is %d bytes long, expected %d", a.Path, n, v)
		}
		if v, ok := limits["min"]; ok && n < v {
			return fmt.Sprintf("%s is %d bytes long, expected at least %d", a.Path, n, v)
		}
		if v, ok := limits["max"]; ok && n > v {
			return fmt.Sprintf("%s is %d bytes long, expected at most %d", a.Path, n, v)
		}
		if v, ok := limits["multiple_of"]; ok && v > 0 && n%v != 0 {
			return fmt.Sprintf("%s is %d bytes long, expected a multiple of %d", a.Path, n, v)
		}
		return ""
	}), nil
}

// checkRange checks a value's number against min and max.
func (s *session) checkRange(a script.Assertion) (string, error) {
	bounds := map[string]uint64{}
	for _, k := range []string{"min", "max"} {
		if v, ok := a.Args[k]; ok {
			n, err := s.intArg(v)
			if err != nil {
				return "", err
			}
			bounds[k] = uint64(n)
		}
	}
	return s.withValue(a, func(o tlv.TLV) string {
		if tags.Sensitive(o.Tag) {
			return fmt.Sprintf("%s holds cardholder data: range does not apply", a.Path)
		}
		n, err := number(o.Tag, o.Value)
		if err != nil {
			return err.Error()
		}
		lo, hasLo := bounds["min"]
		hi, hasHi := bounds["max"]
		if hasLo && n < lo || hasHi && n > hi {
			return fmt.Sprintf("%s is %d, outside %s..%s", a.Path, n, boundText(lo, hasLo), boundText(hi, hasHi))
		}
		return ""
	}), nil
}

func boundText(v uint64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatUint(v, 10)
}

// operand is one side of compare: its number and how to name it.
type operand struct {
	n    uint64
	text string
}

// operandOf reads "card:9F79", "9F36", "${atc}+1" or "100": a path, a
// variable or a decimal number, each optionally followed by +N or -N. A
// plain decimal number is a number; write resp:82 for a tag of digits.
func (s *session) operandOf(raw string) (operand, string, error) {
	base, delta := raw, int64(0)
	if i := strings.LastIndexAny(raw, "+-"); i > 0 {
		d, err := strconv.ParseInt(strings.TrimSpace(raw[i:]), 10, 64)
		if err == nil {
			base, delta = strings.TrimSpace(raw[:i]), d
		}
	}
	var n uint64
	switch {
	case strings.HasPrefix(base, "${") && strings.HasSuffix(base, "}"):
		name := base[2 : len(base)-1]
		v, ok := s.vars[name]
		if !ok {
			return operand{}, "", fmt.Errorf("%w: variable %s is not defined", ErrScript, base)
		}
		b, err := decodeHexString(v)
		if t, captured := s.varTag[name]; captured && err == nil {
			if n, err = number(t, b); err != nil {
				return operand{}, err.Error(), nil
			}
		} else if n, err = strconv.ParseUint(v, 10, 64); err != nil {
			return operand{}, fmt.Sprintf("%s (%s) is not a number", base, v), nil
		}
	case digits(base):
		n, _ = strconv.ParseUint(base, 10, 64)
	default:
		p, err := script.ParsePath(base)
		if err != nil {
			return operand{}, "", fmt.Errorf("%w: compare: %v", ErrScript, err)
		}
		objs := s.resolve(p)
		if len(objs) == 0 {
			return operand{}, fmt.Sprintf("%s is missing %s", p, where(p)), nil
		}
		if tags.Sensitive(objs[0].Tag) {
			return operand{}, fmt.Sprintf("%s holds cardholder data: compare does not apply", p), nil
		}
		if n, err = number(objs[0].Tag, objs[0].Value); err != nil {
			return operand{}, err.Error(), nil
		}
	}
	return operand{n: uint64(int64(n) + delta), text: fmt.Sprintf("%s is %d", raw, int64(n)+delta)}, "", nil
}

// checkCompare compares two operands numerically.
func (s *session) checkCompare(a script.Assertion) (string, error) {
	l, msg, err := s.operandOf(a.Args["left"])
	if err != nil || msg != "" {
		return msg, err
	}
	r, msg, err := s.operandOf(a.Args["right"])
	if err != nil || msg != "" {
		return msg, err
	}
	op := a.Args["op"]
	ok := map[string]bool{"==": l.n == r.n, "!=": l.n != r.n, "<": l.n < r.n, "<=": l.n <= r.n, ">": l.n > r.n, ">=": l.n >= r.n}[op]
	if !ok {
		return fmt.Sprintf("%s %s %s does not hold: %s, %s", a.Args["left"], op, a.Args["right"], l.text, r.text), nil
	}
	return "", nil
}

// checkBit checks one bit (byte 1-based, bit 8..1).
func (s *session) checkBit(a script.Assertion) (string, error) {
	byteN, err := s.intArg(a.Args["byte"])
	if err != nil {
		return "", err
	}
	bitN, err := s.intArg(a.Args["bit"])
	if err != nil {
		return "", err
	}
	if bitN < 1 || bitN > 8 || byteN < 1 {
		return "", fmt.Errorf("%w: bit: byte is 1-based, bit 8..1", ErrScript)
	}
	want := a.Args["set"] == "true"
	return s.withValue(a, func(o tlv.TLV) string {
		if byteN > len(o.Value) {
			return fmt.Sprintf("%s is %d bytes long, it has no byte %d", a.Path, len(o.Value), byteN)
		}
		set := o.Value[byteN-1]&(1<<(bitN-1)) != 0
		if set != want {
			return fmt.Sprintf("%s byte %d bit %d is %s, expected %s", a.Path, byteN, bitN, setText(set), setText(want))
		}
		return ""
	}), nil
}

func setText(b bool) string {
	if b {
		return "set"
	}
	return "clear"
}

// checkCounter checks that the answer's counter (ATC 9F36, PIN try counter
// 9F17) moved by exactly dir*by from the captured value.
func (s *session) checkCounter(a script.Assertion, t tlv.Tag, dir int64) (string, error) {
	from, err := s.expand(a.Args["from"])
	if err != nil {
		return "", err
	}
	before, err := decodeHexString(from)
	if err != nil {
		return "", fmt.Errorf("%w: %s is not a captured %s value", ErrScript, a.Args["from"], t)
	}
	by := int64(1)
	if v, ok := a.Args["by"]; ok {
		n, err := s.intArg(v)
		if err != nil {
			return "", err
		}
		by = int64(n)
	}
	objs := findPath(s.ans.list, []tlv.Tag{t})
	if len(objs) == 0 {
		return fmt.Sprintf("%s is missing in the answer", t), nil
	}
	after := objs[0].Value
	b, _ := number(t, before)
	n, _ := number(t, after)
	want := int64(b) + dir*by
	switch {
	case int64(n) == want:
		return "", nil
	case n == b && dir > 0:
		return fmt.Sprintf("%s did not increase: %s before, %s after", t, hexUpper(before), hexUpper(after)), nil
	case n == b:
		return fmt.Sprintf("%s did not decrease: %s before, %s after", t, hexUpper(before), hexUpper(after)), nil
	}
	return fmt.Sprintf("%s went from %s to %s, expected %d", t, hexUpper(before), hexUpper(after), want), nil
}

// checkCID checks the cryptogram type of the step's GENERATE AC answer.
func (s *session) checkCID(want string) string {
	g := s.ans.gac
	if g == nil || !g.ok {
		return "the answer holds no cryptogram information data (9F27)"
	}
	if g.cid&0xC0 != cidOf(want) {
		return fmt.Sprintf("the card returned %s, expected %s", article(cidName(g.cid)), article(strings.ToUpper(want)))
	}
	return ""
}

// article puts "a" or "an" before a cryptogram name.
func article(name string) string {
	if name == "TC" {
		return "a TC"
	}
	return "an " + name
}
