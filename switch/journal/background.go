package journal

import "time"

// background is what a backend that applies a log to its tables in the
// background (SQLite) offers Submit: back-pressure. The backend's own
// applier goroutine does the work, when no group has committed for a while
// or the backlog has passed half of Options.MaxBacklog; once it reaches
// the bound, Submit waits until the applier has made room, which bounds
// the overlay's memory.
type background interface {
	// backlog is the number of records logged but not yet applied.
	backlog() int
	// kick asks the applier to work now.
	kick()
	// roomCh is signalled each time the applier has applied a chunk.
	roomCh() <-chan struct{}
}

// relieve waits while the backlog, plus extra records about to join it,
// is at or over MaxBacklog.
func (j *Journal) relieve(bg background, extra int) {
	for bg != nil && bg.backlog()+extra >= j.opt.MaxBacklog {
		bg.kick()
		t := time.NewTimer(10 * applyIdle)
		select {
		case <-bg.roomCh():
		case <-t.C:
		}
		t.Stop()
	}
}
