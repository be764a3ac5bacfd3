package kernel

import (
	"slices"

	"github.com/hulian/hulian/emv/tlv"
)

// maxObjects bounds the number of distinct data objects kept from one card.
const maxObjects = 512

// dataSet holds data object values by tag. Values are copies: nothing here
// aliases a card response buffer.
type dataSet struct {
	m map[tlv.Tag][]byte
}

func newDataSet() dataSet { return dataSet{m: make(map[tlv.Tag][]byte)} }

// put stores a copy of v under t; it reports false when t was already there
// (the old value is kept) or the set is full.
func (d dataSet) put(t tlv.Tag, v []byte) bool {
	if _, ok := d.m[t]; ok || len(d.m) >= maxObjects {
		return false
	}
	d.m[t] = slices.Clone(v)
	return true
}

// set stores a copy of v under t, replacing any value.
func (d dataSet) set(t tlv.Tag, v []byte) { d.m[t] = slices.Clone(v) }

func (d dataSet) del(t tlv.Tag) { delete(d.m, t) }

func (d dataSet) get(t tlv.Tag) ([]byte, bool) {
	v, ok := d.m[t]
	return v, ok
}

func (d dataSet) has(t tlv.Tag) bool {
	_, ok := d.m[t]
	return ok
}

// list returns the objects sorted by tag, as primitive TLVs (constructed
// templates are kept with their parsed children when they parse).
func (d dataSet) list() []tlv.TLV {
	tags := make([]tlv.Tag, 0, len(d.m))
	for t := range d.m {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	out := make([]tlv.TLV, 0, len(tags))
	for _, t := range tags {
		v := slices.Clone(d.m[t])
		obj := tlv.New(t, v)
		if t.Constructed() {
			if kids, err := tlv.Parse(v); err == nil {
				obj.Children = kids
			}
		}
		out = append(out, obj)
	}
	return out
}

// parseCard parses a card response leniently (00/FF padding between objects
// is tolerated, EMV Book 3 Annex B) but refuses truncated or trailing bytes.
func parseCard(b []byte) ([]tlv.TLV, error) {
	objs, n, err := tlv.ParsePrefix(b, tlv.Options{Lenient: true})
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, &tlv.Error{Kind: tlv.ErrTruncated, Offset: n}
	}
	return objs, nil
}

// template parses b, which must be one data object with tag want, and
// returns its children (or, for a primitive want, the object alone).
func template(step Step, b []byte, want ...tlv.Tag) (tlv.TLV, error) {
	objs, err := parseCard(b)
	if err != nil {
		return tlv.TLV{}, &Error{Step: step, Err: ErrMalformed, Detail: "response", Tag: firstTag(want), HasTag: len(want) > 0, SW: 0}
	}
	if len(objs) != 1 || !slices.Contains(want, objs[0].Tag) {
		return tlv.TLV{}, tagErr(step, firstTag(want), ErrMalformed, "response is not the expected template")
	}
	return objs[0], nil
}

func firstTag(ts []tlv.Tag) tlv.Tag {
	if len(ts) == 0 {
		return 0
	}
	return ts[0]
}

func u16(b []byte) (uint16, bool) {
	if len(b) != 2 {
		return 0, false
	}
	return uint16(b[0])<<8 | uint16(b[1]), true
}
