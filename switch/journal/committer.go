package journal

import (
	"context"
	"time"
)

// commitLoop is the single committer goroutine of a backend without a
// log of its own (PostgreSQL): it gathers a batch and makes it durable,
// until the queue is closed and empty and no callback is left to run. It
// hands each committed batch to the notifier, which calls the callbacks
// while the next batch is being committed: the callbacks' work
// (forwarding, answering) never delays the next group commit.
func (j *Journal) commitLoop() {
	n := newNotifier()
	defer close(j.stopped)
	defer n.close()
	ws := make([]*Write, 0, j.opt.MaxBatch)
	for {
		batch, ok := j.q.take(make([]pending, 0, 64), j.opt.MaxBatch, j.opt.MaxDelay)
		if !ok {
			// Closed and empty: once the callbacks already handed out have
			// run, whatever they submitted is committed too.
			n.wait()
			if j.stopIfIdle(func() bool { return j.q.len() == 0 }) {
				return
			}
			continue
		}
		j.room.broadcast()
		ws = j.commit(batch, ws[:0])
		clear(ws)
		n.dispatch(batch)
	}
}

// commit validates the batch and applies its valid writes in one
// transaction. When the database refuses the batch as a whole, each write
// is retried alone so that one bad write cannot fail the others; the
// retries share one CommitTimeout, so a dead database fails them quickly.
func (j *Journal) commit(batch []pending, ws []*Write) []*Write {
	now := j.now()
	for _, p := range batch {
		p.w.reset()
		if err := p.w.prepare(now); err != nil {
			p.w.Err = err
			continue
		}
		ws = append(ws, p.w)
	}
	if len(ws) == 0 {
		return ws
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.opt.CommitTimeout)
	start := time.Now()
	err := j.apply(ctx, ws)
	cancel()
	if j.opt.OnCommit != nil {
		j.opt.OnCommit(len(ws), time.Since(start), err)
	}
	if err == nil {
		return ws
	}
	j.failed.Add(1)
	if len(ws) == 1 {
		j.fail(ws[0], err)
		return ws
	}
	j.opt.Logger.Warn("journal: group commit failed, retrying writes one by one",
		"writes", len(ws), "err", err)
	ctx, cancel = context.WithTimeout(context.Background(), j.opt.CommitTimeout)
	defer cancel()
	for _, w := range ws {
		w.reset()
		if err := j.apply(ctx, []*Write{w}); err != nil {
			j.failed.Add(1)
			j.fail(w, err)
		}
	}
	return ws
}

// apply runs one transaction for ws and counts it when it commits.
func (j *Journal) apply(ctx context.Context, ws []*Write) error {
	if err := j.b.applyBatch(ctx, ws); err != nil {
		return err
	}
	j.count(len(ws))
	return nil
}

// count counts a committed group of n writes.
func (j *Journal) count(n int) {
	j.batches.Add(1)
	j.writes.Add(uint64(n))
	for {
		cur := j.largest.Load()
		if uint64(n) <= cur || j.largest.CompareAndSwap(cur, uint64(n)) {
			return
		}
	}
}

// fail clears w's results and reports err in w.Err.
func (j *Journal) fail(w *Write, err error) {
	w.reset()
	w.Err = err
	j.opt.Logger.Warn("journal: write failed", "kind", w.Kind.String(), "err", err)
}
