package journal

import (
	"context"
	"time"
)

// background is what a backend that applies a log to its tables in the
// background (SQLite) offers the committer: back-pressure. The backend's
// own applier goroutine does the work, when the committer is idle or the
// backlog has passed half of Options.MaxBacklog; once it reaches the
// bound, the committer waits before each group commit until the applier
// has made room (Submit blocks once QueueSize writes are pending), which
// bounds the overlay's memory.
type background interface {
	// backlog is the number of records logged but not yet applied.
	backlog() int
	// kick asks the applier to work now.
	kick()
	// roomCh is signalled each time the applier has applied a chunk.
	roomCh() <-chan struct{}
}

// pipeliner is a backend whose group commit is split in two (SQLite's
// log): prepareBatch applies ws and writes them to the log, not yet
// durable (later groups see their changes), and returns the log frame;
// durable makes every frame up to seq durable.
type pipeliner interface {
	prepareBatch(ctx context.Context, ws []*Write) (int64, error)
	durable(seq int64) error
}

// next waits for the first write of a batch. It reports false when the
// queue is closed and drained.
func (j *Journal) next() (pending, bool) {
	p, ok := <-j.queue
	return p, ok
}

// relieve waits while the backlog is at or over MaxBacklog.
func (j *Journal) relieve(bg background) {
	for bg != nil && bg.backlog() >= j.opt.MaxBacklog {
		bg.kick()
		t := time.NewTimer(10 * applyIdle)
		select {
		case <-bg.roomCh():
		case <-t.C:
		}
		t.Stop()
	}
}
