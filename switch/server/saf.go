package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/match"
)

// sensitive are the fields never stored in a store-and-forward payload.
var sensitive = [...]int{2, 14, 35, 36, 45, 52, 53, 55, 64, 96, 128}

// saf sends the journal's store-and-forward entries (reversal advices and
// forwarded advices) to issuers until they are acknowledged: each entry is
// claimed under a lease (so with several nodes exactly one sends it), sent
// as the first MTI or its repeat (0420, then 0421), and scheduled for the
// next repeat before it leaves; the issuer's answer acknowledges it.
type saf struct {
	s     *Server
	store *dialect.Dialect // encoding of payloads at rest

	mu      sync.Mutex
	waiting map[safKey]sent // sent entries by the key their answer carries
}

// sent is an entry waiting for its answer.
type sent struct {
	id       int64
	at       time.Time
	reversal bool // a reversal advice: its answer counts in the metrics
}

type safKey struct {
	issuer *institution
	key    match.Key
}

func newSAF(s *Server) (*saf, error) {
	store, err := dialect.HL87A()
	if err != nil {
		return nil, err
	}
	return &saf{s: s, store: store, waiting: make(map[safKey]sent)}, nil
}

// run claims and sends due entries until ctx ends.
func (q *saf) run(ctx context.Context) {
	defer q.s.wg.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	recovery := time.NewTicker(recoverEvery)
	defer recovery.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			q.tick(ctx, now)
		case <-recovery.C:
			if err := q.s.recoverUnfinished(ctx, false); err != nil && ctx.Err() == nil {
				q.s.log.Error("recovery of stale transactions failed", "err", err)
			}
		}
	}
}

// recoverEvery is how often a node looks for transactions that another,
// dead node left unfinished.
const recoverEvery = 10 * time.Second

func (q *saf) tick(ctx context.Context, now time.Time) {
	j := q.s.j
	if _, err := j.ExpireSAF(ctx, now); err != nil && ctx.Err() == nil {
		q.s.log.Error("store-and-forward expiry failed", "err", err)
	}
	interval := q.s.snap.Load().cfg.SAF.Interval.D()
	// Each issuer with a signed-on link is served on its own goroutine,
	// so that one that takes nothing (or a slow journal round trip per
	// entry) delays no other; an issuer without one keeps its entries.
	var wg sync.WaitGroup
	for _, inst := range q.s.snap.Load().insts {
		if l, _ := inst.pickIssuerLink(); l == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.serve(ctx, inst, interval)
		}()
	}
	wg.Wait()
	if depth, err := j.SAFDepth(ctx); err == nil {
		q.s.metrics.SAFDepth(depth)
	}
	q.forgetOlder(now.Add(-2 * interval))
}

// serve claims and sends an issuer's due entries.
func (q *saf) serve(ctx context.Context, issuer *institution, interval time.Duration) {
	room := safWindow - q.outstanding(issuer)
	if room <= 0 {
		return // the issuer has not answered what was sent: nothing more until it does
	}
	entries, err := q.s.j.ClaimIssuer(ctx, issuer.id, time.Now(), interval, room)
	if err != nil {
		if ctx.Err() == nil {
			q.s.log.Error("store-and-forward claim failed", "issuer", issuer.id, "err", err)
		}
		return
	}
	if len(entries) == 0 {
		return
	}
	// Each entry's repeat is scheduled (and its attempt counted) before it
	// leaves, all in one durable commit, which also releases the lease: no
	// node sends the entries again before their next time.
	ids := make([]int64, len(entries))
	for i := range entries {
		ids[i] = entries[i].ID
	}
	kept, err := q.s.j.RetryAll(ctx, ids, time.Now().Add(interval))
	if err != nil {
		if ctx.Err() == nil {
			q.s.log.Error("store-and-forward reschedule failed", "issuer", issuer.id, "err", err)
		}
		return
	}
	ours := make(map[int64]bool, len(kept))
	for _, id := range kept {
		ours[id] = true
	}
	for i := range entries {
		if ours[entries[i].ID] {
			q.send(&entries[i], issuer)
		}
	}
}

// safWindow bounds an issuer's entries sent and not yet answered (or
// forgotten, two intervals after they were sent): an issuer that answers
// nothing gets a trickle, not the whole queue at every interval.
const safWindow = 128

// outstanding counts the issuer's entries sent and waiting for an answer.
func (q *saf) outstanding(issuer *institution) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for k := range q.waiting {
		if k.issuer == issuer {
			n++
		}
	}
	return n
}

// forgetOlder drops the entries sent before t that got no answer here (the
// answer went to another node, or never came: they are sent again anyway).
func (q *saf) forgetOlder(t time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for k, v := range q.waiting {
		if v.at.Before(t) {
			delete(q.waiting, k)
		}
	}
}

