package load

import (
	"context"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/hsm"
)

// Template values shared by all types.
const (
	shopName  = "HULIAN LOAD TEST SHOP   SHANGHAI      CN" // field 43, ans40
	currency  = "156"                                      // CNY
	zeroAmt   = "000000000000"
	noForward = "00000000000" // field 90: forwarding institution (none)
)

// buildTemplates prepares one immutable message per type with the fields
// that never change; requests alias their values (Set, no copy).
func (g *Generator) buildTemplates() {
	for t := TypePurchase; t < numTypes; t++ {
		m := &g.tmpl[t]
		mti := "0200"
		if t == TypeReversal {
			mti = "0400"
		}
		_ = m.SetMTI([]byte(mti)) // 4 digits
		m.SetString(3, "000000")
		m.SetString(18, "5411")
		m.SetString(25, "00")
		m.SetString(43, shopName)
		m.SetString(49, currency)
	}
	g.tmpl[TypePurchase].SetString(22, "902")
	g.tmpl[TypeChip].SetString(22, "051")
	g.tmpl[TypePIN].SetString(22, "901")
	g.tmpl[TypeBalance].SetString(3, "310000")
	g.tmpl[TypeBalance].SetString(4, zeroAmt)
	g.tmpl[TypeBalance].SetString(22, "902")
	if g.cfg.PIN != nil {
		sc := hsm.SecurityControl(g.cfg.PIN.Format())
		for _, t := range []Type{TypePIN, TypeBalance} {
			g.tmpl[t].SetString(22, "901")
			g.tmpl[t].SetString(26, "12")
			g.tmpl[t].SetString(53, sc)
		}
	}
	g.tmpl[TypeAccount].SetString(22, "012")
	if g.cfg.Mix.Receiving != "" {
		g.tmpl[TypeAccount].SetString(100, g.cfg.Mix.Receiving)
		g.tmpl[TypeReversal].SetString(100, g.cfg.Mix.Receiving) // removed again unless reversing an account payment
	}
}

// genWorker is one worker's view of a Generator: scratch buffers and the
// clock fields, recomputed once a second.
type genWorker struct {
	g    *Generator
	sec  int64
	f7   [10]byte // MMDDhhmmss, UTC
	date [3]byte  // 9A: YYMMDD, BCD
	num  [12]byte
	f90  [42]byte
	in   [48]byte  // ARQC input
	icc  [160]byte // field 55
}

// fill builds request i for connection conn into m (reset by the caller).
func (w *genWorker) fill(ctx context.Context, i, conn int, m *dialect.Message, info *reqInfo) error {
	g := w.g
	x := mix64(g.cfg.Seed + uint64(i))
	t := g.pick[x%uint64(len(g.pick))]
	w.tick()
	stan := uint32(i%999999 + 1)
	if t == TypeReversal {
		if o, ok := g.rings[conn].pop(); ok {
			info.typ = TypeReversal
			w.reversal(m, conn, stan, &o)
			return nil
		}
		t = g.fallback
	}
	list := g.byType[t]
	ci := list[(x>>16)%uint64(len(list))]
	c := g.cards[ci]
	term := int32((x >> 40) % uint64(len(g.terms)))
	info.typ = t
	w.base(m, &g.tmpl[t], conn, stan, term)
	info.orig = original{typ: t, card: ci, term: term, stan: stan, f7: w.f7}
	if t != TypeBalance && t != TypeChip {
		info.orig.amount = g.amount(x>>8, c)
		m.SetCopy(4, w.digits12(info.orig.amount))
	}
	if t == TypeAccount {
		m.Set(102, c.accountID)
		return nil
	}
	m.Set(2, c.pan)
	m.Set(14, c.expiry)
	m.Set(35, c.track2)
	switch {
	case t == TypeChip:
		m.Set(23, c.psn3)
		if err := w.chip(m, c, x); err != nil {
			return err
		}
		info.orig.amount = w.amountOf(m)
	case t == TypePIN || (t == TypeBalance && g.cfg.PIN != nil):
		b, err := c.pinBlockFrom(ctx, g.cfg.PIN)
		if err != nil {
			return err
		}
		m.Set(52, b)
	}
	return nil
}

