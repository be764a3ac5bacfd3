package server

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/match"
	"github.com/hulian/hulian/switch/route"
)

const codeNoOriginal = "25"

// isReversal reports a reversal request or advice (0400, 0420, 0421).
func isReversal(mti []byte) bool {
	return len(mti) == 4 && mti[1] == '4' && (mti[2] == '0' || mti[2] == '2')
}

// isAdvice reports an authorization or financial advice (0120, 0220 and
// their repeats).
func isAdvice(mti []byte) bool {
	return len(mti) == 4 && (mti[1] == '1' || mti[1] == '2') && mti[2] == '2'
}

// originalKey reads field 90 of a reversal: the original's MTI, STAN,
// transmission time and acquirer (matched against the ids the institution
// may use, since field 90 pads them to 11 digits).
func originalKey(acq *institution, m *dialect.Message) (journal.Key, bool) {
	f90 := string(m.Field(90))
	if len(f90) != 42 {
		return journal.Key{}, false
	}
	k := journal.Key{MTI: f90[0:4], STAN: f90[4:10], TxTime: f90[10:20]}
	padded := f90[20:31]
	for id := range acq.settings().acquirerIDs {
		if len(id) <= 11 && strings.Repeat("0", 11-len(id))+id == padded {
			k.Acquirer = id
			return k, true
		}
	}
	return journal.Key{}, false
}

// acquirerReversal handles an acquirer's 0400 or 0420: the original is found
// through field 90 in the journal (whichever node routed it), and
//   - no original: 25;
//   - an original that did not approve, or is already reversed: answered
//     00 without going to the issuer again;
//   - an approved original: a 0400 goes online to the issuer that handled
//     it; a 0420 is acknowledged (0430) once a reversal advice is queued for
//     that issuer through store-and-forward.
//
// The journal look-up runs off the link's read goroutine.
func (s *Server) acquirerReversal(l *link.Link, acq *institution, m *dialect.Message) {
	key, ok := originalKey(acq, m)
	if !ok {
		s.reject(l, acq, m, codeFormatError)
		return
	}
	tx := s.txns.get()
	tx.from, tx.acquirer, tx.start = l, acq, time.Now()
	tx.req.CopyFrom(m)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		orig, err := s.j.Lookup(s.ctx, key)
		switch {
		case errors.Is(err, journal.ErrNotFound):
			s.rejectTx(tx, codeNoOriginal)
		case err != nil:
			s.log.Error("journal look-up failed", "err", err)
			s.rejectTx(tx, codeSystemMalfunction)
		case orig.State != journal.StateApproved || orig.Reversal != journal.ReversalNone:
			s.reverseLocally(tx, orig)
		case tx.req.MTI()[2] == '2':
			s.reversalAdviceFromAcquirer(tx, orig)
		default:
			s.reversalOnline(tx, orig)
		}
	}()
}

// rejectTx is reject for a request already copied into tx.
func (s *Server) rejectTx(tx *txn, code string) {
	s.reject(tx.from, tx.acquirer, &tx.req, code)
	s.txns.put(tx)
}

// reverseLocally answers a reversal whose original needs none (declined,
// timed out and already reversed by the switch, or already reversed).
func (s *Server) reverseLocally(tx *txn, orig *journal.Record) {
	if orig.State != journal.StateApproved && orig.Reversal == journal.ReversalNone {
		s.j.Submit(&journal.Write{Kind: journal.WriteReversal, ID: orig.ID, Reversal: journal.ReversalLocal}, func(*journal.Write) {})
	}
	s.insertAnswered(tx, orig, codeApproved, func() {
		s.respondTx(tx, codeApproved, "")
		s.txns.put(tx)
	})
}

// reversalAdviceFromAcquirer queues the reversal of orig for its issuer and
// then acknowledges the acquirer's 0420.
func (s *Server) reversalAdviceFromAcquirer(tx *txn, orig *journal.Record) {
	s.insertAnswered(tx, orig, codeApproved, func() {
		s.queueReversal(orig, reasonAcquirer, func(err error) {
			code := codeApproved
			if err != nil {
				s.log.Error("reversal not queued", "err", err, "id", orig.ID)
				code = codeSystemMalfunction
			}
			s.respondTx(tx, code, "")
			s.txns.put(tx)
		})
	})
}

