package journal

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// commitLoop is the single committer goroutine: it gathers a batch and
// makes it durable, until the queue is closed and empty. It hands each
// committed batch to the notifier, which calls the callbacks while the
// next batch is being committed: the callbacks' work (forwarding,
// answering) never delays the next group commit.
//
// With a backend whose commit is split (pipeliner: SQLite's log), the
// committer only prepares each group (applied and written, not yet
// durable) and hands it to the syncer goroutine, which makes it durable
// and passes it on to the notifier: the next group is prepared while the
// previous one is being synced.
func (j *Journal) commitLoop() {
	notify := make(chan []pending, 2)
	go j.notifyLoop(notify)
	out := notify
	pl, _ := j.b.(pipeliner)
	var syncs chan prepared
	if pl != nil {
		syncs = make(chan prepared, 1)
		go j.syncLoop(pl, syncs, notify)
		defer close(syncs)
	} else {
		defer close(notify)
	}
	ws := make([]*Write, 0, j.opt.MaxBatch)
	bg, _ := j.b.(background)
	for {
		first, ok := j.next()
		if !ok {
			return
		}
		j.relieve(bg)
		var batch []pending
		batch, ok = j.gather(append(make([]pending, 0, 64), first))
		start := time.Now()
		var seq int64
		ws, seq = j.commit(batch, ws[:0])
		if syncs != nil {
			syncs <- prepared{batch: batch, ws: append([]*Write(nil), ws...), seq: seq, start: start}
		} else {
			out <- batch
		}
		clear(ws)
		if !ok {
			return
		}
	}
}

// prepared is a group handed from the committer to the syncer.
type prepared struct {
	batch []pending
	ws    []*Write // its valid writes
	seq   int64    // its log frame (0: nothing to sync)
	start time.Time
}

// syncLoop makes prepared groups durable, in order, and hands them to the
// notifier. A failed sync fails every write of the group.
func (j *Journal) syncLoop(pl pipeliner, syncs <-chan prepared, notify chan<- []pending) {
	defer close(notify)
	for p := range syncs {
		var err error
		if p.seq > 0 {
			err = pl.durable(p.seq)
		}
		if err != nil {
			j.failed.Add(1)
			for _, w := range p.ws {
				j.fail(w, err)
			}
		}
		if j.opt.OnCommit != nil && len(p.ws) > 0 {
			j.opt.OnCommit(len(p.ws), time.Since(p.start), err)
		}
		notify <- p.batch
	}
}

// notifyLoop calls the callbacks of committed batches once they are
// durable, each batch split across a few goroutines (a callback forwards
// or answers a message: packing it is work that two cores share), then
// reports that the journal has stopped. A batch's callbacks start only
// after it is durable; callbacks of different writes may run concurrently.
func (j *Journal) notifyLoop(notify <-chan []pending) {
	defer close(j.stopped)
	n := max(2, runtime.GOMAXPROCS(0))
	lanes := make([]chan []pending, n)
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan []pending, 4)
		wg.Add(1)
		go func(lane <-chan []pending) {
			defer wg.Done()
			for part := range lane {
				for _, p := range part {
					p.done(p.w)
				}
			}
		}(lanes[i])
	}
	for batch := range notify {
		size := (len(batch) + n - 1) / n
		for i := 0; i*size < len(batch); i++ {
			lanes[i] <- batch[i*size : min(len(batch), (i+1)*size)]
		}
	}
	for _, lane := range lanes {
		close(lane)
	}
	wg.Wait()
}

// gather adds queued writes to batch up to MaxBatch: whatever is already
// queued, and with MaxDelay > 0 whatever arrives within MaxDelay. It
// reports false when the queue was closed and drained.
func (j *Journal) gather(batch []pending) ([]pending, bool) {
	var timer <-chan time.Time
	if j.opt.MaxDelay > 0 {
		t := time.NewTimer(j.opt.MaxDelay)
		defer t.Stop()
		timer = t.C
	}
	for len(batch) < j.opt.MaxBatch {
		select {
		case p, ok := <-j.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, p)
			continue
		default:
		}
		if timer == nil {
			return batch, true
		}
		select {
		case p, ok := <-j.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, p)
		case <-timer:
			return batch, true
		}
	}
	return batch, true
}

// commit validates the batch and applies its valid writes in one
// transaction. When the database refuses the batch as a whole, each write
// is retried alone so that one bad write cannot fail the others; the
// retries share one CommitTimeout, so a dead database fails them quickly.
// With a pipeliner the writes are only prepared: it returns the last log
// frame to sync.
func (j *Journal) commit(batch []pending, ws []*Write) ([]*Write, int64) {
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
		return ws, 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.opt.CommitTimeout)
	start := time.Now()
	seq, err := j.apply(ctx, ws)
	cancel()
	if _, pipelined := j.b.(pipeliner); j.opt.OnCommit != nil && (!pipelined || err != nil) {
		j.opt.OnCommit(len(ws), time.Since(start), err)
	}
	if err == nil {
		return ws, seq
	}
	j.failed.Add(1)
	if len(ws) == 1 {
		j.fail(ws[0], err)
		return ws, 0
	}
	j.opt.Logger.Warn("journal: group commit failed, retrying writes one by one",
		"writes", len(ws), "err", err)
	ctx, cancel = context.WithTimeout(context.Background(), j.opt.CommitTimeout)
	defer cancel()
	seq = 0
	for _, w := range ws {
		w.reset()
		s, err := j.apply(ctx, []*Write{w})
		if err != nil {
			j.failed.Add(1)
			j.fail(w, err)
		}
		seq = max(seq, s)
	}
	return ws, seq
}

// apply runs one transaction for ws (with a pipeliner: prepares it and
// returns its log frame) and counts it.
func (j *Journal) apply(ctx context.Context, ws []*Write) (int64, error) {
	var seq int64
	var err error
	if pl, ok := j.b.(pipeliner); ok {
		seq, err = pl.prepareBatch(ctx, ws)
	} else {
		err = j.b.applyBatch(ctx, ws)
	}
	if err != nil {
		return 0, err
	}
	j.batches.Add(1)
	n := uint64(len(ws))
	j.writes.Add(n)
	if n > j.largest.Load() {
		j.largest.Store(n) // only the committer writes it
	}
	return seq, nil
}

// fail clears w's results and reports err in w.Err.
func (j *Journal) fail(w *Write, err error) {
	w.reset()
	w.Err = err
	j.opt.Logger.Warn("journal: write failed", "kind", w.Kind.String(), "err", err)
}
