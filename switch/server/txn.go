package server

import (
	"sync"
	"time"

	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/metrics"
	"github.com/hulian/hulian/switch/route"
)

// txn is a request forwarded to an issuer and not yet answered.
type txn struct {
	from     *link.Link   // the acquirer's link the request came on
	acquirer *institution // the acquirer
	to       *link.Link   // the issuer's link it went out on
	issuer   *institution
	route    *route.Route
	rm       *metrics.Route
	start    time.Time
	req      dialect.Message // the request as received, owning its bytes
}

type txnPool struct{ p sync.Pool }

func (tp *txnPool) get() *txn {
	if t, ok := tp.p.Get().(*txn); ok {
		return t
	}
	return new(txn)
}

func (tp *txnPool) put(t *txn) {
	t.from, t.acquirer, t.to, t.issuer, t.route, t.rm = nil, nil, nil, nil, nil, nil
	t.req.Reset()
	tp.p.Put(t)
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
