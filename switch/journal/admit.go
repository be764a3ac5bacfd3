package journal

import (
	"context"
	"sync"
	"time"
)

// Back-pressure lives in one place: Admit, which the owner of new work
// (a connection's read goroutine, before a new transaction) calls before
// it submits. Submit itself never waits, so a callback of a durable write,
// which runs on the goroutine that makes the next group durable (SQLite)
// or on one the committer hands groups to (PostgreSQL), can submit the
// writes that follow from it without ever waiting for itself. Those
// follow-up writes are bounded by the transactions already admitted (each
// transaction makes a handful of writes); a hard cap far past the bound
// (overloadSlack) fails a write with ErrOverloaded rather than grow
// without limit, which leaves its record for recovery as after a crash.

// overloadSlack is how many writes past the admission bound Submit still
// queues (SQLite: a group stays well under maxLogImages) before it fails
// them.
const overloadSlack = 1 << 14

// admitPoll bounds one wait for room in Admit, so that room made where no
// broadcast reaches (the SQLite applier) is seen promptly.
const admitPoll = 2 * time.Millisecond

// roomSignal wakes every goroutine waiting in Admit when room may have been
// made (a group was taken, a batch was committed).
type roomSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next broadcast.
func (r *roomSignal) wait() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ch == nil {
		r.ch = make(chan struct{})
	}
	return r.ch
}

// broadcast wakes the current waiters, if any.
func (r *roomSignal) broadcast() {
	r.mu.Lock()
	if r.ch != nil {
		close(r.ch)
		r.ch = nil
	}
	r.mu.Unlock()
}

// Admit waits until the journal has room for a new transaction's writes:
// until fewer than Options.QueueSize writes are queued (PostgreSQL), or
// the open group holds fewer than Options.MaxBatch writes and the backlog
// is under Options.MaxBacklog (SQLite). It returns ctx's error when ctx
// ends first and ErrClosed after Close. Only the goroutines that bring new
// work (read loops) call it; a done callback never does.
func (j *Journal) Admit(ctx context.Context) error {
	if !j.Full() {
		return j.closedErr()
	}
	var t *time.Timer
	defer func() {
		if t != nil {
			t.Stop()
		}
	}()
	for {
		if err := j.closedErr(); err != nil {
			return err
		}
		ch := j.room.wait() // before the check: a broadcast after it is not lost
		if !j.Full() {
			return nil
		}
		if j.g != nil {
			j.g.wake()
			j.g.s.kick()
		}
		if t == nil {
			t = time.NewTimer(admitPoll)
		} else {
			t.Reset(admitPoll)
		}
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Full reports whether new work must wait for room (see Admit). It is
// cheap (an atomic load and a read lock on SQLite's overlay), so a caller
// may test it before making a context for Admit.
func (j *Journal) Full() bool {
	if j.g != nil {
		return j.g.full()
	}
	return j.q.len() >= j.opt.QueueSize
}

// closedErr is ErrClosed once Close has begun (no lock: Admit runs for
// every new transaction).
func (j *Journal) closedErr() error {
	if j.closingNow.Load() {
		return ErrClosed
	}
	return nil
}

// writeQueue is the PostgreSQL committer's queue: Submit appends without
// waiting; the committer takes up to MaxBatch writes at a time.
type writeQueue struct {
	mu     sync.Mutex
	items  []pending // queued writes are items[head:]
	head   int
	closed bool
	wake   chan struct{} // capacity 1: "items or closing"
}

func newWriteQueue() *writeQueue { return &writeQueue{wake: make(chan struct{}, 1)} }

// push appends p; it reports false when the queue holds limit writes.
func (q *writeQueue) push(p pending, limit int) bool {
	q.mu.Lock()
	if len(q.items)-q.head >= limit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, p)
	q.mu.Unlock()
	q.signal()
	return true
}

func (q *writeQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// len is the number of queued writes.
func (q *writeQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}

// close makes take return false once the queue is empty.
func (q *writeQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// take appends up to max queued writes to dst, waiting for the first one;
// with delay > 0 it waits up to that long for max to be queued. It reports
// false when the queue is closed and empty.
func (q *writeQueue) take(dst []pending, max int, delay time.Duration) ([]pending, bool) {
	for {
		n := q.len()
		if n > 0 {
			break
		}
		q.mu.Lock()
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return dst, false
		}
		<-q.wake
	}
	if delay > 0 {
		t := time.NewTimer(delay)
	fill:
		for q.len() < max {
			select {
			case <-q.wake:
			case <-t.C:
				break fill
			}
		}
		t.Stop()
	}
	q.mu.Lock()
	n := min(max, len(q.items)-q.head)
	dst = append(dst, q.items[q.head:q.head+n]...)
	clear(q.items[q.head : q.head+n])
	q.head += n
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > len(q.items)/2 {
		rest := copy(q.items, q.items[q.head:])
		clear(q.items[rest:])
		q.items, q.head = q.items[:rest], 0
	}
	q.mu.Unlock()
	return dst, true
}
