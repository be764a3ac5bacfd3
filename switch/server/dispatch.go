package server

import (
	"context"
	"errors"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/match"
	"github.com/hulian/hulian/switch/route"
)

// handle is the Handler of every link: it runs on the link's read goroutine.
func (s *Server) handle(l *link.Link, m *dialect.Message, err error) {
	if err != nil {
		s.badMessage(l, m, err)
		return
	}
	mti := m.MTI()
	if inst := ownerOf(l); inst != nil && !s.verifyMAC(l, inst, m) {
		s.log.Warn("bad or missing MAC", "institution", inst.id, "mti", string(mti), "stan", string(m.Field(11)))
		if m.IsRequest() {
			s.respond(l, m, codeSecurity, causeBadMAC)
		}
		// A response with a bad MAC counts as not received: its request
		// times out and is reversed.
		return
	}
	switch {
	case mti[1] == '8':
		s.networkManagement(l, m)
	case m.IsRequest():
		s.request(l, m)
	default:
		s.response(l, m)
	}
}

// badMessage handles a message that violates the dialect. A request whose
// MTI and key fields could be read is answered 30; a response whose MTI
// could be read is dropped (to the switch it was never received, so its
// request times out and is answered 91), keeping the link and everything
// else in flight on it. Anything else closes the link.
func (s *Server) badMessage(l *link.Link, m *dialect.Message, err error) {
	mti := m.MTI()
	if len(mti) == 4 && m.IsRequest() && m.Has(7) && m.Has(11) {
		s.log.Warn("format error", "link", l.String(), "mti", string(mti), "stan", string(m.Field(11)), "err", err)
		s.respond(l, m, codeFormatError, causeFormat) // counted as a format error
		return
	}
	if inst := ownerOf(l); inst != nil {
		inst.m.FormatErrors.Inc()
	} else {
		s.metrics.FormatErrorUnknown()
	}
	if len(mti) == 4 && m.IsResponse() {
		s.log.Warn("malformed response dropped", "link", l.String(), "mti", string(mti), "stan", string(m.Field(11)), "err", err)
		return
	}
	s.log.Warn("unreadable message, closing link", "link", l.String(), "err", err)
	s.closeLink(l, "format_error")
}

// request routes a financial request from an acquirer to its issuer. A
// request the switch refuses for load (no place among the link's requests
// in flight, or no room in the journal, within a second) is answered 91
// and not journaled: nothing was done, so a repeat is simply decided
// again, and a flood costs the journal nothing.
func (s *Server) request(l *link.Link, m *dialect.Message) {
	acq := ownerOf(l)
	if acq == nil {
		s.log.Warn("request before sign-on", "link", l.String(), "mti", string(m.MTI()), "stan", string(m.Field(11)))
		s.respond(l, m, codeIssuerDown, causeNotSignedOn)
		return
	}
	if l.State() != link.SignedOn { // signed off, or the link is closing
		s.respond(l, m, codeIssuerDown, causeNotSignedOn)
		return
	}
	acq.m.Request(m.MTI())
	set := acq.settings()
	if s.draining.Load() {
		s.reject(l, acq, m, codeIssuerDown, causeShuttingDown)
		return
	}
	if !set.isAcquirer() {
		s.reject(l, acq, m, codeInvalidTxn, causeNotAcquirer)
		return
	}
	if !m.Has(7) || !m.Has(11) {
		s.formatError(l, m, "field 7 or 11 missing")
		return
	}
	if f32 := m.Field(32); f32 == nil {
		m.Set(32, acq.idBytes)
	} else if !set.acquirerIDs[string(f32)] {
		s.spoofed(l, acq, m, 32)
		return
	}
	if f33 := m.Field(33); f33 != nil && string(f33) != acq.id && !set.acquirerIDs[string(f33)] {
		s.spoofed(l, acq, m, 33)
		return
	}
	if !s.room(l, set) {
		acq.m.Backpressure.Inc()
		s.respond(l, m, codeIssuerDown, causeInFlightLimit)
		return
	}
	if !s.admit() {
		acq.m.Backpressure.Inc()
		s.respond(l, m, codeIssuerDown, causeJournalBusy)
		return
	}
	if s.j != nil && isReversal(m.MTI()) {
		s.acquirerReversal(l, acq, m)
		return
	}
	snap := s.snap.Load()
	r, code, why := s.lookupRoute(snap, m)
	if r == nil {
		s.reject(l, acq, m, code, why)
		return
	}
	if !r.AllowsMTI(m.MTI()) || !r.AllowsProcessing(m.Field(3)) {
		s.reject(l, acq, m, codeInvalidTxn, causeNotAllowed)
		return
	}
	issuer := snap.issuerOf[r.Index]
	if s.j != nil && isAdvice(m.MTI()) {
		s.acquirerAdvice(l, acq, issuer, r, m)
		return
	}
	to, full := issuer.pickIssuerLink()
	if to == nil {
		if full {
			issuer.m.Backpressure.Inc()
			s.respond(l, m, codeIssuerDown, causeInFlightLimit)
			return
		}
		s.reject(l, acq, m, codeIssuerDown, causeIssuerDown)
		return
	}
	key, ok := match.MakeKey(m.MTI(), m.Field(32), m.Field(11), m.Field(7))
	if !ok {
		s.formatError(l, m, "key fields (32, 11, 7) too long")
		return
	}
	var perr errPIN
	if err := s.translatePIN(acq, issuer, m); errors.As(err, &perr) {
		s.reject(l, acq, m, perr.code, causePIN)
		return
	}
	tx := s.newTxn(l, acq)
	tx.to, tx.issuer = to, issuer
	tx.route, tx.rm, tx.key = r, snap.routeM[r.Index], key
	tx.req.CopyFrom(m)
	s.begin(tx)
}

