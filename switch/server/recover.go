package server

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/hulian/hulian/switch/journal"
)

// previousWait bounds how long a starting node waits for what a killed
// predecessor of the same node sent the journal to land
// (Journal.AwaitPrevious); it normally takes milliseconds.
const previousWait = 30 * time.Second

// awaitPrevious waits until nothing an earlier process of this node sent
// the journal can still commit, so that the open records recovery lists
// are the ones it must recover.
func (s *Server) awaitPrevious() error {
	began := time.Now()
	ctx, cancel := context.WithTimeout(s.ctx, previousWait)
	defer cancel()
	if err := s.j.AwaitPrevious(ctx); err != nil {
		return err
	}
	if took := time.Since(began); took > 100*time.Millisecond {
		s.log.Info("waited for an earlier process's journal sessions to finish", "took", took.Round(time.Millisecond))
	}
	return nil
}

// recoverUnfinished finds requests that lost their switch: at start, every
// request this node still has "forwarded" (it was in flight when the
// process died); at start and then periodically, requests any node left
// "forwarded" longer than any timeout allows (that node died), and
// timed-out requests without a reversal (a crash between the two writes).
// Each ends timed out with a reversal advice queued, so that no issuer is
// left holding money the acquirer never heard about.
func (s *Server) recoverUnfinished(ctx context.Context, atStart bool) error {
	now := time.Now()
	recs, err := s.j.Unfinished(ctx, now)
	if err != nil {
		return err
	}
	stale := now.Add(-s.maxTimeout() - time.Minute)
	var own, others []*journal.Record
	for i := range recs {
		switch rec := &recs[i]; {
		case atStart && rec.Node == s.node:
			own = append(own, rec)
		case rec.ReceivedAt.Before(stale):
			others = append(others, rec)
		}
	}
	// Our own records: the reversal first, then the final state, so that a
	// crash in between leaves the record forwarded for the next start. The
	// committer applies writes in order; all of them share group commits.
	b := s.newBatch(ctx)
	for _, rec := range own {
		if rec.Reversal == journal.ReversalNone {
			b.reversal(rec)
		}
		b.timeOut(rec)
	}
	// Another node's records: finishing one is the claim (only one node
	// sees it still forwarded); its reversal follows.
	claims := make([]*journal.Write, len(others))
	for i, rec := range others {
		claims[i] = b.timeOut(rec)
	}
	if err := b.wait(); err != nil {
		return err
	}
	for i, rec := range others {
		if claims[i].Prev == journal.StateForwarded && rec.Reversal == journal.ReversalNone {
			b.reversal(rec)
		}
	}
	// Timed out without a reversal: a crash between the two writes.
	lost, err := s.j.Unreversed(ctx)
	if err != nil {
		return err
	}
	n := len(own) + len(others)
	for i := range lost {
		if rec := &lost[i]; atStart || rec.RespondedAt.Before(now.Add(-time.Minute)) {
			b.reversal(rec)
			n++
		}
	}
	if err := b.wait(); err != nil {
		return err
	}
	if n > 0 {
		s.log.Warn("recovered unfinished transactions: reversals queued", "count", n)
	}
	return nil
}

// batch submits journal writes without waiting for each, then waits for
// all of them: recovery of thousands of records takes a few group commits.
type batch struct {
	s   *Server
	ctx context.Context
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (s *Server) newBatch(ctx context.Context) *batch { return &batch{s: s, ctx: ctx} }

func (b *batch) done(err error) {
	if err != nil {
		b.mu.Lock()
		b.err = cmp.Or(b.err, err)
		b.mu.Unlock()
	}
	b.wg.Done()
}

// reversal queues rec's reversal advice.
func (b *batch) reversal(rec *journal.Record) {
	b.wg.Add(1)
	b.s.queueReversal(rec, reasonNoIssuerAnswer, b.done)
}

// timeOut gives rec its final state, timed out; the returned write tells,
// once waited for, the state it had before.
func (b *batch) timeOut(rec *journal.Record) *journal.Write {
	w := &journal.Write{Kind: journal.WriteFinish, ID: rec.ID, State: journal.StateTimedOut, Code: codeIssuerDown, At: time.Now()}
	b.wg.Add(1)
	b.s.j.Submit(w, func(w *journal.Write) { b.done(w.Err) })
	return w
}

// wait waits for everything submitted and returns the first error.
func (b *batch) wait() error {
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// maxTimeout is the longest issuer timeout of any route.
func (s *Server) maxTimeout() time.Duration {
	var d time.Duration
	for _, r := range s.snap.Load().routes.Routes() {
		d = max(d, r.Timeout)
	}
	return d
}
