package server

import (
	"errors"
	"strings"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
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
//   - no original: 25, and the original is refused should it still come
//     (reverseUnseen);
//   - an original that did not approve, or is already reversed: answered
//     00 without going to the issuer again;
//   - an approved original, or one still waiting for its issuer: a 0400
//     goes online to the issuer that handled it; a 0420 is acknowledged
//     (0430) once a reversal advice is queued for that issuer through
//     store-and-forward.
//
// The journal look-up runs off the link's read goroutine.
func (s *Server) acquirerReversal(l *link.Link, acq *institution, m *dialect.Message) {
	key, ok := originalKey(acq, m)
	if !ok {
		s.reject(l, acq, m, codeFormatError, causeFormat)
		return
	}
	tx := s.newTxn(l, acq)
	tx.req.CopyFrom(m)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		orig, err := s.j.Lookup(s.ctx, key)
		switch {
		case errors.Is(err, journal.ErrNotFound):
			s.reverseUnseen(tx, key)
		case err != nil:
			s.log.Error("journal look-up failed", "err", err)
			s.rejectTx(tx, codeSystemMalfunction, causeSystem)
		default:
			s.reverseFound(tx, orig)
		}
	}()
}

// reverseFound handles an acquirer's reversal whose original is orig.
func (s *Server) reverseFound(tx *txn, orig *journal.Record) {
	switch {
	case orig.Reversal != journal.ReversalNone || !mayHaveApproved(orig.State):
		s.reverseLocally(tx, orig)
	case tx.req.MTI()[2] == '2':
		s.reversalAdviceFromAcquirer(tx, orig)
	default:
		s.reversalOnline(tx, orig)
	}
}

// reverseUnseen handles a reversal whose original the journal does not
// hold. The original may still be on its way (an acquirer that gave up
// early, the original still waiting for room in the journal here or on
// another node), so the journal first records, under the original's key,
// that it is refused: should it arrive after all, it is answered 91 as a
// repeat of that record and never forwarded. If the original won the race
// for its key, the reversal goes on as for a found original. The reversal
// itself is answered 25.
func (s *Server) reverseUnseen(tx *txn, key journal.Key) {
	stub := s.record(tx.acquirer, &tx.req, journal.StateRejected)
	stub.Key = key
	stub.ResponseCode, stub.RespondedAt, stub.Reversal = codeIssuerDown, stub.ReceivedAt, journal.ReversalLocal
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: stub}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.log.Error("journal insert failed", "err", w.Err)
			s.rejectTx(tx, codeSystemMalfunction, causeSystem)
		case w.Duplicate != nil:
			s.reverseFound(tx, w.Duplicate)
		default:
			s.rejectTx(tx, codeNoOriginal, causeNoOriginal)
		}
	})
}

// mayHaveApproved reports whether the issuer may hold money for an
// original in this state: it approved, or it has not answered yet (an
// acquirer whose own timeout is shorter than the route's reverses a
// request still in flight; the reversal goes to the issuer, which may yet
// approve it).
func mayHaveApproved(s journal.State) bool {
	return s == journal.StateApproved || s == journal.StateForwarded
}

// rejectTx is reject for a request already copied into tx.
func (s *Server) rejectTx(tx *txn, code string, why cause) {
	s.reject(tx.from, tx.acquirer, &tx.req, code, why)
	s.txns.put(tx)
}

// reverseLocally answers a reversal whose original needs none (declined,
// timed out and already reversed by the switch, or already reversed).
func (s *Server) reverseLocally(tx *txn, orig *journal.Record) {
	if orig.State != journal.StateApproved && orig.Reversal == journal.ReversalNone {
		s.j.Submit(&journal.Write{Kind: journal.WriteReversal, ID: orig.ID, Reversal: journal.ReversalLocal}, func(*journal.Write) {})
	}
	s.insertAnswered(tx, orig, codeApproved, func() {
		s.respondTx(tx, codeApproved, "", causeReversed)
		s.txns.put(tx)
	})
}

// reversalAdviceFromAcquirer queues the reversal of orig for its issuer and
// then acknowledges the acquirer's 0420.
func (s *Server) reversalAdviceFromAcquirer(tx *txn, orig *journal.Record) {
	s.insertAnswered(tx, orig, codeApproved, func() {
		s.queueReversal(orig, acquirerReason(&tx.req), func(err error) {
			code, why := codeApproved, causeReversed
			if err != nil {
				s.log.Error("reversal not queued", "err", err, "id", orig.ID)
				code, why = codeSystemMalfunction, causeSystem
			}
			s.respondTx(tx, code, "", why)
			s.txns.put(tx)
		})
	})
}

// acquirerReason is the reason an acquirer's reversal advice passes on to
// the issuer: its field 60 when that is 4021 (no answer in time), else
// 4000.
func acquirerReason(m *dialect.Message) string {
	if string(m.Field(60)) == reasonNoIssuerAnswer {
		return reasonNoIssuerAnswer
	}
	return reasonAcquirer
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
		s.rejectTx(tx, codeIssuerDown, causeIssuerDown)
		return
	}
	tx.to, tx.issuer, tx.key, tx.route, tx.rm = to, issuer, key, r, snap.routeM[r.Index]
	tx.rec = s.record(tx.acquirer, &tx.req, journal.StateForwarded)
	tx.rec.Issuer, tx.rec.Route, tx.rec.Link, tx.rec.OriginalID = issuer.id, r.Name, to.Name(), orig.ID
	tx.orig = orig
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: tx.rec}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.answer(tx, codeSystemMalfunction, "", causeSystem)
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
	tx := s.newTxn(l, acq)
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
		s.rejectTx(tx, codeFormatError, causeFormat)
		return
	}
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: rec}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.answer(tx, codeSystemMalfunction, "", causeSystem)
			return
		case w.Duplicate != nil:
			s.repeat(tx, w.Duplicate)
			return
		}
		now := time.Now()
		e := &journal.SAFEntry{TxnID: rec.ID, Issuer: issuer.id, MTI: mti, Message: payload, NextAt: now,
			ExpiresAt: now.Add(s.snap.Load().cfg.SAF.Expiry.D())}
		s.j.Submit(&journal.Write{Kind: journal.WriteEnqueue, SAF: e}, func(w *journal.Write) {
			code, why := codeApproved, causeAdvice
			if w.Err != nil {
				code, why = codeSystemMalfunction, causeSystem
			}
			s.respondTx(tx, code, "", why)
			s.txns.put(tx)
		})
	})
}
