package journal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/pan"
)

// Journal is the durable record of transactions and the SAF queue. It is
// safe for concurrent use. Writes go through Submit (or Do); reads and the
// SAF operations go straight to the database.
type Journal struct {
	b   backend
	opt Options
	now func() time.Time

	mu      sync.RWMutex // guards closing and closed
	closing bool         // Close has begun: Admit refuses new work
	closed  bool         // the committer has stopped: Submit refuses too
	// closingNow mirrors closing for the syncers, which look after every
	// group and must not take mu for it.
	closingNow atomic.Bool
	q          *writeQueue     // the committer's (PostgreSQL)
	stopped    chan struct{}   // the committer has stopped
	g          *groupCommitter // SQLite's group commit, instead of q and committer
	room       roomSignal      // wakes Admit (admit.go)

	closeOnce sync.Once
	closeErr  error

	batches, writes, failed, largest atomic.Uint64

	hmacs sync.Pool // keyed HMAC-SHA256 states for HashPAN (keying one costs two hash blocks)
}

// pending is a queued write and its callback.
type pending struct {
	w    *Write
	done func(*Write)
}

// Open opens the journal named by url: "sqlite:PATH" or "postgres://..."
// (also "postgresql://...").
func Open(ctx context.Context, url string, o Options) (*Journal, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(url, "sqlite:"), o)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return OpenPostgres(ctx, url, o)
	}
	return nil, ErrUnsupportedURL
}

// start migrates the schema and starts the committer over b.
func start(ctx context.Context, b backend, o Options) (*Journal, error) {
	j := &Journal{b: b, opt: o, now: time.Now}
	if err := migrate(ctx, b, len(b.variant().steps), micros(j.now())); err != nil {
		_ = b.close()
		return nil, fmt.Errorf("journal: migrate %s schema: %w", b.variant().name, err)
	}
	if err := b.ready(ctx); err != nil {
		_ = b.close()
		return nil, fmt.Errorf("journal: %s: %w", b.variant().name, err)
	}
	if s, ok := b.(*sqliteStore); ok && !s.log.readOnly() {
		j.g = newGroupCommitter(j, s)
	} else {
		j.q, j.stopped = newWriteQueue(), make(chan struct{})
		go j.commitLoop()
	}
	return j, nil
}

// AwaitPrevious waits, before a restarted node lists its open records
// (Unfinished, Unreversed), until nothing an earlier process of the same
// node (Options.Node, same database and schema) sent the database can
// still commit: on PostgreSQL, until no other session of that node is
// busy (postgres_sessions.go). It fails when ctx ends first, naming the
// node: another process may be running as this node. On SQLite it returns
// at once.
func (j *Journal) AwaitPrevious(ctx context.Context) error {
	return wrapOp("await previous process", j.b.awaitPrevious(ctx))
}

// Submit queues w for the committer (SQLite: applies it to the open
// group at once). done runs on one of the journal's own goroutines once
// the group holding w is durable, or has failed (w.Err); callbacks
// of different writes may run concurrently, and must not block long.
// Submit never waits: new work waits for room in Admit before it is
// submitted, and a callback may submit the writes that follow from its
// own. Past overloadSlack writes over the admission bound a write fails
// with ErrOverloaded instead. After Close, done is called at once with
// w.Err = ErrClosed.
func (j *Journal) Submit(w *Write, done func(*Write)) {
	j.mu.RLock()
	if j.closed {
		j.mu.RUnlock()
		w.Err = ErrClosed
		done(w)
		return
	}
	ok := true
	if j.g != nil {
		ok = j.g.submit(w, done)
	} else {
		ok = j.q.push(pending{w: w, done: done}, j.opt.QueueSize+overloadSlack)
	}
	j.mu.RUnlock()
	if !ok {
		j.failed.Add(1)
		j.fail(w, ErrOverloaded)
		done(w)
	}
}

// Do submits w and waits until it is durable; it returns w.Err, or the
// context's error if ctx ends first (the write may still be applied).
func (j *Journal) Do(ctx context.Context, w *Write) error {
	ch := make(chan struct{})
	j.Submit(w, func(*Write) { close(ch) })
	select {
	case <-ch:
		return w.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// HashPAN returns the hex HMAC-SHA256 of pan under Options.HashKey: the
// look-up key of a card, useless without the key.
func (j *Journal) HashPAN(p []byte) string {
	m, ok := j.hmacs.Get().(hash.Hash)
	if !ok {
		m = hmac.New(sha256.New, j.opt.HashKey)
	}
	m.Reset()
	m.Write(p)
	var sum [sha256.Size]byte
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], m.Sum(sum[:0]))
	out := string(text[:])
	m.Reset() // the pooled state keeps no PAN
	j.hmacs.Put(m)
	return out
}

// SetPAN fills r.PANMasked (pan.Mask) and r.PANHash from the clear pan,
// the only form in which a PAN reaches a Record.
func (j *Journal) SetPAN(r *Record, p []byte) {
	r.PANMasked = pan.Mask(p)
	r.PANHash = j.HashPAN(p)
}

// Node returns this journal's node name.
func (j *Journal) Node() string { return j.opt.Node }

// Stats returns the committer's counters.
func (j *Journal) Stats() Stats {
	return Stats{Batches: j.batches.Load(), Writes: j.writes.Load(),
		Failed: j.failed.Load(), LargestBatch: j.largest.Load()}
}

// Close stops admitting new work (Admit fails), commits everything
// already submitted and everything the callbacks of those writes submit in
// turn (a finish, then the reversal of an approval that could not be
// delivered), stops the committer and closes the database. Later calls
// return the first call's result.
func (j *Journal) Close() error {
	j.closeOnce.Do(func() {
		j.mu.Lock()
		j.closing = true
		j.closingNow.Store(true)
		j.mu.Unlock()
		j.room.broadcast()
		if j.g != nil {
			j.g.close()
		} else {
			j.q.close()
			<-j.stopped
		}
		j.closeErr = j.b.close()
	})
	return j.closeErr
}

// stopIfIdle marks the journal closed, so that Submit refuses from now
// on, when Close has begun and idle (called with j.mu held) reports
// nothing left to commit; it reports whether it did.
func (j *Journal) stopIfIdle(idle func() bool) bool {
	if !j.closingNow.Load() {
		return false // the syncers' usual case: no lock taken
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.closing || !idle() {
		return false
	}
	j.closed = true
	return true
}
