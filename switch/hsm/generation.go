package hsm

import (
	"strconv"
	"strings"
)

// GenerationSep separates a key id from its generation number: a rotated
// or exchanged key "01020000/zak:2" succeeds "01020000/zak" (generation 1).
const GenerationSep = ":"

// SplitGeneration returns the base id and generation number of id.
func SplitGeneration(id KeyID) (KeyID, int) {
	s := string(id)
	i := strings.LastIndex(s, GenerationSep)
	if i <= 0 || i == len(s)-1 || len(s)-i > 7 {
		return id, 1
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 2 || s[i+1] == '+' || s[i+1] == '-' {
		return id, 1
	}
	return KeyID(s[:i]), n
}

// CurrentGeneration returns the id of the newest generation of base among
// keys, and whether there is any.
func CurrentGeneration(keys []KeyInfo, base KeyID) (KeyID, bool) {
	best, top := KeyID(""), 0
	for _, ki := range keys {
		if b, n := SplitGeneration(ki.ID); b == base && n > top {
			best, top = ki.ID, n
		}
	}
	return best, top > 0
}

// NextGeneration returns the id the next generation of id's base gets.
func NextGeneration(keys []KeyInfo, id KeyID) KeyID {
	base, _ := SplitGeneration(id)
	top := 1
	for _, ki := range keys {
		if b, n := SplitGeneration(ki.ID); b == base && n > top {
			top = n
		}
	}
	return KeyID(string(base) + GenerationSep + strconv.Itoa(top+1))
}