// admitWait bounds how long a read loop waits for a place among its
// link's requests in flight, or for room in the journal, before it
// answers 91.
const admitWait = time.Second

// room reports whether the link may have one more request in flight. At
// its max_in_flight the read loop of an acquirer-only link waits (up to
// admitWait) for a place to free instead of answering at once: the peer
// is slowed by TCP itself, and a flood costs the switch no CPU. A link
// that also carries issuer traffic must keep reading the responses that
// free its places, so it answers 91 at once.
func (s *Server) room(l *link.Link, set *settings) bool {
	limit := set.maxInFlight()
	if l.InFlight().Load() < limit {
		return true
	}
	if set.isIssuer() {
		return false
	}
	deadline := time.Now().Add(admitWait)
	t := time.NewTicker(roomPoll)
	defer t.Stop()
	for l.InFlight().Load() >= limit {
		if time.Now().After(deadline) || l.State() == link.Closed {
			return false
		}
		select {
		case <-t.C:
		case <-s.ctx.Done():
			return false
		}
	}
	return true
}

// roomPoll is how often a read loop at its in-flight limit looks again.
const roomPoll = time.Millisecond

// admit waits, on a link's read goroutine, until the journal has room for
// a new transaction (at once without a journal or when it has room); it
// reports false when none was made within admitWait or shutdown began.
func (s *Server) admit() bool {
	if s.j == nil || !s.j.Full() {
		return true
	}
	ctx, cancel := context.WithTimeout(s.ctx, admitWait)
	defer cancel()
	return s.j.Admit(ctx) == nil
}

// newTxn takes a transaction for a request that arrived on l. It counts
// in the link's in-flight requests (max_in_flight) from now until it is
// released, whatever path it takes.
func (s *Server) newTxn(l *link.Link, acq *institution) *txn {
	tx := s.txns.get()
	tx.from, tx.acquirer, tx.start = l, acq, time.Now()
	l.InFlight().Add(1)
	return tx
}

// spoofed refuses (63) a request whose acquiring or forwarding institution
// id (field 32 or 33) does not belong to the institution signed on on the
// connection: an institution may only speak as itself.
func (s *Server) spoofed(l *link.Link, acq *institution, m *dialect.Message, field int) {
	acq.m.Spoofed.Inc()
	s.log.Warn("institution id not allowed on this connection", "institution", acq.id, "field", field,
		"stan", string(m.Field(11)))
	s.respond(l, m, codeSecurity, causeSpoofed)
}