// done keeps approved financial requests for later reversals.
func (w *genWorker) done(conn int, info *reqInfo, code [2]byte) {
	switch info.typ {
	case TypePurchase, TypeChip, TypePIN, TypeAccount:
		if code == [2]byte{'0', '0'} {
			w.g.rings[conn].push(info.orig)
		}
	}
}

// tick refreshes the clock fields when the second has changed.
func (w *genWorker) tick() {
	now := w.g.now().UTC()
	if s := now.Unix(); s != w.sec {
		w.sec = s
		wire.AppendTime7(w.f7[:0], now)
		yy, mm, dd := now.Year()%100, int(now.Month()), now.Day()
		w.date = [3]byte{byte(yy/10<<4 | yy%10), byte(mm/10<<4 | mm%10), byte(dd/10<<4 | dd%10)}
	}
}

// base sets the template's fields and those every request varies: 7, 11,
// 12, 13, 32, 37, 41, 42.
func (w *genWorker) base(m, tmpl *dialect.Message, conn int, stan uint32, term int32) {
	_ = m.SetMTI(tmpl.MTI()) // a template's MTI is valid
	tmpl.Each(func(n int, v []byte) bool {
		m.Set(n, v)
		return true
	})
	m.SetCopy(7, w.f7[:])
	var s [6]byte
	wire.AppendSTAN(s[:0], stan)
	m.SetCopy(11, s[:])
	m.Set(12, m.Field(7)[4:10])
	m.Set(13, m.Field(7)[0:4])
	m.Set(32, w.g.conns[conn])
	var rrn [12]byte
	copy(rrn[:6], w.f7[4:10])
	copy(rrn[6:], s[:])
	m.SetCopy(37, rrn[:])
	m.Set(41, w.g.terms[term])
	m.Set(42, w.g.merchants[term])
}

// amount draws an amount from the mix's range, capped by the card's limit.
func (g *Generator) amount(x uint64, c *card) int64 {
	m := g.cfg.Mix
	a := m.AmountMin + int64(x%uint64(m.AmountMax-m.AmountMin+1))
	if c.limit > 0 && a > c.limit {
		a = c.limit
	}
	return a
}

// amountOf reads back field 4 (12 digits) of m.
func (w *genWorker) amountOf(m *dialect.Message) int64 {
	var v int64
	for _, d := range m.Field(4) {
		v = v*10 + int64(d-'0')
	}
	return v
}

// digits12 renders v as 12 decimal digits in the worker's scratch buffer.
func (w *genWorker) digits12(v int64) []byte {
	for i := 11; i >= 0; i-- {
		w.num[i] = byte('0' + v%10)
		v /= 10
	}
	return w.num[:]
}

// reversal builds the 0400 that reverses o: same card or account, amount,
// processing code, entry mode and terminal; field 90 names the original.
func (w *genWorker) reversal(m *dialect.Message, conn int, stan uint32, o *original) {
	g := w.g
	w.base(m, &g.tmpl[TypeReversal], conn, stan, o.term)
	orig := &g.tmpl[o.typ]
	m.Set(3, orig.Field(3))
	m.Set(22, orig.Field(22))
	m.SetCopy(4, w.digits12(o.amount))
	c := g.cards[o.card]
	if o.typ == TypeAccount {
		m.Set(102, c.accountID)
	} else {
		m.Unset(100)
		m.Set(2, c.pan)
		m.Set(14, c.expiry)
	}
	f := w.f90[:0]
	f = append(f, "0200"...)
	f = wire.AppendSTAN(f, o.stan)
	f = append(f, o.f7[:]...)
	id := g.conns[conn]
	f = append(f, noForward[:11-len(id)]...)
	f = append(f, id...)
	f = append(f, noForward...)
	m.SetCopy(90, f)
}
