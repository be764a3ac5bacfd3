package tlv

// DefaultMaxDepth is the nesting bound used when Options.MaxDepth is zero.
// EMV responses nest at most about four levels ('6F' > 'A5' > 'BF0C' > '61').
const DefaultMaxDepth = 10

// Options tunes ParseWith. The zero value is strict parsing with
// DefaultMaxDepth and duplicates allowed.
type Options struct {
	// Lenient skips '00'/'FF' padding where a tag would start and ignores
	// incomplete trailing bytes at the top level (see the package doc).
	Lenient bool
	// MaxDepth bounds the nesting of constructed objects: top-level objects
	// are at depth 1, their children at depth 2, and a constructed object
	// may only appear at a depth below MaxDepth (ErrDepth otherwise). Zero
	// or negative means DefaultMaxDepth.
	MaxDepth int
	// RejectDuplicates makes a tag that occurs twice in the same template
	// (or twice at the top level) an ErrDuplicate error.
	RejectDuplicates bool
}

// TLV is one BER-TLV data object. Value holds the raw value bytes, for
// constructed tags too (the encoding of the children). Children holds the
// parsed children of a constructed tag and is nil for a primitive one.
type TLV struct {
	Tag      Tag
	Value    []byte
	Children []TLV
}

// Parse decodes b strictly: b must be a sequence of complete data objects
// with no padding and nothing left over. Constructed values are parsed
// recursively up to DefaultMaxDepth. It is ParseWith(b, Options{}).
func Parse(b []byte) ([]TLV, error) { return ParseWith(b, Options{}) }

// ParseWith decodes b according to o. It returns the top-level data objects
// in input order, or nil and an *Error.
func ParseWith(b []byte, o Options) ([]TLV, error) {
	list, _, err := ParsePrefix(b, o)
	return list, err
}

// ParsePrefix is ParseWith that also returns the number of bytes of b that
// were consumed. In strict mode it is len(b) on success. In lenient mode it
// stops before incomplete trailing bytes (trailing padding is consumed).
func ParsePrefix(b []byte, o Options) ([]TLV, int, error) {
	p := parser{opt: o}
	if p.opt.MaxDepth <= 0 {
		p.opt.MaxDepth = DefaultMaxDepth
	}
	list, n, err := p.list(b, 0, 1)
	if err != nil {
		return nil, 0, err
	}
	return list, n, nil
}

type parser struct {
	opt Options
}

// list parses the data objects of b (the whole input or a constructed value
// starting at absolute offset base) at nesting depth depth.
func (p *parser) list(b []byte, base, depth int) ([]TLV, int, error) {
	var out []TLV
	var offs []int // object offsets, kept only for duplicate reporting
	i := 0
	for i < len(b) {
		if p.opt.Lenient && (b[i] == 0x00 || b[i] == 0xFF) {
			i++
			continue
		}
		t, n, err := p.one(b[i:], base+i, depth)
		if err != nil {
			if p.opt.Lenient && depth == 1 && incomplete(err, base+i) {
				break
			}
			return nil, 0, err
		}
		out = append(out, t)
		if p.opt.RejectDuplicates {
			offs = append(offs, base+i)
		}
		i += n
	}
	if p.opt.RejectDuplicates {
		if d := secondOccurrence(out); d >= 0 {
			return nil, 0, errTag(ErrDuplicate, offs[d], out[d].Tag)
		}
	}
	return out, i, nil
}

// incomplete reports whether err says that the object starting at off
// itself (not one of its children) runs past the end of the input.
func incomplete(err error, off int) bool {
	e, ok := err.(*Error)
	return ok && e.Offset == off && (e.Kind == ErrTruncated || e.Kind == ErrOverrun)
}

// one parses the data object at the start of b (absolute offset off).
func (p *parser) one(b []byte, off, depth int) (TLV, int, error) {
	t, tn, err := ParseTag(b)
	if err != nil {
		e := err.(*Error)
		e.Offset = off
		return TLV{}, 0, e
	}
	l, ln, err := parseLength(b[tn:])
	if err != nil {
		return TLV{}, 0, errTag(err.(*Error).Kind, off, t)
	}
	start := tn + ln
	if l > len(b)-start {
		return TLV{}, 0, errTag(ErrOverrun, off, t)
	}
	end := start + l
	v := TLV{Tag: t, Value: b[start:end:end]}
	if t.Constructed() {
		if depth >= p.opt.MaxDepth {
			return TLV{}, 0, errTag(ErrDepth, off, t)
		}
		kids, _, err := p.list(v.Value, off+start, depth+1)
		if err != nil {
			return TLV{}, 0, err
		}
		v.Children = kids
		if v.Children == nil {
			v.Children = []TLV{}
		}
	}
	return v, end, nil
}
