package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/match"
	"github.com/hulian/hulian/switch/metrics"
	"github.com/hulian/hulian/switch/route"
)

// txn is a request forwarded to an issuer and not yet answered.
type txn struct {
	from     *link.Link   // the acquirer's link the request came on; counted in its InFlight until put
	acquirer *institution // the acquirer
	to       *link.Link   // the issuer's link it went out on
	issuer   *institution
	route    *route.Route
	rm       *metrics.Route
	start    time.Time
	key      match.Key
	req      dialect.Message // the request as received, owning its bytes
	f33      []byte          // the acquirer's field 33 (nil when absent); aliases req
	sent     bool            // forwarded: req's field 33 now holds the switch's id

	// With a journal:
	rec  *journal.Record // what the journal holds for the request
	orig *journal.Record // for an acquirer's online reversal: the original
	resp dialect.Message // the issuer's response, kept until it is durable
}

// txnPool recycles transactions and counts those taken and not yet put
// back (shutdown waits for them).
type txnPool struct {
	p    sync.Pool
	live atomic.Int64
}

func (tp *txnPool) get() *txn {
	tp.live.Add(1)
	if t, ok := tp.p.Get().(*txn); ok {
		return t
	}
	return new(txn)
}

// put releases t: it leaves its acquirer link's in-flight count (newTxn).
func (tp *txnPool) put(t *txn) {
	if t.from != nil {
		t.from.InFlight().Add(-1)
	}
	t.from, t.acquirer, t.to, t.issuer, t.route, t.rm = nil, nil, nil, nil, nil, nil
	t.key, t.f33, t.sent, t.rec, t.orig = match.Key{}, nil, false, nil, nil
	t.req.Reset()
	t.resp.Reset()
	tp.p.Put(t)
	tp.live.Add(-1)
}

type msgPool struct{ p sync.Pool }

func (mp *msgPool) get() *dialect.Message {
	if m, ok := mp.p.Get().(*dialect.Message); ok {
		return m
	}
	return new(dialect.Message)
}

func (mp *msgPool) put(m *dialect.Message) {
	m.Reset()
	mp.p.Put(m)
}

// bufPool recycles frame buffers.
type bufPool struct{ p sync.Pool }

func (bp *bufPool) get() *[]byte {
	if b, ok := bp.p.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 1024)
	return &b
}

func (bp *bufPool) put(b *[]byte) { bp.p.Put(b) }
