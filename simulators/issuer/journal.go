package issuer

import (
	"strings"
	"sync"

	"github.com/hulian/hulian/iso8583/dialect"
)

// journalSize bounds how many authorizations the issuer remembers for
// reversals and duplicate detection (oldest forgotten first).
const journalSize = 1 << 16

// txnKey identifies an authorization as ISO 8583 field 90 names an
// original: STAN (11), transmission date and time (7) and acquiring
// institution (32, leading zeros removed).
type txnKey struct{ stan, time, acq string }

// rrnKey identifies an authorization by retrieval reference number (37)
// and terminal (41).
type rrnKey struct{ rrn, term string }

// entry is one remembered authorization.
type entry struct {
	acct     *account
	delta    int64 // amount taken from the balance (negative: credited)
	code     string
	reversed bool
	tk       txnKey
	rk       rrnKey
}

// journal remembers authorizations. Lock order: journal.mu, then
// Accounts.mu.
type journal struct {
	mu    sync.Mutex
	byTxn map[txnKey]*entry
	byRRN map[rrnKey]*entry
	ring  []*entry
	next  int
}

func newJournal() *journal {
	return &journal{byTxn: make(map[txnKey]*entry), byRRN: make(map[rrnKey]*entry), ring: make([]*entry, journalSize)}
}

// keysOf returns the keys of a request (zero values when fields are absent).
func keysOf(m *dialect.Message) (txnKey, rrnKey) {
	tk := txnKey{stan: string(m.Field(11)), time: string(m.Field(7)), acq: trimZeros(string(m.Field(32)))}
	rk := rrnKey{rrn: string(m.Field(37)), term: string(m.Field(41))}
	return tk, rk
}

// originalKey reads field 90: original MTI (4), STAN (6), transmission time
// (10), acquiring institution (11, zero padded), forwarding institution (11).
func originalKey(m *dialect.Message) (txnKey, bool) {
	f := string(m.Field(90))
	if len(f) < 31 {
		return txnKey{}, false
	}
	return txnKey{stan: f[4:10], time: f[10:20], acq: trimZeros(f[20:31])}, true
}

func trimZeros(s string) string { return strings.TrimLeft(s, "0") }

// lookupLocked returns the authorization with key tk. The caller holds j.mu.
func (j *journal) lookupLocked(tk txnKey) *entry {
	if tk.stan == "" {
		return nil
	}
	return j.byTxn[tk]
}

// original finds the authorization a reversal names: by field 90, else by
// 37 + 41. The caller holds j.mu.
func (j *journal) originalLocked(m *dialect.Message) *entry {
	if tk, ok := originalKey(m); ok {
		if e := j.byTxn[tk]; e != nil {
			return e
		}
	}
	_, rk := keysOf(m)
	if rk.rrn == "" {
		return nil
	}
	return j.byRRN[rk]
}

// addLocked remembers e, forgetting the oldest entry when full. The caller
// holds j.mu.
func (j *journal) addLocked(e *entry) {
	if old := j.ring[j.next]; old != nil {
		if j.byTxn[old.tk] == old {
			delete(j.byTxn, old.tk)
		}
		if j.byRRN[old.rk] == old {
			delete(j.byRRN, old.rk)
		}
	}
	j.ring[j.next] = e
	j.next = (j.next + 1) % len(j.ring)
	if e.tk.stan != "" {
		j.byTxn[e.tk] = e
	}
	if e.rk.rrn != "" {
		j.byRRN[e.rk] = e
	}
}
