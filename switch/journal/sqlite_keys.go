package journal

import (
	"strings"
)

// keyQueries are the statements that find which of up to n keys table txn
// holds, for n in sizes (ascending): a batch of keys is checked with few
// statements, the last one padded with NULL keys (which match nothing).
type keyQueries struct {
	sizes []int
	sql   []string
}

func newKeyQueries() keyQueries {
	k := keyQueries{sizes: []int{1, 4, 16, 64}}
	for _, n := range k.sizes {
		var b strings.Builder
		b.WriteString("SELECT " + recordCols + " FROM txn WHERE (mti, acquirer, stan, tx_time) IN (VALUES ")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?)") // anonymous: no name look-up per bound argument
		}
		b.WriteString(")")
		k.sql = append(k.sql, b.String())
	}
	return k
}

// find adds to found the stored record of every key of keys that table txn
// holds, running query for each statement.
func (k keyQueries) find(keys []Key, found map[Key]*Record, query func(q string, args []any) ([]Record, error)) error {
	for len(keys) > 0 {
		i := 0
		for i < len(k.sizes)-1 && k.sizes[i] < len(keys) {
			i++
		}
		n := min(len(keys), k.sizes[i])
		args := make([]any, 0, 4*k.sizes[i])
		for _, key := range keys[:n] {
			args = append(args, key.MTI, key.Acquirer, key.STAN, key.TxTime)
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
			found[rs[j].Key] = &rs[j]
		}
	}
	return nil
}
