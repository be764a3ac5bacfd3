package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
)

// Reason codes the switch puts in field 60 of the reversal advices it
// originates (documented in the README).
const (
	reasonNoIssuerAnswer = "4021" // no issuer answer in time, link lost mid-request, or found after a crash
	reasonAcquirer       = "4000" // reversal asked for by the acquirer
	reasonUndelivered    = "4022" // the issuer approved but the acquirer could not be told
)

// durable runs then once w is durable: at once without a journal (w is
// then only carried through), else from the journal's committer.
func (s *Server) durable(w *journal.Write, then func(*journal.Write)) {
	if s.j == nil {
		then(w)
		return
	}
	s.j.Submit(w, then)
}

// begin records a routed request and forwards it once the record is
// durable. A request whose key the journal already holds (a retransmission,
// possibly to another node) is not forwarded again: the original answer is
// repeated, or 94 while the original is still open.
func (s *Server) begin(tx *txn) {
	if s.j == nil {
		s.forward(tx)
		return
	}
	tx.rec = s.record(tx.acquirer, &tx.req, journal.StateForwarded)
	tx.rec.Issuer, tx.rec.Route = tx.issuer.id, tx.route.Name
	tx.rec.Link = tx.to.Name()
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: tx.rec}, func(w *journal.Write) {
		switch {
		case w.Err != nil:
			s.log.Error("journal insert failed", "err", w.Err)
			s.answer(tx, codeSystemMalfunction, "", causeSystem)
		case w.Duplicate != nil:
			s.repeat(tx, w.Duplicate)
		default:
			s.forward(tx)
		}
	})
}

// complete records the issuer's answer and delivers it once durable: an
// approval never reaches the acquirer before the journal holds it.
func (s *Server) complete(tx *txn, m *dialect.Message) {
	if s.j == nil {
		s.deliver(tx, m)
		return
	}
	tx.resp.CopyFrom(m)
	code := tx.resp.Field(39)
	state := journal.StateDeclined
	if string(code) == codeApproved {
		state = journal.StateApproved
	}
	if tx.orig != nil && state == journal.StateApproved {
		// The issuer accepted an acquirer's online reversal.
		s.j.Submit(&journal.Write{Kind: journal.WriteReversal, ID: tx.orig.ID, Reversal: journal.ReversalDone}, func(*journal.Write) {})
	}
	w := &journal.Write{Kind: journal.WriteFinish, ID: tx.rec.ID, State: state, Code: string(code),
		AuthID: string(tx.resp.Field(38)), At: time.Now()}
	s.j.Submit(w, func(w *journal.Write) {
		if w.Err != nil {
			// Not durable: the approval must not be delivered.
			s.log.Error("journal finish failed; answering 96", "err", w.Err, "stan", string(tx.req.Field(11)))
			s.respondTx(tx, codeSystemMalfunction, "", causeSystem)
			s.txns.put(tx)
			return
		}
		s.deliver(tx, &tx.resp)
	})
}

// timedOut answers 91 for a forwarded request that got no issuer answer
// (deadline passed, link lost, shutdown). The issuer may have acted on it,
// so with a journal a reversal advice is queued for store-and-forward in
// the same group commit, before the acquirer hears back.
func (s *Server) timedOut(tx *txn) {
	s.finish(tx)
	if s.j == nil || tx.rec == nil {
		s.respondTx(tx, codeIssuerDown, "", causeTimeout)
		s.txns.put(tx)
		return
	}
	// What needs reversing: the request itself, or for an acquirer's
	// reversal that got no answer, the original it was meant to reverse.
	target, reason := tx.rec, reasonNoIssuerAnswer
	if tx.orig != nil {
		target, reason = tx.orig, reasonAcquirer
	}
	id := tx.rec.ID
	s.queueReversal(target, reason, func(err error) {
		if err != nil {
			s.log.Error("reversal not queued", "err", err, "id", id)
		}
	})
	// Submitted after the reversal: the committer applies writes in order,
	// so a record is never timed out without its reversal queued (a crash in
	// between leaves it forwarded, for recoverUnfinished). The acquirer hears
	// 91 once both are durable.
	s.j.Submit(&journal.Write{Kind: journal.WriteFinish, ID: id, State: journal.StateTimedOut,
		Code: codeIssuerDown, At: time.Now()}, func(*journal.Write) {
		s.respondTx(tx, codeIssuerDown, "", causeTimeout)
		s.txns.put(tx)
	})
}

