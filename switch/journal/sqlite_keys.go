package journal

import (
	"strings"
)

// keyQueries are the statements that find which of up to n keys table txn
// holds, for n in sizes (ascending): a batch of keys is checked with few
// statements (by their hashes, column key_hash), the last one padded with
// NULLs (which match nothing).
type keyQueries struct {
	sizes []int
	sql   []string
}

func newKeyQueries() keyQueries {
	k := keyQueries{sizes: []int{1, 4, 16, 64}}
	for _, n := range k.sizes {
		// anonymous placeholders: no name look-up per bound argument
		k.sql = append(k.sql, "SELECT "+narrowCols+" FROM txn WHERE key_hash IN ("+
			strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")")
	}
	return k
}

// find adds to found the stored record of every key of keys that table txn
// holds, running query for each statement (a hash may match other keys'
// records too: only the keys asked for are kept).
func (k keyQueries) find(keys []Key, found map[Key]*Record, query func(q string, args []any) ([]Record, error)) error {
	want := make(map[Key]struct{}, len(keys))
	for _, key := range keys {
		want[key] = struct{}{}
	}
	for len(keys) > 0 {
		i := 0
		for i < len(k.sizes)-1 && k.sizes[i] < len(keys) {
			i++
		}
		n := min(len(keys), k.sizes[i])
		args := make([]any, 0, k.sizes[i])
		for _, key := range keys[:n] {
			args = append(args, keyHash(key))
		}
		for len(args) < cap(args) {
			args = append(args, nil)
		}
		keys = keys[n:]
		rs, err := query(k.sql[i], args)
		if err != nil {
			return err
		}
		for j := range rs {
			if _, ok := want[rs[j].Key]; ok {
				found[rs[j].Key] = &rs[j]
			}
		}
	}
	return nil
}
