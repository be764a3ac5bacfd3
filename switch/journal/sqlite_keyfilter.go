package journal

import (
	"context"
	"hash/maphash"
)

// keyFilter is a fixed-size Bloom filter over the keys of every record in
// table txn or the log (SQLite). It answers most duplicate checks in
// memory: a key it does not hold is certainly new, so only keys it may
// hold (real retransmissions, and a few false positives) cost a statement.
// Its memory is fixed (keyFilterWords words) whatever the table's size; a
// fuller filter only gives more false positives, never a wrong answer.
//
// It is loaded at open (after the log's replay) and rebuilt when another
// connection has changed the database (txView.catchUp); the committer adds
// every key it inserts. A key added by a transaction that then fails stays
// in it: a false positive, harmless. Only the committer (sqliteStore.wmu)
// uses it.
type keyFilter struct {
	seed maphash.Seed
	bits []uint64
}

const (
	keyFilterWords  = 1 << 20 // 8 MiB, 2^26 bits
	keyFilterMask   = keyFilterWords*64 - 1
	keyFilterProbes = 4
)

func newKeyFilter() *keyFilter {
	return &keyFilter{seed: maphash.MakeSeed(), bits: make([]uint64, keyFilterWords)}
}

// hashes returns the two hashes the probes are derived from: from the
// key's stable hash (column key_hash), mixed with the filter's seed.
func (f *keyFilter) hashes(kh int64) (uint64, uint64) {
	a := maphash.Comparable(f.seed, kh)
	b := (a>>32 | a<<32) * 0x9e3779b97f4a7c15
	return a, b | 1
}

// add records k.
func (f *keyFilter) add(k Key) { f.addHash(keyHash(k)) }

// addHash records the key whose stable hash is kh.
func (f *keyFilter) addHash(kh int64) {
	a, b := f.hashes(kh)
	for i := range uint64(keyFilterProbes) {
		p := (a + i*b) & keyFilterMask
		f.bits[p>>6] |= 1 << (p & 63)
	}
}

// mayHold reports whether k may have been added; false is certain.
func (f *keyFilter) mayHold(k Key) bool {
	a, b := f.hashes(keyHash(k))
	for i := range uint64(keyFilterProbes) {
		p := (a + i*b) & keyFilterMask
		if f.bits[p>>6]&(1<<(p&63)) == 0 {
			return false
		}
	}
	return true
}

// loadKeyFilter builds a filter of every key of table txn read through r.
func loadKeyFilter(ctx context.Context, r runner) (*keyFilter, error) {
	f := newKeyFilter()
	err := r.each(ctx, narrowKeysSQL, nil, func(scan scanFunc) error {
		var kh int64
		if err := scan(&kh); err != nil {
			return err
		}
		f.addHash(kh)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