// insertAnswered journals a reversal or advice the switch answers itself;
// a retransmission of it gets its first answer again.
func (s *Server) insertAnswered(tx *txn, orig *journal.Record, code string, then func()) {
	rec := s.record(tx.acquirer, &tx.req, journal.StateApproved)
	rec.ResponseCode, rec.RespondedAt = code, rec.ReceivedAt
	if orig != nil {
		rec.OriginalID, rec.Issuer = orig.ID, orig.Issuer
	}
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: rec}, func(w *journal.Write) {
		if w.Duplicate != nil {
			s.repeat(tx, w.Duplicate)
			return
		}
		then()
	})
}

// reversalOnline forwards an acquirer's 0400 to the issuer of the original,
// whatever the card's route is today.
func (s *Server) reversalOnline(tx *txn, orig *journal.Record) {
	snap := s.snap.Load()
	issuer := snap.insts[orig.Issuer]
	var to *link.Link
	if issuer != nil {
		to, _ = issuer.pickIssuerLink()
	}
	key, ok := match.MakeKey(tx.req.MTI(), tx.req.Field(32), tx.req.Field(11), tx.req.Field(7))
	r := routeOf(snap, orig.Route)
	if to == nil || !ok || r == nil {
		s.rejectTx(tx, codeIssuerDown)
		return
	}
	tx.to, tx.issuer, tx.key, tx.route, tx.rm = to, issuer, key, r, snap.routeM[r.Index]
	tx.rec = s.record(tx.acquirer, &tx.req, journal.StateForwarded)
	tx.rec.Issuer, tx.rec.Route, tx.rec.Link, tx.rec.OriginalID = issuer.id, r.Name, to.Name(), orig.ID
	tx.orig = orig
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: tx.rec}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.answer(tx, codeSystemMalfunction, "")
		case w.Duplicate != nil:
			s.repeat(tx, w.Duplicate)
		default:
			s.forward(tx)
		}
	})
}

// routeOf finds a route by name in the current table.
func routeOf(snap *snapshot, name string) *route.Route {
	for _, r := range snap.routes.Routes() {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// acquirerAdvice acknowledges an acquirer's 0120 or 0220 once it is
// journaled and queued for its issuer through store-and-forward.
func (s *Server) acquirerAdvice(l *link.Link, acq *institution, issuer *institution, r *route.Route, m *dialect.Message) {
	tx := s.txns.get()
	tx.from, tx.acquirer, tx.start = l, acq, time.Now()
	tx.req.CopyFrom(m)
	code := string(m.Field(39))
	state := journal.StateApproved
	if code != "" && code != codeApproved {
		state = journal.StateDeclined
	}
	rec := s.record(acq, &tx.req, state)
	rec.Issuer, rec.Route, rec.ResponseCode, rec.RespondedAt = issuer.id, r.Name, code, rec.ReceivedAt
	mti := string(m.MTI()[:3]) + "0" // a repeat is queued as its original
	var out dialect.Message
	out.CopyFrom(&tx.req)
	out.Set(33, s.switchID)
	payload, err := s.saf.encode(&out)
	if err != nil {
		s.rejectTx(tx, codeFormatError)
		return
	}
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: rec}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.answer(tx, codeSystemMalfunction, "")
			return
		case w.Duplicate != nil:
			s.repeat(tx, w.Duplicate)
			return
		}
		now := time.Now()
		e := &journal.SAFEntry{TxnID: rec.ID, Issuer: issuer.id, MTI: mti, Message: payload, NextAt: now,
			ExpiresAt: now.Add(s.snap.Load().cfg.SAF.Expiry.D())}
		s.j.Submit(&journal.Write{Kind: journal.WriteEnqueue, SAF: e}, func(w *journal.Write) {
			code := codeApproved
			if w.Err != nil {
				code = codeSystemMalfunction
			}
			s.respondTx(tx, code, "")
			s.txns.put(tx)
		})
	})
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
