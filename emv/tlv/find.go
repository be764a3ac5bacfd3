package tlv

// Find returns the first data object with tag t, searching list depth-first
// in input order (a constructed object is looked at before its children).
func Find(list []TLV, t Tag) (TLV, bool) {
	for _, v := range list {
		if v.Tag == t {
			return v, true
		}
		if r, ok := Find(v.Children, t); ok {
			return r, true
		}
	}
	return TLV{}, false
}

// FindAll returns every data object with tag t, depth-first in input order.
func FindAll(list []TLV, t Tag) []TLV {
	return appendAll(nil, list, t)
}

func appendAll(dst, list []TLV, t Tag) []TLV {
	for _, v := range list {
		if v.Tag == t {
			dst = append(dst, v)
		}
		dst = appendAll(dst, v.Children, t)
	}
	return dst
}

// Duplicates returns the tags that occur more than once among the direct
// elements of list (one template, not its children), each once, in the
// order of their second occurrence. EMV Book 3 Annex B and the PBOC card
// test specification require a tag to occur at most once per template.
func Duplicates(list []TLV) []Tag {
	var dups []Tag
	seen := make(map[Tag]int, len(list))
	for _, v := range list {
		seen[v.Tag]++
		if seen[v.Tag] == 2 {
			dups = append(dups, v.Tag)
		}
	}
	return dups
}

// secondOccurrence returns the index of the first element of list whose tag
// already occurred earlier in list, or -1.
func secondOccurrence(list []TLV) int {
	if len(list) < 2 {
		return -1
	}
	seen := make(map[Tag]struct{}, len(list))
	for i, v := range list {
		if _, ok := seen[v.Tag]; ok {
			return i
		}
		seen[v.Tag] = struct{}{}
	}
	return -1
}
