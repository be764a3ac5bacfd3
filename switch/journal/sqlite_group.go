package journal

import (
	"sync"
	"sync/atomic"
	"time"
)

// groupCommitter is the SQLite backend's group commit. There is no queue
// and no committer goroutine: Submit applies each write at once, in the
// caller's goroutine, to the open group (a txView: duplicate check, ID,
// staged after-image), and a syncer goroutine closes the group, writes it
// as one log frame, makes it durable (fdatasync) and runs its callbacks.
// There are two syncers: while one runs a group's callbacks, another
// takes the next group (frames are still written in order, and synced in
// order by segLog), and while one waits for the disk the next group
// fills. Compared with a committer goroutine fed by a channel and
// notifier goroutines behind it, a write waits for no goroutine to be
// scheduled before it is staged or after it is durable: with two durable
// points in every transaction, waiting is most of the journal's latency.
type groupCommitter struct {
	j *Journal
	s *sqliteStore

	mu      sync.Mutex
	size    atomic.Int64 // len(pending), for full without the lock
	v       *txView      // the open group; nil: none
	spare   *txView      // a closed group's view, emptied for reuse
	pending []pending
	batches [][]pending // emptied pending lists for reuse
	opened  time.Time
	closing bool
	// flushing counts the syncers inside flush (taking a group, syncing it,
	// running its callbacks).
	flushing atomic.Int32

	kick    chan struct{} // a group is waiting for a syncer
	syncers sync.WaitGroup
}

func newGroupCommitter(j *Journal, s *sqliteStore) *groupCommitter {
	g := &groupCommitter{j: j, s: s, kick: make(chan struct{}, 1)}
	s.group = g
	for range maxUnsynced { // more would only wait for a sync while holding the group
		g.syncers.Add(1)
		go g.syncLoop()
	}
	return g
}

// open returns the open group's view, opening one; g.mu is held.
func (g *groupCommitter) open() *txView {
	if g.v == nil {
		g.opened = time.Now()
		g.v, g.spare = g.s.view(g.spare, g.opened.Add(g.j.opt.CommitTimeout), 64), nil
		if n := len(g.batches); n > 0 && g.pending == nil {
			g.pending, g.batches = g.batches[n-1], g.batches[:n-1]
		}
	}
	return g.v
}

// submit stages w in the open group; done runs once the group is durable.
// It never waits (Admit does, for new work); it reports false, staging
// nothing, when the open group already holds overloadSlack writes more
// than MaxBatch (no syncer has taken a group for that long).
func (g *groupCommitter) submit(w *Write, done func(*Write)) bool {
	g.mu.Lock()
	if len(g.pending) >= g.j.opt.MaxBatch+overloadSlack {
		g.mu.Unlock()
		g.wake()
		return false
	}
	w.reset()
	now := g.j.now()
	if err := w.prepare(now); err != nil {
		w.Err = err
	} else if err := g.open().applyWrites([]*Write{w}, micros(now)); err != nil {
		// Nothing of w was staged: its database read or SAF statement failed.
		g.j.failed.Add(1)
		g.j.fail(w, err)
	}
	g.pending = append(g.pending, pending{w: w, done: done})
	g.size.Store(int64(len(g.pending)))
	g.mu.Unlock()
	g.wake()
	return true
}

// full reports whether new work must wait: the open group holds MaxBatch
// writes, or the overlay and the open group hold MaxBacklog records.
func (g *groupCommitter) full() bool {
	n := int(g.size.Load())
	return n >= g.j.opt.MaxBatch || g.s.backlog()+n >= g.j.opt.MaxBacklog
}

// run applies fn (a SAF acknowledgement or expiry) to the open group with
// its writer transaction open, and waits until the group is durable. After
// close it returns ErrClosed: no syncer would take the group any more.
func (g *groupCommitter) run(fn func(v *txView) error) error {
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		return ErrClosed
	}
	v := g.open()
	err := func() error {
		if _, err := v.writeTx(); err != nil {
			return err
		}
		return fn(v)
	}()
	if err != nil {
		// The group (and its writer transaction) still closes promptly.
		g.mu.Unlock()
		g.wake()
		return err
	}
	w, ch := &Write{}, make(chan struct{})
	g.pending = append(g.pending, pending{w: w, done: func(*Write) { close(ch) }})
	g.size.Store(int64(len(g.pending)))
	g.mu.Unlock()
	g.wake()
	<-ch
	return w.Err
}

func (g *groupCommitter) wake() {
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// syncLoop closes the open group whenever there is one, writes its frame,
// syncs it and runs its callbacks, until close.
func (g *groupCommitter) syncLoop() {
	defer g.syncers.Done()
	for range g.kick {
		for g.flush() {
		}
		// Closing: stop once nothing is open, no other syncer is running
		// callbacks that may submit more, and Submit refuses from now on.
		if g.j.stopIfIdle(g.idle) {
			g.wake() // the other syncers stop too
			return
		}
	}
}

// flush makes the open group durable and runs its callbacks; it reports
// whether there was one.
func (g *groupCommitter) flush() bool {
	g.flushing.Add(1)
	defer g.flushing.Add(-1)
	g.mu.Lock()
	v, batch, opened := g.v, g.pending, g.opened
	g.v, g.pending = nil, nil
	if len(batch) == 0 && v == nil {
		g.mu.Unlock()
		return false
	}
	g.size.Store(0)
	g.j.room.broadcast()
	var seq int64
	var err error
	if v != nil {
		seq, err = v.commit() // the frame is written and published under g.mu: the next group reads it
		v.done()
		g.spare = v
	}
	g.mu.Unlock()
	if len(batch) > 0 {
		g.wake() // another syncer takes the next group meanwhile
	}
	if err == nil && seq > 0 {
		err = g.s.durable(seq)
	}
	valid := 0
	for _, p := range batch {
		if err != nil && p.w.Err == nil {
			g.j.fail(p.w, err)
		}
		if p.w.Err == nil {
			valid++
		}
	}
	if err != nil {
		g.j.failed.Add(1)
	} else if valid > 0 {
		g.j.count(valid)
	}
	if g.j.opt.OnCommit != nil && v != nil {
		g.j.opt.OnCommit(len(batch), time.Since(opened), err)
	}
	for _, p := range batch {
		p.done(p.w)
	}
	if cap(batch) <= 4*g.j.opt.MaxBatch {
		clear(batch)
		g.mu.Lock()
		if len(g.batches) < maxUnsynced {
			g.batches = append(g.batches, batch[:0])
		}
		g.mu.Unlock()
	}
	return true
}

// idle reports, while closing, that no group is open and no syncer is
// flushing one (whose callbacks could submit more).
func (g *groupCommitter) idle() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closing && g.v == nil && len(g.pending) == 0 && g.flushing.Load() == 0
}

// close flushes what is open and what its callbacks submit, stops the
// syncers and waits for them.
func (g *groupCommitter) close() {
	g.mu.Lock()
	g.closing = true
	g.mu.Unlock()
	g.wake()
	g.syncers.Wait()
}
