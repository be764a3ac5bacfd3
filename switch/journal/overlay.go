package journal

import (
	"hash/maphash"
	"sync"
)

// overlay holds, in memory, the latest image of every record whose latest
// change is in the SQLite log (seglog.go) but not yet applied to table
// txn. It answers duplicate checks, Finish's previous state and reads for
// those records. Images are kept encoded (appendImage): a few hundred bytes
// each and a single pointer for the garbage collector to follow.
//
// Lock order: groupCommitter.mu, sqliteStore.wmu, sqliteStore.applyMu,
// then overlay.mu.
type overlay struct {
	mu     sync.RWMutex
	seed   maphash.Seed
	hash   func(Key) uint64 // hashKey; tests force collisions
	byID   idIndex
	byKey  map[uint64]int64 // maphash of the key -> id
	clash  map[Key]int64    // keys whose hash slot holds another key
	groups []ovGroup        // published groups in seq order, for eviction
	last   int64            // the last frame published
}

// ovEntry is one record's latest image.
type ovEntry struct {
	seq     int64  // log frame holding the image
	since   int64  // log frame from which the record has been held
	keyHash uint64 // maphash of the record's key
	img     []byte
	state   State // the image's state (one of the State constants)
}

// ovGroup lists the records one log frame changed.
type ovGroup struct {
	seq int64
	ids []int64
}

func newOverlay() *overlay {
	o := &overlay{seed: maphash.MakeSeed(), byID: newIDIndex(),
		byKey: make(map[uint64]int64), clash: make(map[Key]int64)}
	o.hash = o.hashKey
	return o
}

// hashKey hashes k with the overlay's seed.
func (o *overlay) hashKey(k Key) uint64 {
	var h maphash.Hash
	h.SetSeed(o.seed)
	for _, s := range [...]string{k.MTI, k.Acquirer, k.STAN, k.TxTime} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// len returns the number of records held.
func (o *overlay) len() int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.byID.len()
}

// get returns the image of record id.
func (o *overlay) get(id int64) (Record, bool) {
	o.mu.RLock()
	e, ok := o.byID.get(id)
	o.mu.RUnlock()
	if !ok {
		return Record{}, false
	}
	r, err := decodeImage(e.img)
	return r, err == nil // our own encoding: decoding cannot fail
}

// lookup returns the image of the record with key k.
func (o *overlay) lookup(k Key) (Record, bool) {
	h := o.hash(k)
	o.mu.RLock()
	id, ok := o.byKey[h]
	alt, clashed := o.clash[k]
	o.mu.RUnlock()
	if ok {
		if r, found := o.get(id); found && r.Key == k {
			return r, true
		}
	}
	if clashed {
		return o.get(alt)
	}
	return Record{}, false
}

// entry returns the entry of record id.
func (o *overlay) entry(id int64) (ovEntry, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.byID.get(id)
}

// publish records the images of a log frame just written (cs[i].img, each
// its own copy, never written again). Reads may see them before the frame
// is durable (nobody is told it is before it is); the applier takes only
// durable frames (oldest).
func (o *overlay) publish(seq int64, cs []staged) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(cs) == 0 {
		return
	}
	g := ovGroup{seq: seq, ids: make([]int64, len(cs))}
	for i := range cs {
		c := &cs[i]
		g.ids[i] = c.id
		state := c.state
		if c.rec != nil {
			state = c.rec.State
		}
		e := ovEntry{seq: seq, since: seq, img: c.img, state: state.canonical()}
		if old, ok := o.byID.get(c.id); ok {
			// A later image of a record held: its key and key index stay.
			e.keyHash, e.since = old.keyHash, old.since
			o.byID.set(c.id, e)
			continue
		}
		// Not held (new, or applied since the group read it).
		var k Key
		if c.rec != nil {
			k = c.rec.Key
		} else if r, err := decodeImage(c.img); err == nil { // our own encoding
			k = r.Key
		}
		e.keyHash = o.hash(k)
		o.byID.set(c.id, e)
		if cur, ok := o.byKey[e.keyHash]; !ok || cur == c.id {
			o.byKey[e.keyHash] = c.id
		} else if o.keyOf(cur) != k {
			o.clash[k] = c.id
		}
	}
	o.groups = append(o.groups, g)
	o.last = seq
}

// oldest returns the records whose latest image is in the oldest frames,
// whole frames up to about limit records, and the last frame's sequence
// number: what the applier writes to the table next. Only frames up to
// durable are taken. A record changed again by a later frame is left to
// that frame.
func (o *overlay) oldest(limit int, durable int64) ([]Record, int64) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []Record
	var upTo int64
	for _, g := range o.groups {
		if len(out) >= limit || g.seq > durable {
			break
		}
		for _, id := range g.ids {
			if e, ok := o.byID.get(id); ok && e.seq == g.seq {
				if r, err := decodeImage(e.img); err == nil { // our own encoding
					out = append(out, r)
				}
			}
		}
		upTo = g.seq
	}
	return out, upTo
}

// keyOf returns the key of record id; o.mu is held.
func (o *overlay) keyOf(id int64) Key {
	e, _ := o.byID.get(id)
	r, _ := decodeImage(e.img)
	return r.Key
}

// evict drops the records whose latest image is in a log row up to seq:
// those rows are applied to table txn.
func (o *overlay) evict(upTo int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for ; n < len(o.groups) && o.groups[n].seq <= upTo; n++ {
		for _, id := range o.groups[n].ids {
			e, ok := o.byID.get(id)
			if !ok || e.seq > upTo {
				continue // a later row changed it again
			}
			if o.byKey[e.keyHash] == id {
				delete(o.byKey, e.keyHash)
			} else if len(o.clash) > 0 {
				delete(o.clash, o.keyOf(id))
			}
			o.byID.del(id)
		}
	}
	o.groups = append(o.groups[:0], o.groups[n:]...)
}

// snapshot returns the records held that match keep (all with keep nil),
// and a test of whether a record was held at that moment, valid as long
// as nothing is evicted (the caller holds sqliteStore.applyMu): a record
// published since is held from a later frame. When state is set, keep
// holds only records in that state: the others are skipped without being
// decoded.
func (o *overlay) snapshot(state State, keep func(*Record) bool) ([]Record, func(id int64) bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []Record
	o.byID.each(func(_ int64, e ovEntry) {
		if state != "" && e.state != state {
			return
		}
		if r, err := decodeImage(e.img); err == nil && (keep == nil || keep(&r)) {
			out = append(out, r)
		}
	})
	last := o.last
	return out, func(id int64) bool {
		o.mu.RLock()
		defer o.mu.RUnlock()
		e, ok := o.byID.get(id)
		return ok && e.since <= last
	}
}
