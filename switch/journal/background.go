package journal

import (
	"context"
	"time"
)

// Background application of a backend's log (SQLite) is run by the
// committer goroutine, so that it never competes with a group commit for
// the database:
//
//   - idle: when no write has arrived for applyIdle, the log is applied
//     chunk by chunk until a write arrives or nothing is left;
//   - back-pressure: when the backlog reaches Options.MaxBacklog records,
//     chunks are applied before the next group commit until it is back
//     under the bound. Writes wait meanwhile (Submit blocks once QueueSize
//     writes are pending), which bounds the overlay's memory.
//
// Under load the SQLite backend also applies a few old images inside group
// commits, within a small share of the time (sqliteStore.piggyback).
const applyIdle = 5 * time.Millisecond

// next waits for the first write of a batch, applying the log while idle.
// It reports false when the queue is closed and drained.
func (j *Journal) next(bg background) (pending, bool) {
	select {
	case p, ok := <-j.queue:
		return p, ok
	default:
	}
	for bg != nil && bg.backlog() > 0 {
		t := time.NewTimer(applyIdle)
		select {
		case p, ok := <-j.queue:
			t.Stop()
			return p, ok
		case <-t.C:
		}
		if !j.applyOnce(bg) {
			break
		}
	}
	p, ok := <-j.queue
	return p, ok
}

// relieve applies chunks while the backlog is at or over MaxBacklog.
func (j *Journal) relieve(bg background) {
	for bg != nil && bg.backlog() >= j.opt.MaxBacklog {
		if !j.applyOnce(bg) {
			return
		}
	}
}

// applyOnce applies one chunk and reports whether there may be more.
func (j *Journal) applyOnce(bg background) bool {
	ctx, cancel := context.WithTimeout(context.Background(), j.opt.CommitTimeout)
	defer cancel()
	n, err := bg.applySome(ctx)
	if err != nil {
		j.opt.Logger.Error("journal: applying the log failed; it stays logged", "err", err)
		return false
	}
	return n > 0
}