// forward sends a request to its issuer: without a journal at once, on the
// link's read goroutine; with one from the journal's committer, once the
// request's record is durable. The frame is packed before the request
// enters the issuer's match table: from then on the transaction belongs to
// whoever takes it out (a response, the sweeper, a link failure).
func (s *Server) forward(tx *txn) {
	to, issuer, key := tx.to, tx.issuer, tx.key
	tx.f33, tx.sent = tx.req.Field(33), true
	tx.req.Set(33, s.switchID)
	buf := s.frames.get()
	frame, err := to.AppendFrame((*buf)[:0], &tx.req)
	if err != nil {
		s.frames.put(buf)
		s.log.Error("request does not pack for the issuer", "issuer", issuer.id, "err", err)
		s.answer(tx, codeSystemMalfunction, journal.StateRejected, causeSystem)
		return
	}
	s.track(tx, 1)
	if err := issuer.pending.Add(key, tx.start.Add(tx.route.Timeout), tx); err != nil {
		s.frames.put(buf)
		s.track(tx, -1)
		s.answer(tx, codeDuplicate, journal.StateRejected, causeDuplicate)
		return
	}
	err = to.SendFrame(frame)
	*buf = frame
	s.frames.put(buf)
	if err != nil {
		// The issuer link failed under us: answer now unless a response
		// or the sweeper already took the transaction. The request never
		// left, so there is nothing to reverse.
		if tx, ok := issuer.pending.Take(key); ok {
			s.log.Warn("forward failed", "issuer", issuer.id, "link", to.String(), "err", err)
			s.finish(tx)
			s.answer(tx, codeIssuerDown, journal.StateRejected, causeIssuerDown)
		}
	}
}

// lookupRoute finds the route of a request: by receiving institution (field
// 100) for account-based payments, else by the longest BIN prefix of the PAN
// (field 2, or field 35 when 2 is absent). Without one it gives the code
// and cause of the refusal.
func (s *Server) lookupRoute(snap *snapshot, m *dialect.Message) (*route.Route, string, cause) {
	if f100 := m.Field(100); f100 != nil {
		if r := snap.routes.ByReceiving(f100); r != nil {
			return r, "", causeNone
		}
		return nil, codeNoIssuer, causeNoRoute
	}
	p := m.Field(2)
	if p == nil {
		if t2 := m.Field(35); t2 != nil {
			p, _ = pan.FromTrack2(t2)
		}
	}
	if p == nil {
		return nil, codeFormatError, causeFormat
	}
	if !pan.Luhn(p) {
		return nil, codeInvalidCard, causeInvalidCard
	}
	if r := snap.routes.ByPAN(p); r != nil {
		return r, "", causeNone
	}
	return nil, codeNoIssuer, causeNoRoute
}

// response delivers an issuer's response to the acquirer of the matching
// request. A response that matches nothing is counted and logged, never
// delivered.
func (s *Server) response(l *link.Link, m *dialect.Message) {
	issuer := ownerOf(l)
	if issuer == nil {
		s.closeLink(l, "response_before_signon")
		return
	}
	key, ok := match.RequestKey(m.MTI(), m.Field(32), m.Field(11), m.Field(7))
	var tx *txn
	if ok {
		tx, ok = issuer.pending.Take(key)
	}
	if !ok {
		if s.saf != nil && s.saf.acknowledged(issuer, key) {
			return
		}
		issuer.m.Unmatched.Inc()
		s.log.Warn("unmatched response", "issuer", issuer.id, "mti", string(m.MTI()), "stan", string(m.Field(11)), "code", string(m.Field(39)))
		return
	}
	s.finish(tx)
	s.complete(tx, m)
}

// deliver sends the issuer's response m to the acquirer of tx and releases
// tx.
func (s *Server) deliver(tx *txn, m *dialect.Message) {
	if tx.f33 != nil {
		m.Set(33, tx.f33)
	} else {
		m.Unset(33)
	}
	dest := tx.acquirer.deliveryLink(tx.from)
	switch {
	case dest == nil || dest.Send(m) != nil:
		tx.acquirer.m.Undelivered.Inc()
		s.log.Warn("response undeliverable", "acquirer", tx.acquirer.id, "stan", string(m.Field(11)))
		s.reverseUndelivered(tx, m)
	default:
		tx.acquirer.m.Response(m.Field(39))
	}
	s.txns.put(tx)
}

// reverseUndelivered queues the reversal of an approval the acquirer never
// received: without it the issuer would hold money nobody asked for.
func (s *Server) reverseUndelivered(tx *txn, m *dialect.Message) {
	if s.j == nil || tx.rec == nil || string(m.Field(39)) != codeApproved {
		return
	}
	if tx.orig != nil {
		return // an approved reversal: nothing left to undo
	}
	target := tx.rec
	s.queueReversal(target, reasonUndelivered, func(err error) {
		if err != nil {
			s.log.Error("reversal of an undelivered approval not queued", "err", err, "id", target.ID)
		}
	})
}