// send delivers one entry to its issuer (its repeat already scheduled).
func (q *saf) send(e *journal.SAFEntry, issuer *institution) {
	l, _ := issuer.pickIssuerLink()
	if l == nil {
		return // retried at its next time
	}
	var m dialect.Message
	if err := q.store.Unpack(e.Message, &m); err != nil {
		q.s.log.Error("store-and-forward payload unreadable", "entry", e.ID, "err", err)
		return
	}
	mti := []byte(e.MTI)
	key, ok := match.MakeKey(mti, m.Field(32), m.Field(11), m.Field(7))
	if !ok {
		q.s.log.Error("store-and-forward payload lacks key fields", "entry", e.ID)
		return
	}
	if e.Attempts > 0 {
		mti[3]++ // the repeat: 0420 -> 0421
	}
	_ = m.SetMTI(mti)
	q.mu.Lock()
	q.waiting[safKey{issuer, key}] = sent{e.ID, time.Now(), isReversal(mti)}
	q.mu.Unlock()
	if err := l.Send(&m); err != nil {
		q.forget(issuer, key)
	}
}

func (q *saf) forget(issuer *institution, key match.Key) {
	q.mu.Lock()
	delete(q.waiting, safKey{issuer, key})
	q.mu.Unlock()
}

// safAckTimeout bounds recording one store-and-forward acknowledgement.
const safAckTimeout = 10 * time.Second

// acknowledged reports whether an issuer's response answers a
// store-and-forward entry, and if so acknowledges it in the journal.
func (q *saf) acknowledged(issuer *institution, key match.Key) bool {
	k := safKey{issuer, key}
	q.mu.Lock()
	w, ok := q.waiting[k]
	delete(q.waiting, k)
	q.mu.Unlock()
	if !ok {
		return false
	}
	if w.reversal {
		issuer.m.ReversalsAcked.Inc()
	}
	id := w.id
	// Off the read loop, but among the goroutines shutdown waits for: the
	// acknowledgement is recorded before the journal closes, and a
	// shutdown does not cut it short (bounded by safAckTimeout instead).
	q.s.wg.Add(1)
	go func() {
		defer q.s.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(q.s.ctx), safAckTimeout)
		defer cancel()
		if err := q.s.j.Ack(ctx, id); err != nil {
			q.s.log.Error("store-and-forward acknowledgement not recorded", "entry", id, "err", err)
		}
	}()
	return true
}

// encode strips every sensitive field from m and packs it for storage.
func (q *saf) encode(m *dialect.Message) ([]byte, error) {
	for _, f := range sensitive {
		m.Unset(f)
	}
	return q.store.Pack(nil, m)
}

// queueReversal queues a reversal advice (0420) of rec for its issuer (the
// journal marks rec as reversal queued in the same commit); done runs once
// it is durable.
func (s *Server) queueReversal(rec *journal.Record, reason string, done func(error)) {
	var m dialect.Message
	s.reversalAdvice(rec, reason, &m)
	payload, err := s.saf.encode(&m)
	if err != nil {
		done(err)
		return
	}
	now := time.Now()
	cfg := s.snap.Load().cfg.SAF
	e := &journal.SAFEntry{TxnID: rec.ID, Issuer: rec.Issuer, MTI: "0420", Message: payload,
		NextAt: now, ExpiresAt: now.Add(cfg.Expiry.D())}
	s.j.Submit(&journal.Write{Kind: journal.WriteEnqueue, SAF: e}, func(w *journal.Write) {
		if w.Err == nil {
			s.metrics.Institution(rec.Issuer).ReversalsQueued.Inc()
		}
		done(w.Err)
	})
}

// reversalAdvice builds the 0420 that reverses rec: its key fields, amount
// and references, field 90 with the original data elements and the reason
// in field 60. It carries no PAN: the journal has none to give (the issuer
// finds the original by field 90 and the retrieval reference number).
func (s *Server) reversalAdvice(rec *journal.Record, reason string, m *dialect.Message) {
	m.Reset()
	_ = m.SetMTI([]byte("0420"))
	set := func(f int, v string) {
		if v != "" {
			m.SetString(f, v)
		}
	}
	set(3, rec.Processing)
	set(4, fmt.Sprintf("%012d", rec.Amount))
	set(7, rec.TxTime)
	set(11, rec.STAN)
	set(32, rec.Acquirer)
	set(33, string(s.switchID))
	set(37, rec.RRN)
	set(41, rec.Terminal)
	set(42, rec.Merchant)
	set(49, rec.Currency)
	set(60, reason)
	set(90, originalData(rec.MTI, rec.STAN, rec.TxTime, rec.Acquirer, string(s.switchID)))
	set(100, rec.Receiving)
}

// originalData is field 90: MTI(4) STAN(6) date and time(10) acquiring and
// forwarding institution ids (11 each, left zero padded).
func originalData(mti, stan, txTime, acquirer, forwarding string) string {
	return fmt.Sprintf("%4s%6s%10s%011s%011s", mti, stan, txTime, acquirer, forwarding)
}