// answer is the switch's own final answer to a request that did not reach
// the issuer; with a journal the record, if any, says so.
func (s *Server) answer(tx *txn, code string, state journal.State, why cause) {
	if s.j != nil && tx.rec != nil && tx.rec.ID != 0 && state != "" {
		s.j.Submit(&journal.Write{Kind: journal.WriteFinish, ID: tx.rec.ID, State: state, Code: code, At: time.Now()},
			func(*journal.Write) {})
	}
	s.respondTx(tx, code, "", why)
	s.txns.put(tx)
}

// repeat answers a retransmitted request from what the journal holds for
// its first transmission.
func (s *Server) repeat(tx *txn, orig *journal.Record) {
	switch orig.State {
	case journal.StateForwarded:
		s.respondTx(tx, codeDuplicate, "", causeDuplicate)
	default:
		code := orig.ResponseCode
		if code == "" {
			code = codeIssuerDown
		}
		s.respondTx(tx, code, orig.AuthID, causeRepeat)
	}
	s.txns.put(tx)
}

// respondTx sends the switch's response to tx's request to the acquirer
// and counts it with its cause.
func (s *Server) respondTx(tx *txn, code, authID string, why cause) {
	resp := s.msgs.get()
	defer s.msgs.put(resp)
	buildResponse(resp, &tx.req, code)
	if tx.sent {
		if tx.f33 != nil {
			resp.Set(33, tx.f33)
		} else {
			resp.Unset(33)
		}
	}
	if authID != "" {
		resp.SetString(38, authID)
	}
	s.countOwn(tx.acquirer, code, why)
	l := tx.acquirer.deliveryLink(tx.from)
	if l == nil || l.Send(resp) != nil {
		tx.acquirer.m.Undelivered.Inc()
		return
	}
	tx.acquirer.m.Response(resp.Field(39))
}

// reject answers a request the switch refuses before routing it anywhere
// and, with a journal, records it (state rejected) so that a retransmission
// gets the same answer and clearing can account for it.
func (s *Server) reject(l *link.Link, acq *institution, m *dialect.Message, code string, why cause) {
	s.respond(l, m, code, why)
	if s.j == nil || !m.Has(7) || !m.Has(11) {
		return
	}
	rec := s.record(acq, m, journal.StateRejected)
	rec.ResponseCode, rec.RespondedAt = code, rec.ReceivedAt
	// The record holds a place among the link's requests in flight until
	// it is durable: an acquirer whose requests are all refused still
	// takes no more of the journal than max_in_flight allows.
	l.InFlight().Add(1)
	s.j.Submit(&journal.Write{Kind: journal.WriteInsert, Record: rec}, func(*journal.Write) { l.InFlight().Add(-1) })
}

// record builds the journal record of a request: the PAN only masked and
// hashed, never track data, PIN block or ICC data.
func (s *Server) record(acq *institution, m *dialect.Message, state journal.State) *journal.Record {
	now := time.Now()
	p := m.Field(2)
	if p == nil {
		if t2 := m.Field(35); t2 != nil {
			p, _ = pan.FromTrack2(t2)
		}
	}
	// The texts kept share one string: one allocation instead of ten.
	parts := [...][]byte{m.MTI(), m.Field(32), m.Field(11), m.Field(7), m.Field(3), m.Field(49),
		m.Field(37), m.Field(41), m.Field(42), m.Field(100)}
	n := 0
	for _, f := range parts {
		n += len(f)
	}
	var b strings.Builder
	b.Grow(n)
	var t [len(parts)]string
	for i, f := range parts {
		b.Write(f)
		t[i] = b.String()[b.Len()-len(f):]
	}
	rec := &journal.Record{
		Key:  journal.Key{MTI: t[0], Acquirer: t[1], STAN: t[2], TxTime: t[3]},
		Node: s.node, BusinessDate: s.businessDate(now), ReceivedAt: now, AcquirerInst: acq.id,
		Processing: t[4], Currency: t[5], RRN: t[6], Terminal: t[7], Merchant: t[8], Receiving: t[9],
		State: state,
	}
	if rec.Key.Acquirer == "" {
		rec.Key.Acquirer = acq.id
	}
	if p != nil {
		rec.PANMasked, rec.PANHash = pan.Mask(p), s.j.HashPAN(p)
	}
	if amount, err := strconv.ParseInt(string(m.Field(4)), 10, 64); err == nil {
		rec.Amount = amount
	}
	return rec
}
